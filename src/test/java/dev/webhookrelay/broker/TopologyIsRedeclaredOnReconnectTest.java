package dev.webhookrelay.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.webhookrelay.delivery.RetrySchedule;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import dev.webhookrelay.support.TestServices;
import org.junit.jupiter.api.Test;

class TopologyIsRedeclaredOnReconnectTest extends RelayIntegrationTest {

    /** Unique to this test and on the retry grid: no other schedule of the suite shares its queues. */
    private static final String SCHEDULE = "7s";

    @Test
    void aDeletedPerEndpointWaitQueueIsBackAfterAReconnectAndCarriesRetriesAgain() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(500), Reply.status(200), Reply.status(500),
                Reply.status(200))) {
            String key = createTenant("redeclare");
            Response endpoint = post("/v1/endpoints", "{\"url\":\"" + receiver.url() + "\",\"retrySchedule\":\"" + SCHEDULE + "\"}",
                    as(key));
            assertThat(endpoint.status()).isEqualTo(201);
            UUID first = postAndGetDelivery(key, "order.created");
            awaitStatus(first, "DELIVERED", Duration.ofSeconds(20));

            List<String> waitQueues = new RetrySchedule(List.of(Duration.ofSeconds(7)), 0.2, 2, "relay.wait.")
                    .allWaitQueues().stream().map(RetrySchedule.WaitQueue::name).toList();
            waitQueues.forEach(queue -> assertThat(TestServices.queueExists(queue)).as(queue).isTrue());
            waitQueues.forEach(queue -> TestServices.management("DELETE", "queues/{vhost}/" + queue, null));
            waitQueues.forEach(queue -> assertThat(TestServices.queueExists(queue)).as(queue).isFalse());

            RABBITMQ.cut();
            RABBITMQ.restore();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    waitQueues.forEach(queue -> assertThat(TestServices.queueExists(queue)).as(queue).isTrue()));
            UUID second = postAndGetDelivery(key, "order.created");
            awaitStatus(second, "DELIVERED", Duration.ofSeconds(30));
            assertThat(attempts(second)).extracting(a -> a.get("outcome")).containsExactly("RETRY_SCHEDULED", "DELIVERED");
        }
    }
}
