package dev.webhookrelay.outbox;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.broker.WorkQueueProgress;
import dev.webhookrelay.config.RelayProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Finds deliveries that were committed but never confirmed into the work queue (the relay died
 * between commit and publish, or RabbitMQ was down) and claims them for republishing. A claim is a
 * lease written into next_attempt_at with SKIP LOCKED, so several relay instances sweeping at once
 * never publish the same delivery twice in one lease, and a claim whose publish fails is retried
 * after the lease. A republished message carries its event's trace parent: it joins the event's trace.
 *
 * <p>A row ingest published itself (no lease yet) may only be waiting for its confirm or its
 * DISPATCHING mark, which lag under load: it counts as unpublished only once the work queue has
 * handed out what was published after it (WorkQueueProgress), so a busy relay is not sent copies of
 * what it already queued. Rows that only the sweeper publishes (operational events, resumed paused
 * deliveries) carry a due time in next_attempt_at and go as soon as it passes.
 */
@Component("outboxSweeper")
public class OutboxSweeper {

    private static final String CLAIM = """
            UPDATE deliveries SET next_attempt_at = now() + make_interval(secs => ?)
            WHERE id IN (
                SELECT id FROM deliveries
                WHERE status = 'RECEIVED'
                  AND created_at < now() - make_interval(secs => ?)
                  AND CASE WHEN next_attempt_at IS NULL THEN created_at < ?::timestamptz - make_interval(secs => ?)
                           ELSE next_attempt_at < now() END
                ORDER BY created_at
                LIMIT ?
                FOR UPDATE SKIP LOCKED)
            RETURNING id, endpoint_id, tenant_id, budget_attempts,
                      (SELECT e.trace_parent FROM events e WHERE e.id = deliveries.event_id)""";

    private final JdbcTemplate jdbc;
    private final RelayProperties.Outbox outbox;
    private final WorkQueueProgress progress;

    public OutboxSweeper(JdbcTemplate jdbc, RelayProperties properties, WorkQueueProgress progress) {
        this.jdbc = jdbc;
        this.outbox = properties.outbox();
        this.progress = progress;
    }

    public List<WorkMessage> claimUnpublished() {
        double minAge = outbox.minAge().toMillis() / 1000.0;
        Timestamp handedOutUpTo = Timestamp.from(progress.handedOutUpTo());
        return jdbc.query(CLAIM,
                (rs, n) -> new WorkMessage(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), rs.getInt(4) + 1, rs.getString(5)),
                outbox.lease().toMillis() / 1000.0, minAge, handedOutUpTo, minAge, outbox.batchSize());
    }
}
