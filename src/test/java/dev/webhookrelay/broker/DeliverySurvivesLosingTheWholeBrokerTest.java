package dev.webhookrelay.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestServices;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The broker loses everything mid-run: the vhost is deleted (every queue and message with it) and
 * created again empty. The relay redeclares its topology on reconnecting; deliveries whose messages
 * were lost are found again from PostgreSQL (outbox sweeper for RECEIVED, reconciler for the rest).
 */
class DeliverySurvivesLosingTheWholeBrokerTest extends RelayIntegrationTest {

    private static final int EVENTS = 200;
    private static final String CONSUMER = "consume-work-queue";

    @Autowired
    private CamelContext camel;

    @Test
    void everyAcceptedEventIsDeliveredAtLeastOnceAfterTheVhostIsRecreatedEmpty() throws Exception {
        // The first half queues up with the consumers stopped; a second after they start, the broker
        // loses everything: a few deliveries are mid-request, most are queued. The second half is
        // posted while the relay reconnects.
        try (TestReceiver receiver = new TestReceiver(TestReceiver.Reply.slow(Duration.ofMillis(300)))) {
            String key = createTenant("broker-lost");
            createEndpoint(key, receiver.url(), "[]");
            List<UUID> accepted = new ArrayList<>();
            camel.getRouteController().stopRoute(CONSUMER);
            try {
                postEvents(key, EVENTS / 2, accepted);
            } finally {
                camel.getRouteController().startRoute(CONSUMER);
            }
            Thread.sleep(1000);
            TestServices.management("DELETE", "vhosts/{vhost}", null);
            TestServices.management("PUT", "vhosts/{vhost}", "{}");
            TestServices.management("PUT", "permissions/{vhost}/" + TestServices.RABBIT_USER,
                    "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
            postEvents(key, EVENTS - EVENTS / 2, accepted);

            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(statuses(accepted)).containsOnlyKeys("DELIVERED"));

            // Only this test's deliveries: a stray retry of an earlier test can reach a receiver that
            // happens to get the port that test's receiver had.
            Set<String> ours = accepted.stream().map(id -> "msg_" + id).collect(Collectors.toSet());
            List<String> received = receiver.received().stream().map(r -> r.header("webhook-id")).filter(ours::contains)
                    .toList();
            long distinct = received.stream().distinct().count();
            System.out.printf("vhost lost mid-run: accepted=%d delivered=%d duplicates=%d%n", accepted.size(), distinct,
                    received.size() - distinct);
            assertThat(distinct).isEqualTo(accepted.size());
        }
    }

    /** How many of the deliveries are in each status. */
    private Map<String, Integer> statuses(List<UUID> deliveries) {
        Map<String, Integer> counts = new TreeMap<>();
        jdbc.query("SELECT status, count(*) FROM deliveries WHERE id = ANY (?::uuid[]) GROUP BY status",
                rs -> {
                    counts.put(rs.getString(1), rs.getInt(2));
                }, (Object) deliveries.stream().map(UUID::toString).toArray(String[]::new));
        return counts;
    }

    private void postEvents(String key, int count, List<UUID> accepted) {
        for (int i = 0; i < count; i++) {
            Response response = postEvent(key, "{\"type\":\"order.created\",\"payload\":{}}", null);
            if (response.status() == 202) {
                accepted.add(UUID.fromString(response.json().get("deliveries").get(0).get("id").asText()));
            }
        }
    }
}
