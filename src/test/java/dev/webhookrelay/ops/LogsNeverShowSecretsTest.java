package dev.webhookrelay.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class LogsNeverShowSecretsTest extends RelayIntegrationTest {

    @Test
    void ingestAndAttemptsAreLoggedWithIdsButNoKeySecretOrSignature(CapturedOutput output) {
        try (TestReceiver receiver = new TestReceiver()) {
            String apiKey = createTenant("logging");
            String secret = createEndpoint(apiKey, receiver.url(), "[]").get("secret").asText();
            String rotated = post("/v1/endpoints", "{\"url\":\"" + receiver.url()
                    + "\",\"headers\":{\"X-Api-Key\":\"log-header-secret\",\"X-Custom\":{\"value\":\"log-marked-secret\",\"sensitive\":true}}}",
                    as(apiKey)).json().get("id").asText();
            String newSecret = post("/v1/endpoints/" + rotated + "/secret/rotate", null, as(apiKey)).json().get("secret").asText();
            post("/v1/endpoints", "{\"url\":\"" + receiver.url() + "\",\"auth\":{\"type\":\"bearer\",\"token\":\"log-bearer-secret\"}}",
                    as(apiKey));
            postEvent("rk_wrong-key-attempt", "{\"type\":\"a\",\"payload\":{}}", null);
            UUID deliveryId = postAndGetDelivery(apiKey, "order.created");
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() == 3);
            String signature = receiver.received().get(0).header("webhook-signature");

            assertThat(output.getAll())
                    .contains("ingest event=")
                    .contains("attempt event=").contains("delivery=" + deliveryId)
                    .doesNotContain(apiKey).doesNotContain(apiKey.substring(3))
                    .doesNotContain(secret).doesNotContain(secret.substring(6))
                    .doesNotContain(newSecret.substring(6))
                    .doesNotContain(signature.split(" ")[0].substring(3))
                    .doesNotContain(ADMIN_TOKEN)
                    .doesNotContain("rk_wrong-key-attempt")
                    .doesNotContain("log-header-secret").doesNotContain("log-marked-secret")
                    .doesNotContain("log-bearer-secret")
                    .doesNotContain(MASTER_KEY).doesNotContain(PREVIOUS_MASTER_KEY);
            assertThat(output.getAll()).as("attempt lines carry their trace and span ids")
                    .containsPattern("\\[[0-9a-f]{32},[0-9a-f]{16}\\] \\S+ *: attempt event=");
            String metrics = get("/actuator/prometheus", Map.of()).body();
            assertThat(metrics).contains("relay_secrets_pending")
                    .doesNotContain(secret.substring(6)).doesNotContain(newSecret.substring(6))
                    .doesNotContain("log-header-secret").doesNotContain("log-marked-secret")
                    .doesNotContain(MASTER_KEY).doesNotContain(apiKey).doesNotContain(ADMIN_TOKEN);
            assertThat(get("/actuator/health", Map.of()).status()).isEqualTo(200);
        }
    }
}
