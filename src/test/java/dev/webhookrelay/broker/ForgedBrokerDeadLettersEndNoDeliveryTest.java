package dev.webhookrelay.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.RabbitTopology;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Anyone who may publish to the dead-letter exchange can write an x-death naming the work queue: such
 * a message ends a delivery only if it names the delivery's endpoint, tenant and created_at and the
 * attempt the delivery waits for. The deliveries here wait in the work queue (its consumer stopped)
 * while dead letters forged for them reach the recorder; each is ignored, and they are delivered.
 */
class ForgedBrokerDeadLettersEndNoDeliveryTest extends RelayIntegrationTest {

    private static final String CONSUMER = "consume-work-queue";

    @Autowired
    private CamelContext camel;

    @Autowired
    private ConnectionFactory rabbit;

    @Autowired
    private RelayProperties properties;

    @Test
    void aDeadLetterWithoutTheDeliverysEndpointTenantAndCreatedAtLeavesItPendingAndItIsDelivered() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String victim = createTenant("forged-dead-letter-victim");
            String forger = createTenant("forged-dead-letter-forger");
            String forgersEndpoint = createEndpoint(forger, receiver.url(), "[\"none.*\"]").get("id").asText();
            camel.getRouteController().stopRoute(CONSUMER);
            UUID deliveryId;
            try {
                deliveryId = deliveryTo(victim, receiver);
                Map<String, Object> row = row(deliveryId);
                double before = counted("relay.broker.dead.letters.ignored", "mismatched");

                // As the audit published it: the delivery id, an attempt and an x-death, nothing else.
                forgeDeadLetter(Map.of("relay-delivery-id", deliveryId.toString(), "relay-attempt", "1"));
                // The forger's own endpoint and tenant, with the delivery's id and created-at.
                forgeDeadLetter(Map.of("relay-delivery-id", deliveryId.toString(), "relay-attempt", "1",
                        "relay-endpoint-id", forgersEndpoint, "relay-tenant-id", tenantOf(forgersEndpoint),
                        "relay-created-at", createdAt(row)));

                await().atMost(Duration.ofSeconds(15))
                        .until(() -> counted("relay.broker.dead.letters.ignored", "mismatched") >= before + 2 || !"RECEIVED".equals(status(deliveryId)));
                assertThat(status(deliveryId)).isEqualTo("RECEIVED");
                assertThat(counted("relay.broker.dead.letters.ignored", "mismatched")).isEqualTo(before + 2);
            } finally {
                camel.getRouteController().startRoute(CONSUMER);
            }
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(20));
            assertThat(receiver.received()).hasSize(1);
        }
    }

    @Test
    void aDeadLetterOfAnAttemptTheDeliveryHasMovedOnFromLeavesItsRetryPendingAndItIsDelivered() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(503), Reply.status(200))) {
            String key = createTenant("forged-dead-letter-attempt");
            Response endpoint = post("/v1/endpoints", "{\"url\":\"" + receiver.url() + "\",\"retrySchedule\":\"10s\"}",
                    as(key));
            assertThat(endpoint.status()).isEqualTo(201);
            UUID deliveryId = postAndGetDelivery(key, "order.created");
            awaitStatus(deliveryId, "RETRY_SCHEDULED", Duration.ofSeconds(15));
            Map<String, Object> row = row(deliveryId);
            double before = counted("relay.broker.dead.letters.ignored", "moved-on");

            // Everything attempt 1's message carried; the delivery waits for attempt 2 now.
            forgeDeadLetter(Map.of("relay-delivery-id", deliveryId.toString(), "relay-attempt", "1",
                    "relay-endpoint-id", row.get("endpoint_id").toString(),
                    "relay-tenant-id", row.get("tenant_id").toString(), "relay-created-at", createdAt(row)));

            await().atMost(Duration.ofSeconds(8))
                    .until(() -> counted("relay.broker.dead.letters.ignored", "moved-on") >= before + 1 || !"RETRY_SCHEDULED".equals(status(deliveryId)));
            assertThat(status(deliveryId)).isEqualTo("RETRY_SCHEDULED");
            assertThat(counted("relay.broker.dead.letters.ignored", "moved-on")).isEqualTo(before + 1);

            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(30));
            assertThat(receiver.received()).hasSize(2);
        }
    }

    private void forgeDeadLetter(Map<String, String> headers) {
        MessageBuilder message = MessageBuilder.withBody("000000000000000000000000000000000000".getBytes());
        headers.forEach(message::setHeader);
        message.setHeader("x-death", List.of(Map.of("queue", properties.rabbitmq().workQueue(),
                "reason", "delivery_limit", "count", 1L)));
        new RabbitTemplate(rabbit).send(properties.rabbitmq().deadLetterExchange(), RabbitTopology.DEAD_LETTER_ROUTING_KEY,
                message.build());
    }

    private Map<String, Object> row(UUID deliveryId) {
        return jdbc.queryForMap("SELECT endpoint_id, tenant_id, created_at FROM deliveries WHERE id = ?", deliveryId);
    }

    private static String createdAt(Map<String, Object> row) {
        return ((Timestamp) row.get("created_at")).toInstant().toString();
    }

    private String tenantOf(String endpointId) {
        return jdbc.queryForObject("SELECT tenant_id::text FROM endpoints WHERE id = ?::uuid", String.class, endpointId);
    }
}
