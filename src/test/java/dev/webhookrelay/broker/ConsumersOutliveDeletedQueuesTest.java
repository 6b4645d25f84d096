package dev.webhookrelay.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestServices;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An operator deletes a queue the relay consumes. Spring AMQP's work-queue container used to give
 * up after three passive declarations and never consume again, while readiness said UP; now its
 * consumers wait for the queue, the relay declares it again, and deliveries go on without a restart.
 * The routes that would declare it again are held until the consumers are past where the container
 * gave up (relay.rabbitmq.missing-queue-retry-interval is 200 ms in tests: it gave up within ~1 s).
 */
class ConsumersOutliveDeletedQueuesTest extends RelayIntegrationTest {

    private static final String CONSUMER = "consume-work-queue";
    /** The outbox sweeper (which checks the relay's queues) and the reconciler (whose republishes would be unroutable). */
    private static final List<String> REDECLARING = List.of("sweep-outbox", "reconcile-deliveries");
    private static final long PAST_GIVING_UP_MILLIS = 3000;

    @Autowired
    private CamelContext camel;

    @Test
    void aDeletedWorkQueueIsDeclaredAgainAndItsConsumersDeliverWithoutARestart() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("deleted-work-queue");
            createEndpoint(key, receiver.url(), "[]");

            whileNothingRedeclares(() -> {
                TestServices.management("DELETE", "queues/{vhost}/relay.work", null);
                await().atMost(Duration.ofSeconds(20)).until(() -> readiness() == 503);
                Thread.sleep(PAST_GIVING_UP_MILLIS);
                assertThat(TestServices.queueExists("relay.work")).isFalse();
                assertThat(readiness()).isEqualTo(503);
            });

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> TestServices.queueExists("relay.work") && readiness() == 200);
            UUID delivery = postAndGetDelivery(key, "order.created");
            awaitStatus(delivery, "DELIVERED", Duration.ofSeconds(30));
        }
    }

    @Test
    void deletedDeadLetterQueuesAreDeclaredAgainAndBrokerDeadLettersAreRecordedAgain() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("deleted-dead-letter-queues");
            createEndpoint(key, receiver.url(), "[]");

            whileNothingRedeclares(() -> {
                TestServices.management("DELETE", "queues/{vhost}/relay.dead-letter.recorder", null);
                TestServices.management("DELETE", "queues/{vhost}/relay.dead-letter", null);
                // Not asserted gone meanwhile: another test's dead letter, unroutable now, makes the
                // publisher declare the topology again, as it should.
                Thread.sleep(PAST_GIVING_UP_MILLIS);
            });

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> TestServices.queueExists("relay.dead-letter.recorder") && TestServices.queueExists("relay.dead-letter"));
            // Recorded only by the recorder queue's consumer: the broker dead-letters it, not the relay.
            UUID delivery = deadLetteredByTheBroker(key);
            awaitStatus(delivery, "DEAD_LETTERED", Duration.ofSeconds(30));
            assertThat(jdbc.queryForObject("SELECT last_error FROM deliveries WHERE id = ?", String.class, delivery))
                    .contains("delivery_limit");
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private void whileNothingRedeclares(Step step) throws Exception {
        for (String route : REDECLARING) {
            camel.getRouteController().stopRoute(route);
        }
        try {
            step.run();
        } finally {
            for (String route : REDECLARING) {
                camel.getRouteController().startRoute(route);
            }
        }
    }

    /** With the consumers stopped, its message is handed out and returned until the delivery limit. */
    private UUID deadLetteredByTheBroker(String key) throws Exception {
        camel.getRouteController().stopRoute(CONSUMER);
        try {
            UUID delivery = postAndGetDelivery(key, "order.created");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                String got = TestServices.management("POST", "queues/{vhost}/relay.work/get",
                        "{\"count\":1,\"ackmode\":\"ack_requeue_true\",\"encoding\":\"auto\"}");
                return JSON.readTree(got).isEmpty();
            });
            return delivery;
        } finally {
            camel.getRouteController().startRoute(CONSUMER);
        }
    }

    private int readiness() {
        return get("/actuator/health/readiness", Map.of()).status();
    }
}
