package dev.webhookrelay.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestServices;
import org.junit.jupiter.api.Test;

/**
 * The broker loses everything mid-run: the vhost is deleted (every queue and message with it) and
 * created again empty. The relay redeclares its topology on reconnecting; deliveries whose messages
 * were lost are found again from PostgreSQL (outbox sweeper for RECEIVED, reconciler for the rest).
 */
class DeliverySurvivesLosingTheWholeBrokerTest extends RelayIntegrationTest {

    private static final int EVENTS = 200;

    @Test
    void everyAcceptedEventIsDeliveredAtLeastOnceAfterTheVhostIsRecreatedEmpty() {
        // 50 ms per request: deliveries are still queued when the broker loses them.
        try (TestReceiver receiver = new TestReceiver(TestReceiver.Reply.slow(Duration.ofMillis(50)))) {
            String key = createTenant("broker-lost");
            createEndpoint(key, receiver.url(), "[]");
            List<UUID> accepted = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                Response response = postEvent(key, "{\"type\":\"order.created\",\"payload\":{\"n\":" + i + "}}", null);
                if (response.status() == 202) {
                    accepted.add(UUID.fromString(response.json().get("deliveries").get(0).get("id").asText()));
                }
                if (i == EVENTS / 2) {
                    TestServices.management("DELETE", "vhosts/{vhost}", null);
                    TestServices.management("PUT", "vhosts/{vhost}", "{}");
                    TestServices.management("PUT", "permissions/{vhost}/" + TestServices.RABBIT_USER,
                            "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
                }
            }

            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE id = ANY (?::uuid[]) AND status = 'DELIVERED'",
                            Integer.class, (Object) accepted.stream().map(UUID::toString).toArray(String[]::new))
                            == accepted.size());

            long distinct = receiver.received().stream().map(r -> r.header("webhook-id")).distinct().count();
            System.out.printf("vhost lost mid-run: accepted=%d delivered=%d duplicates=%d%n", accepted.size(), distinct,
                    receiver.received().size() - distinct);
            assertThat(distinct).isEqualTo(accepted.size());
        }
    }
}
