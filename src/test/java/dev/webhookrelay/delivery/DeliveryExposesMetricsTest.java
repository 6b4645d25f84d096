package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;

class DeliveryExposesMetricsTest extends RelayIntegrationTest {

    @Test
    void prometheusShowsOutcomesLatencyAndBacklogWithLowCardinalityTags() {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("metrics");
            UUID deliveryId = deliveryTo(key, receiver);
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));
            postEvent(key, "{not json", null);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String scrape = get("/actuator/prometheus", Map.of()).body();
                assertThat(scrape).contains("relay_deliveries_total{outcome=\"DELIVERED\"")
                        .contains("relay_attempt_duration_seconds_bucket{outcome=\"DELIVERED\"")
                        .contains("relay_ingest_accepted_total")
                        .contains("relay_ingest_rejected_total{status=\"400\"")
                        .contains("relay_queue_depth{queue=\"work\"")
                        .contains("relay_queue_depth{queue=\"dead-letter\"")
                        .contains("relay_undelivered_oldest_age_seconds")
                        .contains("camel_exchanges_total")
                        .doesNotContain(deliveryId.toString());
            });
        }
    }
}
