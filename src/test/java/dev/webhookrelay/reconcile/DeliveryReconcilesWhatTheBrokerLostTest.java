package dev.webhookrelay.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.webhookrelay.outbox.OutboxSweeper;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import dev.webhookrelay.support.TestServices;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * PostgreSQL is the source of truth: messages the broker loses are republished, a purged work queue's
 * by the outbox sweeper, a deleted wait queue's by the reconciler once overdue (relay.reconcile.grace
 * is 5 s in tests), and
 * every accepted delivery is delivered; a backlog that is only old is left in its queue, not copied.
 */
class DeliveryReconcilesWhatTheBrokerLostTest extends RelayIntegrationTest {

    private static final int QUEUED = 1000;
    private static final int PER_TENANT = 250;
    private static final int RETRYING = 50;
    private static final int BACKLOG = 200;

    @Autowired
    private CamelContext camel;

    @Autowired
    private MeterRegistry meters;

    @Autowired
    private AmqpAdmin admin;

    @Test
    void deliveriesPurgedFromTheWorkQueueAreStillDelivered() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            Map<String, Double> before = reconciled();
            List<UUID> deliveries = new ArrayList<>();
            // The sweeper is held too, so what it republishes below is only what the purge lost.
            // A short shutdown timeout: an earlier test's message still held by a consumer must not
            // keep the route stopping for Camel's default 45 s (it is requeued when forced).
            camel.getRouteController().stopRoute("consume-work-queue", 5, TimeUnit.SECONDS);
            camel.getRouteController().stopRoute("sweep-outbox");
            try {
                // Spread over tenants posting side by side: each stays within the suite's ingest quota.
                ExecutorService tenants = Executors.newFixedThreadPool(QUEUED / PER_TENANT);
                List<Future<List<UUID>>> posted = new ArrayList<>();
                for (int tenant = 0; tenant < QUEUED / PER_TENANT; tenant++) {
                    String key = createTenant("reconcile-purge-" + tenant);
                    createEndpoint(key, receiver.url(), "[\"purge.test\"]");
                    posted.add(tenants.submit(() -> {
                        List<UUID> ids = new ArrayList<>();
                        for (int i = 0; i < PER_TENANT; i++) {
                            ids.add(postAndGetDelivery(key, "purge.test"));
                        }
                        return ids;
                    }));
                }
                for (Future<List<UUID>> ids : posted) {
                    deliveries.addAll(ids.get());
                }
                tenants.shutdown();
                TestServices.management("DELETE", "queues/{vhost}/relay.work/contents", null);
            } finally {
                camel.getRouteController().startRoute("sweep-outbox");
                camel.getRouteController().startRoute("consume-work-queue");
            }

            await().atMost(Duration.ofSeconds(90)).until(() -> count(deliveries, "DELIVERED") == QUEUED);
            report("relay.work purged", QUEUED, receiver, 0, before);
            assertThat(delta(before).getOrDefault(OutboxSweeper.UNPUBLISHED, 0.0)).isGreaterThanOrEqualTo(QUEUED);
        }
    }

    @Test
    void aBacklogOlderThanTheGraceIsNotCopied() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("reconcile-backlog");
            createEndpoint(key, receiver.url(), "[\"backlog.test\"]");
            Map<String, Double> before = reconciled();
            List<UUID> deliveries = new ArrayList<>();
            camel.getRouteController().stopRoute("consume-work-queue", 5, TimeUnit.SECONDS);
            try {
                for (int i = 0; i < BACKLOG; i++) {
                    deliveries.add(postAndGetDelivery(key, "backlog.test"));
                }
                assertThat(workQueueDepth()).as("messages in relay.work").isGreaterThanOrEqualTo(BACKLOG);
                // Past the outbox's min-age (1 s) and the grace (5 s), with the sweeper and the
                // reconciler running every second or two: the backlog is old, and still in the queue.
                Thread.sleep(Duration.ofSeconds(9).toMillis());
                assertThat(delta(before)).as("republished").allSatisfy((reason, count) -> assertThat(count).isZero());
            } finally {
                camel.getRouteController().startRoute("consume-work-queue");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> count(deliveries, "DELIVERED") == BACKLOG);
            report("backlog older than the grace", BACKLOG, receiver, 0, before);
            // On a loaded machine an attempt can outlast its deadline and be retried: at least once.
            // Every request the receiver got is still an attempt the relay claimed, never a copy.
            assertThat(receiver.received()).hasSize(attempts(deliveries));
        }
    }

    @Test
    void retriesWhoseWaitQueueWasDeletedAreStillDelivered() throws Exception {
        try (TestReceiver receiver = new TestReceiver(Reply.status(503))) {
            String key = createTenant("reconcile-wait-queue");
            post("/v1/endpoints", "{\"url\":\"" + receiver.url() + "\",\"retrySchedule\":\"20s\","
                    + "\"eventTypes\":[\"wait.test\"]}", as(key));
            Map<String, Double> before = reconciled();
            List<UUID> deliveries = new ArrayList<>();
            // One after the other, each attempted as it comes: a burst would exceed the endpoint's
            // in-flight cap, and a postponed delivery is RETRY_SCHEDULED before its first attempt.
            for (int i = 0; i < RETRYING; i++) {
                deliveries.add(postAndGetDelivery(key, "wait.test"));
            }
            // The first retries leave their wait queue 16 s after their attempt: the queues go before that.
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() >= RETRYING
                    && count(deliveries, "RETRY_SCHEDULED") == RETRYING);

            // 20 s with 20 % jitter over two queues: 16 s and 24 s.
            TestServices.management("DELETE", "queues/{vhost}/relay.wait.20s.ttl-16000", null);
            TestServices.management("DELETE", "queues/{vhost}/relay.wait.20s.ttl-24000", null);
            int failedRequests = receiver.received().size();
            assertThat(failedRequests).as("requests before the wait queues were deleted: one per delivery, "
                    + "unless a retry left its queue first").isEqualTo(RETRYING);
            receiver.replyFromNow(Reply.status(200));

            await().atMost(Duration.ofSeconds(90)).until(() -> count(deliveries, "DELIVERED") == RETRYING);
            report("wait queue deleted", RETRYING, receiver, failedRequests, before);
            assertThat(delta(before).getOrDefault("retry-overdue", 0.0)).isGreaterThanOrEqualTo(RETRYING);
        }
    }

    private long count(List<UUID> deliveries, String status) {
        return jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE id = ANY (?::uuid[]) AND status = ?",
                Long.class, deliveries.stream().map(UUID::toString).toArray(String[]::new), status);
    }

    private int attempts(List<UUID> deliveries) {
        return jdbc.queryForObject("SELECT count(*) FROM attempts WHERE delivery_id = ANY (?::uuid[])",
                Integer.class, (Object) deliveries.stream().map(UUID::toString).toArray(String[]::new));
    }

    private long workQueueDepth() {
        return admin.getQueueInfo("relay.work").getMessageCount();
    }

    private Map<String, Double> reconciled() {
        Map<String, Double> byReason = new TreeMap<>();
        meters.find("relay.deliveries.reconciled").counters()
                .forEach(c -> byReason.put(c.getId().getTag("reason"), c.count()));
        return byReason;
    }

    private Map<String, Double> delta(Map<String, Double> before) {
        Map<String, Double> delta = new TreeMap<>();
        reconciled().forEach((reason, now) -> delta.put(reason, now - before.getOrDefault(reason, 0.0)));
        return delta;
    }

    /** Accepted, delivered, duplicates (webhook ids the receiver answered 200 more than once), reconciled. */
    private void report(String scenario, int accepted, TestReceiver receiver, int requestsBefore,
            Map<String, Double> reconciledBefore) {
        var answered = receiver.received().subList(requestsBefore, receiver.received().size());
        long distinct = answered.stream().map(r -> r.header("webhook-id")).distinct().count();
        System.out.printf("RECONCILE-REPORT %s: accepted=%d delivered=%d duplicates=%d reconciled=%s%n", scenario,
                accepted, distinct, answered.size() - distinct, delta(reconciledBefore));
    }
}
