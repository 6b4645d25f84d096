package dev.webhookrelay.delivery;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.support.RelayIntegrationTest;

/** Helpers shared by the delivery-stage tests: post an event, follow its delivery. */
abstract class DeliveryTestSupport extends RelayIntegrationTest {

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

    protected void awaitStatus(UUID deliveryId, String expected, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> expected.equals(status(deliveryId)));
    }

    protected List<Map<String, Object>> attempts(UUID deliveryId) {
        return jdbc.queryForList("SELECT * FROM attempts WHERE delivery_id = ? ORDER BY id", deliveryId);
    }
}
