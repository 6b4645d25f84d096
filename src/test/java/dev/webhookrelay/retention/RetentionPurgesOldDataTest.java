package dev.webhookrelay.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class RetentionPurgesOldDataTest extends RelayIntegrationTest {

    @Autowired
    private ProducerTemplate camel;

    @Autowired
    private DataRetention retention;

    @Test
    void eventsOlderThanTheRetentionGoWithTheirDeliveriesAndAttemptsButInFlightOnesStay() {
        String key = createTenant("retention");
        UUID endpoint = UUID.fromString(createEndpoint(key, "http://127.0.0.1:9/x", "[\"old.*\"]").get("id").asText());
        UUID old = UUID.fromString(postEvent(key, "{\"type\":\"old.done\",\"payload\":{}}", null).json().get("id").asText());
        UUID oldInFlight = UUID.fromString(postEvent(key, "{\"type\":\"old.busy\",\"payload\":{}}", null).json().get("id").asText());
        UUID recent = UUID.fromString(postEvent(key, "{\"type\":\"new.one\",\"payload\":{}}", null).json().get("id").asText());
        // The endpoint refuses connections: once each delivery has had an attempt, disable it and let any
        // attempt in flight finish, so that no retry rewrites the statuses set below.
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(DISTINCT a.delivery_id) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id IN (?, ?)",
                Integer.class, old, oldInFlight) >= 2);
        jdbc.update("UPDATE endpoints SET enabled = false WHERE id = ?", endpoint);
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM deliveries WHERE event_id IN (?, ?) AND status = 'DISPATCHING'",
                Integer.class, old, oldInFlight) == 0);
        jdbc.update("UPDATE events SET created_at = now() - interval '31 days' WHERE id IN (?, ?)", old, oldInFlight);
        jdbc.update("UPDATE deliveries SET status = 'DEAD_LETTERED' WHERE event_id = ?", old);
        jdbc.update("UPDATE deliveries SET status = 'RETRY_SCHEDULED', next_attempt_at = now() + interval '1 hour' WHERE event_id = ?",
                oldInFlight);

        camel.sendBody("direct:purge-expired-events-now", null);

        assertThat(exists(old)).isFalse();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE event_id = ?", Integer.class, old)).isZero();
        assertThat(exists(oldInFlight)).isTrue();
        assertThat(exists(recent)).isTrue();
    }

    @Test
    void idempotencyKeysOlderThanTheirRetentionAreForgottenAndRecentOnesKept() {
        String old = "retention-old-" + UUID.randomUUID();
        String recent = "retention-recent-" + UUID.randomUUID();
        jdbc.update("INSERT INTO idempotency_keys (processor_name, message_id, created_at) VALUES ('test', ?, now() - interval '8 days')", old);
        jdbc.update("INSERT INTO idempotency_keys (processor_name, message_id) VALUES ('test', ?)", recent);

        retention.purgeIdempotencyKeys();

        assertThat(jdbc.queryForObject("SELECT count(*) FROM idempotency_keys WHERE message_id = ?", Integer.class, old)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM idempotency_keys WHERE message_id = ?", Integer.class, recent)).isOne();
    }

    private boolean exists(UUID eventId) {
        return jdbc.queryForObject("SELECT count(*) FROM events WHERE id = ?", Integer.class, eventId) == 1;
    }
}
