package dev.webhookrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import dev.webhookrelay.secrets.SealedHeaders;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import org.junit.jupiter.api.Test;

class EndpointApiManagesEndpointsTest extends RelayIntegrationTest {

    @Test
    void createReadListUpdateDelete() {
        String key = createTenant("crud");
        Response created = post("/v1/endpoints", """
                {"url":"http://127.0.0.1:9/a","eventTypes":["order.*"],"description":"orders",
                 "headers":{"X-Api-Key":"k1"},"rateLimit":5,"retrySchedule":"1s,5s"}""", as(key));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.json().get("secret").asText()).startsWith("whsec_");
        assertThat(created.json().get("headers").get("X-Api-Key").asText()).isEqualTo(SealedHeaders.MASK);
        assertThat(created.json().get("rateLimit").asInt()).isEqualTo(5);
        assertThat(created.json().get("retrySchedule").asText()).isEqualTo("1s,5s");

        JsonNode read = get("/v1/endpoints/" + id, as(key)).json();
        assertThat(read.get("description").asText()).isEqualTo("orders");
        assertThat(read.has("secret")).isFalse();
        assertThat(get("/v1/endpoints", as(key)).json().get("data")).hasSize(1);

        Response updated = patch("/v1/endpoints/" + id,
                "{\"description\":\"all orders\",\"enabled\":false,\"eventTypes\":[\"order.created\",\"refund.*\"],\"rateLimit\":null}",
                as(key));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().get("enabled").asBoolean()).isFalse();
        assertThat(updated.json().get("eventTypes")).hasSize(2);
        assertThat(updated.json().get("rateLimit").isNull()).isTrue();
        assertThat(updated.json().get("url").asText()).isEqualTo("http://127.0.0.1:9/a");

        assertThat(delete("/v1/endpoints/" + id, as(key)).status()).isEqualTo(204);
        assertThat(get("/v1/endpoints/" + id, as(key)).status()).isEqualTo(404);
        assertThat(get("/v1/endpoints", as(key)).json().get("data")).isEmpty();
        assertThat(delete("/v1/endpoints/" + id, as(key)).status()).isEqualTo(404);
    }

    @Test
    void badInputIsAnsweredWithTheField() {
        String key = createTenant("endpoint-bad-input");
        String id = createEndpoint(key, "http://127.0.0.1:9/a", "[]").get("id").asText();
        assertField(patch("/v1/endpoints/" + id, "{\"colour\":\"red\"}", as(key)), 422, "colour");
        assertField(patch("/v1/endpoints/" + id, "{\"rateLimit\":0}", as(key)), 422, "rateLimit");
        assertField(patch("/v1/endpoints/" + id, "{\"retrySchedule\":\"soon\"}", as(key)), 422, "retrySchedule");
        assertField(patch("/v1/endpoints/" + id, "{\"headers\":{\"webhook-signature\":\"x\"}}", as(key)), 422, "headers");
        assertField(patch("/v1/endpoints/" + id, "{\"enabled\":\"yes\"}", as(key)), 422, "enabled");
        assertField(patch("/v1/endpoints/" + id, "{\"url\":\"http://10.1.2.3/\"}", as(key)), 422, "url");
        assertThat(get("/v1/endpoints/" + UUID.randomUUID(), as(key)).status()).isEqualTo(404);
        assertThat(get("/v1/endpoints/not-a-uuid", as(key)).status()).isEqualTo(404);
    }

    @Test
    void rotationSignsWithBothSecretsAndStaticHeadersAreSent() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("rotate");
            Response created = post("/v1/endpoints",
                    "{\"url\":\"" + receiver.url() + "\",\"headers\":{\"X-Api-Key\":\"receiver-key\"}}", as(key));
            String id = created.json().get("id").asText();
            String oldSecret = created.json().get("secret").asText();

            Response rotated = post("/v1/endpoints/" + id + "/secret/rotate", null, as(key));
            assertThat(rotated.status()).isEqualTo(200);
            String newSecret = rotated.json().get("secret").asText();
            assertThat(rotated.json().get("previousSecretsExpireAt").asText()).isNotBlank();

            UUID deliveryId = postAndGetDelivery(key, "order.created");
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));

            TestReceiver.Received request = receiver.received().get(0);
            assertThat(request.header("x-api-key")).isEqualTo("receiver-key");
            assertThat(request.header("webhook-signature").split(" ")).hasSize(2);
            new Webhook(oldSecret).verify(request.body(), headersOf(request));
            new Webhook(newSecret).verify(request.body(), headersOf(request));
        }
    }

    @Test
    void reEnablingAnEndpointClearsTheReasonItWasDisabled() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(410), Reply.status(200))) {
            String key = createTenant("re-enable");
            String id = createEndpoint(key, receiver.url(), "[]").get("id").asText();
            UUID deliveryId = postAndGetDelivery(key, "order.created");
            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));
            assertThat(get("/v1/endpoints/" + id, as(key)).json().get("disabledReason").asText()).contains("410");

            JsonNode enabled = patch("/v1/endpoints/" + id, "{\"enabled\":true}", as(key)).json();

            assertThat(enabled.get("enabled").asBoolean()).isTrue();
            assertThat(enabled.get("disabledReason").isNull()).isTrue();
        }
    }

    @Test
    void aPerEndpointRetryScheduleIsUsed() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(503), Reply.status(200))) {
            String key = createTenant("own-schedule");
            post("/v1/endpoints", "{\"url\":\"" + receiver.url() + "\",\"retrySchedule\":\"2s\"}", as(key));
            UUID deliveryId = postAndGetDelivery(key, "order.created");

            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(20));

            var requests = receiver.received();
            // The default test schedule retries after ~300 ms; this endpoint's own waits 2 s (±20%).
            assertThat(Duration.between(requests.get(0).at(), requests.get(1).at()).toMillis()).isGreaterThan(1500);
        }
    }

    @Test
    void aRateLimitSpreadsDeliveriesOut() {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("rate-limited");
            post("/v1/endpoints", "{\"url\":\"" + receiver.url() + "\",\"rateLimit\":2}", as(key));
            java.util.List<UUID> deliveries = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                deliveries.add(postAndGetDelivery(key, "order.created"));
            }
            deliveries.forEach(d -> awaitStatus(d, "DELIVERED", Duration.ofSeconds(30)));

            var requests = receiver.received();
            long spreadMillis = Duration.between(requests.get(0).at(), requests.get(requests.size() - 1).at()).toMillis();
            // 6 deliveries at 2/s with a burst of 2: at least ~2 s from first to last.
            assertThat(spreadMillis).isGreaterThan(1500);
        }
    }

    private static void assertField(Response response, int status, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("field").asText()).isEqualTo(field);
    }

    private static java.net.http.HttpHeaders headersOf(TestReceiver.Received request) {
        return java.net.http.HttpHeaders.of(java.util.Map.of(
                "webhook-id", java.util.List.of(request.header("webhook-id")),
                "webhook-timestamp", java.util.List.of(request.header("webhook-timestamp")),
                "webhook-signature", java.util.List.of(request.header("webhook-signature"))), (a, b) -> true);
    }
}
