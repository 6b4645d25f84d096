package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestServices;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Messages published by hand with bodies far over relay.rabbitmq.max-message-bytes (the audit's were
 * 60 MB; a relay's own carry a delivery id): work messages reach the dead-letter queue with their
 * headers and a reason but without their bodies, which were copied and sent again until the heap ran
 * out, and the relay goes on delivering; the recorder queue acks such a message and counts it.
 */
class LargeMessagesLeaveTheirBodiesBehindTest extends RelayIntegrationTest {

    @Autowired
    private ConnectionFactory rabbit;

    @Autowired
    private RelayProperties properties;

    @Test
    void largeHeaderlessWorkMessagesAreDeadLetteredWithoutTheirBodiesAndDeliveryGoesOn() throws Exception {
        // Sizes of this run's own: the dead-letter queue may hold other tests' messages.
        int first = 200_000 + ThreadLocalRandom.current().nextInt(100_000);
        List<Integer> sizes = new ArrayList<>();
        RabbitTemplate template = new RabbitTemplate(rabbit);
        for (int i = 0; i < 4; i++) {
            sizes.add(first + i);
            template.send(properties.rabbitmq().workExchange(), RabbitTopology.WORK_ROUTING_KEY,
                    MessageBuilder.withBody(new byte[first + i]).build());
        }

        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("large-work-messages");
            UUID deliveryId = deliveryTo(key, receiver);
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(20));
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> deadLettersLeftOut(sizes).size() == sizes.size());
        for (JsonNode deadLetter : deadLettersLeftOut(sizes)) {
            assertThat(deadLetter.path("payload_bytes").asInt()).isZero();
            assertThat(deadLetter.path("properties").path("headers").path("relay-reason").asText())
                    .contains("over relay.rabbitmq.max-message-bytes");
        }
    }

    @Test
    void aLargeMessageInTheRecorderQueueIsAckedAndCounted() {
        String recorder = properties.rabbitmq().deadLetterRecorderQueue();
        double before = counted("relay.broker.dead.letters.ignored", "too-large");
        Message message = MessageBuilder.withBody(new byte[300_000])
                .setHeader("relay-delivery-id", UUID.randomUUID().toString())
                .setHeader("x-death", List.of(Map.of("queue", properties.rabbitmq().workQueue(),
                        "reason", "delivery_limit", "count", 1L)))
                .build();
        new RabbitTemplate(rabbit).send("", recorder, message);

        await().atMost(Duration.ofSeconds(15)).until(() -> counted("relay.broker.dead.letters.ignored", "too-large") >= before + 1);
        assertThat(counted("relay.broker.dead.letters.ignored", "too-large")).isEqualTo(before + 1);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> new RabbitAdmin(rabbit).getQueueInfo(recorder).getMessageCount() == 0);
    }

    /** This run's dead letters whose left-out body length is one of the sizes (the queue is read and requeued). */
    private static List<JsonNode> deadLettersLeftOut(List<Integer> sizes) throws Exception {
        String messages = TestServices.management("POST", "queues/{vhost}/relay.dead-letter/get",
                "{\"count\":1000,\"ackmode\":\"ack_requeue_true\",\"encoding\":\"auto\",\"truncate\":64}");
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode message : JSON.readTree(messages)) {
            JsonNode headers = message.path("properties").path("headers");
            int size = headers.has("relay-body-bytes") ? headers.path("relay-body-bytes").asInt()
                    : message.path("payload_bytes").asInt();
            if (sizes.contains(size)) {
                found.add(message);
            }
        }
        return found;
    }
}
