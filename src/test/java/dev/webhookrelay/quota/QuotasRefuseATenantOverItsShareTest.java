package dev.webhookrelay.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.RetrySchedule;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.annotation.Autowired;

class QuotasRefuseATenantOverItsShareTest extends RelayIntegrationTest {

    @Autowired
    private RelayProperties properties;

    @Autowired
    private AmqpAdmin amqp;

    @Autowired
    private CamelContext camel;

    @Test
    void oneEndpointOverTheQuotaIsAConflictUntilAnotherIsDeleted() {
        String key = createTenant("endpoint-quota");
        int max = properties.quotas().maxEndpointsPerTenant();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            ids.add(createEndpoint(key, "http://127.0.0.1:9/e" + i, "[]").get("id").asText());
        }

        Response refused = post("/v1/endpoints", "{\"url\":\"http://127.0.0.1:9/one-more\"}", as(key));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asText()).contains("relay.quotas.max-endpoints-per-tenant");
        assertThat(createEndpoint(createTenant("endpoint-quota-other"), "http://127.0.0.1:9/x", "[]")).isNotNull();

        assertThat(delete("/v1/endpoints/" + ids.get(0), as(key)).status()).isEqualTo(204);
        assertThat(post("/v1/endpoints", "{\"url\":\"http://127.0.0.1:9/one-more\"}", as(key)).status()).isEqualTo(201);
    }

    @Test
    void retrySchedulesAreRefusedOverTheTierQuotaOrUnderOneSecondAndOtherwiseShareQueuesOnTheGrid() {
        String key = createTenant("schedule-quota");
        int maxTiers = properties.quotas().maxRetryTiers();
        String tooMany = String.join(",", Collections.nCopies(maxTiers + 1, "1s"));
        assertProblem(post("/v1/endpoints", "{\"url\":\"http://127.0.0.1:9/a\",\"retrySchedule\":\"" + tooMany + "\"}",
                as(key)), 422, "retrySchedule");
        assertProblem(post("/v1/endpoints", "{\"url\":\"http://127.0.0.1:9/a\",\"retrySchedule\":\"500ms,5s\"}",
                as(key)), 422, "retrySchedule");
        assertProblem(post("/v1/endpoints", "{\"url\":\"http://127.0.0.1:9/a\",\"retrySchedule\":\"8d\"}",
                as(key)), 422, "retrySchedule");

        String allowed = String.join(",", Collections.nCopies(maxTiers, "3s"));
        assertThat(post("/v1/endpoints", "{\"url\":\"http://127.0.0.1:9/a\",\"retrySchedule\":\"" + allowed + "\"}",
                as(key)).status()).isEqualTo(201);
        Response odd = post("/v1/endpoints", "{\"url\":\"http://127.0.0.1:9/b\",\"retrySchedule\":\"3001ms, 90s\"}",
                as(key));
        assertThat(odd.status()).isEqualTo(201);
        assertThat(odd.json().get("retrySchedule").asText()).isEqualTo("3s,2m");
        String id = odd.json().get("id").asText();
        assertThat(get("/v1/endpoints/" + id, as(key)).json().get("retrySchedule").asText()).isEqualTo("3s,2m");
        Response patched = patch("/v1/endpoints/" + id, "{\"retrySchedule\":\"2999ms,120000ms\"}", as(key));
        assertThat(patched.json().get("retrySchedule").asText()).isEqualTo("3s,2m");

        var delivery = properties.delivery();
        RetrySchedule onGrid = new RetrySchedule(List.of(Duration.ofSeconds(3), Duration.ofMinutes(2)),
                delivery.jitter(), delivery.jitterBuckets(), properties.rabbitmq().waitQueuePrefix());
        assertThat(onGrid.allWaitQueues()).allSatisfy(queue ->
                assertThat(amqp.getQueueProperties(queue.name())).as(queue.name()).isNotNull());
        RetrySchedule offGrid = new RetrySchedule(List.of(Duration.ofMillis(3001)),
                delivery.jitter(), delivery.jitterBuckets(), properties.rabbitmq().waitQueuePrefix());
        assertThat(offGrid.allWaitQueues()).allSatisfy(queue ->
                assertThat(amqp.getQueueProperties(queue.name())).as(queue.name()).isNull());
    }

    @Test
    void eventsOverTheRateAre429WithRetryAfterAndNothingOfThemIsStored() throws Exception {
        String name = "ingest-quota-" + UUID.randomUUID();
        String key = createTenant(name);
        UUID tenantId = jdbc.queryForObject("SELECT id FROM tenants WHERE name = ?", UUID.class, name);
        int offered = properties.quotas().ingestBurst() * 3;
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<Future<Response>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < offered; i++) {
                answers.add(senders.submit(() -> postEvent(key, "{\"type\":\"flood.tick\",\"payload\":{}}", null)));
            }
            List<Response> responses = new ArrayList<>();
            for (Future<Response> answer : answers) {
                responses.add(answer.get());
            }
            List<Response> refused = responses.stream().filter(r -> r.status() == 429).toList();
            long accepted = responses.stream().filter(r -> r.status() == 202).count();

            assertThat(refused).isNotEmpty();
            assertThat(accepted + refused.size()).isEqualTo(offered);
            assertThat(refused).allSatisfy(r -> {
                assertThat(r.header("Content-Type")).startsWith("application/problem+json");
                assertThat(Integer.parseInt(r.header("Retry-After"))).isPositive();
                assertThat(r.json().get("status").asInt()).isEqualTo(429);
            });
            assertThat(jdbc.queryForObject("SELECT count(*) FROM events WHERE tenant_id = ?", Long.class, tenantId))
                    .isEqualTo(accepted);
            // Another tenant's bucket is its own.
            assertThat(postEvent(createTenant("ingest-quota-other"), "{\"type\":\"a.b\",\"payload\":{}}", null).status())
                    .isEqualTo(202);
        } finally {
            senders.shutdownNow();
        }
    }

    @Test
    void aBulkReplayOverTheQuotaIs429WithRetryAfterUntilOneCompletes() throws Exception {
        String name = "replay-quota-" + UUID.randomUUID();
        String key = createTenant(name);
        String endpointId = createEndpoint(key, "http://127.0.0.1:9/dead", "[]").get("id").asText();
        UUID tenantId = jdbc.queryForObject("SELECT id FROM tenants WHERE name = ?", UUID.class, name);
        insertDeadLetters(endpointId, 3);
        int max = properties.quotas().maxReplaysPerTenant();
        // The runner is paused so the replays started here stay RUNNING while the quota is tested.
        camel.getRouteController().stopRoute("run-replays");
        try {
            for (int i = 0; i < max; i++) {
                assertThat(post("/v1/dlq/replay", "{}", as(key)).status()).isEqualTo(202);
            }
            Response refused = post("/v1/endpoints/" + endpointId + "/recover", "{\"since\":\"2020-01-01T00:00:00Z\"}",
                    as(key));
            assertProblem(refused, 429, null);
            assertThat(Integer.parseInt(refused.header("Retry-After"))).isPositive();
            assertProblem(post("/v1/dlq/replay", "{}", as(key)), 429, null);
            assertThat(post("/v1/dlq/replay", "{\"dryRun\":true}", as(key)).status()).isEqualTo(202);
        } finally {
            camel.getRouteController().startRoute("run-replays");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM replays WHERE tenant_id = ? AND status = 'RUNNING'", Integer.class, tenantId) == 0);
        insertDeadLetters(endpointId, 1);
        assertThat(post("/v1/dlq/replay", "{}", as(key)).status()).isEqualTo(202);
    }

    @Test
    void apiKeysSourcesAndEventTypesOverTheirQuotasAreConflicts() {
        String key = createTenant("catalog-quotas");
        var quotas = properties.quotas();
        // The tenant's first key counts: it was created with the tenant.
        for (int i = 1; i < quotas.maxApiKeysPerTenant(); i++) {
            assertThat(post("/v1/api-keys", "{\"name\":\"k" + i + "\"}", as(key)).status()).isEqualTo(201);
        }
        for (int i = 0; i < quotas.maxSourcesPerTenant(); i++) {
            assertThat(post("/v1/sources", "{\"name\":\"s" + i + "\",\"provider\":\"github\",\"secret\":\"x\"}", as(key))
                    .status()).isEqualTo(201);
        }
        for (int i = 0; i < quotas.maxEventTypesPerTenant(); i++) {
            assertThat(put("/v1/event-types/t" + i, "{}", as(key)).status()).isEqualTo(201);
        }

        assertProblem(post("/v1/api-keys", "{\"name\":\"one-more\"}", as(key)), 409, null);
        assertProblem(post("/v1/sources", "{\"name\":\"one-more\",\"provider\":\"github\",\"secret\":\"x\"}", as(key)),
                409, null);
        assertProblem(put("/v1/event-types/one-more", "{}", as(key)), 409, null);
        assertThat(put("/v1/event-types/t0", "{\"description\":\"replaced\"}", as(key)).status())
                .as("replacing a type is not one more").isEqualTo(200);
    }

    private static void assertProblem(Response response, int status, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        if (field != null) {
            assertThat(response.json().get("field").asText()).isEqualTo(field);
        }
    }
}
