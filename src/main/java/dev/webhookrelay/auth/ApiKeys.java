package dev.webhookrelay.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

import dev.webhookrelay.auth.Sha256;

/** Tenant API keys: 256 random bits, shown once, stored only as a SHA-256 digest. */
public final class ApiKeys {

    public static final String PREFIX = "rk_";
    /** The prefix and 32 bytes in unpadded base64url: 43 characters. */
    private static final Pattern WELL_FORMED = Pattern.compile("rk_[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether the text could be a key {@link #generate} made; any other text is refused unseen. */
    public static boolean isWellFormed(String key) {
        return key.length() == PREFIX.length() + 43 && WELL_FORMED.matcher(key).matches();
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
