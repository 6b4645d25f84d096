package dev.webhookrelay.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    @Test
    void signatureVerifiesWithTheStandardWebhooksReferenceVerifier() throws Exception {
        String secret = SigningSecrets.generate();
        long now = Instant.now().getEpochSecond();
        String body = "{\"type\":\"a\",\"data\":{}}";

        String signature = WebhookSigner.signatures(List.of(secret), "msg_1", now, body);

        new Webhook(secret).verify(body, headers("msg_1", now, signature));
        assertThat(signature).startsWith("v1,");
    }

    @Test
    void oneSignaturePerSecretSpaceSeparated() throws Exception {
        String oldSecret = SigningSecrets.generate();
        String newSecret = SigningSecrets.generate();
        long now = Instant.now().getEpochSecond();

        String signatures = WebhookSigner.signatures(List.of(newSecret, oldSecret), "msg_2", now, "{}");

        assertThat(signatures.split(" ")).hasSize(2);
        new Webhook(oldSecret).verify("{}", headers("msg_2", now, signatures));
        new Webhook(newSecret).verify("{}", headers("msg_2", now, signatures));
    }

    @Test
    void secretsFollowTheStandardWebhooksFormat() {
        String secret = SigningSecrets.generate();
        assertThat(secret).startsWith("whsec_");
        assertThat(SigningSecrets.keyBytes(secret)).hasSize(32);
    }

    private static HttpHeaders headers(String id, long timestamp, String signature) {
        return HttpHeaders.of(Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature)), (a, b) -> true);
    }
}
