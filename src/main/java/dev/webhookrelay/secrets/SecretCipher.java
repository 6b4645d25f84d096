package dev.webhookrelay.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

import org.springframework.stereotype.Component;

/**
 * AES-256-GCM under the master keys, one random 96-bit nonce per value. A sealed value is the text
 * {@code v1:<key id>:<base64(nonce | ciphertext | tag)>}, so it fits the text and JSON columns that held
 * the plain value, and names the key that opens it. The version, the key id and the value's context
 * (which endpoint, which header) are authenticated with it: a value edited, moved to another row or
 * relabelled with another key id does not open.
 */
@Component
public class SecretCipher {

    static final String VERSION = "v1";
    private static final Pattern SEALED = Pattern.compile("^v1:([A-Za-z0-9_-]{8}):([A-Za-z0-9+/]+={0,2})$");
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MasterKeys keys;

    public SecretCipher(MasterKeys keys) {
        this.keys = keys;
    }

    /** Seals a value under the current master key; {@code context} says which row and field it belongs to. */
    public String seal(String plaintext, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        String label = VERSION + ":" + keys.currentId();
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.current(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(label, context));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return label + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Opens a sealed value; refuses anything else, a value sealed under an unknown key, and a tampered one. */
    public String open(String sealed, String context) {
        Matcher parts = sealed == null ? null : SEALED.matcher(sealed);
        if (parts == null || !parts.matches()) {
            throw new UnreadableSecretException("not a sealed value (v1:<key id>:<base64>)");
        }
        String keyId = parts.group(1);
        SecretKey key = keys.byId(keyId);
        if (key == null) {
            throw new UnreadableSecretException("sealed under master key id " + keyId
                    + ", which is neither relay.secrets.master-key nor one of relay.secrets.previous-keys");
        }
        byte[] bytes = Base64.getDecoder().decode(parts.group(2));
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new UnreadableSecretException("sealed value under key id " + keyId + " is too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(VERSION + ":" + keyId, context));
            byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new UnreadableSecretException("sealed value under key id " + keyId
                    + " does not authenticate: it was altered or belongs to another row");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * A stored value as it is to be used: opened when sealed, as stored when it predates sealing
     * (re-encryption seals those rows in the background).
     */
    public String reveal(String stored, String context) {
        return isSealed(stored) ? open(stored, context) : stored;
    }

    /** Whether a stored value is sealed under the current master key (nothing left for re-encryption to do). */
    public boolean isCurrent(String stored) {
        return stored != null && stored.startsWith(currentPrefix());
    }

    /** What a sealed value under the current key starts with, for SQL LIKE. */
    public String currentPrefix() {
        return VERSION + ":" + keys.currentId() + ":";
    }

    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(VERSION + ":");
    }

    private static byte[] associatedData(String label, String context) {
        return (label + "|" + context).getBytes(StandardCharsets.UTF_8);
    }
}
