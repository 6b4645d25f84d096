package dev.webhookrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A key in a URL ends up in access logs and proxies: the relay never takes one from the query string. */
class ApiKeysAreAcceptedFromHeadersOnlyTest extends RelayIntegrationTest {

    private String key;

    @BeforeEach
    void tenant() {
        key = createTenant("query-keys");
    }

    @ParameterizedTest
    @ValueSource(strings = {"apiKey", "api_key", "access_token", "X-API-Key", "x-api-key", "Authorization"})
    void aKeyInTheQueryStringIsNoKey(String parameter) {
        String value = parameter.equalsIgnoreCase("Authorization") ? "Bearer " + key : key;
        String query = "?" + parameter + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);

        Response ingest = post("/v1/events" + query, "{\"type\":\"a\",\"payload\":{}}",
                Map.of("Content-Type", "application/json"));
        Response list = get("/v1/events" + query, Map.of());

        assertThat(ingest.status()).isEqualTo(401);
        assertThat(ingest.header("Content-Type")).startsWith("application/problem+json");
        assertThat(list.status()).isEqualTo(401);
        assertThat(get("/v1/events", Map.of("X-API-Key", key)).status()).isEqualTo(200);
    }
}
