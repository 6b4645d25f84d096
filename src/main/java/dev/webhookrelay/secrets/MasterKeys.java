package dev.webhookrelay.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import dev.webhookrelay.config.RelayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * The master keys that seal endpoint secrets and static header values: the current one (seals, and
 * opens what it sealed) and the previous ones (only open). A key is known by an id derived from it,
 * so a ciphertext names its key without any id to configure or mistype.
 *
 * <p>Outside the dev profile the relay does not start without a master key: it would otherwise store
 * secrets it cannot protect, or fail on the first delivery. The dev profile falls back to a key
 * published here, so a first run works; that key is refused everywhere else.
 */
@Component
public class MasterKeys {

    static final String DEV_KEY = "ZGV2LW9ubHkgbWFzdGVyIGtleSwgcHVibGlzaGVkISE=";
    private static final Logger LOG = LoggerFactory.getLogger(MasterKeys.class);
    private static final String HOW = "base64 of 32 random bytes, e.g. `openssl rand -base64 32`";

    private final String currentId;
    private final Map<String, SecretKey> byId;

    public MasterKeys(RelayProperties properties, Environment environment) {
        RelayProperties.Secrets secrets = properties.secrets();
        boolean dev = environment.acceptsProfiles(Profiles.of("dev"));
        String master = configuredMasterKey(secrets);
        if (master == null) {
            if (!dev) {
                throw new IllegalStateException("relay.secrets.master-key is not set: set RELAY_SECRETS_MASTER_KEY, or "
                        + "relay.secrets.master-key-file (RELAY_SECRETS_MASTER_KEY_FILE) naming a file that holds it, to "
                        + HOW + ". Only the dev profile runs without one.");
            }
            LOG.warn("relay.secrets.master-key is not set; the dev profile seals secrets with its published dev key");
            master = DEV_KEY;
        } else if (!dev && master.equals(DEV_KEY)) {
            throw new IllegalStateException("relay.secrets.master-key is the dev profile's published key: set a key of your own ("
                    + HOW + ")");
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        SecretKey current = decode(master, "relay.secrets.master-key");
        currentId = idOf(current);
        keys.put(currentId, current);
        List<String> previous = secrets.previousKeys() == null ? List.of() : secrets.previousKeys();
        for (int i = 0; i < previous.size(); i++) {
            if (previous.get(i) != null && !previous.get(i).isBlank()) {
                SecretKey key = decode(previous.get(i).strip(), "relay.secrets.previous-keys[" + i + "]");
                keys.putIfAbsent(idOf(key), key);
            }
        }
        byId = Collections.unmodifiableMap(keys);
        LOG.info("Secrets are sealed under master key id {}; {} previous key(s) open older values", currentId, byId.size() - 1);
    }

    public String currentId() {
        return currentId;
    }

    SecretKey current() {
        return byId.get(currentId);
    }

    /**
     * A key for another purpose (HMAC-SHA256 of the purpose under the master key): what it signs is
     * bound to the master key without the master key itself ever signing anything but secrets.
     */
    public SecretKey derived(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(current().getEncoded(), "HmacSHA256"));
            return new SecretKeySpec(mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key of that id, or null when it is neither the master key nor a previous key. */
    SecretKey byId(String keyId) {
        return byId.get(keyId);
    }

    private static String configuredMasterKey(RelayProperties.Secrets secrets) {
        boolean inline = secrets.masterKey() != null && !secrets.masterKey().isBlank();
        boolean file = secrets.masterKeyFile() != null && !secrets.masterKeyFile().isBlank();
        if (inline && file) {
            throw new IllegalStateException("relay.secrets.master-key and relay.secrets.master-key-file are both set: set one");
        }
        if (inline) {
            return secrets.masterKey().strip();
        }
        if (!file) {
            return null;
        }
        try {
            String read = Files.readString(Path.of(secrets.masterKeyFile()), StandardCharsets.US_ASCII).strip();
            if (read.isEmpty()) {
                throw new IllegalStateException("relay.secrets.master-key-file " + secrets.masterKeyFile() + " is empty");
            }
            return read;
        } catch (IOException e) {
            throw new IllegalStateException("relay.secrets.master-key-file " + secrets.masterKeyFile() + " cannot be read: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    /** The value is never part of a message: a key that does not parse may still be most of a real key. */
    private static SecretKey decode(String base64, String property) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + " is not base64: it must be " + HOW);
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(property + " holds " + bytes.length + " bytes: it must be " + HOW);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    /** 8 base64url characters of a SHA-256 of the key: tells keys apart, reveals nothing usable of one. */
    static String idOf(SecretKey key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("webhook-relay master key id".getBytes(StandardCharsets.US_ASCII));
            byte[] digest = sha256.digest(key.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
