package dev.webhookrelay.sources;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.webhookrelay.secrets.PreviousSecrets;
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

    private final JdbcTemplate jdbc;
    private final SecretCipher cipher;
    private final PreviousSecrets previousSecrets;

    public SourceSecrets(JdbcTemplate jdbc, SecretCipher cipher, PreviousSecrets previousSecrets) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.previousSecrets = previousSecrets;
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

    /** The secrets in use keep verifying until {@code previousExpire}, as PreviousSecrets rules. */
    void expirePrevious(UUID sourceId, Instant previousExpire, boolean revokeNow) {
        previousSecrets.expire(PreviousSecrets.Owner.SOURCE, sourceId, previousExpire, revokeNow);
    }

    void erase(UUID sourceId) {
        jdbc.update("DELETE FROM source_secrets WHERE source_id = ?", sourceId);
    }
}
