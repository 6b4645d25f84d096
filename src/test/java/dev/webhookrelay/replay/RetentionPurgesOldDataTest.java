package dev.webhookrelay.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class RetentionPurgesOldDataTest extends RelayIntegrationTest {

    @Autowired
    private ProducerTemplate camel;

    @Test
    void eventsOlderThanTheRetentionGoWithTheirDeliveriesAndAttemptsButInFlightOnesStay() {
        String key = createTenant("retention");
        createEndpoint(key, "http://127.0.0.1:9/x", "[\"old.*\"]");
        UUID old = UUID.fromString(postEvent(key, "{\"type\":\"old.done\",\"payload\":{}}", null).json().get("id").asText());
        UUID oldInFlight = UUID.fromString(postEvent(key, "{\"type\":\"old.busy\",\"payload\":{}}", null).json().get("id").asText());
        UUID recent = UUID.fromString(postEvent(key, "{\"type\":\"new.one\",\"payload\":{}}", null).json().get("id").asText());
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

    private boolean exists(UUID eventId) {
        return jdbc.queryForObject("SELECT count(*) FROM events WHERE id = ?", Integer.class, eventId) == 1;
    }
}
