package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import dev.webhookrelay.support.TestServices;
import org.junit.jupiter.api.Test;

class DeliveryReplaysFromTheDeadLetterQueueTest extends RelayIntegrationTest {

    @Test
    void messagesMovedBackLikeTheManagementUiDoesAreAttemptedAgainAndTheDatabaseFollows() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(400), Reply.status(200))) {
            String key = createTenant("dlq-move");
            UUID deliveryId = deliveryTo(key, receiver);
            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));

            // "Move messages" in the management UI creates exactly this dynamic shovel.
            TestServices.moveDeadLettersToTheWorkQueue("move-dlq");

            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(20));
            assertThat(receiver.received()).hasSize(2);
            assertThat(attempts(deliveryId)).extracting(a -> a.get("outcome"))
                    .containsExactly("DEAD_LETTERED", "DELIVERED");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    DeliveryRetriesThroughWaitQueuesTest.DeadLetterQueue.headersOf(deliveryId).isEmpty());
        }
    }
}
