package dev.webhookrelay.support;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole relay on a random port, against this run's own
 * PostgreSQL database and RabbitMQ vhost. All test classes share one application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
public abstract class RelayIntegrationTest {

    public static final String ADMIN_TOKEN = "test-admin-token";
    public static final String CONSOLE_PASSWORD = "test-console-password";
    /** The master key of the test relay, and an earlier one it still opens (base64 of 32 bytes each). */
    public static final String MASTER_KEY = "3+DRCVJk82HydGAFeTjfRexbrnJgar6I/eQSl8WCHCo=";
    public static final String PREVIOUS_MASTER_KEY = "p1SiRbYIKalN91QVxTARqgAzhMfSvBowZLs1C5L4/SI=";
    protected static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** PostgreSQL and RabbitMQ as the relay sees them: through proxies a test can cut. */
    protected static final TcpProxy POSTGRES = new TcpProxy(5432);
    protected static final TcpProxy RABBITMQ = new TcpProxy(5672);

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    private MeterRegistry meterRegistry;


    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.ensureCreated();
        registry.add("spring.datasource.url", () -> TestServices.jdbcUrl(POSTGRES.port()));
        registry.add("spring.datasource.username", () -> TestServices.DB_USER);
        registry.add("spring.datasource.password", () -> TestServices.DB_PASSWORD);
        // The pool grows on demand: test runs side by side must not take all of PostgreSQL's connections up front.
        registry.add("spring.datasource.hikari.minimum-idle", () -> "2");
        registry.add("spring.rabbitmq.host", () -> TestServices.HOST);
        registry.add("spring.rabbitmq.port", RABBITMQ::port);
        registry.add("spring.rabbitmq.virtual-host", () -> TestServices.VHOST);
        registry.add("relay.admin-token", () -> ADMIN_TOKEN);
        registry.add("relay.console.password", () -> CONSOLE_PASSWORD);
        registry.add("relay.secrets.master-key", () -> MASTER_KEY);
        registry.add("relay.secrets.previous-keys", () -> PREVIOUS_MASTER_KEY);
        // Re-encryption passes follow each other quickly, in small batches, so a test sees one soon
        // and its batching is exercised.
        registry.add("relay.secrets.reencrypt-interval", () -> "1s");
        registry.add("relay.secrets.reencrypt-batch-size", () -> "3");
        registry.add("relay.delivery.allowed-networks", () -> "127.0.0.1/32");
        // Every test calls from 127.0.0.1, and some send bad keys on purpose (hundreds, in the
        // property-based tests): that address's failure budget must last the run.
        registry.add("relay.auth.failed-attempts-per-minute", () -> "1000");
        // A key revoked by another instance is refused here within 3 s, so a test can wait for it.
        registry.add("relay.ingest.api-key-cache-ttl", () -> "3s");
        registry.add("relay.delivery.retry-schedule", () -> "300ms,600ms,900ms");
        // Few quorum queues per run: each is a Raft group, and a 2-core broker slows with hundreds.
        registry.add("relay.delivery.jitter-buckets", () -> "2");
        registry.add("relay.delivery.response-timeout", () -> "1s");
        // A claim abandoned mid-attempt (a test's simulated crash) is attempted again 16 s later, not 31 s:
        // still longer than the suite's PostgreSQL outage (10 s), so no lease ends while it holds outcomes back.
        // A benchmark that runs a test at production's margin passes -Drelay.delivery.claim-lease-margin.
        registry.add("relay.delivery.claim-lease-margin",
                () -> System.getProperty("relay.delivery.claim-lease-margin", "15s"));
        registry.add("relay.outbox.min-age", () -> "1s");
        // Consumers of a deleted queue try it again soon, so a test waits past the point where
        // Spring AMQP's container would have given up (three tries) within a second or two.
        registry.add("relay.rabbitmq.missing-queue-retry-interval", () -> "200ms");
        // Quotas small enough for a test to reach, above what any other test uses per tenant (the
        // in-flight cap keeps its default, 16 of the 32 consumers).
        registry.add("relay.quotas.max-endpoints-per-tenant", () -> "8");
        registry.add("relay.quotas.ingest-rate-per-second", () -> "50");
        registry.add("relay.quotas.ingest-burst", () -> "600");
        registry.add("relay.quotas.max-replays-per-tenant", () -> "1");
        registry.add("relay.quotas.max-api-keys-per-tenant", () -> "20");
        registry.add("relay.quotas.max-sources-per-tenant", () -> "10");
        registry.add("relay.quotas.max-event-types-per-tenant", () -> "20");
        registry.add("relay.reconcile.interval", () -> "1s");
        registry.add("relay.reconcile.grace", () -> "5s");
        registry.add("camel.main.routes-include-pattern", () -> "file:routes/*.yaml");
    }

    protected Response post(String path, String body, Map<String, String> headers) {
        return send("POST", path, body, headers);
    }

    protected Response get(String path, Map<String, String> headers) {
        return send("GET", path, null, headers);
    }

    protected Response put(String path, String body, Map<String, String> headers) {
        return send("PUT", path, body, headers);
    }

    protected Response patch(String path, String body, Map<String, String> headers) {
        return send("PATCH", path, body, headers);
    }

    protected Response delete(String path, Map<String, String> headers) {
        return send("DELETE", path, null, headers);
    }

    /** Every event id GET /v1/events lists for this key, following nextCursor page by page (at most 100 pages). */
    protected List<String> eventIdsPaged(String apiKey, int limit) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = get("/v1/events?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor), as(apiKey)).json();
            page.get("data").forEach(e -> ids.add(e.get("id").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null && ++pages < 100);
        return ids;
    }

    /** Headers of a JSON call made with a tenant's API key. */
    protected static Map<String, String> as(String apiKey) {
        return Map.of("Authorization", "Bearer " + apiKey, "Content-Type", "application/json");
    }

    private Response send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** That many dead letters of the endpoint, each of an hour-old event, dead-lettered a minute ago. */
    protected void insertDeadLetters(String endpointId, int count) {
        jdbc.update("""
                WITH e AS (
                    INSERT INTO events (id, tenant_id, type, payload, body_hash, created_at)
                    SELECT gen_random_uuid(), p.tenant_id, 'dead.item', jsonb_build_object('i', g), 'h', now() - interval '1 hour'
                    FROM generate_series(1, ?) g, endpoints p WHERE p.id = ?::uuid RETURNING id, tenant_id, created_at)
                INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, status, attempt_count, budget_attempts,
                                        last_status, last_error, created_at, updated_at)
                SELECT gen_random_uuid(), e.id, ?::uuid, e.tenant_id, 'DEAD_LETTERED', 4, 4, 503, 'HTTP 503', e.created_at,
                       now() - interval '1 minute'
                FROM e""", count, endpointId, endpointId);
    }

    /** A new tenant; returns its API key. */
    protected String createTenant(String name) {
        Response created = post("/v1/admin/tenants", "{\"name\":\"" + name + "\"}",
                Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Content-Type", "application/json"));
        if (created.status() != 201) {
            throw new IllegalStateException("tenant not created: " + created);
        }
        return created.json().get("apiKey").asText();
    }

    protected JsonNode createEndpoint(String apiKey, String url, String eventTypesJson) {
        Response created = post("/v1/endpoints", "{\"url\":\"" + url + "\",\"eventTypes\":" + eventTypesJson + "}",
                Map.of("Authorization", "Bearer " + apiKey, "Content-Type", "application/json"));
        if (created.status() != 201) {
            throw new IllegalStateException("endpoint not created: " + created);
        }
        return created.json();
    }

    protected Response postEvent(String apiKey, String body, String idempotencyKey) {
        Map<String, String> headers = idempotencyKey == null
                ? Map.of("Authorization", "Bearer " + apiKey, "Content-Type", "application/json")
                : Map.of("Authorization", "Bearer " + apiKey, "Content-Type", "application/json",
                        "Idempotency-Key", idempotencyKey);
        return post("/v1/events", body, headers);
    }

    /** The usual set-up of a delivery test: a catch-all endpoint at the receiver, one order.created event. */
    protected UUID deliveryTo(String apiKey, TestReceiver receiver) {
        createEndpoint(apiKey, receiver.url(), "[]");
        return postAndGetDelivery(apiKey, "order.created");
    }

    protected UUID postAndGetDelivery(String apiKey, String type) {
        Response accepted = postEvent(apiKey, "{\"type\":\"" + type + "\",\"payload\":{\"n\":1}}", null);
        if (accepted.status() != 202 || accepted.json().get("deliveries").isEmpty()) {
            throw new IllegalStateException("not accepted with a delivery: " + accepted);
        }
        return UUID.fromString(accepted.json().get("deliveries").get(0).get("id").asText());
    }

    protected String status(UUID deliveryId) {
        return jdbc.queryForObject("SELECT status FROM deliveries WHERE id = ?", String.class, deliveryId);
    }

    /** How many the relay counted so far in the counter of that name and reason tag (0 before the first). */
    protected double counted(String meter, String reason) {
        Counter counter = meterRegistry.find(meter).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    protected void awaitStatus(UUID deliveryId, String expected, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> expected.equals(status(deliveryId)));
    }

    protected List<Map<String, Object>> attempts(UUID deliveryId) {
        return jdbc.queryForList("SELECT * FROM attempts WHERE delivery_id = ? ORDER BY id", deliveryId);
    }

    public record Response(int status, Map<String, List<String>> headers, String body) {

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }
}
