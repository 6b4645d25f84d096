package dev.webhookrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.endpointauth.TestCertificates;
import dev.webhookrelay.secrets.SealedHeaders;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;

/**
 * Whoever may edit an endpoint (an API key, a portal link) never reads its stored credentials, and
 * cannot have them sent to a server of their choosing either: a url (or OAuth2 token URL) on another
 * origin takes none along, masked or left out; they must be given again in clear. Within the origin
 * they are kept.
 */
class StoredCredentialsStayWithTheirOriginTest extends RelayIntegrationTest {

    private static final String MASK = SealedHeaders.MASK;

    @Test
    void aSensitiveHeaderGoesToAnotherOriginOnlyWhenSentAgainInClear() {
        try (TestReceiver receiver = new TestReceiver(); TestReceiver attacker = new TestReceiver()) {
            String key = createTenant("headers-stay");
            String id = created(post("/v1/endpoints", "{\"url\":\"" + receiver.url()
                    + "\",\"headers\":{\"X-Api-Key\":\"k-s3cret\",\"X-Region\":\"eu\"}}", as(key)));
            String elsewhere = attacker.url().replace("/hook", "/steal");

            assertProblem(patch("/v1/endpoints/" + id, "{\"url\":\"" + elsewhere + "\"}", as(key)), "headers.X-Api-Key");
            assertProblem(patch("/v1/endpoints/" + id, "{\"url\":\"" + elsewhere
                    + "\",\"headers\":{\"X-Api-Key\":\"" + MASK + "\",\"X-Region\":\"eu\"}}", as(key)), "headers.X-Api-Key");
            assertProblem(patch("/v1/endpoints/" + id, "{\"url\":\"" + elsewhere.replace("http:", "https:")
                    + "\",\"headers\":{\"x-api-key\":\"" + MASK + "\"}}", as(key)), "headers.x-api-key");
            testSend(key, id);
            assertThat(attacker.received()).isEmpty();
            assertThat(receiver.received()).singleElement()
                    .satisfies(seen -> assertThat(seen.header("X-Api-Key")).isEqualTo("k-s3cret"));

            // Another path on the same origin keeps what is sent back masked.
            String samePlace = receiver.url().replace("/hook", "/v2/hook");
            assertThat(patch("/v1/endpoints/" + id, "{\"url\":\"" + samePlace + "\",\"headers\":{\"X-Api-Key\":\"" + MASK
                    + "\",\"X-Region\":\"eu\"}}", as(key)).status()).isEqualTo(200);
            testSend(key, id);
            assertThat(receiver.received().get(1).requestUri()).isEqualTo("/v2/hook");
            assertThat(receiver.received().get(1).header("X-Api-Key")).isEqualTo("k-s3cret");

            Response moved = patch("/v1/endpoints/" + id, "{\"url\":\"" + elsewhere
                    + "\",\"headers\":{\"X-Api-Key\":\"k-typed-again\",\"X-Region\":\"eu\"}}", as(key));
            assertThat(moved.status()).as(moved.body()).isEqualTo(200);
            testSend(key, id);
            assertThat(attacker.received()).singleElement().satisfies(seen -> {
                assertThat(seen.header("X-Api-Key")).isEqualTo("k-typed-again");
                assertThat(seen.headers().toString()).doesNotContain("k-s3cret");
            });
        }
    }

    @Test
    void basicAuthAndAMarkedHeaderStayUnlessSentAgainOrRemoved() {
        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:pw-s3cret".getBytes(StandardCharsets.UTF_8));
        try (TestReceiver receiver = new TestReceiver(); TestReceiver attacker = new TestReceiver()) {
            String key = createTenant("basic-stays");
            String id = created(post("/v1/endpoints", "{\"url\":\"" + receiver.url() + "\",\"headers\":{\"X-Custom\":"
                    + "{\"value\":\"c-s3cret\",\"sensitive\":true}},\"auth\":{\"type\":\"basic\",\"username\":\"alice\","
                    + "\"password\":\"pw-s3cret\"}}", as(key)));
            String elsewhere = attacker.url();
            String maskedAuth = "{\"type\":\"basic\",\"username\":\"alice\",\"password\":\"" + MASK + "\"}";

            assertProblem(patch("/v1/endpoints/" + id, "{\"url\":\"" + elsewhere + "\",\"headers\":{\"X-Custom\":"
                    + "{\"value\":\"" + MASK + "\",\"sensitive\":true}},\"auth\":" + maskedAuth + "}", as(key)), "headers.X-Custom");
            assertProblem(patch("/v1/endpoints/" + id, "{\"url\":\"" + elsewhere + "\",\"headers\":{}}", as(key)), "auth.password");
            assertProblem(patch("/v1/endpoints/" + id, "{\"url\":\"" + elsewhere + "\",\"headers\":{},\"auth\":"
                    + maskedAuth + "}", as(key)), "auth.password");
            // Sent back masked without its mark, a marked value is kept marked: the mask never unmasks it.
            assertThat(patch("/v1/endpoints/" + id, "{\"headers\":{\"X-Custom\":\"" + MASK + "\"}}", as(key)).status())
                    .isEqualTo(200);
            assertThat(get("/v1/endpoints/" + id, as(key)).json().get("headers").get("X-Custom"))
                    .isEqualTo(JSON.valueToTree(Map.of("value", MASK, "sensitive", true)));
            testSend(key, id);
            assertThat(attacker.received()).isEmpty();
            assertThat(receiver.received()).singleElement().satisfies(seen -> {
                assertThat(seen.header("Authorization")).isEqualTo(basic);
                assertThat(seen.header("X-Custom")).isEqualTo("c-s3cret");
            });

            Response moved = patch("/v1/endpoints/" + id, "{\"url\":\"" + elsewhere + "\",\"headers\":{},\"auth\":"
                    + "{\"type\":\"basic\",\"username\":\"alice\",\"password\":\"pw-typed-again\"}}", as(key));
            assertThat(moved.status()).as(moved.body()).isEqualTo(200);
            testSend(key, id);
            assertThat(attacker.received()).singleElement().satisfies(seen -> {
                assertThat(seen.header("Authorization")).isEqualTo("Basic "
                        + Base64.getEncoder().encodeToString("alice:pw-typed-again".getBytes(StandardCharsets.UTF_8)));
                assertThat(seen.headers()).doesNotContainKey("x-custom");
            });
        }
    }

    @Test
    void anOAuth2ClientSecretFollowsNeitherItsTokenUrlNorTheUrlToAnotherOrigin() {
        String client = "Basic " + Base64.getEncoder().encodeToString("cid:client-s3cret".getBytes(StandardCharsets.UTF_8));
        try (TestReceiver receiver = new TestReceiver(seen -> seen.requestUri().equals("/token")
                ? TestReceiver.Reply.status(401) : TestReceiver.Reply.status(200));
                TestReceiver attacker = new TestReceiver()) {
            String key = createTenant("oauth2-stays");
            String tokenUrl = receiver.url().replace("/hook", "/token");
            String id = created(post("/v1/endpoints", "{\"url\":\"" + receiver.url() + "\",\"auth\":{\"type\":\"oauth2\","
                    + "\"tokenUrl\":\"" + tokenUrl + "\",\"clientId\":\"cid\",\"clientSecret\":\"client-s3cret\"}}", as(key)));
            String steal = attacker.url().replace("/hook", "/steal");

            assertProblem(patch("/v1/endpoints/" + id, "{\"auth\":{\"type\":\"oauth2\",\"tokenUrl\":\"" + steal
                    + "\",\"clientId\":\"cid\",\"clientSecret\":\"" + MASK + "\"}}", as(key)), "auth.clientSecret");
            assertProblem(patch("/v1/endpoints/" + id, "{\"url\":\"" + steal + "\"}", as(key)), "auth.clientSecret");
            assertProblem(patch("/v1/endpoints/" + id, "{\"url\":\"" + steal + "\",\"auth\":{\"type\":\"oauth2\",\"tokenUrl\":\""
                    + MASK + "\",\"clientId\":\"cid\",\"clientSecret\":\"" + MASK + "\"}}", as(key)), "auth.clientSecret");
            testSend(key, id);
            assertThat(attacker.received()).isEmpty();
            assertThat(receiver.received()).singleElement().satisfies(seen -> {
                assertThat(seen.requestUri()).isEqualTo("/token");
                assertThat(seen.header("Authorization")).isEqualTo(client);
            });

            Response moved = patch("/v1/endpoints/" + id, "{\"auth\":{\"type\":\"oauth2\",\"tokenUrl\":\"" + steal
                    + "\",\"clientId\":\"cid\",\"clientSecret\":\"secret-typed-again\"}}", as(key));
            assertThat(moved.status()).as(moved.body()).isEqualTo(200);
            testSend(key, id);
            assertThat(attacker.received()).singleElement().satisfies(seen -> assertThat(seen.header("Authorization"))
                    .isEqualTo("Basic " + Base64.getEncoder().encodeToString("cid:secret-typed-again".getBytes(StandardCharsets.UTF_8))));
        }
    }

    @Test
    void anMtlsPrivateKeyIsKeptOnItsOriginOnly() {
        TestCertificates.Issued client = new TestCertificates("origin test authority").client("origin-endpoint");
        String key = createTenant("mtls-stays");
        String auth = JSON.createObjectNode().put("type", "mtls").put("certificate", client.certificatePem())
                .put("privateKey", client.privateKeyPem()).toString();
        String id = created(post("/v1/endpoints", "{\"url\":\"https://receiver.example.com/hook\",\"auth\":" + auth + "}", as(key)));
        String masked = JSON.createObjectNode().put("type", "mtls").put("certificate", client.certificatePem())
                .put("privateKey", MASK).toString();

        assertProblem(patch("/v1/endpoints/" + id, "{\"url\":\"https://elsewhere.example.com/hook\",\"auth\":" + masked + "}",
                as(key)), "auth.privateKey");
        assertProblem(patch("/v1/endpoints/" + id, "{\"url\":\"https://receiver.example.com:8443/hook\"}", as(key)),
                "auth.privateKey");
        assertThat(patch("/v1/endpoints/" + id, "{\"url\":\"https://RECEIVER.example.com:443/v2\",\"auth\":" + masked + "}",
                as(key)).status()).isEqualTo(200);
        assertThat(patch("/v1/endpoints/" + id, "{\"url\":\"https://elsewhere.example.com/hook\",\"auth\":" + auth + "}",
                as(key)).status()).isEqualTo(200);
    }

    @Test
    void aPortalLinkCannotSendAStoredHeaderToAnotherOrigin() {
        try (TestReceiver receiver = new TestReceiver(); TestReceiver attacker = new TestReceiver()) {
            String key = createTenant("portal-stays");
            String id = created(post("/v1/endpoints", "{\"url\":\"" + receiver.url()
                    + "\",\"headers\":{\"X-Api-Key\":\"k-s3cret\"}}", as(key)));
            String portal = post("/v1/portal-links", "", Map.of("Authorization", "Bearer " + key)).json().get("url").asText().replaceFirst("^http://[^/]+", "");
            Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
            String elsewhere = attacker.url().replace("/hook", "/steal");

            Response refused = post(portal + "/endpoints/" + id, formOf(elsewhere, "X-Api-Key: " + MASK), form);
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.body()).contains("(field <code>headers.X-Api-Key</code>)");
            assertThat(post(portal + "/endpoints/" + id + "/test", "type=order.created&payload=%7B%7D", form).status())
                    .isEqualTo(200);
            assertThat(attacker.received()).isEmpty();
            assertThat(receiver.received()).singleElement()
                    .satisfies(seen -> assertThat(seen.header("X-Api-Key")).isEqualTo("k-s3cret"));

            assertThat(post(portal + "/endpoints/" + id, formOf(elsewhere, "X-Api-Key: k-typed-again"), form).status())
                    .isEqualTo(200);
            assertThat(post(portal + "/endpoints/" + id + "/test", "type=order.created&payload=%7B%7D", form).status())
                    .isEqualTo(200);
            assertThat(attacker.received()).singleElement()
                    .satisfies(seen -> assertThat(seen.header("X-Api-Key")).isEqualTo("k-typed-again"));
        }
    }

    private static String formOf(String url, String headers) {
        return "url=" + URLEncoder.encode(url, StandardCharsets.UTF_8) + "&headers=" + URLEncoder.encode(headers, StandardCharsets.UTF_8);
    }

    private void testSend(String key, String id) {
        Response tested = post("/v1/endpoints/" + id + "/test", "{\"type\":\"order.created\",\"payload\":{}}", as(key));
        assertThat(tested.status()).as(tested.body()).isEqualTo(200);
    }

    private static String created(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").asText();
    }

    private static void assertProblem(Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("field").asText()).as(response.body()).isEqualTo(field);
    }
}
