package dev.webhookrelay.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API's request checks (body size, JSON only) apply to every spelling of an API path that reaches
 * an API route: percent-encoded letters and path parameters are decoded and dropped before routing,
 * so a check keyed on the raw path would let an oversized body through to be read whole.
 */
class ApiChecksHoldHoweverThePathIsSpelledTest extends RelayIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String OVERSIZED = "{\"type\":\"a\",\"payload\":\"" + "x".repeat(300_000) + "\"}";

    private String key;

    @BeforeEach
    void tenant() {
        key = createTenant("spelled");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%761/events", "/v1/%65vents", "/v1;x=1/events"})
    void anOversizedBodyIs413(String path) {
        Response refused = post(path, OVERSIZED, Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json"));

        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.body()).contains("\"field\":\"payload\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%761/events", "/v1/%65vents", "/v1;x=1/events"})
    void aBodyThatIsNotJsonIs415(String path) {
        Response refused = post(path, "{\"type\":\"a\",\"payload\":{}}",
                Map.of("Authorization", "Bearer " + key, "Content-Type", "text/plain"));

        assertThat(refused.status()).isEqualTo(415);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void anOversizedChunkedBodyToASourceIs413BeforeTheSourceIsLookedUp() throws Exception {
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/%761/in/" + UUID.randomUUID()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(OVERSIZED.getBytes(StandardCharsets.UTF_8))))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(413);
    }

    @Test
    void theSameSpellingWithinTheLimitsIsAccepted() {
        Response accepted = post("/%761/events", "{\"type\":\"a\",\"payload\":{}}",
                Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json"));

        assertThat(accepted.status()).isEqualTo(202);
    }
}
