package dev.webhookrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;

class IngestAcceptsDurablyTest extends RelayIntegrationTest {

    @Test
    void acceptedEventIsCommittedWithOneDeliveryPerMatchingEndpoint() {
        String key = createTenant("acme");
        JsonNode orders = createEndpoint(key, "http://127.0.0.1:9/orders", "[\"order.*\"]");
        JsonNode all = createEndpoint(key, "http://127.0.0.1:9/all", "[]");
        createEndpoint(key, "http://127.0.0.1:9/users", "[\"user.created\"]");

        Response accepted = postEvent(key, "{\"type\":\"order.created\",\"payload\":{\"id\":42}}", null);

        assertThat(accepted.status()).isEqualTo(202);
        JsonNode body = accepted.json();
        UUID eventId = UUID.fromString(body.get("id").asText());
        assertThat(body.get("type").asText()).isEqualTo("order.created");
        assertThat(body.get("createdAt").asText()).isNotBlank();
        assertThat(body.get("deliveries")).hasSize(2);
        assertThat(body.get("deliveries").findValuesAsText("endpointId"))
                .containsExactlyInAnyOrder(orders.get("id").asText(), all.get("id").asText());
        assertThat(jdbc.queryForObject("SELECT payload->>'id' FROM events WHERE id = ?", String.class, eventId))
                .isEqualTo("42");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE event_id = ?", Integer.class, eventId))
                .isEqualTo(2);
    }

    @Test
    void acceptedDeliveryIsMarkedDispatchingOnceTheBrokerConfirmsIt() {
        String key = createTenant("dispatch");
        createEndpoint(key, "http://127.0.0.1:9/never", "[\"never.matches\"]");
        JsonNode endpoint = createEndpoint(key, "http://127.0.0.1:9/x", "[\"thing.happened\"]");

        Response accepted = postEvent(key, "{\"type\":\"thing.happened\",\"payload\":[1,2,3]}", null);

        UUID deliveryId = UUID.fromString(accepted.json().get("deliveries").get(0).get("id").asText());
        assertThat(accepted.json().get("deliveries").get(0).get("endpointId").asText())
                .isEqualTo(endpoint.get("id").asText());
        await().atMost(Duration.ofSeconds(10)).until(() -> !"RECEIVED".equals(
                jdbc.queryForObject("SELECT status FROM deliveries WHERE id = ?", String.class, deliveryId)));
    }
}
