package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;

class DeliverySurvivesBrokerOutagesTest extends RelayIntegrationTest {

    @Test
    void losingRabbitmqMidRunLosesNothingAndConsumersReconnect() {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("broker-outage");
            createEndpoint(key, receiver.url(), "[]");
            List<UUID> deliveries = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                deliveries.add(postAndGetDelivery(key, "order.created"));
                if (i == 40) {
                    RABBITMQ.cut();
                }
                if (i == 70) {
                    RABBITMQ.restore();
                }
            }
            RABBITMQ.restore();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> deliveries.stream().allMatch(id -> "DELIVERED".equals(status(id))));
            long distinct = receiver.received().stream().map(r -> r.header("webhook-id")).distinct().count();
            assertThat(distinct).isEqualTo(100);
        }
    }
}
