package dev.webhookrelay.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import dev.webhookrelay.signing.SigningSecrets;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestServices;
import org.junit.jupiter.api.Test;

/**
 * Signing secrets and static header values never reach PostgreSQL in clear; older keys still open
 * what they sealed while re-encryption moves it to the current key; a deleted endpoint's secrets are
 * gone; a rotation without overlap revokes the old secret at once.
 */
class SecretsAreSealedAtRestTest extends RelayIntegrationTest {

    private static final String CURRENT_KEY_ID = Keys.of(MASTER_KEY, null).currentId();

    @Test
    void aDumpOfTheDatabaseHoldsNoSigningSecretAndNoStaticHeaderValue() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("sealed-dump");
            Response created = post("/v1/endpoints", """
                    {"url":"%s","headers":{"X-Api-Key":"dump-api-key-value","X-Region":"dump-region-value",
                     "X-Material":{"value":"dump-marked-value","sensitive":true}}}""".formatted(receiver.url()), as(key));
            String id = created.json().get("id").asText();
            String secret = created.json().get("secret").asText();
            String rotated = post("/v1/endpoints/" + id + "/secret/rotate", null, as(key)).json().get("secret").asText();
            List<String> secrets = List.of(secret, secret.substring(6), rotated, rotated.substring(6),
                    "dump-api-key-value", "dump-marked-value");

            String dump = pgDump();

            assertThat(dump).contains(id).contains("X-Api-Key").contains("v1:" + CURRENT_KEY_ID + ":");
            secrets.forEach(value -> assertThat(dump).doesNotContain(value));
            assertThat(dump).doesNotContain("dump-region-value");

            UUID deliveryId = postAndGetDelivery(key, "order.created");
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));
            TestReceiver.Received request = receiver.received().get(0);
            assertThat(request.header("x-api-key")).isEqualTo("dump-api-key-value");
            assertThat(request.header("x-material")).isEqualTo("dump-marked-value");
            new Webhook(rotated).verify(request.body(), headers(request));

            // After a delivery the attempt log holds what was sent, sensitive values redacted: a
            // header that is not sensitive is in it (and only there), a secret nowhere.
            String afterDelivery = pgDump();
            secrets.forEach(value -> assertThat(afterDelivery).doesNotContain(value));
            assertThat(request.header("webhook-signature")).isNotBlank();
            assertThat(afterDelivery).doesNotContain(request.header("webhook-signature").split(" ")[0].substring(3));
            assertThat(attempts(deliveryId).get(0).get("request_headers").toString()).contains("dump-region-value");
        }
    }

    @Test
    void valuesSealedUnderThePreviousKeyStillSignAndAreMovedToTheCurrentKey() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("sealed-previous-key");
            UUID id = UUID.fromString(createEndpoint(key, receiver.url(), "[]").get("id").asText());
            SecretCipher previous = new SecretCipher(Keys.of(PREVIOUS_MASTER_KEY, null));
            String oldSecret = SigningSecrets.generate();
            jdbc.update("DELETE FROM endpoint_secrets WHERE endpoint_id = ?", id);
            jdbc.update("INSERT INTO endpoint_secrets (id, endpoint_id, secret) VALUES (?, ?, ?)", UUID.randomUUID(), id,
                    previous.seal(oldSecret, SecretContexts.signingSecret(id)));
            jdbc.update("UPDATE endpoints SET headers = ?::jsonb WHERE id = ?", JSON.writeValueAsString(Map.of(
                    "X-Api-Key", Map.of("sealed", previous.seal("previous-key-header", SecretContexts.staticHeader(id, "X-Api-Key")),
                            "sensitive", false),
                    "X-Plain", "plain-before-sealing")), id);

            UUID deliveryId = postAndGetDelivery(key, "order.created");
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));

            TestReceiver.Received request = receiver.received().get(0);
            new Webhook(oldSecret).verify(request.body(), headers(request));
            assertThat(request.header("x-api-key")).isEqualTo("previous-key-header");
            assertThat(request.header("x-plain")).isEqualTo("plain-before-sealing");

            String current = "v1:" + CURRENT_KEY_ID + ":";
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(jdbc.queryForList("SELECT secret FROM endpoint_secrets WHERE endpoint_id = ?", String.class, id))
                        .singleElement().asString().startsWith(current);
                assertThat(jdbc.queryForList("SELECT value ->> 'sealed' FROM endpoints, jsonb_each(headers) WHERE id = ?",
                        String.class, id)).hasSize(2).allMatch(v -> v != null && v.startsWith(current));
                assertThat(metric("relay_secrets_pending", "endpoint-secrets")).isZero();
                assertThat(metric("relay_secrets_pending", "endpoint-headers")).isZero();
            });
            assertThat(metric("relay_secrets_reencrypted_total", "endpoint-secrets")).isPositive();
            assertThat(metric("relay_secrets_reencrypted_total", "endpoint-headers")).isPositive();
            assertThat(get("/v1/endpoints/" + id, as(key)).json().get("headers").get("X-Plain").asText())
                    .isEqualTo("plain-before-sealing");

            UUID again = postAndGetDelivery(key, "order.created");
            awaitStatus(again, "DELIVERED", Duration.ofSeconds(15));
            new Webhook(oldSecret).verify(receiver.received().get(1).body(), headers(receiver.received().get(1)));
        }
    }

    @Test
    void deletingAnEndpointErasesItsSecretsAndHeaderValues() {
        String key = createTenant("sealed-delete");
        String id = post("/v1/endpoints", "{\"url\":\"http://127.0.0.1:9/a\",\"headers\":{\"X-Api-Key\":\"gone\"}}", as(key))
                .json().get("id").asText();
        post("/v1/endpoints/" + id + "/secret/rotate", null, as(key));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM endpoint_secrets WHERE endpoint_id = ?::uuid", Integer.class, id))
                .isEqualTo(2);

        assertThat(delete("/v1/endpoints/" + id, as(key)).status()).isEqualTo(204);

        assertThat(jdbc.queryForObject("SELECT count(*) FROM endpoint_secrets WHERE endpoint_id = ?::uuid", Integer.class, id))
                .isZero();
        assertThat(jdbc.queryForObject("SELECT headers::text FROM endpoints WHERE id = ?::uuid", String.class, id))
                .isEqualTo("{}");
    }

    @Test
    void rotatingWithoutOverlapRevokesTheOldSecretAtOnce() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("sealed-revoke");
            JsonNode endpoint = createEndpoint(key, receiver.url(), "[]");
            String id = endpoint.get("id").asText();
            String leaked = endpoint.get("secret").asText();

            Response rotated = post("/v1/endpoints/" + id + "/secret/rotate", "{\"overlap\":\"0s\"}", as(key));

            assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
            String fresh = rotated.json().get("secret").asText();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM endpoint_secrets WHERE endpoint_id = ?::uuid", Integer.class, id))
                    .isEqualTo(1);
            UUID deliveryId = postAndGetDelivery(key, "order.created");
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));
            TestReceiver.Received request = receiver.received().get(0);
            assertThat(request.header("webhook-signature").split(" ")).hasSize(1);
            new Webhook(fresh).verify(request.body(), headers(request));
            assertThatThrownBy(() -> new Webhook(leaked).verify(request.body(), headers(request)))
                    .isInstanceOf(WebhookVerificationException.class);

            assertThat(post("/v1/endpoints/" + id + "/secret/rotate", "{\"overlap\":0}", as(key)).status()).isEqualTo(200);
            Response negative = post("/v1/endpoints/" + id + "/secret/rotate", "{\"overlap\":\"-1s\"}", as(key));
            assertThat(negative.status()).isEqualTo(422);
            assertThat(negative.json().get("field").asText()).isEqualTo("overlap");
            assertThat(post("/v1/endpoints/" + id + "/secret/rotate", "{\"overlap\":\"soon\"}", as(key)).status()).isEqualTo(422);
            assertThat(post("/v1/endpoints/" + id + "/secret/rotate", "{\"overlap\":\"31d\"}", as(key)).status()).isEqualTo(422);
        }
    }

    private double metric(String name, String table) {
        String scrape = get("/actuator/prometheus", Map.of()).body();
        Matcher line = Pattern.compile("(?m)^" + name + "\\{[^}]*table=\"" + table + "\"[^}]*} (\\S+)$").matcher(scrape);
        assertThat(line.find()).as(name + " for " + table).isTrue();
        return Double.parseDouble(line.group(1));
    }

    private static String pgDump() throws IOException, InterruptedException {
        ProcessBuilder dump = new ProcessBuilder("pg_dump", "-h", TestServices.HOST, "-p", "5432", "-U", TestServices.DB_USER,
                "--no-password", TestServices.DATABASE).redirectError(ProcessBuilder.Redirect.INHERIT);
        dump.environment().put("PGPASSWORD", TestServices.DB_PASSWORD);
        Process process = dump.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("pg_dump exit code").isZero();
        return out;
    }

    private static java.net.http.HttpHeaders headers(TestReceiver.Received request) {
        return java.net.http.HttpHeaders.of(Map.of(
                "webhook-id", List.of(request.header("webhook-id")),
                "webhook-timestamp", List.of(request.header("webhook-timestamp")),
                "webhook-signature", List.of(request.header("webhook-signature"))), (a, b) -> true);
    }
}
