package dev.webhookrelay.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import dev.webhookrelay.signing.Sha256;

/** Tenant API keys: 256 random bits, shown once, stored only as a SHA-256 digest. */
public final class ApiKeys {

    public static final String PREFIX = "rk_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A fast hash is enough: the key has 256 bits of entropy, so there is nothing to brute-force. */
    public static String hash(String key) {
        return Sha256.hex(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The first characters, kept so an operator can tell keys apart without holding them. */
    public static String displayPrefix(String key) {
        return key.substring(0, Math.min(key.length(), PREFIX.length() + 6));
    }
}
