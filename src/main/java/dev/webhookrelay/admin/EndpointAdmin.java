package dev.webhookrelay.admin;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
import dev.webhookrelay.delivery.PauseReason;
import dev.webhookrelay.endpointauth.EndpointAuths;
import dev.webhookrelay.delivery.PausedDeliveries;
import dev.webhookrelay.delivery.RetryGrid;
import dev.webhookrelay.delivery.RetrySchedules;
import dev.webhookrelay.operational.OperationalEvents;
import dev.webhookrelay.query.ListRequest;
import dev.webhookrelay.query.PageQuery;
import dev.webhookrelay.query.PathIds;
import dev.webhookrelay.quota.EndpointQuota;
import dev.webhookrelay.secrets.PreviousSecrets;
import dev.webhookrelay.secrets.SealedHeaders;
import dev.webhookrelay.secrets.SecretCipher;
import dev.webhookrelay.secrets.SecretContexts;
import dev.webhookrelay.secrets.StaticHeaderValue;
import dev.webhookrelay.signing.SigningSecrets;
import dev.webhookrelay.urlsafety.EndpointUrlValidator;
import dev.webhookrelay.urlsafety.UrlOrigins;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * A tenant's endpoints: create, list, read, update, delete, and secret rotation. Disabling an endpoint
 * pauses its pending deliveries, enabling it resumes them, deleting it ends them: in the same
 * transaction as the change itself. Signing secrets and static header values are stored sealed
 * (secrets.SecretCipher), and so is its {@code auth} (endpointauth.EndpointAuths); deleting an
 * endpoint erases all three, and the API shows a sensitive header's value and auth credentials masked.
 * Enabling or disabling one is announced to the tenant's operational endpoint in the same transaction.
 * The operational endpoint itself is not one of these endpoints (OperationalWebhookAdmin manages it).
 */
@Component("endpointAdmin")
public class EndpointAdmin {

    private static final String COLUMNS = """
            SELECT id, url, description, event_types, enabled, disabled_reason, headers::text AS headers,
                   rate_limit, retry_schedule, filter, ordering, auth, transformation, created_at, updated_at,
                   created_at AS page_created_at, id::text AS page_id
              FROM endpoints""";
    private static final String DISABLED_THROUGH_THE_API = "disabled through the API";
    private static final Set<String> ROTATE_FIELDS = Set.of("overlap");
    private static final Duration MAX_OVERLAP = Duration.ofDays(30);

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final EndpointUrlValidator urlValidator;
    private final RetrySchedules schedules;
    private final EndpointQuota quota;
    private final PausedDeliveries paused;
    private final EndpointFilters filters;
    private final Duration rotationOverlap;
    private final AuditTrail audit;
    private final SecretCipher cipher;
    private final SealedHeaders sealedHeaders;
    private final PreviousSecrets previousSecrets;
    private final EndpointAuths auths;
    private final OperationalEvents operational;

    public EndpointAdmin(JdbcTemplate jdbc, ObjectMapper json, EndpointUrlValidator urlValidator,
            RetrySchedules schedules, EndpointQuota quota, PausedDeliveries paused, EndpointFilters filters,
            RelayProperties properties, AuditTrail audit, SecretCipher cipher, SealedHeaders sealedHeaders,
            EndpointAuths auths, OperationalEvents operational, PreviousSecrets previousSecrets) {
        this.jdbc = jdbc;
        this.previousSecrets = previousSecrets;
        this.json = json;
        this.urlValidator = urlValidator;
        this.schedules = schedules;
        this.quota = quota;
        this.paused = paused;
        this.filters = filters;
        this.rotationOverlap = properties.endpoints().secretRotationOverlap();
        this.audit = audit;
        this.cipher = cipher;
        this.sealedHeaders = sealedHeaders;
        this.auths = auths;
        this.operational = operational;
    }

    @Transactional
    public Map<String, Object> create(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Body byte[] body) throws JsonProcessingException {
        JsonNode input = JsonBodies.object(json, body, EndpointInput.FIELDS);
        String url = urlValidator.validate(JsonBodies.optionalText(input, "url", 4096));
        List<String> eventTypes = EndpointInput.eventTypes(input.get("eventTypes"));
        String description = JsonBodies.optionalText(input, "description", 1000);
        Boolean enabled = EndpointInput.enabled(input.get("enabled"));
        Map<String, StaticHeaderValue> headers = EndpointInput.headers(input.get("headers"));
        Integer rateLimit = EndpointInput.rateLimit(input.get("rateLimit"));
        String retrySchedule = EndpointInput.retrySchedule(input.get("retrySchedule"), schedules);
        String filter = filters.validate(input.get("filter"));
        String ordering = EndpointInput.ordering(input.get("ordering"));
        String transformation = EndpointInput.transformation(input.get("transformation"));
        UUID endpointId = UUID.randomUUID();
        String auth = auths.seal(endpointId, input.get("auth"), null, false);
        quota.requireRoomForOneMore(tenantId);
        String secret = SigningSecrets.generate();
        String headersJson = sealedHeaders.seal(endpointId, headers, null, false);
        jdbc.update(con -> {
            var statement = con.prepareStatement("""
                    INSERT INTO endpoints (id, tenant_id, url, description, event_types, enabled, headers, rate_limit,
                                           retry_schedule, filter, ordering, auth, transformation)
                    VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)""");
            statement.setObject(1, endpointId);
            statement.setObject(2, tenantId);
            statement.setString(3, url);
            statement.setString(4, description);
            statement.setArray(5, con.createArrayOf("text", eventTypes.toArray()));
            statement.setBoolean(6, enabled == null || enabled);
            statement.setString(7, headersJson);
            statement.setObject(8, rateLimit);
            statement.setString(9, retrySchedule);
            statement.setString(10, filter);
            statement.setString(11, ordering);
            statement.setString(12, auth);
            statement.setString(13, transformation);
            return statement;
        });
        storeSecret(endpointId, secret);
        schedules.forEndpoint(retrySchedule);
        Map<String, Object> created = find(tenantId, endpointId);
        created.put("secret", secret);
        audit.record(tenantId, actor, AuditAction.ENDPOINT_CREATE, endpointId, null, created);
        return created;
    }

    public Map<String, Object> list(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Headers Map<String, Object> query) {
        ListRequest request = ListRequest.of(query);
        return new PageQuery(COLUMNS, "created_at", "id")
                .where("tenant_id = ?", tenantId)
                .where("deleted_at IS NULL")
                .where("NOT operational")
                .page(jdbc, request, this::endpoint);
    }

    public Map<String, Object> get(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Header("id") String id) {
        return find(tenantId, PathIds.of(id));
    }

    /**
     * A PATCH. A url on another origin (scheme, host or port) takes none of the endpoint's stored
     * credentials along: every sensitive header value and the auth credential must then be sent again
     * in clear (or removed), since whoever may edit the endpoint must not have them sent to a server of
     * their choosing; sent as {@code ********}, or left out with the member, they are a 422 naming them.
     */
    @Transactional
    public Map<String, Object> update(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Header("id") String id, @Body byte[] body)
            throws JsonProcessingException {
        UUID endpointId = PathIds.of(id);
        // Locked first: the credentials kept are judged against the url this update replaces, not one a
        // concurrent update is replacing.
        jdbc.queryForList("SELECT id FROM endpoints WHERE id = ? AND tenant_id = ? FOR UPDATE", endpointId, tenantId);
        Map<String, Object> before = find(tenantId, endpointId);
        JsonNode input = JsonBodies.object(json, body, EndpointInput.FIELDS);
        List<String> sets = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        boolean toAnotherOrigin = false;
        if (input.has("url")) {
            String url = urlValidator.validate(JsonBodies.optionalText(input, "url", 4096));
            toAnotherOrigin = !UrlOrigins.same((String) before.get("url"), url);
            sets.add("url = ?");
            values.add(url);
        }
        if (input.has("description")) {
            sets.add("description = ?");
            values.add(JsonBodies.optionalText(input, "description", 1000));
        }
        if (input.has("eventTypes")) {
            sets.add("event_types = ?::text[]");
            values.add(toArrayLiteral(EndpointInput.eventTypes(input.get("eventTypes"))));
        }
        Boolean enabled = null;
        if (input.has("enabled")) {
            enabled = EndpointInput.enabled(input.get("enabled"));
            if (enabled == null) {
                throw ProblemException.invalid("enabled", "enabled must be true or false");
            }
            sets.add("enabled = ?");
            values.add(enabled);
            if (enabled) {
                sets.add("disabled_reason = NULL");
                sets.add("disabled_by = NULL");
                sets.add("failing_since = NULL");
            } else {
                sets.add("disabled_reason = '" + DISABLED_THROUGH_THE_API + "'");
                sets.add("disabled_by = ?");
                values.add(PauseReason.OPERATOR.code());
            }
        }
        if (input.has("headers")) {
            Map<String, StaticHeaderValue> headers = EndpointInput.headers(input.get("headers"));
            sets.add("headers = ?::jsonb");
            values.add(sealedHeaders.seal(endpointId, headers, storedHeaders(endpointId), toAnotherOrigin));
        } else if (toAnotherOrigin) {
            sealedHeaders.requireNoneSensitive(storedHeaders(endpointId));
        }
        if (input.has("rateLimit")) {
            sets.add("rate_limit = ?");
            values.add(EndpointInput.rateLimit(input.get("rateLimit")));
        }
        if (input.has("retrySchedule")) {
            String schedule = EndpointInput.retrySchedule(input.get("retrySchedule"), schedules);
            schedules.forEndpoint(schedule);
            sets.add("retry_schedule = ?");
            values.add(schedule);
        }
        if (input.has("ordering") && !EndpointInput.ordering(input.get("ordering")).equals(before.get("ordering"))) {
            throw ProblemException.invalid("ordering", "ordering is fixed when the endpoint is created: "
                    + "register a new endpoint to change it");
        }
        if (input.has("filter")) {
            sets.add("filter = ?");
            values.add(filters.validate(input.get("filter")));
        }
        if (input.has("auth")) {
            sets.add("auth = ?");
            values.add(auths.seal(endpointId, input.get("auth"), storedAuth(endpointId), toAnotherOrigin));
        } else if (toAnotherOrigin) {
            auths.requireNone(endpointId, storedAuth(endpointId));
        }
        if (input.has("transformation")) {
            sets.add("transformation = ?");
            values.add(EndpointInput.transformation(input.get("transformation")));
        }
        if (!sets.isEmpty()) {
            sets.add("updated_at = now()");
            values.add(endpointId);
            jdbc.update("UPDATE endpoints SET " + String.join(", ", sets) + " WHERE id = ?", values.toArray());
        }
        if (Boolean.TRUE.equals(enabled)) {
            paused.resumeAll(endpointId);
        } else if (Boolean.FALSE.equals(enabled)) {
            paused.pauseAll(endpointId);
        }
        Map<String, Object> after = find(tenantId, endpointId);
        if (!sets.isEmpty()) {
            audit.record(tenantId, actor, updateAction(before, after), endpointId, before, after);
        }
        if (!before.get("enabled").equals(after.get("enabled"))) {
            if (Boolean.TRUE.equals(after.get("enabled"))) {
                operational.endpointEnabled(tenantId, endpointId);
            } else {
                operational.endpointDisabled(tenantId, endpointId, PauseReason.OPERATOR.code(), DISABLED_THROUGH_THE_API);
            }
        }
        return after;
    }

    private String storedHeaders(UUID endpointId) {
        return jdbc.queryForObject("SELECT headers::text FROM endpoints WHERE id = ?", String.class, endpointId);
    }

    private String storedAuth(UUID endpointId) {
        return jdbc.queryForObject("SELECT auth FROM endpoints WHERE id = ?", String.class, endpointId);
    }

    /** Enabling or disabling is the change an operator looks for: it is its own action. */
    private static AuditAction updateAction(Map<String, Object> before, Map<String, Object> after) {
        if (before.get("enabled").equals(after.get("enabled"))) {
            return AuditAction.ENDPOINT_UPDATE;
        }
        return Boolean.TRUE.equals(after.get("enabled")) ? AuditAction.ENDPOINT_ENABLE : AuditAction.ENDPOINT_DISABLE;
    }

    /** The endpoint's history stays; its signing secrets, static header values and auth are erased. */
    @Transactional
    public void delete(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Header("id") String id) {
        UUID endpointId = PathIds.of(id);
        Map<String, Object> before = find(tenantId, endpointId);
        if (!erase(tenantId, endpointId)) {
            throw ProblemException.notFound("No endpoint " + endpointId);
        }
        audit.record(tenantId, actor, AuditAction.ENDPOINT_DELETE, endpointId, before, null);
    }

    /**
     * Deletes an endpoint (normal or operational) in the caller's transaction: its row stays for the
     * history, its secrets, static header values and auth are erased, its unfinished deliveries end.
     * False when there was no such live endpoint.
     */
    boolean erase(UUID tenantId, UUID endpointId) {
        int deleted = jdbc.update("""
                UPDATE endpoints SET deleted_at = now(), enabled = false, disabled_reason = 'deleted', updated_at = now(),
                                     headers = '{}'::jsonb, auth = NULL
                WHERE id = ? AND tenant_id = ? AND deleted_at IS NULL""", endpointId, tenantId);
        if (deleted == 0) {
            return false;
        }
        jdbc.update("DELETE FROM endpoint_secrets WHERE endpoint_id = ?", endpointId);
        paused.endAll(endpointId);
        return true;
    }

    /**
     * A new secret signs from now on; the previous ones keep signing for the overlap (the request's
     * {@code overlap}, else relay.endpoints.secret-rotation-overlap), then expire. An overlap of zero
     * revokes them at once: they are deleted, so a leaked secret signs nothing claimed after this
     * commits. Secrets whose overlap has run out are deleted too.
     */
    @Transactional
    public Map<String, Object> rotateSecret(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Header("id") String id, @Body byte[] body) {
        UUID endpointId = PathIds.of(id);
        Duration overlap = overlap(body);
        find(tenantId, endpointId);
        Map<String, Object> rotated = rotate(endpointId, overlap);
        // Not named previousSecrets...: the audit redacts every member named after a secret.
        audit.record(tenantId, actor, AuditAction.ENDPOINT_SECRET_ROTATE, endpointId, null,
                Map.of("secret", rotated.get("secret"), "overlapEndsAt", rotated.get("previousSecretsExpireAt")));
        return rotated;
    }

    /**
     * Rotates the secret of an endpoint (normal or operational) in the caller's transaction; answers
     * {"secret", "previousSecretsExpireAt"}.
     */
    Map<String, Object> rotate(UUID endpointId, Duration overlap) {
        Instant previousExpire = Instant.now().plus(overlap);
        previousSecrets.expire(PreviousSecrets.Owner.ENDPOINT, endpointId, previousExpire, overlap.isZero());
        String secret = SigningSecrets.generate();
        storeSecret(endpointId, secret);
        Map<String, Object> rotated = new LinkedHashMap<>();
        rotated.put("secret", secret);
        rotated.put("previousSecretsExpireAt", previousExpire);
        return rotated;
    }

    void storeSecret(UUID endpointId, String secret) {
        jdbc.update("INSERT INTO endpoint_secrets (id, endpoint_id, secret) VALUES (?, ?, ?)",
                UUID.randomUUID(), endpointId, cipher.seal(secret, SecretContexts.signingSecret(endpointId)));
    }

    /** The optional body {"overlap": "1h"} (a duration, or a number of seconds); no body: the configured overlap. */
    Duration overlap(byte[] body) {
        if (body == null || body.length == 0) {
            return rotationOverlap;
        }
        return JsonBodies.overlap(JsonBodies.object(json, body, ROTATE_FIELDS).get("overlap"), rotationOverlap, MAX_OVERLAP);
    }

    Map<String, Object> find(UUID tenantId, UUID endpointId) {
        List<Map<String, Object>> found = jdbc.query(
                COLUMNS + " WHERE id = ? AND tenant_id = ? AND deleted_at IS NULL AND NOT operational",
                this::endpoint, endpointId, tenantId);
        if (found.isEmpty()) {
            throw ProblemException.notFound("No endpoint " + endpointId);
        }
        return found.get(0);
    }

    private Map<String, Object> endpoint(ResultSet rs, int n) throws SQLException {
        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("id", rs.getObject("id", UUID.class));
        endpoint.put("url", rs.getString("url"));
        endpoint.put("description", rs.getString("description"));
        endpoint.put("eventTypes", Arrays.asList((String[]) rs.getArray("event_types").getArray()));
        endpoint.put("enabled", rs.getBoolean("enabled"));
        endpoint.put("disabledReason", rs.getString("disabled_reason"));
        endpoint.put("headers", sealedHeaders.shown(rs.getObject("id", UUID.class), rs.getString("headers")));
        endpoint.put("rateLimit", rs.getObject("rate_limit"));
        endpoint.put("filter", rs.getString("filter"));
        endpoint.put("ordering", rs.getString("ordering"));
        endpoint.put("auth", auths.shown(rs.getObject("id", UUID.class), rs.getString("auth")));
        endpoint.put("transformation", rs.getString("transformation"));
        endpoint.put("retrySchedule", RetryGrid.shown(rs.getString("retry_schedule")));
        endpoint.put("createdAt", rs.getTimestamp("created_at").toInstant());
        endpoint.put("updatedAt", rs.getTimestamp("updated_at").toInstant());
        return endpoint;
    }

    private static String toArrayLiteral(List<String> values) {
        // Filters are validated against ^[A-Za-z0-9._*-]+$, so they need no quoting inside the literal.
        return "{" + String.join(",", values) + "}";
    }
}
