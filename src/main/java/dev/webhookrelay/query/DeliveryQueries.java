package dev.webhookrelay.query;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

/** Deliveries, their attempts, and the dead-letter view of them. */
@Component("deliveryQueries")
public class DeliveryQueries {

    public static final Set<String> STATUSES = Set.of("RECEIVED", "DISPATCHING", "DELIVERED", "RETRY_SCHEDULED",
            "DEAD_LETTERED", "PAUSED");

    private static final String COLUMNS = """
            SELECT id, event_id, endpoint_id, status, paused_reason, attempt_count, last_status, last_error,
                   next_attempt_at, created_at, updated_at, created_at AS page_created_at, id::text AS page_id,
                   octet_length(deliveries::text) AS page_bytes
              FROM deliveries""";

    /** The DLQ is ordered by when a delivery was dead-lettered (its last update), newest first. */
    private static final String DEAD_LETTER_COLUMNS = """
            SELECT id, event_id, endpoint_id, status, paused_reason, attempt_count, last_status, last_error,
                   next_attempt_at, created_at, updated_at, updated_at AS page_created_at, id::text AS page_id,
                   octet_length(deliveries::text) AS page_bytes
              FROM deliveries""";

    private static final String ATTEMPT_COLUMNS = """
            SELECT attempt_number, url, request_headers::text AS request_headers, response_status,
                   response_headers::text AS response_headers, response_body, duration_ms, error_class,
                   error_message, outcome, created_at,
                   created_at AS page_created_at, lpad(id::text, 20, '0') AS page_id,
                   octet_length(attempts::text) AS page_bytes
              FROM attempts""";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final long maxListBytes;

    public DeliveryQueries(JdbcTemplate jdbc, ObjectMapper json, RelayProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.maxListBytes = properties.api().maxListBytes().toBytes();
    }

    public Map<String, Object> list(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Headers Map<String, Object> query) {
        ListRequest request = ListRequest.of(query);
        return new PageQuery(COLUMNS, "created_at", "id")
                .where("tenant_id = ?", tenantId)
                .whereIf(request.oneOf("status", STATUSES), "status = ?")
                .whereIf(request.uuid("endpointId"), "endpoint_id = ?")
                .whereIf(request.instant("since"), "created_at >= ?")
                .whereIf(request.instant("until"), "created_at < ?")
                .withinBytes(maxListBytes)
                .page(jdbc, request, this::delivery);
    }

    /** The DLQ; {@code reason} matches the last HTTP status exactly, or any part of the last error. */
    public Map<String, Object> deadLettered(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Headers Map<String, Object> query) {
        ListRequest request = ListRequest.of(query);
        PageQuery deadLetters = new PageQuery(DEAD_LETTER_COLUMNS, "updated_at", "id")
                .where("tenant_id = ?", tenantId)
                .where("status = 'DEAD_LETTERED'");
        String reason = request.text("reason");
        if (reason != null) {
            deadLetters.where("(last_status::text = ? OR strpos(lower(last_error), lower(?)) > 0)", reason, reason);
        }
        return deadLetters
                .whereIf(request.uuid("endpointId"), "endpoint_id = ?")
                .whereIf(request.instant("since"), "updated_at >= ?")
                .whereIf(request.instant("until"), "updated_at < ?")
                .withinBytes(maxListBytes)
                .page(jdbc, request, this::delivery);
    }

    public Map<String, Object> get(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Header("id") String id) {
        return find(tenantId, PathIds.of(id));
    }

    public Map<String, Object> attempts(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Header("id") String id, @Headers Map<String, Object> query) {
        UUID deliveryId = PathIds.of(id);
        find(tenantId, deliveryId);
        return new PageQuery(ATTEMPT_COLUMNS, "created_at", "lpad(id::text, 20, '0')")
                .where("delivery_id = ?", deliveryId)
                .withinBytes(maxListBytes)
                .page(jdbc, ListRequest.of(query), this::attempt);
    }

    List<Map<String, Object>> ofEvent(UUID tenantId, UUID eventId) {
        return jdbc.query(COLUMNS + " WHERE event_id = ? AND tenant_id = ? ORDER BY created_at, id", this::delivery,
                eventId, tenantId);
    }

    public Map<String, Object> find(UUID tenantId, UUID deliveryId) {
        List<Map<String, Object>> found = jdbc.query(COLUMNS + " WHERE id = ? AND tenant_id = ?", this::delivery,
                deliveryId, tenantId);
        if (found.isEmpty()) {
            throw ProblemException.notFound("No delivery " + deliveryId);
        }
        return found.get(0);
    }

    private Map<String, Object> delivery(ResultSet rs, int n) throws SQLException {
        Map<String, Object> delivery = new LinkedHashMap<>();
        delivery.put("id", rs.getObject("id", UUID.class));
        delivery.put("eventId", rs.getObject("event_id", UUID.class));
        delivery.put("endpointId", rs.getObject("endpoint_id", UUID.class));
        delivery.put("status", rs.getString("status"));
        delivery.put("pausedReason", rs.getString("paused_reason"));
        delivery.put("attempts", rs.getInt("attempt_count"));
        delivery.put("lastStatus", rs.getObject("last_status"));
        delivery.put("lastError", rs.getString("last_error"));
        Timestamp next = rs.getTimestamp("next_attempt_at");
        delivery.put("nextAttemptAt", "RETRY_SCHEDULED".equals(rs.getString("status")) && next != null
                ? next.toInstant() : null);
        delivery.put("createdAt", rs.getTimestamp("created_at").toInstant());
        delivery.put("updatedAt", rs.getTimestamp("updated_at").toInstant());
        return delivery;
    }

    private Map<String, Object> attempt(ResultSet rs, int n) throws SQLException {
        Map<String, Object> attempt = new LinkedHashMap<>();
        attempt.put("attemptNumber", rs.getInt("attempt_number"));
        attempt.put("url", rs.getString("url"));
        attempt.put("requestHeaders", tree(rs.getString("request_headers")));
        attempt.put("responseStatus", rs.getObject("response_status"));
        attempt.put("responseHeaders", tree(rs.getString("response_headers")));
        attempt.put("responseBody", rs.getString("response_body"));
        attempt.put("durationMs", rs.getInt("duration_ms"));
        attempt.put("errorClass", rs.getString("error_class"));
        attempt.put("errorMessage", rs.getString("error_message"));
        attempt.put("outcome", rs.getString("outcome"));
        attempt.put("createdAt", rs.getTimestamp("created_at").toInstant());
        return attempt;
    }

    private Object tree(String value) {
        if (value == null) {
            return null;
        }
        try {
            return json.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored headers are not JSON", e);
        }
    }
}
