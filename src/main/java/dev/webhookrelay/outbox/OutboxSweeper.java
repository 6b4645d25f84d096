package dev.webhookrelay.outbox;

import java.sql.Timestamp;
import java.util.List;
import java.util.UUID;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.broker.WorkQueueProgress;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.DeliveryMetrics;
import dev.webhookrelay.delivery.FifoOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Finds RECEIVED deliveries whose message never reached the work queue (the relay died between
 * commit and publish, RabbitMQ was down or refused it) and claims them for republishing. A delivery
 * stays RECEIVED until a consumer claims it, so a RECEIVED row may just be waiting its turn: it counts
 * as unpublished only once the work queue has handed out what was published relay.outbox.min-age
 * after it was queued (updated_at; WorkQueueProgress), and a backlog of any age is never copied. Rows
 * that only the sweeper publishes (operational events, resumed paused deliveries) carry a due time in
 * next_attempt_at instead, and go as soon as it passes.
 *
 * <p>A claim marks the row queued now (updated_at, no due time) with SKIP LOCKED: several relays
 * sweeping at once never publish the same delivery twice, and a claim whose publish failed is taken
 * again once the queue has moved past it. A republished message carries its event's trace parent.
 */
@Component("outboxSweeper")
public class OutboxSweeper {

    /** The reconciled reason of a queued delivery whose message the work queue never had, or lost. */
    public static final String UNPUBLISHED = "unpublished";

    private static final Logger LOG = LoggerFactory.getLogger(OutboxSweeper.class);

    private static final String CLAIM = """
            UPDATE deliveries d SET next_attempt_at = NULL, updated_at = now()
              FROM (SELECT id, next_attempt_at IS NULL AS lost FROM deliveries
                     WHERE status = 'RECEIVED'
                       AND CASE WHEN next_attempt_at IS NULL THEN updated_at < ?::timestamptz - make_interval(secs => ?)
                                ELSE next_attempt_at < now() END
                       AND %s
                     ORDER BY created_at
                     LIMIT ?
                     FOR UPDATE SKIP LOCKED) claimed
             WHERE d.id = claimed.id
            RETURNING d.id, d.endpoint_id, d.tenant_id, d.budget_attempts,
                      (SELECT e.trace_parent FROM events e WHERE e.id = d.event_id AND e.created_at = d.created_at),
                      claimed.lost, d.created_at"""
            .formatted(FifoOrder.NOT_BEHIND_ITS_HEAD);

    private final JdbcTemplate jdbc;
    private final RelayProperties.Outbox outbox;
    private final WorkQueueProgress progress;
    private final DeliveryMetrics metrics;

    public OutboxSweeper(JdbcTemplate jdbc, RelayProperties properties, WorkQueueProgress progress,
            DeliveryMetrics metrics) {
        this.jdbc = jdbc;
        this.outbox = properties.outbox();
        this.progress = progress;
        this.metrics = metrics;
    }

    /** Claims the next batch to publish; the ones the work queue should have had count as reconciled, "unpublished". */
    public List<WorkMessage> claimUnpublished() {
        double minAge = outbox.minAge().toMillis() / 1000.0;
        Timestamp handedOutUpTo = Timestamp.from(progress.handedOutUpTo());
        List<Claimed> claimed = jdbc.query(CLAIM, (rs, n) -> new Claimed(new WorkMessage(rs.getObject(1, UUID.class),
                rs.getObject(2, UUID.class), rs.getObject(3, UUID.class), rs.getInt(4) + 1, rs.getString(5),
                rs.getTimestamp(7).toInstant()), rs.getBoolean(6)), handedOutUpTo, minAge, outbox.batchSize());
        int lost = (int) claimed.stream().filter(Claimed::lost).count();
        if (lost > 0) {
            metrics.reconciled(UNPUBLISHED, lost);
            LOG.warn("Outbox sweeper republished {} deliveries the work queue never had or lost", lost);
        }
        return claimed.stream().map(Claimed::message).toList();
    }

    /** A claimed delivery's message; lost when it was queued already (not merely due). */
    private record Claimed(WorkMessage message, boolean lost) {
    }
}
