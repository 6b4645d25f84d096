package dev.webhookrelay.secrets;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What a rotation does to the secrets it replaces, an endpoint's signing secrets and a source's
 * verifying secrets alike. With no overlap they are deleted at once. Otherwise those whose overlap has
 * run out are deleted, the others keep working until the new overlap ends (never longer than they
 * already would), and only the newest {@value #KEPT} of them stay: every delivery is signed with every
 * valid endpoint secret (400 rotations made a 19 KB webhook-signature header), and every request to a
 * source is checked against every valid source secret, by anyone who knows its URL (1,500 made each
 * 40x dearer).
 */
@Component
public class PreviousSecrets {

    static final int KEPT = 3;

    /** Whose secrets: the table and the column naming their owner. */
    public enum Owner {
        ENDPOINT("endpoint_secrets", "endpoint_id"),
        SOURCE("source_secrets", "source_id");

        private final String revokeAll;
        private final String deleteRunOut;
        private final String shorten;
        private final String keepNewest;

        Owner(String table, String owner) {
            this.revokeAll = "DELETE FROM " + table + " WHERE " + owner + " = ?";
            this.deleteRunOut = revokeAll + " AND expires_at <= now()";
            this.shorten = "UPDATE " + table + " SET expires_at = ? WHERE " + owner + " = ?"
                    + " AND (expires_at IS NULL OR expires_at > ?)";
            this.keepNewest = revokeAll + " AND id NOT IN (SELECT id FROM " + table + " WHERE " + owner
                    + " = ? ORDER BY created_at DESC, id LIMIT ?)";
        }
    }

    private final JdbcTemplate jdbc;

    public PreviousSecrets(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Before the new secret is stored, in the rotation's transaction. */
    public void expire(Owner owner, UUID ownerId, Instant until, boolean revokeNow) {
        if (revokeNow) {
            jdbc.update(owner.revokeAll, ownerId);
            return;
        }
        jdbc.update(owner.deleteRunOut, ownerId);
        jdbc.update(owner.shorten, Timestamp.from(until), ownerId, Timestamp.from(until));
        jdbc.update(owner.keepNewest, ownerId, ownerId, KEPT);
    }
}
