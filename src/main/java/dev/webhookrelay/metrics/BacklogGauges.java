package dev.webhookrelay.metrics;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.RetrySchedule;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Backlog gauges: work, wait and dead-letter queue depths, and the age of the oldest undelivered
 * delivery. Sampled on a schedule, so a Prometheus scrape never waits on the broker or database.
 */
@Component
public class BacklogGauges {

    private static final Logger LOG = LoggerFactory.getLogger(BacklogGauges.class);

    private final AmqpAdmin admin;
    private final JdbcTemplate jdbc;
    private final RelayProperties.Rabbitmq names;
    private final List<String> waitQueues;
    private final AtomicLong workDepth = new AtomicLong();
    private final AtomicLong waitDepth = new AtomicLong();
    private final AtomicLong deadLetterDepth = new AtomicLong();
    private final AtomicLong oldestUndeliveredSeconds = new AtomicLong();

    public BacklogGauges(AmqpAdmin admin, JdbcTemplate jdbc, RelayProperties properties, RetrySchedule schedule,
            MeterRegistry registry) {
        this.admin = admin;
        this.jdbc = jdbc;
        this.names = properties.rabbitmq();
        this.waitQueues = schedule.allWaitQueues().stream().map(RetrySchedule.WaitQueue::name).toList();
        Gauge.builder("relay.queue.depth", workDepth, AtomicLong::get).tag("queue", "work")
                .description("Messages in a relay queue").register(registry);
        Gauge.builder("relay.queue.depth", waitDepth, AtomicLong::get).tag("queue", "wait").register(registry);
        Gauge.builder("relay.queue.depth", deadLetterDepth, AtomicLong::get).tag("queue", "dead-letter")
                .register(registry);
        Gauge.builder("relay.undelivered.oldest.age", oldestUndeliveredSeconds, AtomicLong::get)
                .baseUnit("seconds").description("Age of the oldest delivery not yet delivered or dead-lettered")
                .register(registry);
    }

    @Scheduled(fixedDelayString = "${relay.metrics.backlog-sample-interval:10s}", initialDelay = 5000)
    public void sample() {
        try {
            workDepth.set(depth(names.workQueue()));
            deadLetterDepth.set(depth(names.deadLetterQueue()));
            waitDepth.set(waitQueues.stream().mapToLong(this::depth).sum());
            Long oldest = jdbc.queryForObject("""
                    SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::bigint FROM deliveries
                    WHERE status IN ('RECEIVED', 'DISPATCHING', 'RETRY_SCHEDULED')""", Long.class);
            oldestUndeliveredSeconds.set(oldest == null ? 0 : oldest);
        } catch (RuntimeException e) {
            LOG.debug("Backlog sample skipped: {}", e.getMessage());
        }
    }

    private long depth(String queue) {
        var info = admin.getQueueInfo(queue);
        return info == null ? 0 : info.getMessageCount();
    }
}
