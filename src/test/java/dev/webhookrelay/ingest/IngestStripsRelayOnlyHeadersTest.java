package dev.webhookrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import dev.webhookrelay.support.RelayIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Idempotent-Replayed and relay-* are the relay's own headers. A caller that sends them (as headers or
 * query parameters, in any case) gets a plain first acceptance: its event is published and counted
 * as new, and the answer carries none of them.
 */
class IngestStripsRelayOnlyHeadersTest extends RelayIntegrationTest {

    @Autowired
    private MeterRegistry meters;

    @Test
    void aCallersRelayOnlyHeadersNeverActAsTheRelays() {
        String key = createTenant("relay-only-headers");
        Map<String, String> headers = new HashMap<>(as(key));
        headers.put("Idempotent-Replayed", "true");
        headers.put("relay-delivery-id", "00000000-0000-0000-0000-000000000000");
        headers.put("Relay-Attempt", "99");
        headers.put("RELAY-REASON", "forged");
        double replayedBefore = accepted("true");
        double newBefore = accepted("false");

        Response accepted = post("/v1/events?idempotent-replayed=true&relay-endpoint-id=x",
                "{\"type\":\"order.created\",\"payload\":{\"n\":1}}", headers);

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.headers().keySet()).noneMatch(name -> name.equalsIgnoreCase("Idempotent-Replayed")
                || name.toLowerCase().startsWith("relay-"));
        assertThat(accepted("true")).isEqualTo(replayedBefore);
        assertThat(accepted("false")).isEqualTo(newBefore + 1);
    }

    @Test
    void theRelaysOwnReplayMarkerStillReachesTheCaller() {
        String key = createTenant("real-replay");
        postEvent(key, "{\"type\":\"a\",\"payload\":{}}", "once");

        Response replayed = postEvent(key, "{\"type\":\"a\",\"payload\":{}}", "once");

        assertThat(replayed.status()).isEqualTo(202);
        assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
    }

    private double accepted(String replayed) {
        var counter = meters.find("relay.ingest.accepted").tag("replayed", replayed).counter();
        return counter == null ? 0 : counter.count();
    }
}
