package dev.webhookrelay.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.query.ListRequest;
import dev.webhookrelay.query.PageQuery;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Headers;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * GET /v1/audit (the calling tenant's records) and GET /v1/admin/audit (every tenant's), newest
 * first, filtered by resource type and id, action, and time.
 */
@Component("auditQueries")
public class AuditQueries {

    private static final String COLUMNS = """
            SELECT id, tenant_id, actor, action, resource_type, resource_id, before::text AS before,
                   after::text AS after, created_at, created_at AS page_created_at, id::text AS page_id,
                   coalesce(octet_length(before::text), 0) + coalesce(octet_length(after::text), 0) AS page_bytes
              FROM audit_records""";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final long maxListBytes;

    public AuditQueries(JdbcTemplate jdbc, ObjectMapper json, RelayProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.maxListBytes = properties.api().maxListBytes().toBytes();
    }

    public Map<String, Object> list(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Headers Map<String, Object> query) {
        ListRequest request = ListRequest.of(query);
        return filtered(request).where("tenant_id = ?", tenantId)
                .page(jdbc, request, this::record);
    }

    public Map<String, Object> listAll(@Headers Map<String, Object> query) {
        ListRequest request = ListRequest.of(query);
        return filtered(request).whereIf(request.uuid("tenantId"), "tenant_id = ?")
                .page(jdbc, request, this::record);
    }

    private PageQuery filtered(ListRequest request) {
        return new PageQuery(COLUMNS, "created_at", "id")
                .whereIf(request.oneOf("resourceType", AuditAction.RESOURCE_TYPES), "resource_type = ?")
                .whereIf(request.text("resourceId"), "resource_id = ?")
                .whereIf(request.oneOf("action", AuditAction.CODES), "action = ?")
                .whereIf(request.instant("since"), "created_at >= ?")
                .whereIf(request.instant("until"), "created_at < ?")
                .withinBytes(maxListBytes);
    }

    private Map<String, Object> record(ResultSet rs, int n) throws SQLException {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("id", rs.getObject("id", UUID.class));
        record.put("tenantId", rs.getObject("tenant_id", UUID.class));
        record.put("actor", rs.getString("actor"));
        record.put("action", rs.getString("action"));
        record.put("resourceType", rs.getString("resource_type"));
        record.put("resourceId", rs.getString("resource_id"));
        record.put("before", tree(rs.getString("before")));
        record.put("after", tree(rs.getString("after")));
        record.put("createdAt", rs.getTimestamp("created_at").toInstant());
        return record;
    }

    private Object tree(String value) {
        if (value == null) {
            return null;
        }
        try {
            return json.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit_records holds a value that is not JSON", e);
        }
    }
}
