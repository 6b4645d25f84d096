package dev.webhookrelay.operational;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The relay's own events, for the tenant's operational endpoint: each is an event row and one RECEIVED
 * delivery to that endpoint, written in the transaction of the change it announces (so a change is
 * never committed without its event, nor an event without its change), then published by the outbox
 * sweeper like any other delivery. A tenant without an enabled operational endpoint gets nothing: the
 * one statement inserts no row. Nothing is ever announced about the operational endpoint itself or a
 * delivery to it, so an operational endpoint that fails cannot feed itself events about its failures.
 */
@Component
@Transactional(propagation = Propagation.MANDATORY)
public class OperationalEvents {

    public static final String ENDPOINT_DISABLED = "endpoint.disabled";
    public static final String ENDPOINT_ENABLED = "endpoint.enabled";
    public static final String DELIVERY_DEAD_LETTERED = "delivery.dead_lettered";
    public static final String DELIVERY_RECOVERED = "delivery.recovered";
    public static final String REPLAY_COMPLETED = "replay.completed";

    /** Receiver-controlled text (an error, a reason quoting one) is cut to this many characters. */
    static final int MAX_TEXT_CHARS = 500;

    /*
     * The target is the tenant's live, enabled operational endpoint (the partial unique index of V49
     * finds it, or finds none), unless the event's subject is an operational endpoint (the second
     * parameter; null when the subject has no endpoint): the loop rule. Operational deliveries go
     * through the outbox sweeper, which publishes RECEIVED rows older than relay.outbox.min-age; their
     * next_attempt_at says they are due (nothing else publishes them), not possibly queued already.
     */
    private static final String EMIT = """
            WITH target AS (
                SELECT o.id, o.tenant_id FROM endpoints o
                 WHERE o.tenant_id = ? AND o.operational AND o.enabled AND o.deleted_at IS NULL
                   AND NOT EXISTS (SELECT 1 FROM endpoints subject WHERE subject.id = ? AND subject.operational)
            ), event AS (
                INSERT INTO events (id, tenant_id, type, payload, body_hash, created_at)
                SELECT gen_random_uuid(), target.tenant_id, ?, ?::jsonb, encode(sha256(convert_to(?, 'UTF8')), 'hex'), now()
                  FROM target
                RETURNING id, tenant_id, created_at
            )
            INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, status, next_attempt_at, created_at, updated_at)
            SELECT gen_random_uuid(), event.id, target.id, event.tenant_id, 'RECEIVED', event.created_at, event.created_at,
                   event.created_at
              FROM event JOIN target ON target.tenant_id = event.tenant_id""";

    /** A delivery as its operational events describe it; {@code attempts} counts every attempt it had. */
    public record Delivery(UUID tenantId, UUID deliveryId, UUID eventId, UUID endpointId, String eventType, int attempts) {
    }

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public OperationalEvents(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * endpoint.disabled. {@code disabledBy} is the code deliveries' pausedReason uses ({@code operator},
     * {@code gone}, {@code circuit-breaker}); {@code detail} the endpoint's disabledReason.
     */
    public void endpointDisabled(UUID tenantId, UUID endpointId, String disabledBy, String detail) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("endpointId", endpointId);
        data.put("reason", disabledBy);
        data.put("detail", receiverText(detail));
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("endpoint", "/v1/endpoints/" + endpointId);
        links.put("pausedDeliveries", "/v1/deliveries?endpointId=" + endpointId + "&status=PAUSED");
        data.put("links", links);
        emit(tenantId, endpointId, ENDPOINT_DISABLED, data);
    }

    /** endpoint.enabled: its paused deliveries were resumed in the same transaction. */
    public void endpointEnabled(UUID tenantId, UUID endpointId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("endpointId", endpointId);
        data.put("links", Map.of("endpoint", "/v1/endpoints/" + endpointId));
        emit(tenantId, endpointId, ENDPOINT_ENABLED, data);
    }

    /** delivery.dead_lettered, with the last attempt's HTTP status (null when none came) and error. */
    public void deliveryDeadLettered(Delivery delivery, Integer lastStatus, String lastError) {
        Map<String, Object> data = describe(delivery);
        data.put("lastStatus", lastStatus);
        data.put("lastError", receiverText(lastError));
        data.put("links", deliveryLinks(delivery));
        emit(delivery.tenantId(), delivery.endpointId(), DELIVERY_DEAD_LETTERED, data);
    }

    /** delivery.recovered: a delivery that had been dead-lettered was delivered after all. */
    public void deliveryRecovered(Delivery delivery) {
        Map<String, Object> data = describe(delivery);
        data.put("links", deliveryLinks(delivery));
        emit(delivery.tenantId(), delivery.endpointId(), DELIVERY_RECOVERED, data);
    }

    /**
     * replay.completed: a bulk replay (or an endpoint's recovery) re-queued all it covers; the
     * outcomes follow, each recovered delivery as delivery.recovered. {@code endpointId} is null for
     * a replay of every endpoint.
     */
    public void replayCompleted(UUID tenantId, UUID replayId, UUID endpointId, int total, int requeued) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("replayId", replayId);
        data.put("endpointId", endpointId);
        data.put("total", total);
        data.put("requeued", requeued);
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("replay", "/v1/replays/" + replayId);
        links.put("deadLetters", endpointId == null ? "/v1/dlq" : "/v1/dlq?endpointId=" + endpointId);
        if (endpointId != null) {
            links.put("endpoint", "/v1/endpoints/" + endpointId);
        }
        data.put("links", links);
        emit(tenantId, endpointId, REPLAY_COMPLETED, data);
    }

    private static Map<String, Object> describe(Delivery delivery) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("deliveryId", delivery.deliveryId());
        data.put("eventId", delivery.eventId());
        data.put("eventType", delivery.eventType());
        data.put("endpointId", delivery.endpointId());
        data.put("attempts", delivery.attempts());
        return data;
    }

    private static Map<String, Object> deliveryLinks(Delivery delivery) {
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("delivery", "/v1/deliveries/" + delivery.deliveryId());
        links.put("attempts", "/v1/deliveries/" + delivery.deliveryId() + "/attempts");
        links.put("event", "/v1/events/" + delivery.eventId());
        links.put("endpoint", "/v1/endpoints/" + delivery.endpointId());
        return links;
    }

    private void emit(UUID tenantId, UUID subjectEndpointId, String type, Map<String, Object> data) {
        String payload;
        try {
            payload = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an operational event could not be written as JSON", e);
        }
        jdbc.update(EMIT, tenantId, subjectEndpointId, type, payload, payload);
    }

    /**
     * A receiver's words (an error message, a status line) quoted in an event: at most
     * {@value #MAX_TEXT_CHARS} characters, without control characters or lone surrogates, which
     * PostgreSQL's jsonb refuses and a log or a terminal showing the event could be fooled by.
     */
    static String receiverText(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder kept = new StringBuilder(Math.min(text.length(), MAX_TEXT_CHARS));
        text.codePoints()
                .filter(c -> !Character.isISOControl(c) && !(c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE))
                .limit(MAX_TEXT_CHARS)
                .forEach(kept::appendCodePoint);
        return kept.toString();
    }
}
