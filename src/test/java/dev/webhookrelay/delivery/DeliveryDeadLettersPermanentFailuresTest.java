package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import org.junit.jupiter.api.Test;

class DeliveryDeadLettersPermanentFailuresTest extends RelayIntegrationTest {

    @Test
    void a400GoesToTheDeadLetterQueueAtOnce() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(400))) {
            String key = createTenant("bad-request");
            UUID deliveryId = deliveryTo(key, receiver);

            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));

            assertThat(attempts(deliveryId)).hasSize(1);
            assertThat(receiver.received()).hasSize(1);
            assertThat(DeliveryRetriesThroughWaitQueuesTest.DeadLetterQueue.headersOf(deliveryId))
                    .containsEntry("relay-last-status", "400");
        }
    }

    @Test
    void a410DisablesTheEndpointAndDeadLettersTheDelivery() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(410))) {
            String key = createTenant("gone");
            JsonNode endpoint = createEndpoint(key, receiver.url(), "[]");
            UUID deliveryId = postAndGetDelivery(key, "order.created");

            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));

            UUID endpointId = UUID.fromString(endpoint.get("id").asText());
            assertThat(jdbc.queryForObject("SELECT enabled FROM endpoints WHERE id = ?", Boolean.class, endpointId))
                    .isFalse();
            assertThat(jdbc.queryForObject("SELECT disabled_reason FROM endpoints WHERE id = ?", String.class, endpointId))
                    .contains("410");
            assertThat(postEvent(key, "{\"type\":\"order.created\",\"payload\":{}}", null).json().get("deliveries"))
                    .isEmpty();
        }
    }

    @Test
    void aRedirectIsAFailureAndIsNotFollowed() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(301, "Location", "http://127.0.0.1:9/elsewhere"))) {
            String key = createTenant("redirect");
            UUID deliveryId = deliveryTo(key, receiver);

            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));

            assertThat(attempts(deliveryId).get(0).get("response_status")).isEqualTo(301);
        }
    }
}
