package dev.webhookrelay.sources;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.JsonBodies;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.audit.AuditAction;
import dev.webhookrelay.audit.AuditTrail;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.auth.Caller;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.ingest.EventTypes;
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
 * A tenant's sources: register, list, read, delete, rotate the secret, and read what was refused.
 * The provider's secret is given by the tenant (the provider issues it), stored sealed, and never
 * shown again; every change is audited in its own transaction.
 */
@Component("sourceAdmin")
public class SourceAdmin {

    private static final String COLUMNS = """
            SELECT id, name, provider, event_type, settings::text AS settings, created_at, updated_at,
                   created_at AS page_created_at, id::text AS page_id
              FROM sources""";
    private static final Set<String> FIELDS = Set.of("name", "provider", "secret", "eventType", "hmac");
    private static final Set<String> ROTATE_FIELDS = Set.of("secret", "overlap");
    private static final int MAX_SECRET_LENGTH = 1024;
    private static final Duration MAX_OVERLAP = Duration.ofDays(30);

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final AuditTrail audit;
    private final SourceSecrets secrets;
    private final SourceRejections rejections;
    private final CatalogQuota quota;
    private final String publicBaseUrl;
    private final Duration rotationOverlap;

    public SourceAdmin(JdbcTemplate jdbc, ObjectMapper json, AuditTrail audit, SourceSecrets secrets,
            SourceRejections rejections, CatalogQuota quota, RelayProperties properties) {
        this.jdbc = jdbc;
        this.quota = quota;
        this.json = json;
        this.audit = audit;
        this.secrets = secrets;
        this.rejections = rejections;
        this.publicBaseUrl = properties.sources().publicBaseUrl().replaceAll("/+$", "");
        this.rotationOverlap = properties.sources().secretRotationOverlap();
    }

    @Transactional
    public Map<String, Object> create(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Body byte[] body) throws JsonProcessingException {
        JsonNode input = JsonBodies.object(json, body, FIELDS);
        String name = JsonBodies.optionalText(input, "name", 200);
        if (name == null || name.isBlank()) {
            throw ProblemException.invalid("name", "name is required");
        }
        String providerCode = JsonBodies.optionalText(input, "provider", 50);
        Provider provider = Provider.of(providerCode);
        if (provider == null) {
            throw ProblemException.invalid("provider", "provider must be one of " + Provider.CODES);
        }
        String eventType = JsonBodies.optionalText(input, "eventType", 128);
        if (eventType != null && !EventTypes.isValidType(eventType)) {
            throw ProblemException.invalid("eventType", "eventType must match ^[A-Za-z0-9._-]{1,128}$");
        }
        if (eventType == null && provider == Provider.HMAC) {
            throw ProblemException.invalid("eventType", "eventType is required for the hmac provider");
        }
        HmacSettings hmac = null;
        if (provider == Provider.HMAC) {
            hmac = HmacSettings.parse(input.get("hmac"));
        } else if (input.hasNonNull("hmac")) {
            throw ProblemException.invalid("hmac", "hmac is only for the hmac provider");
        }
        String secret = secret(input, provider);
        quota.requireRoomForSource(tenantId);
        UUID sourceId = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO sources (id, tenant_id, name, provider, event_type, settings)
                VALUES (?, ?, ?, ?, ?, ?::jsonb)""",
                sourceId, tenantId, name, provider.code(), eventType,
                json.writeValueAsString(hmac == null ? Map.of() : hmac.shown()));
        secrets.add(sourceId, secret);
        Map<String, Object> created = find(tenantId, sourceId);
        audit.record(tenantId, actor, AuditAction.SOURCE_CREATE, sourceId, null, created);
        return created;
    }

    public Map<String, Object> list(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Headers Map<String, Object> query) {
        return new PageQuery(COLUMNS, "created_at", "id")
                .where("tenant_id = ?", tenantId)
                .where("deleted_at IS NULL")
                .page(jdbc, ListRequest.of(query), this::source);
    }

    public Map<String, Object> get(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Header("id") String id) {
        return find(tenantId, PathIds.of(id));
    }

    /** The source stops accepting at once; its secrets are erased, the events it brought in stay. */
    @Transactional
    public void delete(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Header("id") String id) {
        UUID sourceId = PathIds.of(id);
        Map<String, Object> before = find(tenantId, sourceId);
        int deleted = jdbc.update("""
                UPDATE sources SET deleted_at = now(), updated_at = now()
                WHERE id = ? AND tenant_id = ? AND deleted_at IS NULL""", sourceId, tenantId);
        if (deleted == 0) {
            throw ProblemException.notFound("No source " + sourceId);
        }
        secrets.erase(sourceId);
        audit.record(tenantId, actor, AuditAction.SOURCE_DELETE, sourceId, before, null);
    }

    /**
     * {"secret": the provider's new secret, "overlap": how long the previous ones are still accepted
     * (default relay.sources.secret-rotation-overlap; "0s" revokes them at once)}.
     */
    @Transactional
    public Map<String, Object> rotateSecret(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Header("id") String id, @Body byte[] body) {
        UUID sourceId = PathIds.of(id);
        Map<String, Object> source = find(tenantId, sourceId);
        JsonNode input = JsonBodies.object(json, body, ROTATE_FIELDS);
        String secret = secret(input, Provider.of((String) source.get("provider")));
        Duration overlap = JsonBodies.overlap(input.get("overlap"), rotationOverlap, MAX_OVERLAP);
        Instant previousExpire = Instant.now().plus(overlap);
        secrets.expirePrevious(sourceId, previousExpire, overlap.isZero());
        secrets.add(sourceId, secret);
        Map<String, Object> rotated = new LinkedHashMap<>();
        rotated.put("previousSecretsExpireAt", previousExpire);
        // Not named previousSecrets...: the audit redacts every member named after a secret.
        audit.record(tenantId, actor, AuditAction.SOURCE_SECRET_ROTATE, sourceId, null,
                Map.of("overlapEndsAt", previousExpire));
        return rotated;
    }

    public Map<String, Object> rejections(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Header("id") String id) {
        UUID sourceId = PathIds.of(id);
        find(tenantId, sourceId);
        return rejections.shown(sourceId);
    }

    private static String secret(JsonNode input, Provider provider) {
        String secret = JsonBodies.optionalText(input, "secret", MAX_SECRET_LENGTH);
        if (secret == null || secret.isEmpty()) {
            throw ProblemException.invalid("secret", "secret is required: the signing secret the provider gave you");
        }
        if (!secret.chars().allMatch(c -> c >= ' ' && c < 127)) {
            throw ProblemException.invalid("secret", "secret must be printable ASCII characters, as providers issue them");
        }
        try {
            if (SignatureSchemes.keyOf(provider, secret).length == 0) {
                throw ProblemException.invalid("secret", "secret is empty once decoded");
            }
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("secret", "a standard-webhooks secret is whsec_ followed by base64");
        }
        return secret;
    }

    private Map<String, Object> find(UUID tenantId, UUID sourceId) {
        List<Map<String, Object>> found = jdbc.query(COLUMNS + " WHERE id = ? AND tenant_id = ? AND deleted_at IS NULL",
                this::source, sourceId, tenantId);
        if (found.isEmpty()) {
            throw ProblemException.notFound("No source " + sourceId);
        }
        return found.get(0);
    }

    private Map<String, Object> source(ResultSet rs, int n) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        String provider = rs.getString("provider");
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("id", id);
        source.put("name", rs.getString("name"));
        source.put("provider", provider);
        source.put("eventType", rs.getString("event_type"));
        if (Provider.HMAC.code().equals(provider)) {
            source.put("hmac", HmacSettings.fromStored(readTree(rs.getString("settings"))).shown());
        }
        source.put("ingestUrl", publicBaseUrl + "/v1/in/" + id);
        source.put("createdAt", rs.getTimestamp("created_at").toInstant());
        source.put("updatedAt", rs.getTimestamp("updated_at").toInstant());
        return source;
    }

    private JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sources.settings is not JSON", e);
        }
    }
}
