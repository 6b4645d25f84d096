package dev.webhookrelay.sources;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.webhookrelay.secrets.SecretCipher;
import dev.webhookrelay.secrets.SecretContexts;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A source's signing secrets, sealed at rest like endpoint secrets: the current one, and after a
 * rotation the previous ones until their overlap ends.
 */
@Component
public class SourceSecrets {

    /** Previous secrets still valid after a rotation: the oldest beyond this many are revoked. */
    static final int MAX_PREVIOUS_SECRETS = 3;

    private final JdbcTemplate jdbc;
    private final SecretCipher cipher;

    public SourceSecrets(JdbcTemplate jdbc, SecretCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    void add(UUID sourceId, String secret) {
        jdbc.update("INSERT INTO source_secrets (id, source_id, secret) VALUES (?, ?, ?)",
                UUID.randomUUID(), sourceId, cipher.seal(secret, SecretContexts.sourceSecret(sourceId)));
    }

    /** The secrets that verify now, as the plain values the provider holds. */
    List<String> current(UUID sourceId) {
        return jdbc.queryForList("""
                SELECT secret FROM source_secrets
                WHERE source_id = ? AND (expires_at IS NULL OR expires_at > now())""", String.class, sourceId)
                .stream().map(stored -> cipher.reveal(stored, SecretContexts.sourceSecret(sourceId))).toList();
    }

    /**
     * The secrets in use keep verifying until {@code previousExpire}; with no overlap they are deleted at
     * once, and so are those whose overlap has run out.
     */
    void expirePrevious(UUID sourceId, Instant previousExpire, boolean revokeNow) {
        if (revokeNow) {
            jdbc.update("DELETE FROM source_secrets WHERE source_id = ?", sourceId);
            return;
        }
        jdbc.update("DELETE FROM source_secrets WHERE source_id = ? AND expires_at <= now()", sourceId);
        jdbc.update("""
                UPDATE source_secrets SET expires_at = ?
                WHERE source_id = ? AND (expires_at IS NULL OR expires_at > ?)""",
                Timestamp.from(previousExpire), sourceId, Timestamp.from(previousExpire));
        // A request to the source is checked against every secret still valid, before anything else and by
        // anyone who knows its URL: rotations in a row must not pile them up (1,500 made each request 40x dearer).
        jdbc.update("""
                DELETE FROM source_secrets WHERE source_id = ? AND id NOT IN (
                    SELECT id FROM source_secrets WHERE source_id = ? ORDER BY created_at DESC, id LIMIT ?)""",
                sourceId, sourceId, MAX_PREVIOUS_SECRETS);
    }

    void erase(UUID sourceId) {
        jdbc.update("DELETE FROM source_secrets WHERE source_id = ?", sourceId);
    }
}
