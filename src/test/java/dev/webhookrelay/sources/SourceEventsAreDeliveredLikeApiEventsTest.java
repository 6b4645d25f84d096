package dev.webhookrelay.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;

/**
 * End to end: a request signed the way Stripe signs is received at /v1/in/{id}, stored, fanned out
 * through the endpoints' event types and filters, and delivered signed with each endpoint's own
 * Standard Webhooks secret (never with the provider's).
 */
class SourceEventsAreDeliveredLikeApiEventsTest extends RelayIntegrationTest {

    private static final String SECRET = "whsec_end_to_end_stripe";

    @Test
    void aStripeSignedRequestIsDeliveredToTheSubscribedEndpointSignedWithTheEndpointsSecret() throws Exception {
        try (TestReceiver subscribed = new TestReceiver(); TestReceiver filteredOut = new TestReceiver()) {
            String key = createTenant("source-end-to-end");
            JsonNode endpoint = createEndpoint(key, subscribed.url(), "[\"payment_intent.*\"]");
            Response filtered = post("/v1/endpoints", "{\"url\":\"" + filteredOut.url()
                    + "\",\"eventTypes\":[\"payment_intent.*\"],\"filter\":\"$.data.data.object.amount > 5000\"}", as(key));
            assertThat(filtered.status()).as(filtered.body()).isEqualTo(201);
            createEndpoint(key, filteredOut.url(), "[\"charge.*\"]");
            String sourceId = post("/v1/sources", "{\"name\":\"stripe\",\"provider\":\"stripe\",\"secret\":\"" + SECRET + "\"}",
                    as(key)).json().get("id").asText();
            String payload = """
                    {"id":"evt_%s","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_9","amount":2000}}}"""
                    .formatted(UUID.randomUUID());
            String signature = SignatureSchemesFollowTheProvidersDocumentationTest.stripeHeader(SECRET, payload,
                    com.stripe.net.Webhook.Util.getTimeNow());

            Response accepted = post("/v1/in/" + sourceId, payload,
                    Map.of("Content-Type", "application/json; charset=utf-8", "Stripe-Signature", signature));

            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> !subscribed.received().isEmpty());
            TestReceiver.Received delivered = subscribed.received().get(0);
            new Webhook(endpoint.get("secret").asText()).verify(delivered.body(), HttpHeaders.of(Map.of(
                    "webhook-id", List.of(delivered.header("webhook-id")),
                    "webhook-timestamp", List.of(delivered.header("webhook-timestamp")),
                    "webhook-signature", List.of(delivered.header("webhook-signature"))), (a, b) -> true));
            JsonNode body = JSON.readTree(delivered.body());
            assertThat(body.get("type").asText()).isEqualTo("payment_intent.succeeded");
            assertThat(body.get("data").get("data").get("object").get("amount").asInt()).isEqualTo(2000);
            assertThat(delivered.headers().keySet()).doesNotContain("stripe-signature");
            assertThat(delivered.body()).doesNotContain(SECRET);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE event_id = ?::uuid", Integer.class,
                    accepted.json().get("eventId").asText())).as("neither the filtered nor the other type's endpoint").isEqualTo(1);
            assertThat(filteredOut.received()).isEmpty();
        }
    }
}
