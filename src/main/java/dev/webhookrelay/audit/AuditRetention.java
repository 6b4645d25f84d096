package dev.webhookrelay.audit;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import dev.webhookrelay.config.RelayProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Deletes audit records older than relay.retention.audit, a batch per call (route purge-expired-audit-records). */
@Component("auditRetention")
public class AuditRetention {

    private final JdbcTemplate jdbc;
    private final Duration keptFor;
    private final int batchSize;

    public AuditRetention(JdbcTemplate jdbc, RelayProperties properties) {
        this.jdbc = jdbc;
        this.keptFor = properties.retention().audit();
        this.batchSize = properties.retention().batchSize();
    }

    /** One batch; the number deleted (0 once nothing is left to purge). */
    public int purgeBatch() {
        return jdbc.update("""
                DELETE FROM audit_records WHERE id = ANY (ARRAY(
                    SELECT id FROM audit_records WHERE created_at < ? LIMIT ?))""",
                Timestamp.from(Instant.now().minus(keptFor)), batchSize);
    }
}
