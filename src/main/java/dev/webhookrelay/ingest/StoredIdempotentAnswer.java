package dev.webhookrelay.ingest;

import java.sql.Timestamp;
import java.util.List;
import java.util.UUID;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.ingest.AcceptedEvent.AcceptedDelivery;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The stored answer to a request whose Idempotency-Key was seen before: the original 202 when the
 * body is the same (which store-event marks with the Idempotent-Replayed header), 409 when the key is
 * reused for a different body.
 */
@Component("storedIdempotentAnswer")
public class StoredIdempotentAnswer {

    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private final JdbcTemplate jdbc;

    public StoredIdempotentAnswer(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public AcceptedEvent answer(UUID tenantId, IngestRequest request) {
        List<OriginalEvent> originals = jdbc.query("""
                SELECT id, type, body_hash, created_at FROM events
                WHERE tenant_id = ? AND idempotency_key = ? ORDER BY created_at DESC LIMIT 1""",
                (rs, n) -> new OriginalEvent(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4)),
                tenantId, request.idempotencyKey());
        if (originals.isEmpty()) {
            throw ProblemException.conflict(
                    "Idempotency-Key was already used for an event that no longer exists", "Idempotency-Key");
        }
        OriginalEvent original = originals.get(0);
        if (!original.bodyHash().equals(request.bodyHash())) {
            throw ProblemException.conflict(
                    "Idempotency-Key was already used with a different request body", "Idempotency-Key");
        }
        // The original answer, as it was: every delivery had just been RECEIVED.
        List<AcceptedDelivery> deliveries = jdbc.query(
                "SELECT id, endpoint_id FROM deliveries WHERE event_id = ? ORDER BY endpoint_id",
                (rs, n) -> new AcceptedDelivery(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), "RECEIVED"),
                original.id());
        return new AcceptedEvent(original.id(), original.type(), original.createdAt().toInstant(), deliveries);
    }

    private record OriginalEvent(UUID id, String type, String bodyHash, Timestamp createdAt) {
    }
}
