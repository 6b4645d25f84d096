package dev.webhookrelay.metrics;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicLong;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.DeliveryStatus;
import dev.webhookrelay.delivery.PauseReason;
import dev.webhookrelay.delivery.RetrySchedule;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Backlog gauges: work, wait and dead-letter queue depths, the age of the oldest undelivered
 * delivery, and the deliveries paused by their endpoint's state, by reason. Sampled on a schedule,
 * so a Prometheus scrape never waits on the broker or database. Paused deliveries wait for an
 * operator, not for the relay, so they have their own gauge and do not age the undelivered one.
 */
@Component
public class BacklogGauges implements SchedulingConfigurer {

    private static final Logger LOG = LoggerFactory.getLogger(BacklogGauges.class);
    private static final Duration FIRST_SAMPLE_AFTER = Duration.ofSeconds(5);

    private final AmqpAdmin admin;
    private final JdbcTemplate jdbc;
    private final RelayProperties.Rabbitmq names;
    private final Duration sampleInterval;
    private final List<String> waitQueues;
    private final AtomicLong workDepth = new AtomicLong();
    private final AtomicLong waitDepth = new AtomicLong();
    private final AtomicLong deadLetterDepth = new AtomicLong();
    private final AtomicLong oldestUndeliveredSeconds = new AtomicLong();
    private final Map<String, AtomicLong> paused = Arrays.stream(PauseReason.values()).map(PauseReason::code)
            .collect(Collectors.toMap(Function.identity(), code -> new AtomicLong()));

    public BacklogGauges(AmqpAdmin admin, JdbcTemplate jdbc, RelayProperties properties, RetrySchedule schedule,
            MeterRegistry registry) {
        this.admin = admin;
        this.jdbc = jdbc;
        this.names = properties.rabbitmq();
        this.sampleInterval = properties.metrics().backlogSampleInterval();
        this.waitQueues = schedule.allWaitQueues().stream().map(RetrySchedule.WaitQueue::name).toList();
        Gauge.builder("relay.queue.depth", workDepth, AtomicLong::get).tag("queue", "work")
                .description("Messages in a relay queue").register(registry);
        Gauge.builder("relay.queue.depth", waitDepth, AtomicLong::get).tag("queue", "wait").register(registry);
        Gauge.builder("relay.queue.depth", deadLetterDepth, AtomicLong::get).tag("queue", "dead-letter")
                .register(registry);
        Gauge.builder("relay.undelivered.oldest.age", oldestUndeliveredSeconds, AtomicLong::get)
                .baseUnit("seconds").description("Age of the oldest delivery not yet delivered or dead-lettered, paused ones aside")
                .register(registry);
        paused.forEach((reason, count) -> Gauge.builder("relay.deliveries.paused", count, AtomicLong::get)
                .tag("reason", reason).description("Deliveries waiting for their endpoint to be enabled again")
                .register(registry));
    }

    /** Not @Scheduled: it could only read the raw key (with a second copy of its default), past RelayProperties. */
    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(new FixedDelayTask(this::sample, sampleInterval, FIRST_SAMPLE_AFTER));
    }

    void sample() {
        try {
            workDepth.set(depth(names.workQueue()));
            deadLetterDepth.set(depth(names.deadLetterQueue()));
            waitDepth.set(waitQueues.stream().mapToLong(this::depth).sum());
            Long oldest = jdbc.queryForObject("""
                    SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::bigint FROM deliveries
                    WHERE status IN (%s)""".formatted(DeliveryStatus.PENDING_SQL), Long.class);
            oldestUndeliveredSeconds.set(oldest == null ? 0 : oldest);
            Map<String, Long> pausedNow = jdbc.query(
                    "SELECT paused_reason, count(*) FROM deliveries WHERE status = 'PAUSED' GROUP BY paused_reason",
                    rs -> {
                        Map<String, Long> counts = new HashMap<>();
                        while (rs.next()) {
                            counts.put(rs.getString(1), rs.getLong(2));
                        }
                        return counts;
                    });
            paused.forEach((reason, count) -> count.set(pausedNow.getOrDefault(reason, 0L)));
        } catch (RuntimeException e) {
            LOG.debug("Backlog sample skipped: {}", e.getMessage());
        }
    }

    private long depth(String queue) {
        var info = admin.getQueueInfo(queue);
        return info == null ? 0 : info.getMessageCount();
    }
}
