package dev.webhookrelay.sources;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Each provider's signature scheme, as its documentation states it. A request passes when one of the
 * signatures it carries equals the MAC under one of the source's current secrets (two during a
 * rotation's overlap); MACs are compared as bytes with {@link MessageDigest#isEqual}, which takes the
 * same time wherever they differ, and every pair is compared, so the time taken tells nothing about
 * which came close. A scheme with a signed timestamp refuses one outside the tolerance, either way,
 * so a captured request cannot be replayed later.
 */
final class SignatureSchemes {

    private static final String STANDARD_WEBHOOKS_PREFIX = "whsec_";

    private SignatureSchemes() {
    }

    /** The secret in the form the provider hands it out, as the key bytes its scheme uses. */
    static byte[] keyOf(Provider provider, String secret) {
        if (provider == Provider.STANDARD_WEBHOOKS) {
            String encoded = secret.startsWith(STANDARD_WEBHOOKS_PREFIX)
                    ? secret.substring(STANDARD_WEBHOOKS_PREFIX.length()) : secret;
            return Base64.getDecoder().decode(encoded);
        }
        // Stripe's whsec_... is used whole, as text; GitHub's, Shopify's and a generic secret too.
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    static void verify(Source source, List<byte[]> keys, InboundRequest request, Instant now, Duration tolerance) {
        switch (source.provider()) {
            case STRIPE -> stripe(keys, request, now, tolerance);
            case GITHUB -> github(keys, request);
            case STANDARD_WEBHOOKS -> standardWebhooks(keys, request, now, tolerance);
            case SHOPIFY -> shopify(keys, request);
            case HMAC -> hmac(source.hmac(), keys, request);
        }
    }

    /**
     * Stripe-Signature: {@code t=<unix seconds>,v1=<hex>[,v1=<hex>...]} (other schemes such as v0 are
     * ignored); each v1 is HMAC-SHA256 of {@code t + "." + body} under the endpoint secret, whsec_ included.
     */
    private static void stripe(List<byte[]> keys, InboundRequest request, Instant now, Duration tolerance) {
        String header = required(request, "Stripe-Signature");
        String timestamp = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String element : header.split(",")) {
            int equals = element.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String key = element.substring(0, equals).trim();
            String value = element.substring(equals + 1).trim();
            if (key.equals("t")) {
                timestamp = value;
            } else if (key.equals("v1")) {
                signatures.add(hex(value));
            }
        }
        if (timestamp == null) {
            throw new SourceRejection(RejectionReason.MALFORMED_SIGNATURE, "Stripe-Signature has no t= timestamp");
        }
        if (signatures.isEmpty()) {
            throw new SourceRejection(RejectionReason.MISSING_SIGNATURE, "Stripe-Signature has no v1= signature");
        }
        long seconds = seconds(timestamp, "Stripe-Signature t=");
        byte[] signed = concat((timestamp + ".").getBytes(StandardCharsets.US_ASCII), request.body());
        requireMatch(keys, "HmacSHA256", signed, signatures, "no v1 signature in Stripe-Signature matches");
        requireWithinTolerance(seconds, now, tolerance, "Stripe-Signature t=");
    }

    /** X-Hub-Signature-256: {@code sha256=<hex>}, HMAC-SHA256 of the body under the webhook's secret. */
    private static void github(List<byte[]> keys, InboundRequest request) {
        String header = required(request, "X-Hub-Signature-256");
        if (!header.startsWith("sha256=")) {
            throw new SourceRejection(RejectionReason.MALFORMED_SIGNATURE, "X-Hub-Signature-256 must start with sha256=");
        }
        requireMatch(keys, "HmacSHA256", request.body(), List.of(hex(header.substring(7))),
                "X-Hub-Signature-256 does not match");
    }

    /**
     * webhook-id, webhook-timestamp (unix seconds), webhook-signature: space-separated
     * {@code v1,<base64>}, each HMAC-SHA256 of {@code id + "." + timestamp + "." + body} under the
     * base64-decoded secret (after its whsec_ prefix).
     */
    private static void standardWebhooks(List<byte[]> keys, InboundRequest request, Instant now, Duration tolerance) {
        String id = required(request, "webhook-id");
        String timestamp = required(request, "webhook-timestamp");
        String header = required(request, "webhook-signature");
        long seconds = seconds(timestamp, "webhook-timestamp");
        List<byte[]> signatures = new ArrayList<>();
        for (String signature : header.split(" ")) {
            if (signature.startsWith("v1,")) {
                signatures.add(base64(signature.substring(3)));
            }
        }
        if (signatures.isEmpty()) {
            throw new SourceRejection(RejectionReason.MISSING_SIGNATURE, "webhook-signature has no v1 signature");
        }
        byte[] signed = concat((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), request.body());
        requireMatch(keys, "HmacSHA256", signed, signatures, "no v1 signature in webhook-signature matches");
        requireWithinTolerance(seconds, now, tolerance, "webhook-timestamp");
    }

    /** X-Shopify-Hmac-Sha256: base64 of HMAC-SHA256 of the body under the app's client secret. */
    private static void shopify(List<byte[]> keys, InboundRequest request) {
        String header = required(request, "X-Shopify-Hmac-Sha256");
        requireMatch(keys, "HmacSHA256", request.body(), List.of(base64(header)), "X-Shopify-Hmac-Sha256 does not match");
    }

    private static void hmac(HmacSettings settings, List<byte[]> keys, InboundRequest request) {
        String header = required(request, settings.header());
        if (!header.regionMatches(true, 0, settings.prefix(), 0, settings.prefix().length())) {
            throw new SourceRejection(RejectionReason.MALFORMED_SIGNATURE,
                    settings.header() + " must start with " + settings.prefix());
        }
        String encoded = header.substring(settings.prefix().length());
        byte[] signature = settings.encoding().equals("base64") ? base64(encoded) : hex(encoded);
        requireMatch(keys, settings.macAlgorithm(), request.body(), List.of(signature), settings.header() + " does not match");
    }

    private static String required(InboundRequest request, String header) {
        String value = request.header(header);
        if (value == null) {
            throw new SourceRejection(RejectionReason.MISSING_SIGNATURE, header + " header is missing");
        }
        return value;
    }

    private static void requireMatch(List<byte[]> keys, String algorithm, byte[] signed, List<byte[]> signatures,
            String mismatch) {
        boolean matched = false;
        for (byte[] key : keys) {
            byte[] expected = mac(algorithm, key, signed);
            for (byte[] signature : signatures) {
                matched |= MessageDigest.isEqual(expected, signature);
            }
        }
        if (!matched) {
            throw new SourceRejection(RejectionReason.SIGNATURE_MISMATCH, mismatch);
        }
    }

    private static void requireWithinTolerance(long seconds, Instant now, Duration tolerance, String what) {
        long skew = Math.abs(now.getEpochSecond() - seconds);
        if (skew > tolerance.toSeconds()) {
            throw new SourceRejection(RejectionReason.TIMESTAMP_OUTSIDE_TOLERANCE, what + " is " + skew
                    + " s away from the relay's clock; the tolerance is " + tolerance.toSeconds() + " s");
        }
    }

    private static long seconds(String timestamp, String what) {
        if (timestamp.isEmpty() || timestamp.length() > 12 || !timestamp.chars().allMatch(Character::isDigit)) {
            throw new SourceRejection(RejectionReason.MALFORMED_SIGNATURE, what + " must be whole seconds since 1970");
        }
        return Long.parseLong(timestamp);
    }

    static byte[] mac(String algorithm, byte[] key, byte[] signed) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    /** A signature that is not hex can match nothing: an empty array never equals a MAC. */
    private static byte[] hex(String text) {
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static byte[] base64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = new byte[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
