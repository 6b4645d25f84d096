package dev.webhookrelay.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import dev.webhookrelay.delivery.RetrySchedule;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestServices;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpException;
import org.springframework.beans.factory.annotation.Autowired;

class PublishingRefusesUnroutableMessagesTest extends RelayIntegrationTest {

    @Autowired
    private ConfirmedPublisher publisher;

    @Autowired
    private RetrySchedule retrySchedule;

    @Test
    void aMessageNoQueueIsBoundForFailsItsRouteInsteadOfBeingConfirmed() {
        assertThatThrownBy(() -> publisher.publish("relay.wait-exchange", "relay.wait.no-such-queue", headers(), "x"))
                .isInstanceOf(UnroutableMessageException.class)
                .hasMessageContaining("relay.wait.no-such-queue").hasMessageContaining("NO_ROUTE");
    }

    @Test
    void aRoutedMessageIsConfirmed() {
        assertThatCode(() -> publisher.publish("relay.wait-exchange", retrySchedule.shortestWaitQueueName(), headers(), "x"))
                .doesNotThrowAnyException();
    }

    @Test
    void aMessageTheBrokerRefusesFailsItsPublishAndTheNextPublishGoesThrough() throws InterruptedException {
        // A queue that is always full, with reject-publish: the broker nacks every message routed to it.
        TestServices.management("PUT", "queues/{vhost}/relay.test.full",
                "{\"durable\":true,\"arguments\":{\"x-max-length\":0,\"x-overflow\":\"reject-publish\"}}");
        TestServices.management("POST", "bindings/{vhost}/e/relay.wait-exchange/q/relay.test.full",
                "{\"routing_key\":\"relay.test.full\"}");
        try {
            assertThatThrownBy(() -> publisher.publish("relay.wait-exchange", "relay.test.full", headers(), "x"))
                    .isInstanceOf(AmqpException.class).hasMessageContaining("refused");
            assertThat(publisher.publishAll("relay.wait-exchange", "relay.test.full",
                    List.of(new ConfirmedPublisher.Outgoing(headers(), "x"), new ConfirmedPublisher.Outgoing(headers(), "y"))))
                    .hasSize(2).allSatisfy(failure -> assertThat(failure).hasMessageContaining("refused"));
            assertThatCode(() -> publisher.publish("relay.wait-exchange", retrySchedule.shortestWaitQueueName(), headers(), "x"))
                    .doesNotThrowAnyException();
        } finally {
            TestServices.management("DELETE", "queues/{vhost}/relay.test.full", null);
        }
    }

    @Test
    void aBatchIsConfirmedMessageByMessage() throws InterruptedException {
        // A queue of the test's own: 200 messages in a wait queue would come back to relay.work and
        // sit ahead of later tests' messages while their consumers are stopped.
        TestServices.management("PUT", "queues/{vhost}/relay.test.batch", "{\"durable\":true}");
        TestServices.management("POST", "bindings/{vhost}/e/relay.wait-exchange/q/relay.test.batch",
                "{\"routing_key\":\"relay.test.batch\"}");
        try {
            List<AmqpException> outcomes = publisher.publishAll("relay.wait-exchange", "relay.test.batch",
                    Stream.generate(() -> new ConfirmedPublisher.Outgoing(headers(), "x")).limit(200).toList());

            assertThat(outcomes).hasSize(200).containsOnlyNulls();
        } finally {
            TestServices.management("DELETE", "queues/{vhost}/relay.test.batch", null);
        }
    }

    @Test
    void aBatchNoQueueIsBoundForFailsEveryMessageAndTheNextBatchGoesThrough() throws InterruptedException {
        List<ConfirmedPublisher.Outgoing> batch = List.of(new ConfirmedPublisher.Outgoing(headers(), "x"),
                new ConfirmedPublisher.Outgoing(headers(), "y"));

        assertThat(publisher.publishAll("relay.wait-exchange", "relay.wait.no-such-queue", batch))
                .hasSize(2).allSatisfy(failure -> assertThat(failure).isInstanceOf(UnroutableMessageException.class));
        assertThat(publisher.publishAll("relay.wait-exchange", retrySchedule.shortestWaitQueueName(), batch.subList(0, 1)))
                .containsOnlyNulls();
    }

    private static Map<String, Object> headers() {
        return Map.of(WorkMessage.DELIVERY_ID, UUID.randomUUID().toString());
    }

    @Test
    void anEventPublishedWhileTheWorkBindingIsGoneIsDeliveredOnceTheRelayRedeclaredIt() {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("unroutable");
            createEndpoint(key, receiver.url(), "[]");
            TestServices.management("DELETE", "bindings/{vhost}/e/relay.work-exchange/q/relay.work/work", null);

            UUID deliveryId = postAndGetDelivery(key, "order.created");

            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(TestServices.management("GET", "queues/{vhost}/relay.work/bindings", null))
                            .contains("\"routing_key\":\"work\""));
            assertThat(receiver.received()).hasSize(1);
        }
    }
}
