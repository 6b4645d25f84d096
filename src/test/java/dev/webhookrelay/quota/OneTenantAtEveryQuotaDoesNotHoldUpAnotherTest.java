package dev.webhookrelay.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Tenant A at every quota at once: as many endpoints as allowed, all hanging past the response
 * timeout, each with the longest retry schedule allowed; far more deliveries than its in-flight cap;
 * events sent faster than its ingest rate; its bulk replays at the quota. Tenant B's deliveries still
 * flow, and A never holds more consumers than its cap.
 */
class OneTenantAtEveryQuotaDoesNotHoldUpAnotherTest extends RelayIntegrationTest {

    private static final int B_EVENTS = 20;
    private static final int FLOOD_SENDERS = 4;

    @Autowired
    private RelayProperties properties;

    @Autowired
    private CamelContext camel;

    @Test
    void tenantBsDeliveriesFlowWhileTenantASaturatesEveryQuota() throws Exception {
        var quotas = properties.quotas();
        try (TestReceiver hanging = new TestReceiver(Reply.slow(Duration.ofSeconds(3)));
             TestReceiver healthy = new TestReceiver()) {
            String b = createTenant("modest");
            createEndpoint(b, healthy.url(), "[\"b.*\"]");
            List<Long> alone = deliverAndMeasure(b, healthy, 10);

            String aName = "greedy-" + UUID.randomUUID();
            String a = createTenant(aName);
            UUID aId = jdbc.queryForObject("SELECT id FROM tenants WHERE name = ?", UUID.class, aName);
            String longest = String.join(",", Collections.nCopies(quotas.maxRetryTiers(), "1s"));
            List<String> aEndpoints = new ArrayList<>();
            for (int i = 0; i < quotas.maxEndpointsPerTenant(); i++) {
                Response created = post("/v1/endpoints", "{\"url\":\"" + hanging.url() + "/" + i
                        + "\",\"eventTypes\":[\"slow.*\"],\"retrySchedule\":\"" + longest + "\"}", as(a));
                assertThat(created.status()).isEqualTo(201);
                aEndpoints.add(created.json().get("id").asText());
            }
            assertThat(post("/v1/endpoints", "{\"url\":\"" + hanging.url() + "\"}", as(a)).status()).isEqualTo(409);

            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicInteger refusedIngest = new AtomicInteger();
            // Several senders: even when each request is slow, together they offer more than A's rate.
            ExecutorService flood = Executors.newFixedThreadPool(FLOOD_SENDERS);
            // Paused so that A's bulk replays stay RUNNING, its replay quota used up, for the whole test.
            camel.getRouteController().stopRoute("run-replays");
            try {
                insertDeadLetter(aId, aEndpoints.get(0));
                for (int i = 0; i < quotas.maxReplaysPerTenant(); i++) {
                    assertThat(post("/v1/dlq/replay", "{}", as(a)).status()).isEqualTo(202);
                }
                assertThat(post("/v1/dlq/replay", "{}", as(a)).status()).isEqualTo(429);

                for (int i = 0; i < 10; i++) {
                    assertThat(postEvent(a, "{\"type\":\"slow.thing\",\"payload\":{}}", null).status()).isEqualTo(202);
                }
                for (int i = 0; i < FLOOD_SENDERS; i++) {
                    flood.submit(() -> {
                        while (flooding.get()) {
                            if (postEvent(a, "{\"type\":\"noise.tick\",\"payload\":{}}", null).status() == 429) {
                                refusedIngest.incrementAndGet();
                            }
                            Thread.sleep(5);
                        }
                        return null;
                    });
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> hanging.received().size() >= quotas.maxInFlightPerTenant()
                        && refusedIngest.get() > 0);

                List<Long> during = deliverAndMeasure(b, healthy, B_EVENTS);

                System.out.printf("Tenant B commit-to-receiver latency (ms) alone: %s; while tenant A saturates every"
                        + " quota: %s; A's attempts: %d, A's ingest refused: %d%n", alone, during,
                        hanging.received().size(), refusedIngest.get());
                assertThat(maxConcurrent(aId)).isLessThanOrEqualTo(quotas.maxInFlightPerTenant());
            } finally {
                flooding.set(false);
                flood.shutdown();
                // A's leftovers must not keep the shared relay busy in later tests.
                aEndpoints.forEach(id -> delete("/v1/endpoints/" + id, as(a)));
                jdbc.update("UPDATE replays SET status = 'COMPLETED', completed_at = now() WHERE tenant_id = ?", aId);
                camel.getRouteController().startRoute("run-replays");
            }
        }
    }

    /** Posts events one by one for tenant B; all are delivered; answers each one's latency in ms. */
    private List<Long> deliverAndMeasure(String key, TestReceiver receiver, int events) throws InterruptedException {
        List<String> markers = new ArrayList<>();
        List<Instant> posted = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            String marker = UUID.randomUUID().toString();
            markers.add(marker);
            posted.add(Instant.now());
            assertThat(postEvent(key, "{\"type\":\"b.ping\",\"payload\":{\"marker\":\"" + marker + "\"}}", null)
                    .status()).isEqualTo(202);
            Thread.sleep(50);
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                markers.stream().allMatch(m -> receivedAt(receiver, m) != null));
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            latencies.add(Duration.between(posted.get(i), receivedAt(receiver, markers.get(i))).toMillis());
        }
        return latencies;
    }

    private static Instant receivedAt(TestReceiver receiver, String marker) {
        return receiver.received().stream().filter(r -> r.body().contains(marker)).map(TestReceiver.Received::at)
                .findFirst().orElse(null);
    }

    /**
     * The most of A's attempts under way at one moment, from the relay's own attempt rows: each ran
     * for its duration before it was recorded, and its slot is freed only after the record, so
     * intervals [recorded - duration, recorded] overlap only where the attempts held slots together.
     * (Arrival times at the receiver would not do: an attempt the relay has ended at its deadline can
     * still look under way there.)
     */
    private int maxConcurrent(UUID tenantId) {
        List<long[]> intervals = jdbc.query("""
                SELECT (extract(epoch FROM a.created_at) * 1000)::bigint - a.duration_ms, (extract(epoch FROM a.created_at) * 1000)::bigint
                  FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.tenant_id = ?""",
                (rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}, tenantId);
        int max = 0;
        for (long[] attempt : intervals) {
            long at = attempt[0];
            int overlapping = (int) intervals.stream().filter(other -> other[0] <= at && other[1] > at).count();
            max = Math.max(max, overlapping);
        }
        return max;
    }

    private void insertDeadLetter(UUID tenantId, String endpointId) {
        jdbc.update("""
                WITH e AS (
                    INSERT INTO events (id, tenant_id, type, payload, body_hash, created_at)
                    VALUES (gen_random_uuid(), ?, 'slow.old', '{}', 'h', now() - interval '1 hour') RETURNING id, created_at)
                INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, status, attempt_count, budget_attempts,
                                        last_status, last_error, created_at, updated_at)
                SELECT gen_random_uuid(), e.id, ?::uuid, ?, 'DEAD_LETTERED', 4, 4, 503, 'HTTP 503', e.created_at,
                       now() - interval '1 minute'
                FROM e""", tenantId, endpointId, tenantId);
    }
}
