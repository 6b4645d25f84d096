package dev.webhookrelay.signing;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, one per
 * active secret, space-separated, so receivers keep verifying while a secret is rotated.
 */
public final class WebhookSigner {

    /** Mac.getInstance looks the algorithm up in the providers on every call: one Mac per thread. */
    private static final ThreadLocal<Mac> HMAC_SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    });

    private WebhookSigner() {
    }

    public static String signatures(List<String> secrets, String webhookId, long timestamp, String body) {
        byte[] content = (webhookId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8);
        return secrets.stream().map(secret -> "v1," + hmac(secret, content)).collect(Collectors.joining(" "));
    }

    private static String hmac(String secret, byte[] content) {
        try {
            Mac mac = HMAC_SHA256.get();
            mac.init(new SecretKeySpec(SigningSecrets.keyBytes(secret), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(content));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("signing secret is not a valid HMAC key", e);
        }
    }
}
