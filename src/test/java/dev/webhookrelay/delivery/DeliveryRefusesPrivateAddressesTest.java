package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The integration tests allow 127.0.0.1/32 only (their receivers live there); every other private
 * address stays refused, at registration and, for a URL that got past it, at connect time.
 */
class DeliveryRefusesPrivateAddressesTest extends RelayIntegrationTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]/hook",
            "http://127.0.0.2/hook", "http://[::ffff:127.0.0.2]/hook", "ftp://example.com/x",
            "http://user:secret@example.com/hook"})
    void registrationRefusesUnsafeUrlsWith422(String url) {
        String key = createTenant("ssrf-registration");
        Response refused = post("/v1/endpoints", "{\"url\":\"" + url + "\"}",
                Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.json().get("field").asText()).isEqualTo("url");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.2:9/hook", "http://[::ffff:127.0.0.2]:9/hook", "http://[::1]:9/hook"})
    void aRefusedAddressAtConnectTimeIsRecordedAndDeadLettered(String url) {
        String key = createTenant("ssrf-connect");
        JsonNode endpoint = createEndpoint(key, "http://127.0.0.1:9/placeholder", "[]");
        // As if DNS had changed after registration: the stored URL now points somewhere refused.
        jdbc.update("UPDATE endpoints SET url = ? WHERE id = ?", url, UUID.fromString(endpoint.get("id").asText()));
        UUID deliveryId = postAndGetDelivery(key, "order.created");

        awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));

        Map<String, Object> attempt = attempts(deliveryId).get(0);
        assertThat(attempt.get("error_class").toString()).endsWith("BlockedAddressException");
        assertThat(attempt.get("error_message").toString()).contains("Refused to connect");
        assertThat(attempts(deliveryId)).hasSize(1);
    }
}
