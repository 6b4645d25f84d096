package dev.webhookrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IngestRejectsBadInputTest extends RelayIntegrationTest {

    private String key;

    @BeforeEach
    void tenant() {
        key = createTenant("bad-input");
    }

    @Test
    void missingKeyIs401() {
        assertProblem(post("/v1/events", "{\"type\":\"a\",\"payload\":{}}", Map.of("Content-Type", "application/json")),
                401, null);
    }

    @Test
    void invalidKeyIs401() {
        assertProblem(postEvent("rk_not-a-key", "{\"type\":\"a\",\"payload\":{}}", null), 401, null);
    }

    @Test
    void xApiKeyHeaderIsAccepted() {
        Response accepted = post("/v1/events", "{\"type\":\"a\",\"payload\":{}}",
                Map.of("X-API-Key", key, "Content-Type", "application/json"));
        assertThat(accepted.status()).isEqualTo(202);
    }

    @Test
    void nonJsonBodyIs400() {
        assertProblem(postEvent(key, "{not json", null), 400, null);
    }

    @Test
    void missingContentTypeIs415() {
        assertProblem(post("/v1/events", "{\"type\":\"a\",\"payload\":{}}", Map.of("Authorization", "Bearer " + key)),
                415, "Content-Type");
    }

    @Test
    void wrongContentTypeIs415() {
        assertProblem(post("/v1/events", "type=a", Map.of("Authorization", "Bearer " + key,
                "Content-Type", "application/x-www-form-urlencoded")), 415, "Content-Type");
    }

    @Test
    void missingTypeIs422() {
        assertProblem(postEvent(key, "{\"payload\":{}}", null), 422, "type");
    }

    @Test
    void malformedTypeIs422() {
        assertProblem(postEvent(key, "{\"type\":\"has space\",\"payload\":{}}", null), 422, "type");
        assertProblem(postEvent(key, "{\"type\":\"" + "x".repeat(129) + "\",\"payload\":{}}", null), 422, "type");
        assertProblem(postEvent(key, "{\"type\":42,\"payload\":{}}", null), 422, "type");
    }

    @Test
    void missingPayloadIs422() {
        assertProblem(postEvent(key, "{\"type\":\"a\"}", null), 422, "payload");
    }

    @Test
    void unknownFieldIs422() {
        assertProblem(postEvent(key, "{\"type\":\"a\",\"payload\":{},\"extra\":1}", null), 422, "extra");
    }

    @Test
    void oversizedPayloadIs413() {
        String big = "x".repeat(262_145);
        assertProblem(postEvent(key, "{\"type\":\"a\",\"payload\":\"" + big + "\"}", null), 413, "payload");
    }

    @Test
    void overlongIdempotencyKeyIs422() {
        assertProblem(postEvent(key, "{\"type\":\"a\",\"payload\":{}}", "k".repeat(256)), 422, "Idempotency-Key");
    }

    @Test
    void anIdempotencyKeySentTwiceIs422AndStoresNothing() throws Exception {
        HttpResponse<String> twice = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/events"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Idempotency-Key", "a").header("Idempotency-Key", "b")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"a\",\"payload\":{}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Response alsoAsQueryParameter = post("/v1/events?Idempotency-Key=q1", "{\"type\":\"a\",\"payload\":{}}",
                Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json", "Idempotency-Key", "h1"));

        assertProblem(new Response(twice.statusCode(), twice.headers().map(), twice.body()), 422, "Idempotency-Key");
        assertProblem(alsoAsQueryParameter, 422, "Idempotency-Key");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM events e JOIN tenants t ON t.id = e.tenant_id "
                + "WHERE t.name = 'bad-input' AND e.idempotency_key IN ('a,b', 'h1,q1', 'a', 'b', 'h1', 'q1')", Integer.class))
                .isZero();
    }

    private static void assertProblem(Response response, int status, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        assertThat(response.json().get("detail").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        if (field != null) {
            assertThat(response.json().get("field").asText()).isEqualTo(field);
        }
    }
}
