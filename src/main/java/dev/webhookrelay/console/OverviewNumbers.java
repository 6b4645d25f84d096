package dev.webhookrelay.console;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.webhookrelay.config.RelayProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * The overview's numbers, read from the same meters Prometheus scrapes (metrics.BacklogGauges, the
 * ingest and delivery counters), so the console and the dashboards never disagree. Rates are the
 * counters' increase over the last relay.metrics.backlog-sample-interval, per second; like the
 * gauges they are this instance's view.
 */
@Component
class OverviewNumbers implements SchedulingConfigurer {

    private final MeterRegistry registry;
    private final JdbcTemplate jdbc;
    private final Duration interval;
    private volatile Map<String, Double> previous = Map.of();
    private volatile Map<String, Double> rates = Map.of();

    OverviewNumbers(MeterRegistry registry, JdbcTemplate jdbc, RelayProperties properties) {
        this.registry = registry;
        this.jdbc = jdbc;
        this.interval = properties.metrics().backlogSampleInterval();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(new FixedDelayTask(this::sample, interval, Duration.ZERO));
    }

    void sample() {
        Map<String, Double> now = counters();
        Map<String, Double> before = previous;
        Map<String, Double> perSecond = new TreeMap<>();
        now.forEach((name, value) -> perSecond.put(name,
                Math.max(0, value - before.getOrDefault(name, value)) / interval.toMillis() * 1000));
        previous = now;
        rates = perSecond;
    }

    /** Counter totals: events accepted, and attempts by outcome. */
    private Map<String, Double> counters() {
        Map<String, Double> totals = new TreeMap<>();
        totals.put("ingested", registry.find("relay.ingest.accepted").counters().stream().mapToDouble(Counter::count).sum());
        for (Counter counter : registry.find("relay.deliveries").counters()) {
            totals.merge(counter.getId().getTag("outcome"), counter.count(), Double::sum);
        }
        return totals;
    }

    Map<String, Object> numbers() {
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("rates", rates);
        numbers.put("workQueue", gauge("relay.queue.depth", "queue", "work"));
        numbers.put("waitQueues", gauge("relay.queue.depth", "queue", "wait"));
        numbers.put("deadLetterQueue", gauge("relay.queue.depth", "queue", "dead-letter"));
        numbers.put("oldestUndeliveredSeconds", gauge("relay.undelivered.oldest.age", null, null));
        numbers.put("paused", registry.find("relay.deliveries.paused").gauges().stream().mapToDouble(Gauge::value).sum());
        numbers.put("deadLettered", jdbc.queryForObject(
                "SELECT count(*) FROM deliveries WHERE status = 'DEAD_LETTERED'", Long.class));
        return numbers;
    }

    /** Endpoints failing without a success since some time (delivery.AttemptRecorder sets failing_since). */
    List<Map<String, Object>> failingEndpoints() {
        return jdbc.queryForList("""
                SELECT e.id, e.url, e.tenant_id, t.name AS tenant_name, e.failing_since, e.enabled
                  FROM endpoints e JOIN tenants t ON t.id = e.tenant_id
                 WHERE e.failing_since IS NOT NULL AND e.deleted_at IS NULL
                 ORDER BY e.failing_since LIMIT 50""");
    }

    List<Map<String, Object>> tenants() {
        return jdbc.queryForList("""
                SELECT t.id, t.name, t.created_at,
                       (SELECT count(*) FROM endpoints e WHERE e.tenant_id = t.id AND e.deleted_at IS NULL) AS endpoints,
                       (SELECT count(*) FROM deliveries d WHERE d.tenant_id = t.id AND d.status = 'DEAD_LETTERED') AS dead_lettered
                  FROM tenants t ORDER BY t.name, t.id LIMIT 500""");
    }

    private double gauge(String name, String tag, String value) {
        var search = registry.find(name);
        Gauge gauge = (tag == null ? search : search.tag(tag, value)).gauge();
        return gauge == null ? 0 : gauge.value();
    }
}
