package dev.webhookrelay.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.DeliveryAttempt.Next;
import dev.webhookrelay.history.HistoryDay;
import dev.webhookrelay.history.HistoryDays;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Turns a work-queue message into a claimed attempt, with PostgreSQL as the judge. The claim is one
 * conditional UPDATE: it succeeds only for the attempt the delivery is waiting for, so a duplicate or
 * stale message (outbox republish, an old copy in the DLQ) is recognised and skipped, and a delivery
 * that is already DELIVERED, or whose endpoint is disabled or deleted, is never attempted (a pending
 * delivery whose message meets a disabled endpoint is paused, or ended if it was deleted). A claim
 * holds a lease: when the relay that held it is killed mid-attempt, the broker's redelivery of the
 * message waits out the lease in a wait queue and then claims the attempt again.
 */
@Component("deliveryClaim")
public class DeliveryClaim {

    /** The attempt is claimed and its lease still runs: another consumer (or a dead one) holds it. */
    private static final String HELD_ELSEWHERE = "held elsewhere";

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryClaim.class);

    /*
     * Claimable: the message's attempt follows the last one claimed, or it is the attempt last
     * claimed and that claim's lease ran out (whoever held it died mid-attempt). The lease is
     * written into next_attempt_at. The claim names the delivery's day's partitions of deliveries and
     * events (V51, HistoryDays), and its created_at.
     * A delivery of a fifo endpoint must also be its head: no unfinished delivery of the endpoint
     * comes before it, and none other is claimed right now (FifoOrder runs this under the endpoint's
     * lock, so two claims cannot both see the other absent). Only a fifo endpoint's claim carries
     * that test: as a subquery over every partition it would cost every other claim too, even unrun.
     * It names the parents: its head test reads them anyway.
     */
    private static final String CLAIM = claim("p.ordering <> 'fifo'");
    private static final String CLAIM_FIFO_HEAD = HistoryDay.PARENTS.address(claim("NOT " + FifoOrder.WAITS_FOR_ANOTHER));

    private static String claim(String order) {
        return """
            UPDATE deliveries{day} d
               SET status = 'DISPATCHING', attempt_count = d.attempt_count + 1,
                   unfinished_claims = CASE WHEN d.budget_attempts = ? THEN d.unfinished_claims + 1 ELSE 0 END,
                   budget_attempts = ?,
                   next_attempt_at = now() + make_interval(secs => ?), updated_at = now()
              FROM events{day} e, endpoints p
             WHERE d.id = ? AND d.created_at = ? AND e.created_at = ?
               AND e.id = d.event_id AND p.id = d.endpoint_id
               AND p.enabled AND p.deleted_at IS NULL
               AND ((d.budget_attempts = ? - 1 AND d.status IN (%s))
                    OR (d.budget_attempts = ? AND d.status = 'DISPATCHING'
                        AND coalesce(d.next_attempt_at, '-infinity') < now()))
               AND %s
            RETURNING d.event_id, d.endpoint_id, d.tenant_id, p.url, e.type, e.payload::text, e.created_at, p.ordering,
                      d.attempt_count, p.headers::text AS headers, p.retry_schedule, p.auth, p.transformation,
                      p.updated_at AS endpoint_version, d.recovering, d.unfinished_claims, %s""".formatted(DeliveryStatus.PENDING_SQL,
                order, OpenedEndpoints.SECRETS_COLUMN);
    }

    /** Where a message without the delivery's partition key or endpoint (one older than V51) points. */
    private static final String LOCATE = "SELECT endpoint_id, created_at FROM deliveries WHERE id = ?";

    /** The delivery's endpoint and partition key. */
    private record Location(UUID endpointId, Instant createdAt) {
    }

    /**
     * A message moved back from the DLQ (e.g. in the management UI) starts a fresh attempt budget; if
     * delivered now, the delivery has recovered. Only a message that names the delivery's created_at
     * and endpoint reopens it: one that did not would reopen a delivery its claim then refuses, and
     * leave it DISPATCHING, out of /v1/dlq and unreplayable, until the reconciler's grace. While the
     * endpoint is disabled the delivery waits PAUSED, as an API replay's does (ReplayService), so
     * enabling the endpoint sends it; the endpoint is read under a lock (see PausedDeliveries).
     */
    private static final String REOPEN_DEAD_LETTERED = """
            WITH p AS (
                SELECT p.id, p.enabled, p.disabled_by FROM endpoints p WHERE p.id = ? AND p.deleted_at IS NULL FOR SHARE)
            UPDATE deliveries d
               SET status = CASE WHEN p.enabled THEN 'DISPATCHING' ELSE 'PAUSED' END,
                   paused_reason = CASE WHEN p.enabled THEN NULL ELSE coalesce(p.disabled_by, 'operator') END,
                   budget_attempts = 0, recovering = true, next_attempt_at = NULL, updated_at = now()
              FROM p
             WHERE d.id = ? AND d.created_at = ? AND d.endpoint_id = p.id AND d.status = 'DEAD_LETTERED'
            RETURNING d.status""";

    private final JdbcTemplate jdbc;
    private final OpenedEndpoints opened;
    private final DeliveryMetrics metrics;
    private final PausedDeliveries paused;
    private final FifoOrder fifo;
    private final HistoryDays historyDays;
    private final double leaseSeconds;
    private final int maxUnfinishedClaims;

    public DeliveryClaim(JdbcTemplate jdbc, OpenedEndpoints opened, DeliveryMetrics metrics, PausedDeliveries paused,
            RelayProperties properties, FifoOrder fifo, HistoryDays historyDays) {
        this.jdbc = jdbc;
        this.opened = opened;
        this.metrics = metrics;
        this.paused = paused;
        this.fifo = fifo;
        this.historyDays = historyDays;
        // Longer than any attempt can take (the deadline ends it), so a live attempt never loses its claim.
        this.leaseSeconds = properties.delivery().attemptDeadline().plus(properties.delivery().claimLeaseMargin())
                .toMillis() / 1000.0;
        this.maxUnfinishedClaims = properties.delivery().maxUnfinishedClaims();
    }

    /** Claims the attempt, or says why not: postponed while another consumer holds it, skipped otherwise. */
    public void claim(@Variable("attempt") DeliveryAttempt attempt) {
        UUID deliveryId = attempt.deliveryId();
        int number = attempt.message().attempt();
        Optional<Location> location = locate(attempt.message());
        if (location.isEmpty()) {
            notClaimed(attempt, number);
            return;
        }
        if (attempt.fromDeadLetterQueue() && reopen(deliveryId, location.get())) {
            number = 1;
        }
        UUID endpointId = location.get().endpointId();
        Timestamp createdAt = Timestamp.from(location.get().createdAt());
        Object[] arguments = {number, number, leaseSeconds, deliveryId, createdAt, createdAt, number, number};
        final int claimedAttempt = number;
        List<Claimed> claimed = fifo.isFifo(endpointId)
                ? fifo.underLock(endpointId, () -> jdbc.query(CLAIM_FIFO_HEAD,
                        (rs, n) -> context(rs, deliveryId, claimedAttempt), arguments))
                : historyDays.inDayOf(location.get().createdAt(), day -> jdbc.query(day.address(CLAIM),
                        (rs, n) -> context(rs, deliveryId, claimedAttempt), arguments));
        if (claimed.isEmpty()) {
            notClaimed(attempt, number);
        } else {
            attempt.claimed(claimed.get(0).context());
            if (claimed.get(0).unfinishedClaims() > maxUnfinishedClaims) {
                abandon(attempt, claimed.get(0).unfinishedClaims());
            }
        }
    }

    /** Reopens a dead letter its message came back for; false when the message reopens nothing. */
    private boolean reopen(UUID deliveryId, Location location) {
        List<String> reopened = jdbc.queryForList(REOPEN_DEAD_LETTERED, String.class, location.endpointId(), deliveryId,
                Timestamp.from(location.createdAt()));
        if (reopened.isEmpty()) {
            return false;
        }
        if (DeliveryStatus.PAUSED.name().equals(reopened.get(0))) {
            LOG.info("Delivery {} came back from the dead-letter queue while its endpoint is disabled: paused with a"
                    + " fresh budget until the endpoint is enabled", deliveryId);
        } else {
            LOG.info("Delivery {} came back from the dead-letter queue: attempting again with a fresh budget", deliveryId);
        }
        return true;
    }

    /**
     * Whatever failed after this attempt's request, each of the last claims, would fail again: the
     * delivery is dead-lettered (replayable) rather than sent to the receiver once more.
     */
    private static void abandon(DeliveryAttempt attempt, int unfinished) {
        String why = "attempt " + attempt.delivery().attempt() + " was claimed " + unfinished
                + " times before and never finished (its outcome was not recorded)";
        LOG.warn("Delivery {}: {}; dead-lettered instead of sent again", attempt.deliveryId(), why);
        attempt.answered(new AttemptResult(null, Map.of(), null, new UnfinishedAttemptException(why), 0));
        attempt.judged(Next.DEAD_LETTER, why, false, null);
    }

    /** A claimed attempt, and how many times before it was claimed without an outcome. */
    private record Claimed(DeliveryContext context, int unfinishedClaims) {
    }

    private Optional<Location> locate(WorkMessage message) {
        if (message.createdAt() != null && message.endpointId() != null) {
            return Optional.of(new Location(message.endpointId(), message.createdAt()));
        }
        return jdbc.query(LOCATE, (rs, n) -> new Location(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant()),
                message.deliveryId()).stream().findFirst();
    }

    private void notClaimed(DeliveryAttempt attempt, int number) {
        UUID deliveryId = attempt.deliveryId();
        List<String> reasons = jdbc.query("""
                SELECT d.status, d.budget_attempts, p.enabled, p.deleted_at IS NOT NULL,
                       d.status = 'DISPATCHING' AND d.budget_attempts = ?,
                       p.ordering = 'fifo' AND %s
                  FROM deliveries d JOIN endpoints p ON p.id = d.endpoint_id WHERE d.id = ?""".formatted(FifoOrder.WAITS_FOR_ANOTHER),
                (rs, n) -> {
                    if (rs.getBoolean(4)) {
                        return "endpoint deleted";
                    }
                    if (!rs.getBoolean(3)) {
                        return "endpoint disabled";
                    }
                    if (rs.getBoolean(5)) {
                        return HELD_ELSEWHERE;
                    }
                    if (rs.getBoolean(6)) {
                        return FifoOrder.WAITING;
                    }
                    return "delivery is " + rs.getString(1) + " after attempt " + rs.getInt(2)
                            + "; message for attempt " + number + " is stale or a duplicate";
                }, number, deliveryId);
        String reason = reasons.isEmpty() ? "delivery does not exist" : reasons.get(0);
        if (HELD_ELSEWHERE.equals(reason)) {
            // Held by another consumer, or by one that died: come back after a wait and claim it once
            // the lease has ended. Never skipped, even if the lease ran out since the claim query.
            attempt.postpone();
            return;
        }
        if (reason.startsWith("endpoint")) {
            paused.pauseOrEnd(deliveryId);
        }
        metrics.skipped(reason.startsWith("endpoint") ? reason.replace(' ', '-')
                : FifoOrder.WAITING.equals(reason) ? "fifo-waiting" : "stale-or-done");
        attempt.skip(reason);
    }

    private Claimed context(ResultSet rs, UUID deliveryId, int attempt) throws SQLException {
        UUID endpointId = rs.getObject("endpoint_id", UUID.class);
        int unfinishedClaims = rs.getInt("unfinished_claims");
        // An attempt about to be abandoned sends nothing, so its secrets and header values stay
        // sealed: one that cannot be opened (a master key dropped before re-encryption ended) is
        // what may have stopped the earlier claims from finishing.
        boolean abandoned = unfinishedClaims > maxUnfinishedClaims;
        OpenedEndpoints.Headers headers = abandoned ? new OpenedEndpoints.Headers(Map.of(), Set.of())
                : opened.headers(endpointId, rs.getString("headers"));
        return new Claimed(new DeliveryContext(deliveryId,
                rs.getObject("event_id", UUID.class),
                endpointId,
                rs.getObject("tenant_id", UUID.class),
                rs.getString("url"),
                rs.getString("type"),
                rs.getString("payload"),
                rs.getTimestamp("created_at").toInstant(),
                abandoned ? List.of() : opened.secrets(endpointId, rs.getArray("secrets")),
                headers.values(),
                rs.getString("retry_schedule"),
                attempt,
                rs.getInt("attempt_count"),
                headers.sensitive(),
                "fifo".equals(rs.getString("ordering")),
                rs.getString("auth"),
                rs.getString("transformation"),
                rs.getTimestamp("endpoint_version").toInstant(),
                rs.getBoolean("recovering")), unfinishedClaims);
    }
}
