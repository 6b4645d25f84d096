package dev.webhookrelay.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.support.RawHttp;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * POST /v1/in/{id} against every provider's scheme, signed by the providers' own libraries where they
 * exist (stripe-java, the Standard Webhooks reference library) and by the documented formulas
 * otherwise: a verified request is stored once as an event of the source's tenant; anything else is
 * refused with nothing stored, and shows up in the source's rejections without its secret.
 */
class SourcesVerifyProviderSignaturesTest extends RelayIntegrationTest {

    @Autowired
    RelayProperties properties;

    private static final String STRIPE_SECRET = "whsec_stripe_test_0123456789abcdef";
    private static final String STRIPE_EVENT = """
            {"id":"evt_%s","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","amount":2000}}}""";

    @Test
    void aStripeSignedEventIsStoredOnceAndEveryForgeryIsRefusedWithNothingStored() throws Exception {
        String key = createTenant("stripe-source");
        String sourceId = createSource(key, "{\"name\":\"payments\",\"provider\":\"stripe\",\"secret\":\"" + STRIPE_SECRET + "\"}");
        String payload = STRIPE_EVENT.formatted(UUID.randomUUID());
        long now = com.stripe.net.Webhook.Util.getTimeNow();
        String header = SignatureSchemesFollowTheProvidersDocumentationTest.stripeHeader(STRIPE_SECRET, payload, now);
        com.stripe.net.Webhook.Signature.verifyHeader(payload, header, STRIPE_SECRET, 300);

        Response accepted = receive(sourceId, payload, Map.of("Stripe-Signature", header));

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String eventId = accepted.json().get("eventId").asText();
        JsonNode event = get("/v1/events/" + eventId, as(key)).json();
        assertThat(event.get("type").asText()).isEqualTo("payment_intent.succeeded");
        assertThat(event.get("payload").get("data").get("object").get("amount").asInt()).isEqualTo(2000);

        Response retried = receive(sourceId, payload, Map.of("Stripe-Signature",
                SignatureSchemesFollowTheProvidersDocumentationTest.stripeHeader(STRIPE_SECRET, payload, now + 1)));
        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.json().get("eventId").asText()).as("a provider's retry is the same event").isEqualTo(eventId);
        assertThat(events(key)).isEqualTo(1);

        String other = STRIPE_EVENT.formatted(UUID.randomUUID());
        String spoofed = "t=" + now + ",v1=" + HexFormat.of().formatHex(new byte[32]);
        String stale = SignatureSchemesFollowTheProvidersDocumentationTest.stripeHeader(STRIPE_SECRET, other, now - 301);
        String wrongSecret = SignatureSchemesFollowTheProvidersDocumentationTest.stripeHeader("whsec_other", other, now);
        String signedOther = SignatureSchemesFollowTheProvidersDocumentationTest.stripeHeader(STRIPE_SECRET, other, now);
        String oneByteChanged = other.replace("2000", "2001");
        assertRefused(receive(sourceId, other, Map.of("Stripe-Signature", spoofed)), 401);
        assertRefused(receive(sourceId, other, Map.of("Stripe-Signature", stale)), 401);
        assertRefused(receive(sourceId, other, Map.of("Stripe-Signature", wrongSecret)), 401);
        assertRefused(receive(sourceId, oneByteChanged, Map.of("Stripe-Signature", signedOther)), 401);
        assertRefused(receive(sourceId, other, Map.of()), 401);
        assertRefused(receive(sourceId, other, Map.of("Stripe-Signature", "v1=" + signedOther.split("v1=")[1])), 401);
        assertThat(events(key)).as("nothing new stored").isEqualTo(1);

        JsonNode rejections = get("/v1/sources/" + sourceId + "/rejections", as(key)).json();
        assertThat(rejections.get("counts").get("signature-mismatch").asInt()).isEqualTo(3);
        assertThat(rejections.get("counts").get("timestamp-outside-tolerance").asInt()).isEqualTo(1);
        assertThat(rejections.get("counts").get("missing-signature").asInt()).isEqualTo(1);
        assertThat(rejections.get("counts").get("malformed-signature").asInt()).isEqualTo(1);
        assertThat(rejections.get("data")).hasSize(6);
        assertThat(rejections.get("data").get(0).get("reason").asText()).isEqualTo("malformed-signature");
        assertThat(rejections.toString()).doesNotContain(STRIPE_SECRET, "whsec_other", signedOther.split("v1=")[1]);
    }

    @Test
    void githubsFormulaVerifiesAndNamesTheEventAfterTheHeaderAndTheAction() {
        String secret = "It's a Secret to Everybody";
        String key = createTenant("github-source");
        String sourceId = createSource(key, "{\"name\":\"repo\",\"provider\":\"github\",\"secret\":\"" + secret + "\"}");
        String payload = "{\"action\":\"opened\",\"issue\":{\"number\":7}}";
        String delivery = UUID.randomUUID().toString();
        Map<String, String> headers = Map.of("X-Hub-Signature-256", "sha256=" + hmacHex("HmacSHA256", secret, payload),
                "X-GitHub-Event", "issues", "X-GitHub-Delivery", delivery);

        Response accepted = receive(sourceId, payload, headers);
        Response redelivered = receive(sourceId, payload, headers);

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.json().get("type").asText()).isEqualTo("issues.opened");
        assertThat(redelivered.json().get("eventId")).isEqualTo(accepted.json().get("eventId"));
        assertThat(events(key)).isEqualTo(1);
        assertRefused(receive(sourceId, payload + " ", headers), 401);
        // GitHub's documented example verifies, and is then refused for what it is: not JSON.
        assertRefused(receive(sourceId, "Hello, World!", Map.of("X-Hub-Signature-256",
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")), 400);
        assertThat(events(key)).isEqualTo(1);
        assertThat(get("/v1/sources/" + sourceId + "/rejections", as(key)).json().get("counts").get("unreadable-body")
                .asInt()).isEqualTo(1);
    }

    @Test
    void theStandardWebhooksReferenceLibrarySignsWhatTheSourceAccepts() throws Exception {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String key = createTenant("standard-source");
        String sourceId = createSource(key, "{\"name\":\"svix\",\"provider\":\"standard-webhooks\",\"secret\":\"" + secret + "\"}");
        String payload = "{\"type\":\"invoice.paid\",\"data\":{\"n\":1}}";
        long now = System.currentTimeMillis() / 1000;
        String messageId = "msg_" + UUID.randomUUID();
        Map<String, String> headers = Map.of("webhook-id", messageId, "webhook-timestamp", Long.toString(now),
                "webhook-signature", new Webhook(secret).sign(messageId, now, payload));

        Response accepted = receive(sourceId, payload, headers);
        Response replayed = receive(sourceId, payload, headers);

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.json().get("type").asText()).isEqualTo("invoice.paid");
        assertThat(replayed.json().get("eventId")).isEqualTo(accepted.json().get("eventId"));
        Map<String, String> stale = new HashMap<>(headers);
        stale.put("webhook-timestamp", Long.toString(now - 600));
        stale.put("webhook-signature", new Webhook(secret).sign(messageId, now - 600, payload));
        assertRefused(receive(sourceId, payload, stale), 401);
        Map<String, String> noId = new HashMap<>(headers);
        noId.remove("webhook-id");
        assertRefused(receive(sourceId, payload, noId), 401);
        assertThat(events(key)).isEqualTo(1);
    }

    @Test
    void shopifyAndAGenericHmacVerifyByTheirFormulas() {
        String key = createTenant("shopify-source");
        String shopify = createSource(key, "{\"name\":\"shop\",\"provider\":\"shopify\",\"secret\":\"shpss_123\"}");
        String generic = createSource(key, """
                {"name":"crm","provider":"hmac","secret":"crm-secret","eventType":"crm.changed",
                 "hmac":{"header":"X-Crm-Signature","algorithm":"sha512","encoding":"base64","prefix":"sha512=","idHeader":"X-Crm-Id"}}""");
        String payload = "{\"id\":1,\"total\":\"9.99\"}";

        Response order = receive(shopify, payload, Map.of("X-Shopify-Hmac-Sha256", hmacBase64("HmacSHA256", "shpss_123", payload),
                "X-Shopify-Topic", "orders/create", "X-Shopify-Webhook-Id", UUID.randomUUID().toString()));
        Response change = receive(generic, payload, Map.of("X-Crm-Signature", "sha512=" + hmacBase64("HmacSHA512", "crm-secret", payload),
                "X-Crm-Id", "c-1"));

        assertThat(order.status()).as(order.body()).isEqualTo(202);
        assertThat(order.json().get("type").asText()).isEqualTo("orders.create");
        assertThat(change.status()).as(change.body()).isEqualTo(202);
        assertThat(change.json().get("type").asText()).isEqualTo("crm.changed");
        assertRefused(receive(shopify, payload, Map.of("X-Shopify-Hmac-Sha256", hmacBase64("HmacSHA256", "shpss_124", payload))), 401);
        assertRefused(receive(generic, payload, Map.of("X-Crm-Signature", hmacBase64("HmacSHA512", "crm-secret", payload))), 401);
        assertThat(events(key)).isEqualTo(2);
    }

    @Test
    void duringARotationsOverlapTheOldAndTheNewSecretAreAcceptedAndWithoutOneOnlyTheNew() throws Exception {
        String key = createTenant("rotating-source");
        String sourceId = createSource(key, "{\"name\":\"payments\",\"provider\":\"stripe\",\"secret\":\"whsec_old\"}");

        Response rotated = post("/v1/sources/" + sourceId + "/secret/rotate", "{\"secret\":\"whsec_new\",\"overlap\":\"1h\"}", as(key));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        assertThat(rotated.body()).doesNotContain("whsec_");
        assertThat(signedStripe(sourceId, "whsec_old").status()).isEqualTo(202);
        assertThat(signedStripe(sourceId, "whsec_new").status()).isEqualTo(202);
        post("/v1/sources/" + sourceId + "/secret/rotate", "{\"secret\":\"whsec_newest\",\"overlap\":\"0s\"}", as(key));
        assertRefused(signedStripe(sourceId, "whsec_old"), 401);
        assertRefused(signedStripe(sourceId, "whsec_new"), 401);
        assertThat(signedStripe(sourceId, "whsec_newest").status()).isEqualTo(202);
        assertThat(jdbc.queryForList("SELECT secret FROM source_secrets WHERE source_id = ?::uuid", String.class, sourceId))
                .singleElement().asString().startsWith("v1:").doesNotContain("whsec_newest");
    }

    @Test
    void anUnknownOrDeletedSourceIs404AndAnUnreachableDatabase503() throws Exception {
        String key = createTenant("gone-source");
        String sourceId = createSource(key, "{\"name\":\"payments\",\"provider\":\"stripe\",\"secret\":\"" + STRIPE_SECRET + "\"}");
        assertThat(signedStripe(sourceId, STRIPE_SECRET).status()).isEqualTo(202);

        for (String unknown : new String[] {UUID.randomUUID().toString(), "not-a-uuid"}) {
            assertRefused(receive(unknown, "{}", Map.of("Stripe-Signature", "t=1,v1=00")), 404);
        }
        POSTGRES.cut();
        try {
            Response refused = signedStripe(sourceId, STRIPE_SECRET);
            assertRefused(refused, 503);
            assertThat(refused.header("Retry-After")).isNotBlank();
        } finally {
            POSTGRES.restore();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                .until(() -> get("/v1/sources/" + sourceId, as(key)).status() == 200);
        assertThat(delete("/v1/sources/" + sourceId, as(key)).status()).isEqualTo(204);
        assertRefused(signedStripe(sourceId, STRIPE_SECRET), 404);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM source_secrets WHERE source_id = ?::uuid", Integer.class, sourceId))
                .as("a deleted source's secrets are erased").isZero();
        assertThat(events(key)).isEqualTo(1);
    }

    @Test
    void theLast100RejectionsAreKeptAndEveryOneIsCounted() {
        String key = createTenant("flooded-source");
        String sourceId = createSource(key, "{\"name\":\"repo\",\"provider\":\"github\",\"secret\":\"flood\"}");

        for (int i = 0; i < 105; i++) {
            assertThat(receive(sourceId, "{\"n\":" + i + "}", Map.of()).status()).isEqualTo(401);
        }

        JsonNode rejections = get("/v1/sources/" + sourceId + "/rejections", as(key)).json();
        assertThat(rejections.get("counts").get("missing-signature").asInt()).isEqualTo(105);
        assertThat(rejections.get("data")).hasSize(100);
        assertThat(rejections.get("data").get(0).get("detail").asText()).isEqualTo("X-Hub-Signature-256 header is missing");
        assertThat(rejections.get("data").get(0).get("bodyBytes").asInt()).isEqualTo("{\"n\":104}".length());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM source_rejections WHERE source_id = ?::uuid", Integer.class,
                sourceId)).isEqualTo(100);
        assertThat(events(key)).isZero();
    }

    @Test
    void theApiValidatesSourcesNeverShowsTheSecretAndAuditsEveryChange() {
        String key = createTenant("source-api");

        assertInvalid(post("/v1/sources", "{\"name\":\"x\",\"provider\":\"stripe\",\"secret\":\"s\",\"colour\":1}", as(key)), "colour");
        assertInvalid(post("/v1/sources", "{\"name\":\"x\",\"provider\":\"paypal\",\"secret\":\"s\"}", as(key)), "provider");
        assertInvalid(post("/v1/sources", "{\"name\":\"x\",\"provider\":\"stripe\"}", as(key)), "secret");
        assertInvalid(post("/v1/sources", "{\"name\":\"x\",\"provider\":\"standard-webhooks\",\"secret\":\"whsec_!!\"}", as(key)), "secret");
        assertInvalid(post("/v1/sources", "{\"name\":\"x\",\"provider\":\"hmac\",\"secret\":\"s\",\"eventType\":\"a\",\"hmac\":{\"header\":\"X-S\",\"algorithm\":\"md5\"}}",
                as(key)), "hmac.algorithm");
        Response created = post("/v1/sources", "{\"name\":\"payments\",\"provider\":\"stripe\",\"secret\":\"whsec_shown_never\"}", as(key));
        assertThat(created.status()).isEqualTo(201);
        String sourceId = created.json().get("id").asText();
        assertThat(created.json().get("ingestUrl").asText()).isEqualTo("/v1/in/" + sourceId);
        assertThat(created.json().get("provider").asText()).isEqualTo("stripe");
        post("/v1/sources/" + sourceId + "/secret/rotate", "{\"secret\":\"whsec_rotated_never\"}", as(key));
        Response list = get("/v1/sources", as(key));
        Response one = get("/v1/sources/" + sourceId, as(key));
        assertThat(delete("/v1/sources/" + sourceId, as(key)).status()).isEqualTo(204);
        Response audit = get("/v1/audit?resourceId=" + sourceId, as(key));

        assertThat(list.json().get("data")).hasSize(1);
        assertThat(one.json().get("name").asText()).isEqualTo("payments");
        for (Response shown : new Response[] {created, list, one, audit}) {
            assertThat(shown.body()).doesNotContain("whsec_shown_never", "whsec_rotated_never");
        }
        assertThat(audit.json().get("data").findValuesAsText("action"))
                .containsExactlyInAnyOrder("source.create", "source.secret.rotate", "source.delete");
        assertThat(get("/v1/sources/" + sourceId, as(key)).status()).isEqualTo(404);
    }

    /**
     * Anyone may post to a source's URL, and providers send every customer's webhooks from shared
     * addresses: a flood of forgeries is answered 401 throughout (never 429, which would cut off the
     * provider's other customers on that address), but PostgreSQL records at most
     * relay.sources.rejections-recorded-per-minute of them, and the provider is accepted meanwhile.
     */
    @Test
    void aFloodOfForgeriesIsAnswered401ButOnlyItsBudgetIsRecorded() throws Exception {
        int budget = properties.sources().rejectionsRecordedPerMinute();
        String key = createTenant("stripe-flooded");
        String sourceId = createSource(key, "{\"name\":\"payments\",\"provider\":\"stripe\",\"secret\":\"" + STRIPE_SECRET + "\"}");
        byte[] forged = STRIPE_EVENT.formatted("forged").getBytes(StandardCharsets.UTF_8);
        RawHttp.Request forgery = new RawHttp.Request("POST", ("/v1/in/" + sourceId).getBytes(StandardCharsets.US_ASCII),
                List.of(Map.entry("Content-Type", "application/json".getBytes(StandardCharsets.US_ASCII)),
                        Map.entry("Stripe-Signature", ("t=" + com.stripe.net.Webhook.Util.getTimeNow() + ",v1="
                                + HexFormat.of().formatHex(new byte[32])).getBytes(StandardCharsets.US_ASCII))),
                forged, false);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Response>> flood = new ArrayList<>();
        long started = System.nanoTime();
        try {
            for (int i = 0; i < budget * 3; i++) {
                flood.add(pool.submit(() -> RawHttp.send(port, forgery)));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Response> answer : flood) {
                statuses.add(answer.get().status());
            }
            assertThat(statuses).containsOnly(401);
        } finally {
            pool.shutdownNow();
        }
        long refilled = (System.nanoTime() - started) / 1_000_000L * budget / 60_000 + 1;

        long recorded = get("/v1/sources/" + sourceId + "/rejections", as(key)).json().get("counts")
                .get("signature-mismatch").asLong();
        assertThat(recorded).isBetween((long) budget, budget + refilled);
        assertThat(signedStripe(sourceId, STRIPE_SECRET).status()).isEqualTo(202);
    }

    private String createSource(String apiKey, String body) {
        Response created = post("/v1/sources", body, as(apiKey));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("\"secret\"");
        return created.json().get("id").asText();
    }

    private Response receive(String sourceId, String body, Map<String, String> signatureHeaders) {
        Map<String, String> headers = new HashMap<>(signatureHeaders);
        headers.put("Content-Type", "application/json; charset=utf-8");
        return post("/v1/in/" + sourceId, body, headers);
    }

    private Response signedStripe(String sourceId, String secret) throws Exception {
        String payload = STRIPE_EVENT.formatted(UUID.randomUUID());
        return receive(sourceId, payload, Map.of("Stripe-Signature", SignatureSchemesFollowTheProvidersDocumentationTest
                .stripeHeader(secret, payload, com.stripe.net.Webhook.Util.getTimeNow())));
    }

    private int events(String apiKey) {
        return get("/v1/events", as(apiKey)).json().get("data").size();
    }

    private static void assertRefused(Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).isNotBlank();
    }

    private static void assertInvalid(Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.json().get("field").asText()).isEqualTo(field);
    }

    static String hmacHex(String algorithm, String secret, String payload) {
        return HexFormat.of().formatHex(SignatureSchemes.mac(algorithm, secret.getBytes(StandardCharsets.UTF_8),
                payload.getBytes(StandardCharsets.UTF_8)));
    }

    private static String hmacBase64(String algorithm, String secret, String payload) {
        return Base64.getEncoder().encodeToString(SignatureSchemes.mac(algorithm, secret.getBytes(StandardCharsets.UTF_8),
                payload.getBytes(StandardCharsets.UTF_8)));
    }
}
