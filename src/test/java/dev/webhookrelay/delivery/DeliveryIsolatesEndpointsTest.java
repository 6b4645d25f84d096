package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import org.junit.jupiter.api.Test;

class DeliveryIsolatesEndpointsTest extends RelayIntegrationTest {

    @Test
    void aHangingEndpointDoesNotHoldUpAHealthyOne() {
        try (TestReceiver hanging = new TestReceiver(Reply.slow(Duration.ofMillis(800)));
             TestReceiver healthy = new TestReceiver()) {
            String key = createTenant("isolation");
            createEndpoint(key, hanging.url(), "[\"slow.thing\"]");
            createEndpoint(key, healthy.url(), "[\"fast.thing\"]");
            List<UUID> slow = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                slow.add(postAndGetDelivery(key, "slow.thing"));
            }
            Instant start = Instant.now();
            List<UUID> fast = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                fast.add(postAndGetDelivery(key, "fast.thing"));
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> fast.stream().allMatch(id -> "DELIVERED".equals(status(id))));
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
            assertThat(maxConcurrent(hanging)).isLessThanOrEqualTo(10);
        }
    }

    @Test
    void anEndpointFailingLongerThanTheWindowIsDisabledWithTheReason() {
        try (TestReceiver failing = new TestReceiver(Reply.status(500))) {
            String key = createTenant("breaker");
            JsonNode endpoint = createEndpoint(key, failing.url(), "[]");
            UUID endpointId = UUID.fromString(endpoint.get("id").asText());
            jdbc.update("UPDATE endpoints SET failing_since = now() - interval '6 days' WHERE id = ?", endpointId);

            postAndGetDelivery(key, "order.created");

            await().atMost(Duration.ofSeconds(15)).until(() -> !jdbc.queryForObject(
                    "SELECT enabled FROM endpoints WHERE id = ?", Boolean.class, endpointId));
            assertThat(jdbc.queryForObject("SELECT disabled_reason FROM endpoints WHERE id = ?", String.class, endpointId))
                    .contains("circuit breaker").contains("HTTP 500");
        }
    }

    /** The most requests the receiver was serving at one moment (each is held 800 ms). */
    private static int maxConcurrent(TestReceiver receiver) {
        List<Instant> starts = receiver.received().stream().map(TestReceiver.Received::at).sorted().toList();
        AtomicInteger max = new AtomicInteger();
        for (Instant start : starts) {
            long overlapping = starts.stream()
                    .filter(s -> !s.isAfter(start) && s.plusMillis(750).isAfter(start)).count();
            max.accumulateAndGet((int) overlapping, Math::max);
        }
        return max.get();
    }
}
