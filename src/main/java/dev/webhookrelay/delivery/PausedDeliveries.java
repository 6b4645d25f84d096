package dev.webhookrelay.delivery;

import java.util.List;
import java.util.UUID;

import dev.webhookrelay.operational.OperationalEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * What becomes of an endpoint's pending deliveries when the endpoint is disabled (PAUSED, with the
 * reason), enabled again (back to RECEIVED: the outbox sweeper republishes them oldest first, a batch
 * at a time, and the consumers' in-flight cap and rate limit pace them to the receiver) or deleted
 * (DEAD_LETTERED, "endpoint deleted"). The relay disabling an endpoint by itself is announced to the
 * tenant's operational endpoint (endpoint.disabled), in the same transaction.
 *
 * <p>Every statement that decides between paused and pending reads the endpoint row under a lock (the
 * endpoint update itself, or FOR SHARE), so a delivery can never be paused by a decision taken on an
 * endpoint state that a concurrent re-enable has already replaced.
 */
@Component
public class PausedDeliveries {

    private static final Logger LOG = LoggerFactory.getLogger(PausedDeliveries.class);

    private final JdbcTemplate jdbc;
    private final OperationalEvents operational;

    public PausedDeliveries(JdbcTemplate jdbc, OperationalEvents operational) {
        this.jdbc = jdbc;
        this.operational = operational;
    }

    /** Disables an endpoint the relay judged unfit (410, circuit breaker) and pauses its deliveries. */
    @Transactional
    public void disable(UUID endpointId, PauseReason by, String reason) {
        List<UUID> tenant = jdbc.query("""
                UPDATE endpoints SET enabled = false, disabled_reason = ?, disabled_by = ?, updated_at = now()
                WHERE id = ? AND enabled
                RETURNING tenant_id""", (rs, n) -> rs.getObject(1, UUID.class), reason, by.code(), endpointId);
        if (!tenant.isEmpty()) {
            LOG.warn("endpoint={} disabled: {}", endpointId, reason);
            pauseAll(endpointId);
            operational.endpointDisabled(tenant.get(0), endpointId, by.code(), reason);
        }
    }

    /**
     * Pauses every pending delivery of a disabled endpoint, in the transaction that disabled it. A
     * delivery whose attempt is running is paused too: the attempt's outcome ends it if final, and
     * leaves it paused if it is a retry.
     */
    public int pauseAll(UUID endpointId) {
        int paused = jdbc.update("""
                UPDATE deliveries d
                   SET status = 'PAUSED', paused_reason = p.disabled_by, updated_at = now()
                  FROM endpoints p
                 WHERE p.id = ? AND d.endpoint_id = p.id AND NOT p.enabled AND p.deleted_at IS NULL
                   AND d.status IN (%s)""".formatted(DeliveryStatus.PENDING_SQL), endpointId);
        LOG.info("endpoint={} disabled: {} pending deliveries paused", endpointId, paused);
        return paused;
    }

    /**
     * Resumes an endpoint's paused deliveries, in the transaction that enabled it: back to RECEIVED,
     * which the outbox sweeper republishes oldest first, relay.outbox.batch-size per sweep. Their
     * next_attempt_at says they are due now: a RECEIVED row without one counts as queued already, and
     * would wait until the work queue had moved past it.
     */
    public int resumeAll(UUID endpointId) {
        int resumed = jdbc.update("""
                UPDATE deliveries SET status = 'RECEIVED', paused_reason = NULL, next_attempt_at = now(),
                       updated_at = now()
                 WHERE endpoint_id = ? AND status = 'PAUSED'""", endpointId);
        LOG.info("endpoint={} enabled: {} paused deliveries resumed", endpointId, resumed);
        return resumed;
    }

    /** Ends every delivery of a deleted endpoint that is not final yet, in the deleting transaction. */
    public int endAll(UUID endpointId) {
        int ended = jdbc.update("""
                UPDATE deliveries SET status = 'DEAD_LETTERED', last_error = 'endpoint deleted', paused_reason = NULL,
                       next_attempt_at = NULL, updated_at = now()
                 WHERE endpoint_id = ? AND status IN (%s)""".formatted(DeliveryStatus.UNFINISHED_SQL), endpointId);
        LOG.info("endpoint={} deleted: {} unfinished deliveries dead-lettered", endpointId, ended);
        return ended;
    }

    /**
     * A message of a pending delivery met a disabled or deleted endpoint at claim time (it was
     * committed while the endpoint was being disabled): pauses it, or ends it if the endpoint is gone.
     */
    public void pauseOrEnd(UUID deliveryId) {
        jdbc.update("""
                WITH endpoint AS (
                    SELECT p.id, p.deleted_at IS NOT NULL AS deleted, p.disabled_by FROM endpoints p
                     WHERE p.id = (SELECT endpoint_id FROM deliveries WHERE id = ?) AND NOT p.enabled
                       FOR SHARE)
                UPDATE deliveries d
                   SET status = CASE WHEN e.deleted THEN 'DEAD_LETTERED' ELSE 'PAUSED' END,
                       paused_reason = CASE WHEN e.deleted THEN NULL ELSE coalesce(e.disabled_by, 'operator') END,
                       last_error = CASE WHEN e.deleted THEN 'endpoint deleted' ELSE d.last_error END,
                       next_attempt_at = NULL, updated_at = now()
                  FROM endpoint e
                 WHERE d.id = ? AND d.endpoint_id = e.id AND d.status IN (%s)""".formatted(DeliveryStatus.PENDING_SQL),
                deliveryId, deliveryId);
    }
}
