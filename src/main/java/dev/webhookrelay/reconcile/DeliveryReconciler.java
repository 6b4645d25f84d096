package dev.webhookrelay.reconcile;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.DeliveryMetrics;
import dev.webhookrelay.delivery.FifoOrder;
import dev.webhookrelay.delivery.RefusedPublish;
import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.broker.WorkQueueProgress;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * PostgreSQL's answer to whatever the broker lost. A pending delivery always says when the relay
 * will act on it next: a retry at next_attempt_at, a running attempt by the end of its lease
 * (next_attempt_at), a dead letter reopened from the DLQ by its claim soon after (updated_at). One
 * that is overdue by more than relay.reconcile.grace has lost its message (a deleted wait queue, a
 * broker rebuilt empty), and is republished for the attempt it waits for. Queued RECEIVED deliveries
 * are the outbox sweeper's. The
 * claim judges every copy, so a copy of a message that still exists is skipped, never sent twice.
 * A republished message carries its event's trace parent (events.trace_parent): the attempt joins
 * the event's trace, as the outbox sweeper's republishes and replays do, instead of starting one.
 *
 * <p>A queued delivery, or a retry that went back to the work queue, is overdue only once the work
 * queue has handed out what entered it after that delivery (WorkQueueProgress): the tail of a long
 * backlog is slow, not lost, and is left alone however old it is. One relay at a time reconciles (a
 * transaction-scoped advisory lock). A delivery republished and still not delivered is not copied
 * every interval: each republish doubles the wait before the next one (reconciled_at), up to an hour
 * (a delivery overdue for days, its message lost again, is not left for days more). A republish the
 * broker refused, or whose batch failed, is due again at the next run.
 */
@Component("deliveryReconciler")
public class DeliveryReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryReconciler.class);
    /** The advisory lock key: "relay-reconcile" as ASCII. */
    private static final long LOCK = 0x72656c61795f7263L;

    private static final String CLAIM = """
            UPDATE deliveries d SET reconciled_at = now()
             WHERE d.id = ANY (ARRAY(
                SELECT id FROM deliveries
                 WHERE status IN ('DISPATCHING', 'RETRY_SCHEDULED')
                   AND coalesce(next_attempt_at, updated_at) < now() - make_interval(secs => ?)
                   -- A lease runs out by the clock. A queued message, or a retry back from its wait
                   -- queue, waits its turn behind whatever backlog: lost only once the work queue has
                   -- handed out what entered it later.
                   AND ((status = 'DISPATCHING' AND next_attempt_at IS NOT NULL)
                        OR coalesce(next_attempt_at, updated_at) < ?::timestamptz - make_interval(secs => ?))
                   AND %s
                   AND (reconciled_at IS NULL
                        OR reconciled_at < now() - greatest(make_interval(secs => ?),
                                                            least(reconciled_at - coalesce(next_attempt_at, updated_at),
                                                                  interval '%s')))
                 ORDER BY created_at
                 LIMIT ?
                 FOR UPDATE SKIP LOCKED))
            RETURNING d.id, d.endpoint_id, d.tenant_id, d.status, d.budget_attempts, d.next_attempt_at IS NOT NULL AS leased,
                      (SELECT e.trace_parent FROM events e WHERE e.id = d.event_id AND e.created_at = d.created_at),
                      d.created_at"""
            .formatted(FifoOrder.NOT_BEHIND_ITS_HEAD, "1 hour");

    /** A delivery whose republish failed is due again at the next run, not after the doubled wait. */
    private static final String UNSTAMP = "UPDATE deliveries SET reconciled_at = NULL WHERE id = ? AND created_at = ?";

    private final JdbcTemplate jdbc;
    private final DeliveryMetrics metrics;
    private final RelayProperties.Reconcile reconcile;
    private final WorkQueueProgress progress;

    public DeliveryReconciler(JdbcTemplate jdbc, DeliveryMetrics metrics, RelayProperties properties,
            WorkQueueProgress progress) {
        this.jdbc = jdbc;
        this.metrics = metrics;
        this.reconcile = properties.reconcile();
        this.progress = progress;
    }

    /**
     * Claims the next batch of overdue deliveries and returns their work messages; empty when another
     * relay is reconciling right now.
     */
    @Transactional
    public List<WorkMessage> claimOverdue() {
        if (!Boolean.TRUE.equals(jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class, LOCK))) {
            return List.of();
        }
        double grace = reconcile.grace().toMillis() / 1000.0;
        List<Overdue> overdue = jdbc.query(CLAIM, (rs, n) -> Overdue.of(rs.getObject(1, UUID.class),
                rs.getObject(2, UUID.class), rs.getObject(3, UUID.class), rs.getString(4), rs.getInt(5), rs.getBoolean(6),
                rs.getString(7), rs.getTimestamp(8).toInstant()), grace, Timestamp.from(progress.handedOutUpTo()), grace, grace, reconcile.batchSize());
        if (overdue.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> byReason = new TreeMap<>();
        List<WorkMessage> messages = new ArrayList<>(overdue.size());
        for (Overdue delivery : overdue) {
            byReason.merge(delivery.reason(), 1, Integer::sum);
            messages.add(new WorkMessage(delivery.deliveryId(), delivery.endpointId(), delivery.tenantId(),
                    delivery.attempt(), delivery.traceparent(), delivery.createdAt()));
            LOG.debug("reconcile delivery={} endpoint={} attempt={} reason={}", delivery.deliveryId(),
                    delivery.endpointId(), delivery.attempt(), delivery.reason());
        }
        byReason.forEach(metrics::reconciled);
        LOG.warn("Reconciler republished {} overdue deliveries (grace {}): {}", overdue.size(), reconcile.grace(),
                byReason);
        return messages;
    }

    /** The republishes the broker refused are due again at the next run. */
    public void refused(@Body List<RefusedPublish> refused) {
        unpublished(refused.stream().map(RefusedPublish::message).toList());
    }

    /** The batch claimOverdue returned was not published: it is due again at the next run. */
    public void unpublished(@Variable("overdue") List<WorkMessage> batch) {
        jdbc.batchUpdate(UNSTAMP, batch.stream()
                .map(message -> new Object[] {message.deliveryId(), Timestamp.from(message.createdAt())}).toList());
    }

    /** Whether claimOverdue's batch was full, so that more deliveries may be overdue. */
    public boolean isFull(@Body List<WorkMessage> batch) {
        return batch.size() == reconcile.batchSize();
    }

    /**
     * An overdue delivery, the attempt its claim waits for, why it is overdue, its event's trace
     * parent, and its created_at (the partition its claim reads).
     */
    record Overdue(UUID deliveryId, UUID endpointId, UUID tenantId, int attempt, String reason, String traceparent,
            Instant createdAt) {

        static Overdue of(UUID deliveryId, UUID endpointId, UUID tenantId, String status, int budgetAttempts,
                boolean leased, String traceparent, Instant createdAt) {
            if ("RETRY_SCHEDULED".equals(status)) {
                return new Overdue(deliveryId, endpointId, tenantId, budgetAttempts + 1, "retry-overdue", traceparent, createdAt);
            }
            // A claimed attempt whose relay died: the same attempt again once its lease ran out.
            return leased
                    ? new Overdue(deliveryId, endpointId, tenantId, budgetAttempts, "lease-expired", traceparent, createdAt)
                    : new Overdue(deliveryId, endpointId, tenantId, budgetAttempts + 1, "queued-overdue", traceparent, createdAt);
        }
    }
}
