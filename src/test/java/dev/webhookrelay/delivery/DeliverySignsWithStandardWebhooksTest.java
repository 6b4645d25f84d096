package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import dev.webhookrelay.signing.SigningSecrets;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;

class DeliverySignsWithStandardWebhooksTest extends RelayIntegrationTest {

    @Test
    void deliveredRequestVerifiesWithTheReferenceVerifier() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("signed");
            JsonNode endpoint = createEndpoint(key, receiver.url(), "[\"order.created\"]");
            UUID deliveryId = postAndGetDelivery(key, "order.created");

            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));

            TestReceiver.Received request = receiver.received().get(0);
            new Webhook(endpoint.get("secret").asText()).verify(request.body(), headers(request));
            JsonNode body = JSON.readTree(request.body());
            assertThat(body.get("type").asText()).isEqualTo("order.created");
            assertThat(body.get("data").get("n").asInt()).isEqualTo(1);
            assertThat(body.get("timestamp").asText()).isNotBlank();
            assertThat(request.header("content-type")).startsWith("application/json");
            assertThat(request.header("webhook-id")).isEqualTo("msg_" + deliveryId);
            assertThat(request.headers().keySet()).noneMatch(h -> h.startsWith("relay-") || h.startsWith("x-death")
                    || h.startsWith("camel") || h.equals("authorization"));

            List<Map<String, Object>> attempts = attempts(deliveryId);
            assertThat(attempts).hasSize(1);
            assertThat(attempts.get(0).get("response_status")).isEqualTo(200);
            assertThat(attempts.get(0).get("outcome")).isEqualTo("DELIVERED");
            assertThat(attempts.get(0).get("request_headers").toString()).doesNotContain("v1,");
        }
    }

    @Test
    void duringRotationBothSecretsSignAndEachVerifies() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("rotating");
            JsonNode endpoint = createEndpoint(key, receiver.url(), "[]");
            String newSecret = SigningSecrets.generate();
            jdbc.update("INSERT INTO endpoint_secrets (id, endpoint_id, secret) VALUES (?, ?, ?)",
                    UUID.randomUUID(), UUID.fromString(endpoint.get("id").asText()), newSecret);
            UUID deliveryId = postAndGetDelivery(key, "user.updated");

            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));

            TestReceiver.Received request = receiver.received().get(0);
            assertThat(request.header("webhook-signature").split(" ")).hasSize(2);
            new Webhook(endpoint.get("secret").asText()).verify(request.body(), headers(request));
            new Webhook(newSecret).verify(request.body(), headers(request));
        }
    }

    static HttpHeaders headers(TestReceiver.Received request) {
        return HttpHeaders.of(Map.of(
                "webhook-id", List.of(request.header("webhook-id")),
                "webhook-timestamp", List.of(request.header("webhook-timestamp")),
                "webhook-signature", List.of(request.header("webhook-signature"))), (a, b) -> true);
    }
}
