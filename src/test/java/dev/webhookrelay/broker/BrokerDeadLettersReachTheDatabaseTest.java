package dev.webhookrelay.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestServices;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * RabbitMQ's own dead-lettering: with the relay's consumers stopped, a work message is handed out
 * and returned (as a failing consumer would) until the quorum queue's delivery limit (20) makes the
 * broker dead-letter it, without the relay's reason headers.
 */
class BrokerDeadLettersReachTheDatabaseTest extends RelayIntegrationTest {

    private static final String CONSUMER = "consume-work-queue";

    @Autowired
    private CamelContext camel;

    @Test
    void aDeadLetterOfTheDeliveryLimitIsListedWithItsReasonAndItsReplayIsDelivered() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("broker-dead-letter");
            UUID deliveryId = deadLetteredByTheBroker(key, receiver);

            JsonNode dlq = get("/v1/dlq?limit=500", as(key)).json().get("data");
            assertThat(dlq).anySatisfy(d -> {
                assertThat(d.get("id").asText()).isEqualTo(deliveryId.toString());
                assertThat(d.get("lastError").asText()).contains("delivery_limit").contains("relay.work");
            });
            assertThat(receiver.received()).isEmpty();

            assertThat(post("/v1/deliveries/" + deliveryId + "/replay", "", as(key)).status()).isEqualTo(202);
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(20));
            assertThat(receiver.received()).hasSize(1);
        }
    }

    @Test
    void aBrokerDeadLetterMovedBackFromTheDeadLetterQueueIsDeliveredWithAFreshBudget() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("broker-dead-letter-moved");
            UUID deliveryId = deadLetteredByTheBroker(key, receiver);

            TestServices.moveDeadLettersToTheWorkQueue("move-broker-dlq");

            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(30));
            assertThat(receiver.received()).hasSize(1);
        }
    }

    private UUID deadLetteredByTheBroker(String key, TestReceiver receiver) throws Exception {
        camel.getRouteController().stopRoute(CONSUMER);
        try {
            UUID deliveryId = deliveryTo(key, receiver);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                String got = TestServices.management("POST", "queues/{vhost}/relay.work/get",
                        "{\"count\":1,\"ackmode\":\"ack_requeue_true\",\"encoding\":\"auto\"}");
                return JSON.readTree(got).isEmpty();
            });
            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));
            return deliveryId;
        } finally {
            camel.getRouteController().startRoute(CONSUMER);
        }
    }
}
