package dev.webhookrelay.api.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RawHttp;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cases the hostile-request properties found, kept as examples: each answered 5xx, an HTML page
 * or a JSON that was not a problem document before it was fixed.
 */
class ApiRefusesUnreadableInputTest extends RelayIntegrationTest {

    private String key;

    @BeforeEach
    void tenant() {
        key = createTenant("unreadable-input");
    }

    @Test
    void nulInAPayloadIs422NamingThePayload() {
        assertProblem(postEvent(key, "{\"type\":\"a\",\"payload\":{\"note\":\"a\\u0000b\"}}", null), 422, "payload");
        assertProblem(postEvent(key, "{\"type\":\"a\",\"payload\":{\"\\u0000\":1}}", null), 422, "payload");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM events e JOIN tenants t ON t.id = e.tenant_id "
                + "WHERE t.name = 'unreadable-input'", Integer.class)).isZero();
    }

    @Test
    void nulInATextFieldIs422NamingTheField() {
        assertProblem(post("/v1/admin/tenants", "{\"name\":\"a\\u0000b\"}",
                Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Content-Type", "application/json")), 422, "name");
        assertProblem(post("/v1/endpoints", "{\"url\":\"https://example.com/\",\"description\":\"\\u0000\"}", as(key)),
                422, "description");
    }

    @Test
    void aNumberBeyondTheDoubleRangeIs422() {
        assertProblem(postEvent(key, "{\"type\":\"a\",\"payload\":{\"n\":1e999999}}", null), 422, "payload");
    }

    @Test
    void aLoneSurrogateIs422InsteadOfBeingStoredAsAQuestionMark() {
        assertProblem(postEvent(key, "{\"type\":\"a\",\"payload\":\"\\ud800\"}", null), 422, "payload");
    }

    @Test
    void jsonBeyondTheParserLimitsIs400WithoutNamingParserClasses() {
        Response deep = postEvent(key, "{\"type\":\"a\",\"payload\":" + "[".repeat(1_001) + "]".repeat(1_001) + "}", null);
        assertProblem(deep, 400, null);
        assertThat(deep.body()).doesNotContain("StreamReadConstraints").doesNotContain("getMax");
    }

    @Test
    void instantsBeyondTheDatabaseRangeAre400NamingTheParameter() {
        assertProblem(get("/v1/events?since=%2B999999999-12-31T23:59:59Z", as(key)), 400, "since");
        assertProblem(get("/v1/deliveries?until=%2B294277-01-01T00:00:00Z", as(key)), 400, "until");
        assertProblem(get("/v1/dlq?since=-4714-11-23T00:00:00Z", as(key)), 400, "since");
        assertProblem(post("/v1/dlq/replay", "{\"since\":\"+294277-01-01T00:00:00Z\"}", as(key)), 400, "since");
    }

    @Test
    void aForgedCursorBeyondTheDatabaseRangeIs400() {
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("c1|" + Long.MIN_VALUE + "|" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        assertProblem(get("/v1/events?cursor=" + forged, as(key)), 400, "cursor");
    }

    @Test
    void aRetryDelayBeyondTheDurationRangeIs422() {
        assertProblem(post("/v1/endpoints", "{\"url\":\"https://example.com/\",\"retrySchedule\":\"9223372036854775807d\"}",
                as(key)), 422, "retrySchedule");
    }

    @Test
    void aChunkedBodyIsReadLikeOneWithAContentLength() {
        RawHttp.Request request = request("POST", "/v1/events", List.of(), "{\"type\":\"a\",\"payload\":1}");
        Response answer = RawHttp.send(port, new RawHttp.Request(request.method(), request.target(), request.headers(),
                request.body(), true));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
    }

    @Test
    void invalidUtf8IsRefusedAsNotJson() {
        assertProblem(RawHttp.send(port, invalidUtf8Tenant(false)), 400, null);
    }

    @Test
    void invalidUtf8IsRefusedAsNotJsonInAChunkedBodyToo() {
        assertProblem(RawHttp.send(port, invalidUtf8Tenant(true)), 400, null);
    }

    private static RawHttp.Request invalidUtf8Tenant(boolean chunked) {
        byte[] invalid = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, '(', '"', '}'};
        return new RawHttp.Request("POST", "/v1/admin/tenants".getBytes(StandardCharsets.US_ASCII), List.of(
                Map.entry("Authorization", ("Bearer " + ADMIN_TOKEN).getBytes(StandardCharsets.US_ASCII)),
                Map.entry("Content-Type", "application/json".getBytes(StandardCharsets.US_ASCII))), invalid, chunked);
    }

    @Test
    void aHeaderWithControlCharactersIs400NamingTheHeader() {
        Response answer = RawHttp.send(port, request("POST", "/v1/events", List.of(
                Map.entry("Idempotency-Key", new byte[] {'k', (byte) 0x85, 'k'})),
                "{\"type\":\"a\",\"payload\":1}"));
        assertProblem(answer, 400, "Idempotency-Key");
    }

    @Test
    void aQueryParameterWithNulIs400NamingTheParameter() {
        assertProblem(get("/v1/events?type=a%00b", as(key)), 400, "type");
    }

    @Test
    void unreadableQueryParametersAreRefusedOutsideTheApiPathsToo() {
        assertProblem(get("/openapi.json?%00=%00", Map.of()), 400, "query parameter");
        assertProblem(get("/openapi.json?a=%EF%BF%BF", Map.of()), 400, "a");
    }

    @Test
    void aMultipartContentTypeOnAGetIsIgnoredLikeAnyOtherContentType() {
        Response answer = get("/v1/endpoints", Map.of("Authorization", "Bearer " + key,
                "Content-Type", "multipart/form-data"));
        assertThat(answer.status()).isEqualTo(200);
    }

    @Test
    void aPathTomcatCannotParseIsAProblemDocument() {
        assertProblem(RawHttp.send(port, request("GET", "/v1/endpoints/{x}", List.of(), null)), 400, null);
    }

    @Test
    void aPathTheFirewallRefusesIsAProblemDocument() {
        assertProblem(get("/v1/endpoints/x;y=1", as(key)), 400, null);
    }

    @Test
    void anEncodedSlashInThePathIsAProblemDocument() {
        assertProblem(get("/v1/endpoints/a%2F..%2Fb", as(key)), 400, null);
    }

    @Test
    void anUnknownPathIsAProblemDocument() {
        assertProblem(get("/v1/nope", as(key)), 404, null);
        assertProblem(get("/nope", Map.of()), 404, null);
    }

    @Test
    void aMethodAPathDoesNotTakeIsAProblemDocument() {
        assertProblem(send("PUT", "/v1/events"), 405, null);
    }

    private Response send(String method, String path) {
        return RawHttp.send(port, request(method, path, List.of(), null));
    }

    private RawHttp.Request request(String method, String path, List<Map.Entry<String, byte[]>> extra, String body) {
        List<Map.Entry<String, byte[]>> headers = new ArrayList<>(List.of(
                Map.entry("Authorization", ("Bearer " + key).getBytes(StandardCharsets.US_ASCII)),
                Map.entry("Content-Type", "application/json".getBytes(StandardCharsets.US_ASCII))));
        headers.addAll(extra);
        return new RawHttp.Request(method, path.getBytes(StandardCharsets.ISO_8859_1), headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), false);
    }

    private static void assertProblem(Response response, int status, String field) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).isNotBlank();
        if (field != null) {
            assertThat(problem.path("field").asText()).as(response.toString()).isEqualToIgnoringCase(field);
        }
    }
}
