package dev.webhookrelay.eventtypes;

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
import dev.webhookrelay.auth.Caller;
import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The calling tenant's own settings (GET and PATCH /v1/tenant): whether ingest requires event types
 * to be in its catalog. null follows relay.ingest.require-known-types, so an operator's default
 * reaches every tenant that has not chosen.
 */
@Component("tenantSettings")
public class TenantSettings {

    private static final Set<String> FIELDS = Set.of("requireKnownTypes");

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final AuditTrail audit;
    private final boolean requireKnownTypesByDefault;

    public TenantSettings(JdbcTemplate jdbc, ObjectMapper json, AuditTrail audit, RelayProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
        this.requireKnownTypesByDefault = properties.ingest().requireKnownTypes();
    }

    public Map<String, Object> get(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId) {
        return find(tenantId);
    }

    @Transactional
    public Map<String, Object> update(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Body byte[] body) {
        JsonNode input = JsonBodies.object(json, body, FIELDS);
        Map<String, Object> before = find(tenantId);
        if (input.has("requireKnownTypes")) {
            JsonNode value = input.get("requireKnownTypes");
            if (!value.isBoolean() && !value.isNull()) {
                throw ProblemException.invalid("requireKnownTypes", "requireKnownTypes must be true, false, "
                        + "or null to follow the relay's default (relay.ingest.require-known-types)");
            }
            jdbc.update("UPDATE tenants SET require_known_types = ? WHERE id = ?",
                    value.isNull() ? null : value.booleanValue(), tenantId);
        }
        Map<String, Object> after = find(tenantId);
        audit.record(tenantId, actor, AuditAction.TENANT_UPDATE, tenantId, before, after);
        return after;
    }

    private Map<String, Object> find(UUID tenantId) {
        List<Map<String, Object>> found = jdbc.query("SELECT id, name, require_known_types FROM tenants WHERE id = ?",
                (rs, n) -> {
                    Boolean chosen = (Boolean) rs.getObject("require_known_types");
                    Map<String, Object> tenant = new LinkedHashMap<>();
                    tenant.put("id", rs.getObject("id", UUID.class));
                    tenant.put("name", rs.getString("name"));
                    tenant.put("requireKnownTypes", chosen);
                    tenant.put("knownTypesRequired", chosen == null ? requireKnownTypesByDefault : chosen);
                    return tenant;
                }, tenantId);
        if (found.isEmpty()) {
            throw ProblemException.notFound("No tenant " + tenantId);
        }
        return found.get(0);
    }
}
