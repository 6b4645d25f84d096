package dev.webhookrelay.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;

/**
 * The schemes against the providers' own examples and libraries, without the relay around them
 * (SourcesVerifyProviderSignaturesTest sends the same through HTTP).
 */
class SignatureSchemesFollowTheProvidersDocumentationTest {

    private static final Source GITHUB = new Source(null, null, Provider.GITHUB, null, null);
    private static final Source STRIPE = new Source(null, null, Provider.STRIPE, null, null);
    private static final Source STANDARD = new Source(null, null, Provider.STANDARD_WEBHOOKS, null, null);
    private static final Duration TOLERANCE = Duration.ofSeconds(300);

    /** GitHub's "Validating webhook deliveries" gives this secret, payload and signature. */
    @Test
    void githubsDocumentedExampleVerifies() {
        byte[] key = SignatureSchemes.keyOf(Provider.GITHUB, "It's a Secret to Everybody");
        InboundRequest request = request("Hello, World!", Map.of("X-Hub-Signature-256",
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));

        SignatureSchemes.verify(GITHUB, List.of(key), request, Instant.now(), TOLERANCE);

        assertThat(HexFormat.of().formatHex(SignatureSchemes.mac("HmacSHA256", key,
                "Hello, World!".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
        assertThatThrownBy(() -> SignatureSchemes.verify(GITHUB, List.of(key), request("Hello, World?",
                Map.of("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")),
                Instant.now(), TOLERANCE))
                .isInstanceOf(SourceRejection.class)
                .extracting(e -> ((SourceRejection) e).reason()).isEqualTo(RejectionReason.SIGNATURE_MISMATCH);
    }

    @Test
    void stripeJavasOwnSignatureVerifiesAndAStaleOneIsRefusedEitherWay() throws Exception {
        String secret = "whsec_test_secret";
        String payload = "{\"id\":\"evt_1\",\"type\":\"charge.succeeded\"}";
        long now = com.stripe.net.Webhook.Util.getTimeNow();
        byte[] key = SignatureSchemes.keyOf(Provider.STRIPE, secret);

        for (long t : new long[] {now, now - 299, now + 299}) {
            SignatureSchemes.verify(STRIPE, List.of(key), request(payload, Map.of("Stripe-Signature", stripeHeader(secret, payload, t))),
                    Instant.ofEpochSecond(now), TOLERANCE);
        }
        String rolling = "t=" + now + ",v1=" + "00".repeat(32) + ",v0=ignored,"
                + stripeHeader(secret, payload, now).split(",")[1];
        SignatureSchemes.verify(STRIPE, List.of(key), request(payload, Map.of("Stripe-Signature", rolling)),
                Instant.ofEpochSecond(now), TOLERANCE);
        for (long t : new long[] {now - 301, now + 301}) {
            assertThatThrownBy(() -> SignatureSchemes.verify(STRIPE, List.of(key),
                    request(payload, Map.of("Stripe-Signature", stripeHeader(secret, payload, t))), Instant.ofEpochSecond(now), TOLERANCE))
                    .extracting(e -> ((SourceRejection) e).reason()).isEqualTo(RejectionReason.TIMESTAMP_OUTSIDE_TOLERANCE);
        }
    }

    @Test
    void theStandardWebhooksReferenceSignatureVerifies() throws Exception {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String payload = "{\"type\":\"invoice.paid\"}";
        long now = Instant.now().getEpochSecond();
        String signature = new Webhook(secret).sign("msg_1", now, payload);

        SignatureSchemes.verify(STANDARD, List.of(SignatureSchemes.keyOf(Provider.STANDARD_WEBHOOKS, secret)),
                request(payload, Map.of("webhook-id", "msg_1", "webhook-timestamp", Long.toString(now),
                        "webhook-signature", "v1,bm90IGl0 " + signature)), Instant.ofEpochSecond(now), TOLERANCE);
    }

    @Test
    void shopifysBase64MacOfTheBodyVerifies() {
        String secret = "shpss_secret";
        String payload = "{\"id\":1}";
        byte[] key = SignatureSchemes.keyOf(Provider.SHOPIFY, secret);
        String header = Base64.getEncoder().encodeToString(
                SignatureSchemes.mac("HmacSHA256", key, payload.getBytes(StandardCharsets.UTF_8)));

        SignatureSchemes.verify(new Source(null, null, Provider.SHOPIFY, null, null), List.of(key),
                request(payload, Map.of("X-Shopify-Hmac-Sha256", header)), Instant.now(), TOLERANCE);
    }

    static String stripeHeader(String secret, String payload, long timestamp) throws Exception {
        return "t=" + timestamp + ",v1=" + com.stripe.net.Webhook.Util.computeHmacSha256(secret, timestamp + "." + payload);
    }

    private static InboundRequest request(String body, Map<String, String> headers) {
        return new InboundRequest(body.getBytes(StandardCharsets.UTF_8), name -> headers.entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null));
    }
}
