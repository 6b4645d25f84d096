package dev.webhookrelay.replay;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
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
import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.operational.OperationalEvents;
import dev.webhookrelay.query.ListRequest;
import dev.webhookrelay.query.PathIds;
import dev.webhookrelay.quota.ReplayQuota;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Replays: one delivery at once, or many in the background. A replayed delivery gets a fresh attempt
 * budget and goes through the normal pipeline (RECEIVED, publish, claim), or waits PAUSED while its
 * endpoint is disabled; a deleted endpoint's deliveries are not replayed. Its old attempts stay in
 * its history. Its stale copy in the RabbitMQ DLQ, if an operator later moves it back, is skipped by
 * the claim because the delivery is no longer DEAD_LETTERED.
 */
@Component("replayService")
public class ReplayService {

    /**
     * Back to RECEIVED with a fresh attempt budget, queued as of now (updated_at, no due time): the
     * replay publishes it itself, and the outbox sweeper takes it only if the work queue moves past it
     * without it (the replay's publish was lost). A delivery
     * whose endpoint is disabled goes to PAUSED instead (with the endpoint's reason, read under a lock
     * as `e`), so re-enabling the endpoint sends it. A dead letter replayed is recovering: delivering
     * it is announced as delivery.recovered.
     */
    private static final String REQUEUE = """
            recovering = d.status = 'DEAD_LETTERED',
            status = CASE WHEN e.enabled THEN 'RECEIVED' ELSE 'PAUSED' END,
            paused_reason = CASE WHEN e.enabled THEN NULL ELSE coalesce(e.disabled_by, 'operator') END,
            budget_attempts = 0,
            next_attempt_at = NULL,
            updated_at = now()""";

    private static final Set<String> BULK_FIELDS = Set.of("endpointId", "since", "until", "dryRun");
    private static final Set<String> RECOVER_FIELDS = Set.of("since", "until");

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final RelayProperties properties;
    private final ReplayQuota quota;
    private final AuditTrail audit;
    private final OperationalEvents operational;

    public ReplayService(JdbcTemplate jdbc, ObjectMapper json, RelayProperties properties, ReplayQuota quota,
            AuditTrail audit, OperationalEvents operational) {
        this.jdbc = jdbc;
        this.json = json;
        this.properties = properties;
        this.quota = quota;
        this.audit = audit;
        this.operational = operational;
    }

    /** POST /v1/deliveries/{id}/replay: re-queues a finished delivery, to be published unless it waits PAUSED. */
    @Transactional
    public Replayed replayOne(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Header("id") String id) {
        UUID deliveryId = PathIds.of(id);
        List<Requeued> requeued = jdbc.query("""
                WITH e AS (
                    SELECT p.id, p.enabled, p.disabled_by FROM endpoints p
                     WHERE p.id = (SELECT endpoint_id FROM deliveries WHERE id = ? AND tenant_id = ?)
                       AND p.deleted_at IS NULL
                       FOR SHARE)
                UPDATE deliveries d SET %s, replay_id = NULL
                  FROM e
                 WHERE d.id = ? AND d.endpoint_id = e.id AND d.status IN ('DEAD_LETTERED', 'DELIVERED')
                RETURNING d.id, d.endpoint_id, d.status, d.tenant_id,
                          (SELECT ev.trace_parent FROM events ev WHERE ev.id = d.event_id AND ev.created_at = d.created_at),
                          d.created_at""".formatted(REQUEUE),
                ReplayService::requeued, deliveryId, tenantId, deliveryId);
        if (requeued.isEmpty()) {
            refuseReplay(tenantId, deliveryId);
        }
        Requeued one = requeued.get(0);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("deliveryId", deliveryId);
        answer.put("status", one.status());
        audit.record(tenantId, actor, AuditAction.DELIVERY_REPLAY, deliveryId, null, answer);
        return new Replayed(answer, one.received() ? one.message() : null);
    }

    /** A single replay's answer, and its work message; null while the delivery waits PAUSED for its endpoint. */
    public record Replayed(Map<String, Object> answer, WorkMessage workMessage) {
    }

    private void refuseReplay(UUID tenantId, UUID deliveryId) {
        List<Map<String, Object>> found = jdbc.queryForList("""
                SELECT d.status, p.deleted_at IS NOT NULL AS endpoint_deleted
                  FROM deliveries d JOIN endpoints p ON p.id = d.endpoint_id
                 WHERE d.id = ? AND d.tenant_id = ?""", deliveryId, tenantId);
        if (found.isEmpty()) {
            throw ProblemException.notFound("No delivery " + deliveryId);
        }
        if (Boolean.TRUE.equals(found.get(0).get("endpoint_deleted"))) {
            throw ProblemException.conflict("The delivery's endpoint was deleted; it cannot be replayed", "id");
        }
        throw ProblemException.conflict("Delivery is " + found.get(0).get("status")
                + "; only DELIVERED or DEAD_LETTERED deliveries can be replayed", "id");
    }

    /** POST /v1/dlq/replay: counts, and unless dryRun, starts a background replay of the matching DLQ. */
    @Transactional
    public Map<String, Object> replayDeadLetters(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Body byte[] body) {
        JsonNode input = JsonBodies.object(json, bodyOrEmptyObject(body), BULK_FIELDS);
        UUID endpointId = uuidField(input, "endpointId");
        if (endpointId != null) {
            requireEndpoint(tenantId, endpointId);
        }
        Instant since = instantField(input, "since");
        Instant until = instantField(input, "until");
        JsonNode dryRun = input.get("dryRun");
        if (dryRun != null && !dryRun.isBoolean()) {
            throw ProblemException.invalid("dryRun", "dryRun must be true or false");
        }
        Map<String, Object> started = start(tenantId, endpointId, since, until, dryRun != null && dryRun.booleanValue());
        if (started.get("replayId") != null) {
            audit.record(tenantId, actor, AuditAction.DLQ_REPLAY, started.get("replayId"), null,
                    replayRecord(started, endpointId, since, until));
        }
        return started;
    }

    /** POST /v1/endpoints/{id}/recover: replays the endpoint's failed deliveries of a time window. */
    @Transactional
    public Map<String, Object> recover(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Header("id") String id, @Body byte[] body) {
        UUID endpointId = PathIds.of(id);
        requireEndpoint(tenantId, endpointId);
        JsonNode input = JsonBodies.object(json, bodyOrEmptyObject(body), RECOVER_FIELDS);
        Instant since = instantField(input, "since");
        if (since == null) {
            throw ProblemException.invalid("since", "since is required");
        }
        Instant until = instantField(input, "until");
        Map<String, Object> started = start(tenantId, endpointId, since, until, false);
        if (started.get("replayId") != null) {
            audit.record(tenantId, actor, AuditAction.ENDPOINT_RECOVER, endpointId, null,
                    replayRecord(started, endpointId, since, until));
        }
        return started;
    }

    /** What a started bulk replay covers, as its audit record shows it. */
    private static Map<String, Object> replayRecord(Map<String, Object> started, UUID endpointId, Instant since,
            Instant until) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("replayId", started.get("replayId"));
        record.put("count", started.get("count"));
        record.put("endpointId", endpointId);
        record.put("since", since);
        record.put("until", until);
        return record;
    }

    /** GET /v1/replays/{id}. */
    public Map<String, Object> status(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Header("id") String id) {
        UUID replayId = PathIds.of(id);
        List<Map<String, Object>> found = jdbc.query("""
                SELECT r.id, r.status, r.total, r.done, r.endpoint_id, r.since, r.until, r.created_at, r.completed_at,
                       (SELECT count(*) FROM deliveries d WHERE d.replay_id = r.id AND d.status = 'DELIVERED') AS delivered,
                       (SELECT count(*) FROM deliveries d WHERE d.replay_id = r.id AND d.status = 'DEAD_LETTERED') AS failed
                  FROM replays r WHERE r.id = ? AND r.tenant_id = ?""", (rs, n) -> {
                    Map<String, Object> replay = new LinkedHashMap<>();
                    replay.put("id", rs.getObject("id", UUID.class));
                    replay.put("status", rs.getString("status"));
                    replay.put("total", rs.getInt("total"));
                    replay.put("done", rs.getInt("done"));
                    replay.put("delivered", rs.getInt("delivered"));
                    replay.put("failed", rs.getInt("failed"));
                    replay.put("endpointId", rs.getObject("endpoint_id", UUID.class));
                    replay.put("since", instant(rs.getTimestamp("since")));
                    replay.put("until", instant(rs.getTimestamp("until")));
                    replay.put("createdAt", instant(rs.getTimestamp("created_at")));
                    replay.put("completedAt", instant(rs.getTimestamp("completed_at")));
                    return replay;
                }, replayId, tenantId);
        if (found.isEmpty()) {
            throw ProblemException.notFound("No replay " + replayId);
        }
        return found.get(0);
    }

    /**
     * One batch of the running replay whose turn it is (running replays take turns, a batch each, so
     * one tenant's large replay does not hold up another's): re-queues up to relay.replay.batch-size of its
     * deliveries and returns their work messages. Dead letters newer than the replay request are
     * not part of it (a delivery that fails again is not replayed in a loop). The batch that re-queues
     * the last of them completes the replay, announced as replay.completed in the same transaction.
     */
    @Transactional
    public List<WorkMessage> nextBatch() {
        List<Map<String, Object>> replays = jdbc.queryForList("""
                SELECT id, tenant_id, endpoint_id, since, until, created_at FROM replays
                WHERE status = 'RUNNING' ORDER BY last_batch_at NULLS FIRST, created_at LIMIT 1
                FOR UPDATE SKIP LOCKED""");
        if (replays.isEmpty()) {
            return List.of();
        }
        Map<String, Object> replay = replays.get(0);
        Filter filter = new Filter((UUID) replay.get("tenant_id"), (UUID) replay.get("endpoint_id"),
                toInstant(replay.get("since")), toInstant(replay.get("until")));
        List<Object> args = new ArrayList<>(filter.arguments());
        args.add(replay.get("created_at"));
        args.add(replay.get("id"));
        int batchSize = properties.replay().batchSize();
        List<Requeued> requeued = jdbc.query("""
                WITH batch AS (
                    SELECT id, endpoint_id FROM deliveries WHERE %s AND updated_at <= ?
                     ORDER BY updated_at LIMIT %d FOR UPDATE SKIP LOCKED),
                e AS (
                    SELECT p.id, p.enabled, p.disabled_by FROM endpoints p
                     WHERE p.id IN (SELECT endpoint_id FROM batch) AND p.deleted_at IS NULL
                       FOR SHARE)
                UPDATE deliveries d SET %s, replay_id = ?
                  FROM batch b JOIN e ON e.id = b.endpoint_id
                 WHERE d.id = b.id
                RETURNING d.id, d.endpoint_id, d.status, d.tenant_id,
                          (SELECT ev.trace_parent FROM events ev WHERE ev.id = d.event_id AND ev.created_at = d.created_at),
                          d.created_at""".formatted(filter.where(), batchSize, REQUEUE),
                ReplayService::requeued, args.toArray());
        List<WorkMessage> messages = requeued.stream().filter(Requeued::received).map(Requeued::message)
                .toList();
        boolean completed = requeued.size() < batchSize;
        Map<String, Object> progress = jdbc.queryForMap("""
                UPDATE replays SET done = done + ?, last_batch_at = clock_timestamp(),
                       status = CASE WHEN ? THEN 'COMPLETED' ELSE status END,
                       completed_at = CASE WHEN ? THEN now() ELSE completed_at END
                WHERE id = ?
                RETURNING total, done""", requeued.size(), completed, completed, replay.get("id"));
        if (completed) {
            operational.replayCompleted(filter.tenantId(), (UUID) replay.get("id"), filter.endpointId(),
                    (Integer) progress.get("total"), (Integer) progress.get("done"));
        }
        return messages;
    }

    private Map<String, Object> start(UUID tenantId, UUID endpointId, Instant since, Instant until, boolean dryRun) {
        if (since != null && until != null && !since.isBefore(until)) {
            throw ProblemException.invalid("until", "until must be after since");
        }
        Filter filter = new Filter(tenantId, endpointId, since, until);
        Integer count = jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE " + filter.where(), Integer.class,
                filter.arguments().toArray());
        Map<String, Object> answer = new LinkedHashMap<>();
        UUID replayId = null;
        if (!dryRun && count != null && count > 0) {
            quota.requireRoomForOneMore(tenantId);
            replayId = UUID.randomUUID();
            jdbc.update("""
                    INSERT INTO replays (id, tenant_id, endpoint_id, since, until, total) VALUES (?, ?, ?, ?, ?, ?)""",
                    replayId, tenantId, endpointId, timestamp(since), timestamp(until), count);
        }
        answer.put("replayId", replayId);
        answer.put("count", count);
        answer.put("dryRun", dryRun);
        return answer;
    }

    /**
     * A replayed delivery: RECEIVED ones are published, PAUSED ones wait for their endpoint. Its
     * attempts join the trace of the event's ingest, not the replay request's.
     */
    private record Requeued(UUID deliveryId, UUID endpointId, String status, UUID tenantId, String traceparent,
            Instant createdAt) {

        boolean received() {
            return "RECEIVED".equals(status);
        }

        WorkMessage message() {
            return new WorkMessage(deliveryId, endpointId, tenantId, 1, traceparent, createdAt);
        }
    }

    private static Requeued requeued(ResultSet rs, int row) throws SQLException {
        return new Requeued(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                rs.getObject(4, UUID.class), rs.getString(5), rs.getTimestamp(6).toInstant());
    }

    /** Which dead-lettered deliveries a replay covers: never those of a deleted endpoint. */
    private record Filter(UUID tenantId, UUID endpointId, Instant since, Instant until) {

        String where() {
            return "tenant_id = ? AND status = 'DEAD_LETTERED'"
                    + " AND NOT EXISTS (SELECT 1 FROM endpoints p WHERE p.id = deliveries.endpoint_id AND p.deleted_at IS NOT NULL)"
                    + (endpointId == null ? "" : " AND endpoint_id = ?")
                    + (since == null ? "" : " AND updated_at >= ?")
                    + (until == null ? "" : " AND updated_at < ?");
        }

        List<Object> arguments() {
            List<Object> args = new ArrayList<>();
            args.add(tenantId);
            if (endpointId != null) {
                args.add(endpointId);
            }
            if (since != null) {
                args.add(Timestamp.from(since));
            }
            if (until != null) {
                args.add(Timestamp.from(until));
            }
            return args;
        }
    }

    private void requireEndpoint(UUID tenantId, UUID endpointId) {
        Integer found = jdbc.queryForObject("SELECT count(*) FROM endpoints WHERE id = ? AND tenant_id = ?",
                Integer.class, endpointId, tenantId);
        if (found == null || found == 0) {
            throw ProblemException.notFound("No endpoint " + endpointId);
        }
    }

    private static byte[] bodyOrEmptyObject(byte[] body) {
        return body == null || body.length == 0 ? "{}".getBytes() : body;
    }

    private static UUID uuidField(JsonNode body, String field) {
        String text = JsonBodies.optionalText(body, field, 64);
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(field, field + " must be a UUID");
        }
    }

    private static Instant instantField(JsonNode body, String field) {
        String text = JsonBodies.optionalText(body, field, 64);
        return text == null ? null : ListRequest.parseInstant(text, field);
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static Instant toInstant(Object value) {
        return value == null ? null : ((Timestamp) value).toInstant();
    }
}
