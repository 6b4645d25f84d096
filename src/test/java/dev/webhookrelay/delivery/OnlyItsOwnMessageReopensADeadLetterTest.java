package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import dev.webhookrelay.support.TestServices;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A message back from the dead-letter queue reopens its dead letter only if it names the delivery's
 * created_at and endpoint (one that does not leaves it DEAD_LETTERED, listed and replayable), and one
 * that comes back while the endpoint is disabled reopens it PAUSED, as an API replay would.
 */
class OnlyItsOwnMessageReopensADeadLetterTest extends RelayIntegrationTest {

    @Autowired
    private ConnectionFactory rabbit;

    @Autowired
    private RelayProperties properties;

    @Test
    void aMessageFromTheDeadLetterQueueWithAnotherCreatedAtOrEndpointLeavesTheDeadLetterReplayable() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(400), Reply.status(200))) {
            String key = createTenant("dlq-mismatched");
            UUID deliveryId = deliveryTo(key, receiver);
            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));
            WorkMessage own = messageOf(deliveryId);
            UUID otherEndpoint = UUID.fromString(createEndpoint(key, receiver.url(), "[\"none.*\"]").get("id").asText());
            double before = counted("relay.deliveries.skipped", "stale-or-done");

            backFromTheDeadLetterQueue(own.withCreatedAt(Instant.parse("2099-01-01T00:00:00Z")));
            backFromTheDeadLetterQueue(new WorkMessage(deliveryId, otherEndpoint, own.tenantId(), 1, null, own.createdAt()));

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> counted("relay.deliveries.skipped", "stale-or-done") >= before + 2 || !"DEAD_LETTERED".equals(status(deliveryId)));
            assertThat(status(deliveryId)).isEqualTo("DEAD_LETTERED");
            JsonNode dlq = get("/v1/dlq?limit=500", as(key)).json().get("data");
            assertThat(dlq).anySatisfy(d -> assertThat(d.get("id").asText()).isEqualTo(deliveryId.toString()));
            assertThat(receiver.received()).hasSize(1);

            assertThat(post("/v1/deliveries/" + deliveryId + "/replay", "", as(key)).status()).isEqualTo(202);
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(20));
            assertThat(receiver.received()).hasSize(2);
        }
    }

    @Test
    void aMessageFromTheDeadLetterQueueWithTheDeliverysOwnHeadersReopensAndDeliversIt() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(400), Reply.status(200))) {
            String key = createTenant("dlq-own-message");
            UUID deliveryId = deliveryTo(key, receiver);
            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));

            backFromTheDeadLetterQueue(messageOf(deliveryId));

            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(20));
            assertThat(receiver.received()).hasSize(2);
            assertThat(attempts(deliveryId)).extracting(a -> a.get("outcome")).containsExactly("DEAD_LETTERED", "DELIVERED");
        }
    }

    @Test
    void aDeadLetterMovedBackWhileItsEndpointIsDisabledWaitsPausedAndIsDeliveredOnceItIsEnabled() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(400), Reply.status(200))) {
            String key = createTenant("dlq-endpoint-disabled");
            UUID deliveryId = deliveryTo(key, receiver);
            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));
            String endpoint = messageOf(deliveryId).endpointId().toString();
            assertThat(patch("/v1/endpoints/" + endpoint, "{\"enabled\":false}", as(key)).status()).isEqualTo(200);

            TestServices.moveDeadLettersToTheWorkQueue("move-dlq-endpoint-disabled");

            awaitStatus(deliveryId, "PAUSED", Duration.ofSeconds(20));
            assertThat(get("/v1/deliveries/" + deliveryId, as(key)).json().get("pausedReason").asText()).isEqualTo("operator");
            assertThat(receiver.received()).hasSize(1);

            assertThat(patch("/v1/endpoints/" + endpoint, "{\"enabled\":true}", as(key)).status()).isEqualTo(200);
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(20));
            assertThat(receiver.received()).hasSize(2);
        }
    }

    /** The delivery's own work message for attempt 1, as its dead letter carries it. */
    private WorkMessage messageOf(UUID deliveryId) {
        Map<String, Object> row = jdbc.queryForMap("SELECT endpoint_id, tenant_id, created_at FROM deliveries WHERE id = ?",
                deliveryId);
        return new WorkMessage(deliveryId, (UUID) row.get("endpoint_id"), (UUID) row.get("tenant_id"), 1, null,
                ((Timestamp) row.get("created_at")).toInstant());
    }

    /** Published to the work queue marked as back from the dead-letter queue, as an operator's tool would. */
    private void backFromTheDeadLetterQueue(WorkMessage work) {
        MessageBuilder message = MessageBuilder.withBody(work.body().getBytes());
        work.headers().forEach(message::setHeader);
        message.setHeader(WorkMessage.DEAD_LETTERED, "true");
        new RabbitTemplate(rabbit).send(properties.rabbitmq().workExchange(), RabbitTopology.WORK_ROUTING_KEY,
                message.build());
    }
}
