package dev.webhookrelay.endpointauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EndpointsAuthenticateToTheirReceiversTest extends RelayIntegrationTest {

    private static final TestCertificates CERTIFICATES = new TestCertificates("relay test authority");
    private static String previousTrustStore;

    /** The receivers' certificates are signed by the test's authority, which the relay must trust. */
    @BeforeAll
    static void trustTheTestAuthority() throws Exception {
        File store = File.createTempFile("relay-test-trust", ".p12");
        store.deleteOnExit();
        try (FileOutputStream out = new FileOutputStream(store)) {
            CERTIFICATES.trustStore().store(out, "changeit".toCharArray());
        }
        previousTrustStore = System.getProperty("javax.net.ssl.trustStore");
        System.setProperty("javax.net.ssl.trustStore", store.getAbsolutePath());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }

    @AfterAll
    static void restoreTrust() {
        if (previousTrustStore == null) {
            System.clearProperty("javax.net.ssl.trustStore");
        } else {
            System.setProperty("javax.net.ssl.trustStore", previousTrustStore);
        }
        System.clearProperty("javax.net.ssl.trustStorePassword");
        System.clearProperty("javax.net.ssl.trustStoreType");
    }

    @Test
    void basicCredentialsReachTheReceiverAndNoRecordOrAnswer() throws Exception {
        String expected = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret-basic".getBytes(StandardCharsets.UTF_8));
        try (EnforcingReceiver receiver = EnforcingReceiver.http(
                seen -> new EnforcingReceiver.Answer(expected.equals(seen.authorization()) ? 200 : 401, "{}"))) {
            String key = createTenant("basic-auth");
            JsonNode endpoint = createEndpointWithAuth(key, receiver.url("/hook"),
                    "{\"type\":\"basic\",\"username\":\"alice\",\"password\":\"s3cret-basic\"}");
            assertThat(endpoint.get("auth").get("password").asText()).isEqualTo(EndpointAuth.MASK);
            assertThat(endpoint.get("auth").get("username").asText()).isEqualTo("alice");

            UUID deliveryId = postAndGetDelivery(key, "order.created");
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));

            assertNowhereInTheRecords(key, deliveryId, "s3cret-basic", "YWxpY2U6czNjcmV0LWJhc2lj");
            assertThat(attempts(deliveryId).get(0).get("request_headers").toString()).contains("\"Authorization\": \"[redacted]\"");

            JsonNode tested = testSend(key, endpoint, 200, "s3cret-basic", "YWxpY2U6czNjcmV0LWJhc2lj");
            assertThat(tested.get("outcome").asText()).isEqualTo("DELIVERED");
            assertThat(receiver.seen("/hook")).hasSize(2).allSatisfy(seen -> assertThat(seen.authorization()).isEqualTo(expected));
        }
    }

    @Test
    void aBearerTokenReachesTheReceiverAndAWrongOneIsRefused() throws Exception {
        try (EnforcingReceiver receiver = EnforcingReceiver.http(
                seen -> new EnforcingReceiver.Answer("Bearer tok-bearer-42".equals(seen.authorization()) ? 200 : 401, "{}"))) {
            String key = createTenant("bearer-auth");
            JsonNode endpoint = createEndpointWithAuth(key, receiver.url("/hook"), "{\"type\":\"bearer\",\"token\":\"tok-bearer-42\"}");
            UUID deliveryId = postAndGetDelivery(key, "order.created");
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));
            assertNowhereInTheRecords(key, deliveryId, "tok-bearer-42");

            // Sent back masked, the token is kept; replaced, the new one is sent (and refused here).
            Response kept = patch("/v1/endpoints/" + endpoint.get("id").asText(),
                    "{\"auth\":{\"type\":\"bearer\",\"token\":\"********\"}}", as(key));
            assertThat(kept.status()).isEqualTo(200);
            UUID again = postAndGetDelivery(key, "order.created");
            awaitStatus(again, "DELIVERED", Duration.ofSeconds(15));
            testSend(key, endpoint, 200, "tok-bearer-42");
            patch("/v1/endpoints/" + endpoint.get("id").asText(), "{\"auth\":{\"type\":\"bearer\",\"token\":\"wrong\"}}", as(key));
            UUID refused = postAndGetDelivery(key, "order.created");
            await().atMost(Duration.ofSeconds(15)).until(() -> !attempts(refused).isEmpty());
            assertThat(attempts(refused).get(0).get("response_status")).isEqualTo(401);
            testSend(key, endpoint, 401, "tok-bearer-42", "wrong");
        }
    }

    @Test
    void anOAuth2TokenIsCachedAndFetchedAgainOnceWhenTheReceiverRefusesIt() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        String client = "Basic " + Base64.getEncoder().encodeToString("relay-client:client-s3cret".getBytes(StandardCharsets.UTF_8));
        try (EnforcingReceiver receiver = EnforcingReceiver.http(seen -> {
            if (seen.path().equals("/token")) {
                if (!client.equals(seen.authorization()) || !seen.body().startsWith("grant_type=client_credentials")) {
                    return new EnforcingReceiver.Answer(401, "{\"error\":\"invalid_client\"}");
                }
                return new EnforcingReceiver.Answer(200, "{\"access_token\":\"oauth-tok-" + issued.incrementAndGet()
                        + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
            }
            // Only the newest token issued is valid: an older one has been revoked.
            return new EnforcingReceiver.Answer(("Bearer oauth-tok-" + issued.get()).equals(seen.authorization()) ? 200 : 401, "{}");
        })) {
            String key = createTenant("oauth2-auth");
            JsonNode endpoint = createEndpointWithAuth(key, receiver.url("/hook"), "{\"type\":\"oauth2\",\"tokenUrl\":\""
                    + receiver.url("/token") + "\",\"clientId\":\"relay-client\",\"clientSecret\":\"client-s3cret\",\"scope\":\"hooks\"}");
            assertThat(endpoint.get("auth").get("clientSecret").asText()).isEqualTo(EndpointAuth.MASK);

            UUID first = postAndGetDelivery(key, "order.created");
            awaitStatus(first, "DELIVERED", Duration.ofSeconds(15));
            UUID second = postAndGetDelivery(key, "order.created");
            awaitStatus(second, "DELIVERED", Duration.ofSeconds(15));
            assertThat(receiver.seen("/token")).hasSize(1);
            assertThat(receiver.seen("/token").get(0).body()).isEqualTo("grant_type=client_credentials&scope=hooks");

            issued.incrementAndGet(); // the receiver now refuses oauth-tok-1
            UUID third = postAndGetDelivery(key, "order.created");
            awaitStatus(third, "DELIVERED", Duration.ofSeconds(15));
            assertThat(receiver.seen("/token")).hasSize(2);
            List<Map<String, Object>> attempts = attempts(third);
            assertThat(attempts).hasSize(1);
            assertThat(attempts.get(0).get("response_status")).isEqualTo(200);
            assertNowhereInTheRecords(key, third, "client-s3cret", "oauth-tok-");

            // A test send shares the deliveries' token, and refreshes it the same way when it is refused.
            testSend(key, endpoint, 200, "client-s3cret", "oauth-tok-");
            assertThat(receiver.seen("/token")).hasSize(2);
            issued.incrementAndGet();
            testSend(key, endpoint, 200, "client-s3cret", "oauth-tok-");
            assertThat(receiver.seen("/token")).hasSize(3);
        }
    }

    @Test
    void aClientCertificateIsPresentedToItsEndpointOnly() throws Exception {
        TestCertificates.Issued server = CERTIFICATES.server();
        TestCertificates.Issued clientCertificate = CERTIFICATES.client("tenant-endpoint");
        try (EnforcingReceiver receiver = EnforcingReceiver.httpsWithClientCertificates(CERTIFICATES.context(server),
                seen -> new EnforcingReceiver.Answer(seen.clientSubject() == null ? 401 : 200, "{}"))) {
            String key = createTenant("mtls-auth");
            ObjectNode auth = JSON.createObjectNode().put("type", "mtls")
                    .put("certificate", clientCertificate.certificatePem())
                    .put("privateKey", clientCertificate.privateKeyPem());
            JsonNode endpoint = createEndpointWithAuth(key, receiver.url("/hook"), auth.toString());
            assertThat(endpoint.get("auth").get("privateKey").asText()).isEqualTo(EndpointAuth.MASK);
            UUID deliveryId = postAndGetDelivery(key, "order.created");
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));
            assertThat(receiver.seen("/hook").get(0).clientSubject()).isEqualTo("CN=tenant-endpoint");

            // Another tenant's endpoint at the same receiver, without auth, presents no certificate.
            String other = createTenant("mtls-other");
            createEndpoint(other, receiver.url("/hook"), "[]");
            UUID refused = postAndGetDelivery(other, "order.created");
            await().atMost(Duration.ofSeconds(15)).until(() -> !attempts(refused).isEmpty());
            assertThat(attempts(refused).get(0).get("response_status")).isNull();
            // Only the first tenant's requests got through (more than one when an attempt outran its
            // deadline on a busy machine and was retried: at least once).
            assertThat(receiver.seen("/hook")).isNotEmpty()
                    .allSatisfy(seen -> assertThat(seen.clientSubject()).isEqualTo("CN=tenant-endpoint"));
            assertNowhereInTheRecords(key, deliveryId, clientCertificate.privateKeyPem().lines().skip(1).findFirst().orElseThrow());
        }
    }

    @Test
    void invalidAuthIsRefusedNamingTheField() {
        String key = createTenant("auth-validation");
        TestCertificates.Issued one = CERTIFICATES.client("one");
        TestCertificates.Issued two = CERTIFICATES.client("two");
        assertRefused(key, "{\"type\":\"digest\"}", "auth.type");
        assertRefused(key, "\"secret\"", "auth");
        assertRefused(key, "{\"type\":\"basic\",\"username\":\"a:b\",\"password\":\"p\"}", "auth.username");
        assertRefused(key, "{\"type\":\"bearer\",\"token\":\"two words\"}", "auth.token");
        assertRefused(key, "{\"type\":\"bearer\",\"token\":\"t\",\"password\":\"p\"}", "auth.password");
        assertRefused(key, "{\"type\":\"oauth2\",\"tokenUrl\":\"http://10.1.2.3/token\",\"clientId\":\"c\",\"clientSecret\":\"s\"}",
                "auth.tokenUrl");
        assertRefused(key, "{\"type\":\"oauth2\",\"tokenUrl\":\"ftp://example.com/token\",\"clientId\":\"c\",\"clientSecret\":\"s\"}",
                "auth.tokenUrl");
        assertRefused(key, "{\"type\":\"oauth2\",\"tokenUrl\":\"https://example.com/token\",\"clientSecret\":\"s\"}",
                "auth.clientId");
        assertRefused(key, JSON.createObjectNode().put("type", "mtls").put("certificate", "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----")
                .put("privateKey", one.privateKeyPem()).toString(), "auth.certificate");
        assertRefused(key, JSON.createObjectNode().put("type", "mtls").put("certificate", one.certificatePem())
                .put("privateKey", "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----").toString(), "auth.privateKey");
        assertRefused(key, JSON.createObjectNode().put("type", "mtls").put("certificate", one.certificatePem())
                .put("privateKey", two.privateKeyPem()).toString(), "auth.privateKey");
    }

    /**
     * POST /v1/endpoints/{id}/test, which authenticates as a delivery does: answers the record, whose
     * receiver status is {@code status} and in which no credential appears.
     */
    private JsonNode testSend(String key, JsonNode endpoint, int status, String... credentials) {
        Response tested = post("/v1/endpoints/" + endpoint.get("id").asText() + "/test",
                "{\"type\":\"order.created\",\"payload\":{\"n\":1}}", as(key));
        assertThat(tested.status()).as(tested.body()).isEqualTo(200);
        assertThat(tested.json().get("response").get("status").asInt()).as(tested.body()).isEqualTo(status);
        assertThat(tested.json().get("request").get("headers").get("Authorization").asText()).isEqualTo("[redacted]");
        assertThat(tested.body()).doesNotContain(credentials);
        return tested.json();
    }

    private void assertRefused(String key, String auth, String field) {
        Response response = post("/v1/endpoints", "{\"url\":\"https://example.com/hook\",\"auth\":" + auth + "}", as(key));
        assertThat(response.status()).as(auth).isEqualTo(422);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("field").asText()).as(auth).isEqualTo(field);
    }

    private JsonNode createEndpointWithAuth(String key, String url, String auth) {
        Response created = post("/v1/endpoints", "{\"url\":\"" + url + "\",\"auth\":" + auth + "}", as(key));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(jdbc.queryForObject("SELECT auth FROM endpoints WHERE id = ?::uuid", String.class, id)).startsWith("v1:");
        return created.json();
    }

    /** Not in the attempt log, the endpoint's API answers, the audit trail, nor the endpoint row. */
    private void assertNowhereInTheRecords(String key, UUID deliveryId, String... credentials) {
        String attemptLog = jdbc.queryForObject(
                "SELECT coalesce(string_agg(request_headers::text || coalesce(error_message, ''), ''), '') FROM attempts WHERE delivery_id = ?",
                String.class, deliveryId);
        String answers = get("/v1/endpoints", as(key)).body();
        String audit = jdbc.queryForObject("""
                SELECT coalesce(string_agg(coalesce(before::text, '') || coalesce(after::text, ''), ''), '')
                  FROM audit_records WHERE tenant_id = (SELECT tenant_id FROM deliveries WHERE id = ?)""",
                String.class, deliveryId);
        String rows = jdbc.queryForObject("""
                SELECT coalesce(string_agg(auth || headers::text, ''), '') FROM endpoints
                 WHERE tenant_id = (SELECT tenant_id FROM deliveries WHERE id = ?)""", String.class, deliveryId);
        for (String credential : credentials) {
            assertThat(attemptLog).doesNotContain(credential);
            assertThat(answers).doesNotContain(credential);
            assertThat(audit).doesNotContain(credential);
            assertThat(rows).doesNotContain(credential);
        }
    }
}
