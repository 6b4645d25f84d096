package dev.webhookrelay.ingest;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import dev.webhookrelay.ingest.AcceptedEvent.AcceptedDelivery;
import dev.webhookrelay.tracing.TraceParents;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes an event and its fan-out in one statement: the event row and one RECEIVED delivery per
 * enabled endpoint whose filter matches (never the tenant's operational endpoint, which receives the
 * relay's own events only: operational.OperationalEvents). Runs inside the ingest route's transaction, together with
 * the idempotency record. The event keeps the trace parent of its ingest, which its replays continue.
 */
@Component("eventStore")
public class EventStore {

    public static final String ACCEPTED = "relayAcceptedEvent";

    /*
     * A data-modifying CTE runs even when the outer INSERT selects nothing, so an event with no
     * subscribers is still stored. Which endpoints match is decided by the SQL functions of V35:
     * relay_event_type_matches (all types, an exact type, or a prefix*) and relay_filter_matches.
     * A fifo endpoint's delivery takes the next number of the endpoint's counter (V39): the counter's
     * row stays locked until this ingest commits, so concurrent ingests to that endpoint number their
     * deliveries in commit order.
     */
    private static final String INSERT_EVENT_AND_DELIVERIES = """
            WITH event AS (
                INSERT INTO events (id, tenant_id, type, payload, idempotency_key, body_hash, created_at, trace_parent)
                VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?)
                RETURNING id, tenant_id, type, payload, created_at
            ), target AS (
                SELECT endpoint.id, endpoint.ordering
                FROM event
                JOIN endpoints endpoint ON endpoint.tenant_id = event.tenant_id
                    AND endpoint.enabled AND endpoint.deleted_at IS NULL AND NOT endpoint.operational
                    AND relay_event_type_matches(endpoint.event_types, event.type)
                    AND relay_filter_matches(endpoint.filter, event.type, event.payload)
            ), fifo AS (
                UPDATE endpoints SET fifo_seq = fifo_seq + 1
                 WHERE id IN (SELECT id FROM target WHERE ordering = 'fifo')
                RETURNING id, fifo_seq
            )
            INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, status, created_at, updated_at, seq)
            SELECT gen_random_uuid(), event.id, target.id, event.tenant_id, 'RECEIVED', event.created_at, event.created_at,
                   fifo.fifo_seq
            FROM event CROSS JOIN target LEFT JOIN fifo ON fifo.id = target.id
            RETURNING id, endpoint_id
            """;

    private final JdbcTemplate jdbc;

    public EventStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public AcceptedEvent store(UUID tenantId, IngestRequest request) {
        UUID eventId = UUID.randomUUID();
        // PostgreSQL keeps microseconds: truncate so the answer equals what a later read returns.
        Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<AcceptedDelivery> deliveries = jdbc.query(INSERT_EVENT_AND_DELIVERIES,
                (rs, n) -> new AcceptedDelivery(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), "RECEIVED"),
                eventId, tenantId, request.type(), request.payloadJson(), request.idempotencyKey(),
                request.bodyHash(), Timestamp.from(createdAt), TraceParents.current());
        // PostgreSQL's uuid order (= their text order), which StoredIdempotentAnswer answers in too.
        List<AcceptedDelivery> ordered = deliveries.stream()
                .sorted(Comparator.comparing(d -> d.endpointId().toString())).toList();
        return new AcceptedEvent(eventId, request.type(), createdAt, ordered);
    }
}
