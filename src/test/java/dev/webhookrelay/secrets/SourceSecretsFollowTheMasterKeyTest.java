package dev.webhookrelay.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.stripe.net.Webhook;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;

/** A source's secret is sealed like an endpoint's: one sealed under the previous master key still verifies and is re-sealed. */
class SourceSecretsFollowTheMasterKeyTest extends RelayIntegrationTest {

    private static final String CURRENT = "v1:" + Keys.of(MASTER_KEY, null).currentId() + ":";

    @Test
    void aSourceSecretSealedUnderThePreviousKeyStillVerifiesAndMovesToTheCurrentKey() throws Exception {
        String key = createTenant("source-master-key");
        UUID sourceId = UUID.fromString(post("/v1/sources", "{\"name\":\"p\",\"provider\":\"stripe\",\"secret\":\"whsec_first\"}",
                as(key)).json().get("id").asText());
        assertThat(jdbc.queryForObject("SELECT secret FROM source_secrets WHERE source_id = ?", String.class, sourceId))
                .startsWith(CURRENT).doesNotContain("whsec_first");
        SecretCipher previous = new SecretCipher(Keys.of(PREVIOUS_MASTER_KEY, null));
        jdbc.update("UPDATE source_secrets SET secret = ? WHERE source_id = ?",
                previous.seal("whsec_previous_key", SecretContexts.sourceSecret(sourceId)), sourceId);

        assertThat(signed(sourceId, "whsec_previous_key")).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.queryForObject(
                "SELECT secret FROM source_secrets WHERE source_id = ?", String.class, sourceId)).startsWith(CURRENT));
        assertThat(signed(sourceId, "whsec_previous_key")).isEqualTo(202);
    }

    private int signed(UUID sourceId, String secret) throws Exception {
        String payload = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"charge.succeeded\"}";
        long t = Webhook.Util.getTimeNow();
        return post("/v1/in/" + sourceId, payload, Map.of("Content-Type", "application/json",
                "Stripe-Signature", "t=" + t + ",v1=" + Webhook.Util.computeHmacSha256(secret, t + "." + payload))).status();
    }
}
