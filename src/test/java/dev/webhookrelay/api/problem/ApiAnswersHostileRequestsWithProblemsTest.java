package dev.webhookrelay.api.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.auth.ApiKeys;
import dev.webhookrelay.support.RawHttp;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.RestRoutes;
import dev.webhookrelay.support.RestRoutes.Operation;
import dev.webhookrelay.support.TestReceiver;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.lifecycle.BeforeTry;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestContextManager;

/**
 * Every route of the API, driven with generated hostile requests against the running relay: nothing
 * answers 5xx (there is no outage here), nothing shows a stack trace or a Java class, every 4xx is an
 * application/problem+json document naming the problem, a refused request stores nothing and an
 * accepted one stores at most one row, and an event sent again with its Idempotency-Key is stored once.
 * Seeds are fixed, so a failure reproduces; jqwik prints the failing request (shrunk).
 */
class ApiAnswersHostileRequestsWithProblemsTest extends RelayIntegrationTest {

    /** jqwik does not run Spring's JUnit extension: the same cached context is joined by hand. */
    private static final TestContextManager SPRING = new TestContextManager(ApiAnswersHostileRequestsWithProblemsTest.class);
    private static final TestReceiver RECEIVER = new TestReceiver();
    private static final TestReceiver REFUSING_RECEIVER = new TestReceiver(TestReceiver.Reply.status(400));
    private static Fixture fixture;
    private static UUID fuzzTenant;

    private static final Pattern STACK_FRAME = Pattern.compile("\\bat [\\w$.]+\\(([\\w$]+\\.java:\\d+|Native Method|Unknown Source)\\)");
    /**
     * In an error: a fully qualified class, an exception's simple name, or Class.method(). (A 2xx may
     * name a class on purpose: an attempt records the error class of a failed connection.)
     */
    private static final Pattern INTERNALS = Pattern.compile("\\b(java|javax|jakarta|sun|org|com|dev|io|net)\\.[a-z]\\w*"
            + "\\.[\\w.$]*[A-Z]|\\b[A-Z]\\w*(Exception|Error)\\b|\\b[A-Z]\\w+\\.[a-z]\\w*\\(\\)");

    private static final List<Operation> UNDECLARED = List.of(
            new Operation("GET", "/v1/nope"), new Operation("POST", "/v1/events/{id}/nope"),
            new Operation("PUT", "/v1/events"), new Operation("DELETE", "/v1/events"),
            new Operation("PATCH", "/v1/dlq/replay"), new Operation("GET", "/v2/events"),
            new Operation("GET", "/"), new Operation("TRACE", "/v1/events"), new Operation("OPTIONS", "/v1/events"),
            new Operation("GET", "/v1/endpoints/{id}/secret/rotate"), new Operation("GET", "/openapi.json"));

    @BeforeProperty
    void joinTheRunningRelay() throws Exception {
        SPRING.prepareTestInstance(this);
        if (fixture == null) {
            fixture = createFixture();
        }
    }

    /** A generated DELETE may remove the fixture's endpoint: brought back so later tries reach past the 404. */
    @BeforeTry
    void restoreTheFixtureEndpoint() {
        jdbc.update("UPDATE endpoints SET deleted_at = NULL WHERE id = ?::uuid AND deleted_at IS NOT NULL",
                fixture.value(Fixture.ENDPOINT_ID));
    }

    @AfterContainer
    static void stopReceivers() {
        RECEIVER.close();
        REFUSING_RECEIVER.close();
    }

    @Property(tries = 300, seed = "20261123", shrinking = ShrinkingMode.BOUNDED)
    void everyRouteAnswersWithoutServerErrorsAndEveryRefusalIsAProblem(@ForAll("requests") HostileRequest request) {
        RawHttp.Request wire = fixture.wire(request);
        Counts before = counts();
        Response response = RawHttp.send(port, wire);
        Counts after = counts();
        String context = wire.describe() + "\n-> " + response.status() + " " + response.headers() + "\n" + response.body();

        assertThat(response.status()).as("no 5xx without an outage: %s", context).isLessThan(500);
        assertThat(STACK_FRAME.matcher(response.body()).find()).as("no stack trace in the answer: %s", context).isFalse();
        if (response.status() >= 400) {
            assertThat(INTERNALS.matcher(response.body()).find()).as("no Java internals in an error: %s", context).isFalse();
            assertProblem(response, context);
            assertThat(after).as("a refused request stores nothing: %s", context).isEqualTo(before);
        } else {
            assertThat(after.atMostOneMoreThan(before)).as("one request stores at most one row of each kind: %s -> %s, %s",
                    before, after, context).isTrue();
        }
    }

    @Property(tries = 100, seed = "20261123", shrinking = ShrinkingMode.BOUNDED)
    void anEventSentAgainWithItsIdempotencyKeyIsStoredOnce(@ForAll("idempotencyKeys") String key,
            @ForAll("payloads") String payload, @ForAll @IntRange(min = 2, max = 4) int copies,
            @ForAll boolean concurrently) throws Exception {
        // A tenant per try: keys repeat across tries, and the copies must not meet its ingest quota.
        String idempotencyTenantKey = createTenant("fuzz-idempotency");
        UUID idempotencyTenant = tenantOf(idempotencyTenantKey);
        String body = "{\"type\":\"fuzz.idempotent\",\"payload\":" + payload + "}";
        RawHttp.Request request = new RawHttp.Request("POST", "/v1/events".getBytes(StandardCharsets.US_ASCII),
                List.of(Map.entry("Authorization", ("Bearer " + idempotencyTenantKey).getBytes(StandardCharsets.US_ASCII)),
                        Map.entry("Content-Type", "application/json".getBytes(StandardCharsets.US_ASCII)),
                        Map.entry("Idempotency-Key", key.getBytes(StandardCharsets.ISO_8859_1))),
                body.getBytes(StandardCharsets.UTF_8), false);
        int eventsBefore = idempotencyTenantEvents(idempotencyTenant);

        List<Response> answers = sendCopies(request, copies, concurrently);

        String context = request.describe() + "\n-> " + answers;
        Set<Integer> statuses = Set.copyOf(answers.stream().map(Response::status).toList());
        assertThat(statuses).as("every copy gets the same answer: %s", context).hasSize(1);
        if (statuses.contains(202)) {
            assertThat(answers.stream().map(a -> a.json().get("id").asText()).distinct())
                    .as("every copy names the same event: %s", context).hasSize(1);
            assertThat(idempotencyTenantEvents(idempotencyTenant) - eventsBefore).as("stored once: %s", context).isEqualTo(1);
            Response reused = RawHttp.send(port, new RawHttp.Request(request.method(), request.target(),
                    request.headers(), "{\"type\":\"fuzz.other\",\"payload\":1}".getBytes(StandardCharsets.UTF_8), false));
            assertThat(reused.status()).as("a key reused for another body: %s", reused).isEqualTo(409);
            assertProblem(reused, reused.toString());
            assertThat(idempotencyTenantEvents(idempotencyTenant) - eventsBefore).as("still stored once: %s", context).isEqualTo(1);
        } else {
            answers.forEach(answer -> assertProblem(answer, context));
            assertThat(idempotencyTenantEvents(idempotencyTenant)).as("a refused event is not stored: %s", context).isEqualTo(eventsBefore);
        }
    }

    @Provide
    Arbitrary<HostileRequest> requests() {
        List<Operation> operations = new ArrayList<>(RestRoutes.declared());
        operations.addAll(UNDECLARED);
        return HostileRequests.to(operations);
    }

    @Provide
    Arbitrary<String> idempotencyKeys() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(255),
                Arbitraries.strings().withCharRange(' ', '\u00ff').ofMinLength(1).ofMaxLength(64)
                        .filter(k -> !k.isBlank() && k.indexOf('\u007f') < 0));
    }

    @Provide
    Arbitrary<String> payloads() {
        return JsonTexts.values(2);
    }

    private static void assertProblem(Response response, String context) {
        assertThat(response.header("Content-Type")).as("a problem document: %s", context)
                .startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode problem = response.json();
        assertThat(problem.path("status").asInt()).as("its status: %s", context).isEqualTo(response.status());
        assertThat(problem.path("title").asText()).as("its title: %s", context).isNotBlank();
        assertThat(problem.path("detail").asText()).as("its detail: %s", context).isNotBlank();
    }

    private List<Response> sendCopies(RawHttp.Request request, int copies, boolean concurrently) throws Exception {
        List<Response> answers = new ArrayList<>();
        if (!concurrently) {
            for (int i = 0; i < copies; i++) {
                answers.add(RawHttp.send(port, request));
            }
            return answers;
        }
        ExecutorService senders = Executors.newFixedThreadPool(copies);
        try {
            List<Future<Response>> sent = new ArrayList<>();
            for (int i = 0; i < copies; i++) {
                sent.add(senders.submit(() -> RawHttp.send(port, request)));
            }
            for (Future<Response> answer : sent) {
                answers.add(answer.get());
            }
        } finally {
            senders.shutdownNow();
        }
        return answers;
    }

    private Fixture createFixture() {
        String tenantKey = createTenant("fuzz");
        String otherKey = createTenant("fuzz-other");
        JsonNode endpoint = createEndpoint(tenantKey, REFUSING_RECEIVER.url(), "[\"fuzz.*\"]");
        JsonNode foreign = createEndpoint(otherKey, RECEIVER.url(), "[]");
        UUID delivery = postAndGetDelivery(tenantKey, "fuzz.setup");
        awaitStatus(delivery, "DEAD_LETTERED", Duration.ofSeconds(30));
        JsonNode replay = post("/v1/dlq/replay", "{\"dryRun\":false}", as(tenantKey)).json();
        fuzzTenant = tenantOf(tenantKey);
        return new Fixture(Map.of(
                Fixture.ENDPOINT_ID, endpoint.get("id").asText(),
                Fixture.EVENT_ID, jdbc.queryForObject("SELECT event_id::text FROM deliveries WHERE id = ?", String.class,
                        delivery),
                Fixture.DELIVERY_ID, delivery.toString(),
                Fixture.REPLAY_ID, replay.get("replayId").asText(),
                Fixture.FOREIGN_ENDPOINT_ID, foreign.get("id").asText(),
                Fixture.TENANT_KEY, tenantKey,
                Fixture.TENANT_ID, fuzzTenant.toString(),
                Fixture.RECEIVER_URL, RECEIVER.url()), ADMIN_TOKEN, otherKey);
    }

    private UUID tenantOf(String apiKey) {
        return jdbc.queryForObject("SELECT tenant_id FROM api_keys WHERE key_hash = ?", UUID.class, ApiKeys.hash(apiKey));
    }

    private int idempotencyTenantEvents(UUID idempotencyTenant) {
        return jdbc.queryForObject("SELECT count(*) FROM events WHERE tenant_id = ?", Integer.class, idempotencyTenant);
    }

    private Counts counts() {
        return jdbc.queryForObject("""
                SELECT (SELECT count(*) FROM tenants),
                       (SELECT count(*) FROM endpoints WHERE tenant_id = ?),
                       (SELECT count(*) FROM events ev WHERE ev.tenant_id = ? AND NOT EXISTS (
                            SELECT 1 FROM deliveries d JOIN endpoints p ON p.id = d.endpoint_id
                             WHERE d.event_id = ev.id AND p.operational)),
                       (SELECT count(*) FROM replays WHERE tenant_id = ?),
                       (SELECT count(*) FROM api_keys WHERE tenant_id = ? AND revoked_at IS NULL),
                       (SELECT count(*) FROM audit_records WHERE tenant_id = ?)""",
                (rs, n) -> new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6)),
                fuzzTenant, fuzzTenant, fuzzTenant, fuzzTenant, fuzzTenant);
    }

    /**
     * Rows a request can create: tenants anywhere, the fuzzing tenant's endpoints, events, replays, keys
     * and audit records. Operational events are not counted: once a generated PUT registered an
     * operational webhook, they follow the fixture endpoint's dead letters at any time, not a request.
     */
    private record Counts(long tenants, long endpoints, long events, long replays, long apiKeys, long auditRecords) {

        boolean atMostOneMoreThan(Counts before) {
            return tenants - before.tenants <= 1 && endpoints - before.endpoints <= 1 && events - before.events <= 1
                    && replays - before.replays <= 1
                    && apiKeys - before.apiKeys <= 1 && auditRecords - before.auditRecords <= 1;
        }
    }
}
