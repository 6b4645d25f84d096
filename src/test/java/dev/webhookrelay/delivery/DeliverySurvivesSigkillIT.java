package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.webhookrelay.support.RelayClient;
import dev.webhookrelay.support.RelayProcess;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import dev.webhookrelay.support.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * Kills the relay with SIGKILL while 500 deliveries are in flight, restarts it, and checks that
 * every delivery still arrives at least once. Duplicates are expected (at-least-once) and reported.
 */
class DeliverySurvivesSigkillIT {

    private static final int EVENTS = 500;

    @Test
    void everyDeliveryArrivesAfterAKillAndARestart() throws Exception {
        try (TestReceiver receiver = new TestReceiver(new Reply(200, Map.of(), Duration.ofMillis(20)))) {
            RelayProcess first = new RelayProcess("sigkill-1").start();
            RelayClient client = new RelayClient(first.baseUrl());
            String key = client.createTenant(RelayProcess.ADMIN_TOKEN, "sigkill");
            client.createEndpoint(key, receiver.url());

            ExecutorService senders = Executors.newFixedThreadPool(8);
            for (int i = 0; i < EVENTS; i++) {
                String idempotencyKey = "evt-" + i;
                senders.submit(() -> {
                    while (client.postEvent(key, "order.created", idempotencyKey) == null) {
                        Thread.sleep(200);
                    }
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= 100);
            first.kill();
            int receivedAtKill = receiver.received().size();

            try (RelayProcess second = new RelayProcess("sigkill-2").start()) {
                RelayClient restarted = new RelayClient(second.baseUrl());
                // Senders that hit the dead relay retry against the new one with the same keys.
                senders.shutdownNow();
                for (int i = 0; i < EVENTS; i++) {
                    while (restarted.postEvent(key, "order.created", "evt-" + i) == null) {
                        Thread.sleep(200);
                    }
                }
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> distinctReceived(receiver) == EVENTS);
                // An attempt the kill interrupted is re-claimed when its lease (attempt deadline + claim
                // lease margin, RelayProcess) runs out, so the last deliveries are recorded well after they arrived.
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        assertThat(delivered()).as("not delivered: %s", TestDatabase.rows("""
                                SELECT d.id || ' ' || d.status || ' budget=' || d.budget_attempts
                                       || ' lease=' || coalesce(d.next_attempt_at::text, '-')
                                       || ' now=' || now()::text FROM deliveries d JOIN events e ON e.id = d.event_id
                                WHERE d.status <> 'DELIVERED' AND e.idempotency_key LIKE 'evt-%'""")).isEqualTo(EVENTS));
            }
            senders.awaitTermination(5, TimeUnit.SECONDS);
            long duplicates = receiver.received().size() - distinctReceived(receiver);
            System.out.printf("SIGKILL test: %d events, %d received before the kill, %d distinct deliveries, "
                    + "%d duplicates%n", EVENTS, receivedAtKill, distinctReceived(receiver), duplicates);
            assertThat(distinctReceived(receiver)).isEqualTo(EVENTS);
            assertThat(events()).isEqualTo(EVENTS);
        }
    }

    private static long distinctReceived(TestReceiver receiver) {
        return receiver.received().stream().collect(Collectors.groupingBy(r -> r.header("webhook-id"),
                Collectors.counting())).size();
    }

    private static int delivered() {
        return TestDatabase.count("SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id "
                + "WHERE d.status = 'DELIVERED' AND e.idempotency_key LIKE 'evt-%'");
    }


    private static int events() {
        return TestDatabase.count("SELECT count(*) FROM events WHERE idempotency_key LIKE 'evt-%'");
    }


}
