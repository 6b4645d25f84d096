package dev.webhookrelay.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.camel.util.CaseInsensitiveMap;
import org.junit.jupiter.api.Test;

class RelayOwnedHeadersTest {

    private final RelayOwnedHeaders relayOwned = new RelayOwnedHeaders();

    @Test
    void theReplayMarkerAndRelayHeadersGoInAnyCaseAndEverythingElseStays() {
        Map<String, Object> headers = headers();

        relayOwned.removeFromRequest(headers);

        assertThat(headers).containsOnlyKeys("Content-Type", "Idempotency-Key", "X-Relay-Id", "relayed", "idempotent-replayed-x");
    }

    @Test
    void aSourceWebhookAlsoLosesItsIdempotencyKey() {
        Map<String, Object> headers = headers();

        relayOwned.removeFromSourceWebhook(headers);

        assertThat(headers).containsOnlyKeys("Content-Type", "X-Relay-Id", "relayed", "idempotent-replayed-x");
    }

    private static Map<String, Object> headers() {
        Map<String, Object> headers = new CaseInsensitiveMap();
        Map.of("Content-Type", "application/json", "Idempotent-Replayed", "true", "IDEMPOTENT-REPLAYED", "true",
                "relay-attempt", "9", "Relay-Delivery-Id", "x", "Idempotency-Key", "k", "X-Relay-Id", "a",
                "relayed", "b", "idempotent-replayed-x", "c").forEach(headers::put);
        return headers;
    }
}
