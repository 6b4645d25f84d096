package dev.webhookrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import dev.webhookrelay.broker.BrokerConnection;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class IngestSurvivesOutagesTest extends RelayIntegrationTest {

    @Autowired
    private BrokerConnection brokerConnection;

    @Test
    void unreachablePostgresIs503WithRetryAfterAndNothingAccepted() {
        String key = createTenant("pg-down");
        postEvent(key, "{\"type\":\"warm.cache\",\"payload\":{}}", null);
        POSTGRES.cut();
        try {
            Response refused = postEvent(key, "{\"type\":\"during.outage\",\"payload\":{}}", "outage-key");

            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isNotBlank();
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        } finally {
            POSTGRES.restore();
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(postEvent(key, "{\"type\":\"during.outage\",\"payload\":{}}", "outage-key").status())
                        .isEqualTo(202));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM events WHERE type = 'during.outage'", Integer.class))
                .isEqualTo(1);
    }

    @Test
    void unreachableRabbitmqDoesNotFailIngestAndTheSweeperPublishesLater() {
        String key = createTenant("mq-down");
        createEndpoint(key, "http://127.0.0.1:9/x", "[\"sweep.me\"]");
        RABBITMQ.cut();
        UUID deliveryId;
        try {
            // Requests stop waiting on the broker as soon as its connection is lost.
            await().atMost(Duration.ofSeconds(10)).until(() -> !brokerConnection.takesPublishes());
            Response accepted = postEvent(key, "{\"type\":\"sweep.me\",\"payload\":{}}", null);
            assertThat(accepted.status()).isEqualTo(202);
            deliveryId = UUID.fromString(accepted.json().get("deliveries").get(0).get("id").asText());
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertThat(status(deliveryId)).isEqualTo("RECEIVED");
        } finally {
            RABBITMQ.restore();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !"RECEIVED".equals(status(deliveryId)));
        await().atMost(Duration.ofSeconds(30)).until(brokerConnection::takesPublishes);
    }
}
