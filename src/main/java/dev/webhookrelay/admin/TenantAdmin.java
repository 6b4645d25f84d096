package dev.webhookrelay.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.JsonBodies;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.audit.AuditAction;
import dev.webhookrelay.audit.AuditTrail;
import dev.webhookrelay.auth.ApiKeyScope;
import dev.webhookrelay.auth.Caller;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Creates tenants, each with its first API key (full scope, no expiry; returned once, stored hashed). */
@Component("tenantAdmin")
public class TenantAdmin {

    static final String FIRST_KEY_NAME = "created with the tenant";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final ApiKeyAdmin keys;
    private final AuditTrail audit;

    public TenantAdmin(JdbcTemplate jdbc, ObjectMapper json, ApiKeyAdmin keys, AuditTrail audit) {
        this.jdbc = jdbc;
        this.json = json;
        this.keys = keys;
        this.audit = audit;
    }

    @Transactional
    public Map<String, Object> create(@ExchangeProperty(Caller.ACTOR) String actor, @Body byte[] body) {
        JsonNode input = JsonBodies.object(json, body, Set.of("name"));
        String name = JsonBodies.optionalText(input, "name", 200);
        if (name == null || name.isBlank()) {
            throw ProblemException.invalid("name", "name is required");
        }
        UUID tenantId = UUID.randomUUID();
        jdbc.update("INSERT INTO tenants (id, name) VALUES (?, ?)", tenantId, name);
        Map<String, Object> key = keys.insert(tenantId, FIRST_KEY_NAME, ApiKeyScope.FULL, null);
        Map<String, Object> created = new LinkedHashMap<>();
        created.put("id", tenantId);
        created.put("name", name);
        audit.record(tenantId, actor, AuditAction.TENANT_CREATE, tenantId, null, created);
        Map<String, Object> keyShown = new LinkedHashMap<>(key);
        keyShown.remove("apiKey");
        audit.record(tenantId, actor, AuditAction.API_KEY_CREATE, key.get("id"), null, keyShown);
        created.put("apiKey", key.get("apiKey"));
        created.put("apiKeyId", key.get("id"));
        return created;
    }
}
