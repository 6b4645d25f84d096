package dev.webhookrelay.eventtypes;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.ingest.IngestRequest;
import dev.webhookrelay.ingest.IngestRequestParser;
import org.apache.camel.ExchangeProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The ingest route's question before anything is stored: does this event satisfy the tenant's
 * catalog? Its type must be registered when the tenant requires known types, and its payload must
 * conform to the type's schema when the type has one. Either refusal is a 422 and nothing is stored.
 */
@Component("eventTypeCheck")
public class EventTypeCheck {

    /* One primary-key lookup per event; the schema itself is read only when its version is first met. */
    private static final String CATALOG_ENTRY = """
            SELECT coalesce(t.require_known_types, ?) AS required, et.version, et.schema IS NOT NULL AS has_schema
              FROM tenants t LEFT JOIN event_types et ON et.tenant_id = t.id AND et.name = ?
             WHERE t.id = ?""";

    private final JdbcTemplate jdbc;
    private final EventSchemas schemas;
    private final boolean requireKnownTypesByDefault;

    public EventTypeCheck(JdbcTemplate jdbc, EventSchemas schemas, RelayProperties properties) {
        this.jdbc = jdbc;
        this.schemas = schemas;
        this.requireKnownTypesByDefault = properties.ingest().requireKnownTypes();
    }

    public void check(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(IngestRequestParser.REQUEST) IngestRequest request) {
        List<CatalogEntry> entries = jdbc.query(CATALOG_ENTRY,
                (rs, n) -> new CatalogEntry(rs.getBoolean("required"), (Long) rs.getObject("version"),
                        rs.getBoolean("has_schema")),
                requireKnownTypesByDefault, request.type(), tenantId);
        CatalogEntry entry = entries.isEmpty() ? new CatalogEntry(requireKnownTypesByDefault, null, false) : entries.get(0);
        if (entry.version() == null) {
            if (entry.required()) {
                throw ProblemException.invalid("type", "type " + request.type() + " is not in this tenant's event-type "
                        + "catalog, and the tenant requires known types: register it with PUT /v1/event-types/"
                        + request.type());
            }
            return;
        }
        if (!entry.hasSchema()) {
            return;
        }
        List<Map<String, String>> violations = schemas.violations(tenantId, request.type(), entry.version(),
                () -> schemaText(tenantId, request.type()), request.payloadJson());
        if (!violations.isEmpty()) {
            Map<String, String> first = violations.get(0);
            throw ProblemException.invalid("payload", "payload does not conform to the schema of " + request.type()
                    + " (" + violations.size() + (violations.size() == 1 ? " error" : " errors") + "; first: "
                    + first.get("path") + ": " + first.get("message") + ")", violations);
        }
    }

    /** The current schema; "true" (anything goes) when the type was deleted since the lookup. */
    private String schemaText(UUID tenantId, String type) {
        List<String> found = jdbc.queryForList("SELECT coalesce(schema::text, 'true') FROM event_types WHERE tenant_id = ? AND name = ?",
                String.class, tenantId, type);
        return found.isEmpty() ? "true" : found.get(0);
    }

    private record CatalogEntry(boolean required, Long version, boolean hasSchema) {
    }
}
