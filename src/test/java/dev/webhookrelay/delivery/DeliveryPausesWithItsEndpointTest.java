package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A delivery never waits invisibly on its endpoint: disabling the endpoint (operator, 410, circuit
 * breaker) pauses its pending deliveries with the reason, enabling it delivers them all, deleting it
 * ends them.
 */
class DeliveryPausesWithItsEndpointTest extends RelayIntegrationTest {

    private static final int DELIVERIES = 20;

    @Autowired
    private MeterRegistry meters;

    @Test
    void anEndpointDisabledDuringRetriesPausesItsDeliveriesAndReEnablingDeliversThemAll() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(500))) {
            String key = createTenant("pause-operator");
            String endpoint = endpointWithSchedule(key, receiver, "3s,3s,3s");
            List<UUID> deliveries = retrying(key, DELIVERIES);

            assertThat(patch("/v1/endpoints/" + endpoint, "{\"enabled\":false}", as(key)).status()).isEqualTo(200);

            assertThat(paused(key, endpoint)).hasSize(DELIVERIES)
                    .allSatisfy(d -> assertThat(d.get("pausedReason").asText()).isEqualTo("operator"));
            // Their retry messages come back and find the endpoint disabled: the deliveries stay paused.
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
                    .until(() -> deliveries.stream().allMatch(id -> "PAUSED".equals(status(id))));
            int requestsWhilePaused = receiver.received().size();

            receiver.replyFromNow(Reply.status(200));
            assertThat(patch("/v1/endpoints/" + endpoint, "{\"enabled\":true}", as(key)).status()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> deliveries.stream().allMatch(id -> "DELIVERED".equals(status(id))));
            report("operator disable", deliveries.size(), receiver, requestsWhilePaused);
        }
    }

    @Test
    void a410PausesTheEndpointsOtherDeliveries() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(500))) {
            String key = createTenant("pause-gone");
            String endpoint = endpointWithSchedule(key, receiver, "30s");
            List<UUID> deliveries = retrying(key, DELIVERIES);

            receiver.replyFromNow(Reply.status(410));
            UUID gone = postAndGetDelivery(key, "order.created");
            awaitStatus(gone, "DEAD_LETTERED", Duration.ofSeconds(15));

            assertThat(paused(key, endpoint)).hasSize(DELIVERIES)
                    .allSatisfy(d -> assertThat(d.get("pausedReason").asText()).isEqualTo("gone"));
            int requestsWhilePaused = receiver.received().size();

            receiver.replyFromNow(Reply.status(200));
            patch("/v1/endpoints/" + endpoint, "{\"enabled\":true}", as(key));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> deliveries.stream().allMatch(id -> "DELIVERED".equals(status(id))));
            report("410 Gone", deliveries.size(), receiver, requestsWhilePaused);
        }
    }

    @Test
    void theCircuitBreakerPausesTheEndpointsDeliveries() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(500))) {
            String key = createTenant("pause-breaker");
            String endpoint = endpointWithSchedule(key, receiver, "30s");
            List<UUID> deliveries = new ArrayList<>(retrying(key, DELIVERIES));
            jdbc.update("UPDATE endpoints SET failing_since = now() - interval '6 days' WHERE id = ?::uuid", endpoint);

            deliveries.add(postAndGetDelivery(key, "order.created"));

            await().atMost(Duration.ofSeconds(15)).until(() -> paused(key, endpoint).size() == DELIVERIES + 1);
            assertThat(paused(key, endpoint))
                    .allSatisfy(d -> assertThat(d.get("pausedReason").asText()).isEqualTo("circuit-breaker"));
            assertThat(get("/v1/endpoints/" + endpoint, as(key)).json().get("disabledReason").asText())
                    .startsWith("circuit breaker");
            int requestsWhilePaused = receiver.received().size();

            receiver.replyFromNow(Reply.status(200));
            patch("/v1/endpoints/" + endpoint, "{\"enabled\":true}", as(key));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> deliveries.stream().allMatch(id -> "DELIVERED".equals(status(id))));
            report("circuit breaker", deliveries.size(), receiver, requestsWhilePaused);
        }
    }

    @Test
    void deletingTheEndpointEndsItsDeliveriesAsDeadLetters() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(500))) {
            String key = createTenant("pause-delete");
            String endpoint = endpointWithSchedule(key, receiver, "30s");
            List<UUID> deliveries = retrying(key, DELIVERIES);

            assertThat(delete("/v1/endpoints/" + endpoint, as(key)).status()).isEqualTo(204);

            assertThat(deliveries).allSatisfy(id -> assertThat(status(id)).isEqualTo("DEAD_LETTERED"));
            JsonNode dlq = get("/v1/dlq?limit=500&endpointId=" + endpoint, as(key)).json().get("data");
            assertThat(dlq).hasSize(DELIVERIES)
                    .allSatisfy(d -> assertThat(d.get("lastError").asText()).isEqualTo("endpoint deleted"));
            assertThat(post("/v1/deliveries/" + deliveries.get(0) + "/replay", "", as(key)).status()).isEqualTo(409);
            JsonNode bulk = post("/v1/dlq/replay", "{\"endpointId\":\"" + endpoint + "\",\"dryRun\":true}", as(key))
                    .json();
            assertThat(bulk.get("count").asInt()).isZero();
        }
    }

    @Test
    void replayingADeadLetterOfADisabledEndpointPausesIt() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(400))) {
            String key = createTenant("pause-replay");
            String endpoint = createEndpoint(key, receiver.url(), "[]").get("id").asText();
            UUID delivery = postAndGetDelivery(key, "order.created");
            awaitStatus(delivery, "DEAD_LETTERED", Duration.ofSeconds(15));
            patch("/v1/endpoints/" + endpoint, "{\"enabled\":false}", as(key));

            Response replayed = post("/v1/deliveries/" + delivery + "/replay", "", as(key));

            assertThat(replayed.status()).isEqualTo(202);
            assertThat(replayed.json().get("status").asText()).isEqualTo("PAUSED");
            assertThat(status(delivery)).isEqualTo("PAUSED");
            receiver.replyFromNow(Reply.status(200));
            patch("/v1/endpoints/" + endpoint, "{\"enabled\":true}", as(key));
            awaitStatus(delivery, "DELIVERED", Duration.ofSeconds(30));
        }
    }

    private String endpointWithSchedule(String key, TestReceiver receiver, String schedule) {
        Response created = post("/v1/endpoints", "{\"url\":\"" + receiver.url() + "\",\"retrySchedule\":\"" + schedule + "\"}",
                as(key));
        assertThat(created.status()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    /** Posts events and waits until each delivery failed once and waits for its retry. */
    private List<UUID> retrying(String key, int count) {
        List<UUID> deliveries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            deliveries.add(postAndGetDelivery(key, "order.created"));
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> deliveries.stream().allMatch(id -> "RETRY_SCHEDULED".equals(status(id))));
        return deliveries;
    }

    private List<JsonNode> paused(String key, String endpoint) {
        JsonNode page = get("/v1/deliveries?limit=500&status=PAUSED&endpointId=" + endpoint, as(key)).json();
        return StreamSupport.stream(page.get("data").spliterator(), false).toList();
    }

    /**
     * Accepted, delivered, duplicates (webhook ids the receiver saw more than once after the fix) and
     * deliveries the reconciler republished (none should be needed: resuming goes through the outbox).
     */
    private void report(String scenario, int accepted, TestReceiver receiver, int requestsBeforeFix) {
        var afterFix = receiver.received().subList(requestsBeforeFix, receiver.received().size());
        long distinct = afterFix.stream().map(r -> r.header("webhook-id")).distinct().count();
        double reconciled = meters.find("relay.deliveries.reconciled").counters().stream().mapToDouble(Counter::count).sum();
        System.out.printf("PAUSE-REPORT %s: accepted=%d delivered=%d requestsAfterReEnable=%d duplicates=%d"
                + " reconciledSoFarInThisJvm=%.0f%n", scenario, accepted, distinct, afterFix.size(),
                afterFix.size() - distinct, reconciled);
    }
}
