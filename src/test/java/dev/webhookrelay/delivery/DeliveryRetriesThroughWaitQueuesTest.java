package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import dev.webhookrelay.support.TestServices;
import org.junit.jupiter.api.Test;

/** Test schedule (RelayIntegrationTest): 300ms, 600ms, 900ms with ±20% jitter, so 4 attempts. */
class DeliveryRetriesThroughWaitQueuesTest extends RelayIntegrationTest {

    @Test
    void twoFailuresThenSuccessIsDeliveredOnAttemptThreeWithinTheSchedule() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(503), Reply.status(503), Reply.status(200))) {
            String key = createTenant("retry");
            UUID deliveryId = deliveryTo(key, receiver);

            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(20));

            List<TestReceiver.Received> requests = receiver.received();
            assertThat(requests).hasSize(3);
            assertThat(requests).extracting(r -> r.header("webhook-id")).containsOnly("msg_" + deliveryId);
            long firstGap = Duration.between(requests.get(0).at(), requests.get(1).at()).toMillis();
            long secondGap = Duration.between(requests.get(1).at(), requests.get(2).at()).toMillis();
            assertThat(firstGap).isBetween(240L, 300L * 12 / 10 + 1500);
            assertThat(secondGap).isBetween(480L, 600L * 12 / 10 + 1500);
            assertThat(attempts(deliveryId)).extracting(a -> a.get("outcome"))
                    .containsExactly("RETRY_SCHEDULED", "RETRY_SCHEDULED", "DELIVERED");
            assertThat(attempts(deliveryId)).extracting(a -> a.get("attempt_number")).containsExactly(1, 2, 3);
        }
    }

    @Test
    void retryAfterOnA429PicksTheFirstTierAtLeastThatLong() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(429, "Retry-After", "1"), Reply.status(200))) {
            String key = createTenant("retry-after");
            UUID deliveryId = deliveryTo(key, receiver);

            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(20));

            List<TestReceiver.Received> requests = receiver.received();
            // No tier is 1 s or longer, so the longest (900 ms, jittered down to at least 720 ms) is used.
            assertThat(Duration.between(requests.get(0).at(), requests.get(1).at()).toMillis()).isGreaterThanOrEqualTo(700);
        }
    }

    @Test
    void aRetryAfterTooLargeForAnyClockIsRecordedAndWaitedOutAsTheLongestWait() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(429, "Retry-After", "9223372036854775807"),
                Reply.status(200))) {
            String key = createTenant("retry-after-overflow");
            UUID deliveryId = deliveryTo(key, receiver);

            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(20));

            List<Map<String, Object>> attempts = attempts(deliveryId);
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0).get("outcome")).isEqualTo("RETRY_SCHEDULED");
            assertThat(attempts.get(0).get("response_status")).isEqualTo(429);
        }
    }

    @Test
    void aTimeoutIsRetried() {
        try (TestReceiver receiver = new TestReceiver(Reply.slow(Duration.ofMillis(2500)), Reply.status(200))) {
            String key = createTenant("timeout");
            UUID deliveryId = deliveryTo(key, receiver);

            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(20));

            Map<String, Object> first = attempts(deliveryId).get(0);
            assertThat(first.get("outcome")).isEqualTo("RETRY_SCHEDULED");
            assertThat(first.get("response_status")).isNull();
            assertThat(String.valueOf(first.get("error_class"))).contains("Timeout");
        }
    }

    @Test
    void anAlwaysFailingEndpointEndsInTheDeadLetterQueueWithEveryAttemptLogged() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(500))) {
            String key = createTenant("always-failing");
            UUID deliveryId = deliveryTo(key, receiver);

            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(30));

            List<Map<String, Object>> attempts = attempts(deliveryId);
            assertThat(attempts).hasSize(4);
            assertThat(attempts).allSatisfy(a -> {
                assertThat(a.get("response_status")).isEqualTo(500);
                assertThat(a.get("url")).isEqualTo(receiver.url());
                assertThat((Integer) a.get("duration_ms")).isNotNegative();
                assertThat(a.get("response_body").toString()).contains("500");
            });
            assertThat(attempts.get(3).get("outcome")).isEqualTo("DEAD_LETTERED");
            assertThat(jdbc.queryForObject("SELECT last_error FROM deliveries WHERE id = ?", String.class, deliveryId))
                    .contains("attempts used");
            assertThat(DeadLetterQueue.headersOf(deliveryId))
                    .containsEntry("relay-last-status", "500")
                    .containsEntry("relay-attempts", "4")
                    .containsKey("relay-reason");
        }
    }

    /** Reads (and requeues) the DLQ through the management API. */
    static final class DeadLetterQueue {

        static Map<String, String> headersOf(UUID deliveryId) {
            String messages = TestServices.management("POST", "queues/{vhost}/relay.dead-letter/get",
                    "{\"count\":1000,\"ackmode\":\"ack_requeue_true\",\"encoding\":\"auto\"}");
            try {
                for (var message : JSON.readTree(messages)) {
                    var headers = message.get("properties").get("headers");
                    if (headers != null && deliveryId.toString().equals(headers.path("relay-delivery-id").asText())) {
                        Map<String, String> flat = new java.util.HashMap<>();
                        headers.fields().forEachRemaining(e -> flat.put(e.getKey(), e.getValue().asText()));
                        return flat;
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of();
        }
    }
}
