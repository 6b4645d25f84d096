package dev.webhookrelay.ops;

import static org.assertj.core.api.Assertions.assertThat;

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
            String rotated = post("/v1/endpoints", "{\"url\":\"" + receiver.url() + "\"}", as(apiKey)).json().get("id").asText();
            String newSecret = post("/v1/endpoints/" + rotated + "/secret/rotate", null, as(apiKey)).json().get("secret").asText();
            postEvent("rk_wrong-key-attempt", "{\"type\":\"a\",\"payload\":{}}", null);
            UUID deliveryId = postAndGetDelivery(apiKey, "order.created");
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));
            String signature = receiver.received().get(0).header("webhook-signature");

            assertThat(output.getAll())
                    .contains("ingest event=")
                    .contains("attempt event=").contains("delivery=" + deliveryId)
                    .doesNotContain(apiKey).doesNotContain(apiKey.substring(3))
                    .doesNotContain(secret).doesNotContain(secret.substring(6))
                    .doesNotContain(newSecret.substring(6))
                    .doesNotContain(signature.split(" ")[0].substring(3))
                    .doesNotContain(ADMIN_TOKEN)
                    .doesNotContain("rk_wrong-key-attempt");
            assertThat(get("/actuator/health", Map.of()).status()).isEqualTo(200);
        }
    }
}
