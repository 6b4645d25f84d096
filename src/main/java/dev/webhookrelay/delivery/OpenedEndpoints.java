package dev.webhookrelay.delivery;

import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.webhookrelay.secrets.SealedHeaders;
import dev.webhookrelay.secrets.SecretCipher;
import dev.webhookrelay.secrets.SecretContexts;
import org.springframework.stereotype.Component;

/**
 * An endpoint's sealed material opened for a request: its signing secrets still in force and its
 * static headers (only what {@link StaticHeaders} allows, whatever the row holds). One place for the
 * claim of a real attempt and for a sample (preview, test send).
 */
@Component
class OpenedEndpoints {

    /** The endpoint's signing secrets in force, newest first, as an array column named {@code secrets}. */
    static final String SECRETS_COLUMN = """
            ARRAY(SELECT s.secret FROM endpoint_secrets s
                   WHERE s.endpoint_id = p.id AND (s.expires_at IS NULL OR s.expires_at > now())
                   ORDER BY s.created_at DESC) AS secrets""";

    /** Static headers to send, and the names the attempt log redacts. */
    record Headers(Map<String, String> values, Set<String> sensitive) {
    }

    private final ObjectMapper json;
    private final SecretCipher cipher;
    private final SealedHeaders sealedHeaders;
    /**
     * By endpoint and stored JSON text: opened once, not on every attempt. The endpoint is part of the
     * key because a sealed value opens only for its own endpoint.
     */
    private final Cache<String, Headers> openedHeaders = Caffeine.newBuilder().maximumSize(10_000).build();
    /**
     * Signing secrets the same way, by endpoint and sealed text: opening one (AES-GCM) on every claim
     * was 3.7% of the drain's CPU (bench/RESULTS.md, issue 16). A rotated secret is another sealed text.
     */
    private final Cache<String, String> openedSecrets = Caffeine.newBuilder().maximumSize(10_000).build();

    OpenedEndpoints(ObjectMapper json, SecretCipher cipher, SealedHeaders sealedHeaders) {
        this.json = json;
        this.cipher = cipher;
        this.sealedHeaders = sealedHeaders;
    }

    List<String> secrets(UUID endpointId, Array sealed) throws SQLException {
        List<String> secrets = new ArrayList<>();
        for (String stored : (String[]) sealed.getArray()) {
            secrets.add(openedSecrets.get(endpointId + stored,
                    key -> cipher.reveal(stored, SecretContexts.signingSecret(endpointId))));
        }
        return List.copyOf(secrets);
    }

    Headers headers(UUID endpointId, String headersJson) {
        return openedHeaders.get(endpointId + headersJson, key -> open(endpointId, headersJson));
    }

    private Headers open(UUID endpointId, String headersJson) {
        SealedHeaders.Opened opened = sealedHeaders.open(endpointId, headersJson);
        Map<String, String> sendable = StaticHeaders.sendable(json.valueToTree(opened.values()));
        Set<String> sensitive = new LinkedHashSet<>(opened.sensitive());
        sensitive.retainAll(sendable.keySet());
        return new Headers(Collections.unmodifiableMap(sendable), Collections.unmodifiableSet(sensitive));
    }
}
