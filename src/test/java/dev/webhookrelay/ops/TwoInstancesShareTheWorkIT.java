package dev.webhookrelay.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import dev.webhookrelay.support.RelayClient;
import dev.webhookrelay.support.RelayProcess;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import dev.webhookrelay.support.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * Two relays on different ports, one PostgreSQL database and one RabbitMQ vhost: 2,000 events posted
 * across both, one relay killed (SIGKILL) halfway. Every event is delivered; duplicates are counted.
 */
class TwoInstancesShareTheWorkIT {

    private static final int EVENTS = 2000;

    @Test
    void twoRelaysDeliverEverythingWhenOneDiesHalfway() throws Exception {
        try (TestReceiver receiver = new TestReceiver(new Reply(200, Map.of(), Duration.ofMillis(5)));
             RelayProcess a = new RelayProcess("pair-a").start();
             RelayProcess b = new RelayProcess("pair-b").start()) {
            RelayClient clientA = new RelayClient(a.baseUrl());
            RelayClient clientB = new RelayClient(b.baseUrl());
            String key = clientA.createTenant(RelayProcess.ADMIN_TOKEN, "pair");
            clientA.createEndpoint(key, receiver.url());

            AtomicInteger accepted = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(8);
            for (int i = 0; i < EVENTS; i++) {
                int n = i;
                senders.submit(() -> {
                    // Alternate between the relays; when A is gone, its share goes to B (same key: no duplicate event).
                    RelayClient first = n % 2 == 0 ? clientA : clientB;
                    while (first.postEvent(key, "order.created", "pair-" + n) == null
                            && clientB.postEvent(key, "order.created", "pair-" + n) == null) {
                        Thread.sleep(100);
                    }
                    accepted.incrementAndGet();
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> accepted.get() >= EVENTS / 2);
            a.kill();
            senders.shutdown();
            assertThat(senders.awaitTermination(180, TimeUnit.SECONDS)).isTrue();

            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> distinct(receiver) == EVENTS);
            long duplicates = receiver.received().size() - distinct(receiver);
            // The run's database is shared with the other ITs of this JVM: count this test's events only.
            String events = "SELECT count(*) FROM events WHERE idempotency_key LIKE 'pair-%'";
            System.out.printf("Two instances: %d events, %d distinct deliveries, %d duplicates, %d events stored%n",
                    EVENTS, distinct(receiver), duplicates, TestDatabase.count(events));
            assertThat(TestDatabase.count(events)).isEqualTo(EVENTS);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    TestDatabase.count("SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id "
                            + "WHERE d.status = 'DELIVERED' AND e.idempotency_key LIKE 'pair-%'") == EVENTS);
        }
    }

    private static long distinct(TestReceiver receiver) {
        List<TestReceiver.Received> all = receiver.received();
        return all.stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet()).size();
    }

}
