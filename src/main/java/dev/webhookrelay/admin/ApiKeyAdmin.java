package dev.webhookrelay.admin;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.JsonBodies;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.audit.AuditAction;
import dev.webhookrelay.audit.AuditTrail;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.auth.ApiKeyScope;
import dev.webhookrelay.auth.ApiKeys;
import dev.webhookrelay.auth.Caller;
import dev.webhookrelay.query.ListRequest;
import dev.webhookrelay.query.PageQuery;
import dev.webhookrelay.query.PathIds;
import dev.webhookrelay.quota.CatalogQuota;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * A tenant's API keys: created (the key shown once, only its SHA-256 kept), listed (never the key),
 * revoked. Tenant routes manage the caller's own tenant; the admin routes name the tenant in the path.
 */
@Component("apiKeyAdmin")
public class ApiKeyAdmin {

    private static final Set<String> FIELDS = Set.of("name", "expiresAt", "scope");
    private static final String COLUMNS = """
            SELECT id, name, key_prefix, scope, created_at, last_used_at, expires_at,
                   created_at AS page_created_at, id::text AS page_id
              FROM api_keys""";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final ApiKeyAuthenticator authenticator;
    private final AuditTrail audit;
    private final CatalogQuota quota;

    public ApiKeyAdmin(JdbcTemplate jdbc, ObjectMapper json, ApiKeyAuthenticator authenticator, AuditTrail audit,
            CatalogQuota quota) {
        this.jdbc = jdbc;
        this.json = json;
        this.authenticator = authenticator;
        this.audit = audit;
        this.quota = quota;
    }

    /** POST /v1/api-keys, POST /v1/admin/tenants/{tenantId}/api-keys. */
    @Transactional
    public Map<String, Object> create(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Body byte[] body) {
        JsonNode input = JsonBodies.object(json, body, FIELDS);
        String name = JsonBodies.optionalText(input, "name", 200);
        if (name == null || name.isBlank()) {
            throw ProblemException.invalid("name", "name is required");
        }
        ApiKeyScope scope = scope(input);
        Instant expiresAt = expiresAt(input);
        quota.requireRoomForApiKey(tenantId);
        Map<String, Object> created = insert(tenantId, name, scope, expiresAt);
        Map<String, Object> shown = new LinkedHashMap<>(created);
        shown.remove("apiKey");
        audit.record(tenantId, actor, AuditAction.API_KEY_CREATE, created.get("id"), null, shown);
        return created;
    }

    /**
     * Stores a new key and returns it as listed plus {@code apiKey}, the key itself, which is never
     * shown again. Also the first key of a new tenant.
     */
    Map<String, Object> insert(UUID tenantId, String name, ApiKeyScope scope, Instant expiresAt) {
        UUID keyId = UUID.randomUUID();
        String apiKey = ApiKeys.generate();
        jdbc.update("""
                INSERT INTO api_keys (id, tenant_id, key_hash, key_prefix, name, scope, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""",
                keyId, tenantId, ApiKeys.hash(apiKey), ApiKeys.displayPrefix(apiKey), name, scope.code(),
                expiresAt == null ? null : Timestamp.from(expiresAt));
        Map<String, Object> created = find(tenantId, keyId);
        created.put("apiKey", apiKey);
        return created;
    }

    /** GET /v1/api-keys, GET /v1/admin/tenants/{tenantId}/api-keys: the keys not revoked, newest first. */
    public Map<String, Object> list(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Headers Map<String, Object> query) {
        return new PageQuery(COLUMNS, "created_at", "id")
                .where("tenant_id = ?", tenantId)
                .where("revoked_at IS NULL")
                .page(jdbc, ListRequest.of(query), ApiKeyAdmin::key);
    }

    /** DELETE /v1/api-keys/{id}, DELETE /v1/admin/tenants/{tenantId}/api-keys/{id}. */
    @Transactional
    public void revoke(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Header("id") String id) {
        UUID keyId = PathIds.of(id);
        Map<String, Object> before = find(tenantId, keyId);
        int revoked = jdbc.update(
                "UPDATE api_keys SET revoked_at = now() WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL",
                keyId, tenantId);
        if (revoked == 0) {
            throw ProblemException.notFound("No API key " + keyId);
        }
        audit.record(tenantId, actor, AuditAction.API_KEY_REVOKE, keyId, before, null);
        authenticator.forget(keyId);
    }

    private Map<String, Object> find(UUID tenantId, UUID keyId) {
        List<Map<String, Object>> found = jdbc.query(COLUMNS + " WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL",
                ApiKeyAdmin::key, keyId, tenantId);
        if (found.isEmpty()) {
            throw ProblemException.notFound("No API key " + keyId);
        }
        return found.get(0);
    }

    private static ApiKeyScope scope(JsonNode body) {
        String code = JsonBodies.optionalText(body, "scope", 20);
        if (code == null) {
            return ApiKeyScope.FULL;
        }
        ApiKeyScope scope = ApiKeyScope.of(code);
        if (scope == null) {
            throw ProblemException.invalid("scope", "scope must be one of " + ApiKeyScope.codes());
        }
        return scope;
    }

    private static Instant expiresAt(JsonNode body) {
        String text = JsonBodies.optionalText(body, "expiresAt", 64);
        if (text == null) {
            return null;
        }
        Instant expiresAt;
        try {
            expiresAt = ListRequest.parseInstant(text, "expiresAt");
        } catch (ProblemException e) {
            throw ProblemException.invalid("expiresAt", e.getMessage());
        }
        if (!expiresAt.isAfter(Instant.now())) {
            throw ProblemException.invalid("expiresAt", "expiresAt must be in the future");
        }
        return expiresAt;
    }

    private static Map<String, Object> key(ResultSet rs, int n) throws SQLException {
        Map<String, Object> key = new LinkedHashMap<>();
        Instant expiresAt = instant(rs.getTimestamp("expires_at"));
        key.put("id", rs.getObject("id", UUID.class));
        key.put("name", rs.getString("name"));
        key.put("prefix", rs.getString("key_prefix"));
        key.put("scope", rs.getString("scope"));
        key.put("createdAt", instant(rs.getTimestamp("created_at")));
        key.put("lastUsedAt", instant(rs.getTimestamp("last_used_at")));
        key.put("expiresAt", expiresAt);
        key.put("expired", expiresAt != null && !expiresAt.isAfter(Instant.now()));
        return key;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
