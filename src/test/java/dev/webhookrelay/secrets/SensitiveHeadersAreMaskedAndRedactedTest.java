package dev.webhookrelay.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;

/**
 * A static header is sensitive when its name says it holds a credential or the tenant marked it: the
 * API shows its value masked, the attempt log redacted; the receiver gets the real value.
 */
class SensitiveHeadersAreMaskedAndRedactedTest extends RelayIntegrationTest {

    @Test
    void theApiMasksSensitiveValuesAndTheAttemptLogRedactsThemWhileTheReceiverGetsThem() {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("masked");
            Response created = post("/v1/endpoints", """
                    {"url":"%s","headers":{"X-Api-Key":"named-secret-1","Authorization":"Bearer named-secret-2",
                     "Cookie":"session=named-secret-3","X-Custom":{"value":"marked-secret-4","sensitive":true},
                     "X-Region":"eu-1"}}""".formatted(receiver.url()), as(key));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String id = created.json().get("id").asText();

            JsonNode shown = get("/v1/endpoints/" + id, as(key)).json().get("headers");
            assertThat(shown.get("X-Api-Key").asText()).isEqualTo(SealedHeaders.MASK);
            assertThat(shown.get("Authorization").asText()).isEqualTo(SealedHeaders.MASK);
            assertThat(shown.get("Cookie").asText()).isEqualTo(SealedHeaders.MASK);
            assertThat(shown.get("X-Custom").get("value").asText()).isEqualTo(SealedHeaders.MASK);
            assertThat(shown.get("X-Custom").get("sensitive").asBoolean()).isTrue();
            assertThat(shown.get("X-Region").asText()).isEqualTo("eu-1");
            assertThat(created.body() + get("/v1/endpoints", as(key)).body()).doesNotContain("named-secret", "marked-secret");

            // What a client read, sent back with one change: the masked values keep what is stored.
            ((com.fasterxml.jackson.databind.node.ObjectNode) shown).put("X-Region", "eu-2");
            Response updated = patch("/v1/endpoints/" + id, "{\"headers\":" + shown + "}", as(key));
            assertThat(updated.status()).as(updated.body()).isEqualTo(200);

            UUID deliveryId = postAndGetDelivery(key, "order.created");
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));

            TestReceiver.Received request = receiver.received().get(0);
            assertThat(request.header("x-api-key")).isEqualTo("named-secret-1");
            assertThat(request.header("authorization")).isEqualTo("Bearer named-secret-2");
            assertThat(request.header("cookie")).isEqualTo("session=named-secret-3");
            assertThat(request.header("x-custom")).isEqualTo("marked-secret-4");
            assertThat(request.header("x-region")).isEqualTo("eu-2");

            String recorded = attempts(deliveryId).get(0).get("request_headers").toString();
            assertThat(recorded).doesNotContain("named-secret", "marked-secret").contains("eu-2")
                    .contains("\"X-Custom\": \"" + SealedHeaders.REDACTED + "\"")
                    .contains("\"X-Api-Key\": \"" + SealedHeaders.REDACTED + "\"");
            String attemptsApi = get("/v1/deliveries/" + deliveryId + "/attempts", as(key)).body();
            assertThat(attemptsApi).doesNotContain("named-secret", "marked-secret").contains(SealedHeaders.REDACTED);
        }
    }

    @Test
    void aBadSensitiveMarkIsRefusedNamingTheField() {
        String key = createTenant("masked-bad-input");
        for (String headers : new String[] {"{\"X-A\":{\"value\":\"v\",\"sensitive\":\"yes\"}}",
                "{\"X-A\":{\"value\":\"v\",\"colour\":1}}", "{\"X-A\":{\"sensitive\":true}}"}) {
            Response refused = post("/v1/endpoints", "{\"url\":\"http://127.0.0.1:9/a\",\"headers\":" + headers + "}", as(key));
            assertThat(refused.status()).as(headers).isEqualTo(422);
            assertThat(refused.json().get("field").asText()).isEqualTo("headers");
        }
    }

    @Test
    void theMigrationRedactsSensitiveHeadersInAttemptsRecordedBeforeRedaction() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("masked-migration");
            UUID deliveryId = deliveryTo(key, receiver);
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));
            jdbc.update("UPDATE attempts SET request_headers = ?::jsonb WHERE delivery_id = ?", JSON.writeValueAsString(Map.of(
                    "X-Api-Key", "recorded-in-clear", "x-auth-token", "also-in-clear", "X-Region", "eu")), deliveryId);

            jdbc.execute(Files.readString(Path.of("src/main/resources/db/migration/V38__redact_recorded_sensitive_headers.sql")));

            JsonNode recorded = JSON.readTree(attempts(deliveryId).get(0).get("request_headers").toString());
            assertThat(recorded.get("X-Api-Key").asText()).isEqualTo(SealedHeaders.REDACTED);
            assertThat(recorded.get("x-auth-token").asText()).isEqualTo(SealedHeaders.REDACTED);
            assertThat(recorded.get("X-Region").asText()).isEqualTo("eu");
        }
    }
}
