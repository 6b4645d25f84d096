package dev.webhookrelay.eventtypes;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.JsonBodies;
import dev.webhookrelay.api.Upserted;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.audit.AuditAction;
import dev.webhookrelay.audit.AuditTrail;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.auth.Caller;
import dev.webhookrelay.ingest.EventTypes;
import dev.webhookrelay.query.ListRequest;
import dev.webhookrelay.query.PageQuery;
import dev.webhookrelay.quota.CatalogQuota;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * A tenant's catalog of event types: registered (or replaced) with PUT, each with an optional
 * description and JSON Schema, listed with how many of the tenant's endpoints subscribe to it, read
 * and deleted. Every change is audited in its own transaction.
 */
@Component("eventTypeCatalog")
public class EventTypeCatalog {

    static final int MAX_DESCRIPTION_CHARS = 1000;
    private static final Set<String> FIELDS = Set.of("description", "schema");
    /*
     * Subscribed endpoints are those not deleted whose eventTypes select the type, exactly or by a
     * prefix* (relay_event_type_matches, shared with the ingest fan-out since V35); a disabled
     * endpoint still subscribes, the operational endpoint never does. Payload filters are not
     * counted: they depend on each event.
     */
    private static final String COLUMNS = """
            SELECT t.name, t.description, t.schema::text AS schema, t.version, t.created_at, t.updated_at,
                   (SELECT count(*) FROM endpoints e
                     WHERE e.tenant_id = t.tenant_id AND e.deleted_at IS NULL AND NOT e.operational
                       AND relay_event_type_matches(e.event_types, t.name)) AS subscribed_endpoints,
                   t.created_at AS page_created_at, t.name AS page_id
              FROM event_types t""";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final EventSchemas schemas;
    private final AuditTrail audit;
    private final CatalogQuota quota;

    public EventTypeCatalog(JdbcTemplate jdbc, ObjectMapper json, EventSchemas schemas, AuditTrail audit,
            CatalogQuota quota) {
        this.jdbc = jdbc;
        this.quota = quota;
        this.json = json;
        this.schemas = schemas;
        this.audit = audit;
    }

    /** PUT /v1/event-types/{name}: 201 when the type is new, 200 when it replaced one. */
    @Transactional
    public Upserted put(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Header("name") String pathName, @Body byte[] body)
            throws JsonProcessingException {
        String name = nameOf(pathName);
        if (!EventTypes.isValidType(name)) {
            throw ProblemException.invalid("name", "an event type's name must match ^[A-Za-z0-9._-]{1,128}$ "
                    + "(no wildcard: endpoints subscribe with those, types are exact)");
        }
        JsonNode input = JsonBodies.object(json, body, FIELDS);
        String description = JsonBodies.optionalText(input, "description", MAX_DESCRIPTION_CHARS);
        JsonNode schema = schemas.validated(input.get("schema"));
        String schemaText = schema == null ? null : json.writeValueAsString(schema);
        Map<String, Object> before = find(tenantId, name);
        if (before == null) {
            quota.requireRoomForEventType(tenantId);
        }
        jdbc.update("""
                INSERT INTO event_types (tenant_id, name, description, schema) VALUES (?, ?, ?, ?::jsonb)
                ON CONFLICT (tenant_id, name) DO UPDATE
                   SET description = excluded.description, schema = excluded.schema,
                       version = nextval('event_type_versions'), updated_at = clock_timestamp()""",
                tenantId, name, description, schemaText);
        Map<String, Object> after = find(tenantId, name);
        audit.record(tenantId, actor, before == null ? AuditAction.EVENT_TYPE_CREATE : AuditAction.EVENT_TYPE_UPDATE,
                name, before, after);
        return new Upserted(after, before == null);
    }

    /** GET /v1/event-types: newest first, with each type's subscribed endpoints. */
    public Map<String, Object> list(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Headers Map<String, Object> query) {
        return new PageQuery(COLUMNS, "t.created_at", "t.name")
                .where("t.tenant_id = ?", tenantId)
                .page(jdbc, ListRequest.of(query), this::eventType);
    }

    /** GET /v1/event-types/{name}. */
    public Map<String, Object> get(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Header("name") String pathName) {
        String name = nameOf(pathName);
        Map<String, Object> found = find(tenantId, name);
        if (found == null) {
            throw ProblemException.notFound("No event type " + name);
        }
        return found;
    }

    /** DELETE /v1/event-types/{name}: events of the type are then unknown (refused where known types are required). */
    @Transactional
    public void delete(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Header("name") String pathName) {
        String name = nameOf(pathName);
        Map<String, Object> before = find(tenantId, name);
        if (before == null || jdbc.update("DELETE FROM event_types WHERE tenant_id = ? AND name = ?", tenantId, name) == 0) {
            throw ProblemException.notFound("No event type " + name);
        }
        audit.record(tenantId, actor, AuditAction.EVENT_TYPE_DELETE, name, before, null);
    }

    /** As ListRequest reads every parameter: trimmed, and no name at all when blank. */
    private static String nameOf(String pathName) {
        return pathName == null || pathName.isBlank() ? null : pathName.trim();
    }

    private Map<String, Object> find(UUID tenantId, String name) {
        if (!EventTypes.isValidType(name)) {
            return null;
        }
        List<Map<String, Object>> found = jdbc.query(COLUMNS + " WHERE t.tenant_id = ? AND t.name = ?",
                this::eventType, tenantId, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private Map<String, Object> eventType(ResultSet rs, int n) throws SQLException {
        Map<String, Object> type = new LinkedHashMap<>();
        type.put("name", rs.getString("name"));
        type.put("description", rs.getString("description"));
        type.put("schema", schemaOf(rs.getString("schema")));
        type.put("version", rs.getLong("version"));
        type.put("subscribedEndpoints", rs.getLong("subscribed_endpoints"));
        type.put("createdAt", rs.getTimestamp("created_at").toInstant());
        type.put("updatedAt", rs.getTimestamp("updated_at").toInstant());
        return type;
    }

    private JsonNode schemaOf(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored schema is not JSON", e);
        }
    }
}
