package dev.webhookrelay.admin;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.JsonBodies;
import dev.webhookrelay.api.Upserted;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.audit.AuditAction;
import dev.webhookrelay.audit.AuditTrail;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.auth.Caller;
import dev.webhookrelay.delivery.PausedDeliveries;
import dev.webhookrelay.quota.TenantLock;
import dev.webhookrelay.signing.SigningSecrets;
import dev.webhookrelay.urlsafety.EndpointUrlValidator;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * A tenant's operational webhook: the one endpoint that receives the relay's own events
 * (operational.OperationalEvents). It is an endpoint row marked operational, signed, guarded, retried
 * and dead-lettered like any other, but it is not one of the tenant's endpoints in the API: no event
 * of the tenant fans out to it, and it is read and changed here only. PUT registers it (its secret
 * shown once) or changes its URL, and enables it again if the relay disabled it (410 Gone, circuit
 * breaker); DELETE removes it as an endpoint is deleted.
 */
@Component("operationalWebhookAdmin")
public class OperationalWebhookAdmin {

    private static final Set<String> FIELDS = Set.of("url");
    private static final String NONE = "The tenant has no operational webhook; register one with PUT /v1/operational-webhook";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final EndpointUrlValidator urlValidator;
    private final EndpointAdmin endpoints;
    private final PausedDeliveries paused;
    private final AuditTrail audit;

    public OperationalWebhookAdmin(JdbcTemplate jdbc, ObjectMapper json, EndpointUrlValidator urlValidator,
            EndpointAdmin endpoints, PausedDeliveries paused, AuditTrail audit) {
        this.jdbc = jdbc;
        this.json = json;
        this.urlValidator = urlValidator;
        this.endpoints = endpoints;
        this.paused = paused;
        this.audit = audit;
    }

    /** PUT /v1/operational-webhook {"url"}: 201 with its secret when new, 200 when it existed. */
    @Transactional
    public Upserted put(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Body byte[] body) {
        JsonNode input = JsonBodies.object(json, body, FIELDS);
        String url = urlValidator.validate(JsonBodies.optionalText(input, "url", 4096));
        // Concurrent PUTs of one tenant take turns here: the second finds the first's webhook.
        TenantLock.lock(jdbc, tenantId);
        Optional<Map<String, Object>> existing = find(tenantId);
        if (existing.isEmpty()) {
            return new Upserted(create(actor, tenantId, url), true);
        }
        Map<String, Object> before = existing.get();
        UUID endpointId = (UUID) before.get("id");
        boolean disabled = !Boolean.TRUE.equals(before.get("enabled"));
        if (url.equals(before.get("url")) && !disabled) {
            return new Upserted(before, false);
        }
        jdbc.update("""
                UPDATE endpoints SET url = ?, enabled = true, disabled_reason = NULL, disabled_by = NULL,
                                     failing_since = NULL, updated_at = now()
                 WHERE id = ?""", url, endpointId);
        if (disabled) {
            paused.resumeAll(endpointId);
        }
        Map<String, Object> after = find(tenantId).orElseThrow();
        audit.record(tenantId, actor, AuditAction.OPERATIONAL_WEBHOOK_UPDATE, endpointId, before, after);
        return new Upserted(after, false);
    }

    private Map<String, Object> create(String actor, UUID tenantId, String url) {
        UUID endpointId = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO endpoints (id, tenant_id, url, description, operational)
                VALUES (?, ?, ?, 'operational webhook', true)""", endpointId, tenantId, url);
        String secret = SigningSecrets.generate();
        endpoints.storeSecret(endpointId, secret);
        Map<String, Object> created = find(tenantId).orElseThrow();
        created.put("secret", secret);
        audit.record(tenantId, actor, AuditAction.OPERATIONAL_WEBHOOK_CREATE, endpointId, null, created);
        return created;
    }

    /** GET /v1/operational-webhook: never its secret. */
    public Map<String, Object> get(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId) {
        return find(tenantId).orElseThrow(() -> ProblemException.notFound(NONE));
    }

    /** DELETE /v1/operational-webhook: as an endpoint is deleted; its unfinished deliveries end as dead letters. */
    @Transactional
    public void delete(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor) {
        Map<String, Object> before = find(tenantId).orElseThrow(() -> ProblemException.notFound(NONE));
        UUID endpointId = (UUID) before.get("id");
        endpoints.erase(tenantId, endpointId);
        audit.record(tenantId, actor, AuditAction.OPERATIONAL_WEBHOOK_DELETE, endpointId, before, null);
    }

    /** POST /v1/operational-webhook/secret/rotate, optional {"overlap"}: as an endpoint's rotation. */
    @Transactional
    public Map<String, Object> rotateSecret(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Body byte[] body) {
        Duration overlap = endpoints.overlap(body);
        UUID endpointId = (UUID) find(tenantId).orElseThrow(() -> ProblemException.notFound(NONE)).get("id");
        Map<String, Object> rotated = endpoints.rotate(endpointId, overlap);
        // Not named previousSecrets...: the audit redacts every member named after a secret.
        audit.record(tenantId, actor, AuditAction.OPERATIONAL_WEBHOOK_SECRET_ROTATE, endpointId, null,
                Map.of("secret", rotated.get("secret"), "overlapEndsAt", rotated.get("previousSecretsExpireAt")));
        return rotated;
    }

    private Optional<Map<String, Object>> find(UUID tenantId) {
        List<Map<String, Object>> found = jdbc.query("""
                SELECT id, url, enabled, disabled_reason, created_at, updated_at FROM endpoints
                 WHERE tenant_id = ? AND operational AND deleted_at IS NULL""", OperationalWebhookAdmin::shown, tenantId);
        return found.stream().findFirst();
    }

    private static Map<String, Object> shown(ResultSet rs, int n) throws SQLException {
        Map<String, Object> webhook = new LinkedHashMap<>();
        webhook.put("id", rs.getObject("id", UUID.class));
        webhook.put("url", rs.getString("url"));
        webhook.put("enabled", rs.getBoolean("enabled"));
        webhook.put("disabledReason", rs.getString("disabled_reason"));
        webhook.put("createdAt", rs.getTimestamp("created_at").toInstant());
        webhook.put("updatedAt", rs.getTimestamp("updated_at").toInstant());
        return webhook;
    }
}
