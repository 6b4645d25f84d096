package dev.webhookrelay.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.camel.support.PatternHelper;
import org.apache.camel.util.CaseInsensitiveMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /** What Camel's removeHeaders step with the routes' former patterns removed, and nothing else. */
    @ParameterizedTest
    @ValueSource(strings = {"Idempotent-Replayed", "IDEMPOTENT-REPLAYED", "idempotent-replayed-x", "Idempotency-Key",
        "idempotency-keys", "relay-attempt", "RELAY-DELIVERY-ID", "relay-", "relay", "X-Relay-Id", "relayed",
        "Content-Type", "CamelHttpUri", ""})
    void removesWhatCamelsRemoveHeadersRemovedWithTheFormerPatterns(String name) {
        Map<String, Object> request = new CaseInsensitiveMap(Map.of(name, "v"));
        Map<String, Object> sourceWebhook = new CaseInsensitiveMap(Map.of(name, "v"));

        relayOwned.removeFromRequest(request);
        relayOwned.removeFromSourceWebhook(sourceWebhook);

        assertThat(request.isEmpty()).isEqualTo(PatternHelper.matchPattern(name, "(?i)idempotent-replayed|relay-.*"));
        assertThat(sourceWebhook.isEmpty())
                .isEqualTo(PatternHelper.matchPattern(name, "(?i)idempotent-replayed|idempotency-key|relay-.*"));
    }

    private static Map<String, Object> headers() {
        Map<String, Object> headers = new CaseInsensitiveMap();
        Map.of("Content-Type", "application/json", "Idempotent-Replayed", "true",
                "relay-attempt", "9", "Relay-Delivery-Id", "x", "Idempotency-Key", "k", "X-Relay-Id", "a",
                "relayed", "b", "idempotent-replayed-x", "c").forEach(headers::put);
        return headers;
    }
}
