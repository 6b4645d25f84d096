package dev.webhookrelay.audit;

import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes one audit record per change. Called inside the transaction of the change itself, so a
 * change is never committed without its record, nor a record without its change.
 */
@Component("auditTrail")
public class AuditTrail {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public AuditTrail(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Records that the actor (as the authenticators named the caller: auth.Caller) did what to which
     * resource of the tenant; before and after are the resource as the API shows it (null when it did
     * not exist, or does no longer), stored with every secret redacted.
     */
    public void record(UUID tenantId, String actor, AuditAction action, Object resourceId, Object before,
            Object after) {
        if (actor == null) {
            throw new IllegalStateException("an API change without an authenticated caller");
        }
        jdbc.update("""
                INSERT INTO audit_records (id, tenant_id, actor, action, resource_type, resource_id, before, after)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)""",
                UUID.randomUUID(), tenantId, actor, action.code(), action.resourceType(),
                resourceId == null ? null : resourceId.toString(), redacted(before), redacted(after));
    }

    private String redacted(Object value) {
        if (value == null) {
            return null;
        }
        JsonNode tree = AuditRedaction.redact(json.valueToTree(value));
        try {
            return json.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit value could not be written as JSON", e);
        }
    }
}
