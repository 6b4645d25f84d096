package dev.webhookrelay.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.delivery.DeliveryAttempt.Next;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Ordered delivery for endpoints registered with {@code "ordering": "fifo"}: one attempt at a time,
 * in the order the events were committed (deliveries.seq, numbered at fan-out). Only the head, the
 * endpoint's unfinished delivery with the lowest number, may be claimed, and only while no other
 * delivery of the endpoint is claimed; a message for any other delivery is skipped. When the head
 * ends (delivered or dead-lettered) the next head's message is published at once; a retrying head
 * keeps the endpoint waiting through its whole schedule. Should that publish be lost (a crash
 * between the commit and the publish), the reconciler republishes the overdue head.
 */
@Component("fifoOrder")
public class FifoOrder {

    /** Why a message of a fifo endpoint was skipped: its delivery is not the head, or the head is being attempted. */
    static final String WAITING = "waiting behind an earlier delivery of its fifo endpoint";

    /** Another delivery of d's endpoint must go first: an earlier unfinished one, or one claimed now. */
    static final String WAITS_FOR_ANOTHER = """
            EXISTS (SELECT 1 FROM deliveries o
                     WHERE o.endpoint_id = d.endpoint_id AND o.id <> d.id AND o.seq IS NOT NULL
                       AND o.status IN (%s)
                       AND (o.seq < d.seq
                            OR (o.status = 'DISPATCHING' AND o.budget_attempts > 0 AND o.next_attempt_at > now())))"""
            .formatted(DeliveryStatus.UNFINISHED_SQL);

    /**
     * Of a pending delivery row {@code deliveries}: it is not a fifo delivery waiting behind its
     * endpoint's head. Such a one has no message on purpose (its turn comes when the head finishes),
     * so it is neither lost nor overdue.
     */
    public static final String NOT_BEHIND_ITS_HEAD = """
            (deliveries.seq IS NULL OR NOT EXISTS (
                SELECT 1 FROM deliveries earlier
                 WHERE earlier.endpoint_id = deliveries.endpoint_id AND earlier.seq < deliveries.seq
                   AND earlier.status IN (%s)))""".formatted(DeliveryStatus.UNFINISHED_SQL);

    private static final String HEAD = """
            SELECT d.id, d.endpoint_id, d.tenant_id, d.status, d.budget_attempts, d.seq, d.created_at,
                   d.status <> 'RETRY_SCHEDULED' OR d.next_attempt_at <= now() AS due,
                   d.status = 'DISPATCHING' AND d.budget_attempts > 0 AND d.next_attempt_at > now() AS in_flight
              FROM deliveries d
             WHERE d.endpoint_id = ? AND d.seq IS NOT NULL AND d.status IN (%s)
             ORDER BY d.seq LIMIT 1""".formatted(DeliveryStatus.UNFINISHED_SQL);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final WorkPublisher publisher;
    /** An endpoint's ordering is fixed when it is created, so it can be kept for good. */
    private final Cache<UUID, Boolean> fifoEndpoints = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(1)).build();

    public FifoOrder(JdbcTemplate jdbc, PlatformTransactionManager transactions, WorkPublisher publisher) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.publisher = publisher;
    }

    /**
     * Runs a claim of a fifo endpoint's delivery in a transaction holding the endpoint's advisory
     * lock, so that concurrent claims of two of its deliveries see each other's outcome and at most
     * one succeeds.
     */
    <T> T underLock(UUID endpointId, Supplier<T> claim) {
        return transaction.execute(status -> {
            lock(endpointId);
            return claim.get();
        });
    }

    /** Holds the endpoint's claim lock until the current transaction ends. */
    public void lock(UUID endpointId) {
        jdbc.queryForObject("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", Object.class, endpointId.toString());
    }

    /** An operator's retry: the head's next attempt now; the message waiting in its wait queue then finds it moved on. */
    public void retryNow(Head head) throws InterruptedException {
        publisher.toWorkQueue(head.message());
    }

    /** The attempt ended its fifo delivery (delivered or dead-lettered): the next one may go. */
    public boolean releasesNext(@Variable("attempt") DeliveryAttempt attempt) {
        return attempt.delivery() != null && attempt.delivery().fifo()
                && (attempt.next() == Next.DELIVERED || attempt.next() == Next.DEAD_LETTER);
    }

    public void publishNextHead(@Variable("attempt") DeliveryAttempt attempt) throws InterruptedException {
        publishHead(attempt.delivery().endpointId());
    }

    /**
     * Publishes the head's message when it is waiting for one: a head being attempted has its message,
     * and a retry not yet due waits in its wait queue. (A RECEIVED row's next_attempt_at is when the
     * outbox would republish it, not a reason to wait.)
     */
    public Optional<Head> publishHead(UUID endpointId) throws InterruptedException {
        Optional<Head> head = head(endpointId);
        if (head.isPresent() && head.get().due() && !head.get().inFlight()
                && !DeliveryStatus.PAUSED.name().equals(head.get().status())) {
            publisher.toWorkQueue(head.get().message());
        }
        return head;
    }

    public Optional<Head> head(UUID endpointId) {
        List<Head> found = jdbc.query(HEAD, (rs, n) -> new Head(
                new WorkMessage(rs.getObject("id", UUID.class), rs.getObject("endpoint_id", UUID.class),
                        rs.getObject("tenant_id", UUID.class), rs.getInt("budget_attempts") + 1, null,
                        rs.getTimestamp("created_at").toInstant()),
                rs.getString("status"), rs.getLong("seq"), rs.getBoolean("due"), rs.getBoolean("in_flight")),
                endpointId);
        return found.stream().findFirst();
    }

    boolean isFifo(UUID endpointId) {
        return fifoEndpoints.get(endpointId, id -> Boolean.TRUE.equals(jdbc.query(
                "SELECT ordering = 'fifo' FROM endpoints WHERE id = ?", rs -> rs.next() && rs.getBoolean(1), id)));
    }

    /** The delivery a fifo endpoint waits on, with the message that attempts it next. */
    public record Head(WorkMessage message, String status, long seq, boolean due, boolean inFlight) {
    }
}
