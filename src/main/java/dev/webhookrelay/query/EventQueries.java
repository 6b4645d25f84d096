package dev.webhookrelay.query;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** GET /v1/events and /v1/events/{id}: a tenant's events, with their deliveries. */
@Component("eventQueries")
public class EventQueries {

    private static final String COLUMNS = """
            SELECT id, type, payload::text AS payload, idempotency_key, created_at,
                   created_at AS page_created_at, id::text AS page_id, octet_length(payload::text) AS page_bytes
              FROM events""";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final DeliveryQueries deliveries;
    private final long maxListBytes;

    public EventQueries(JdbcTemplate jdbc, ObjectMapper json, DeliveryQueries deliveries, RelayProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.deliveries = deliveries;
        this.maxListBytes = properties.api().maxListBytes().toBytes();
    }

    public Map<String, Object> list(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Headers Map<String, Object> query) {
        ListRequest request = ListRequest.of(query);
        String type = request.text("type");
        return new PageQuery(COLUMNS, "created_at", "id")
                .where("tenant_id = ?", tenantId)
                .whereIf(type, "type = ?")
                .whereIf(request.text("idempotencyKey"), "idempotency_key = ?")
                .whereIf(request.instant("since"), "created_at >= ?")
                .whereIf(request.instant("until"), "created_at < ?")
                .withinBytes(maxListBytes)
                .page(jdbc, request, this::event);
    }

    public Map<String, Object> get(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Header("id") String id) {
        UUID eventId = PathIds.of(id);
        List<Map<String, Object>> found = jdbc.query(COLUMNS + " WHERE id = ? AND tenant_id = ?", this::event,
                eventId, tenantId);
        if (found.isEmpty()) {
            throw ProblemException.notFound("No event " + eventId);
        }
        Map<String, Object> event = found.get(0);
        event.put("deliveries", deliveries.ofEvent(tenantId, eventId));
        return event;
    }

    private Map<String, Object> event(ResultSet rs, int n) throws SQLException {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", rs.getObject("id", UUID.class));
        event.put("type", rs.getString("type"));
        try {
            event.put("payload", json.readTree(rs.getString("payload")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("events.payload is not JSON", e);
        }
        event.put("idempotencyKey", rs.getString("idempotency_key"));
        event.put("createdAt", rs.getTimestamp("created_at").toInstant());
        return event;
    }
}
