package dev.webhookrelay.auth;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * When each API key was last used, without a database write per request: a request only notes the
 * time in memory (the latest per key wins), and {@link #flush} writes what was noted in one batch,
 * every relay.auth.last-used-flush-interval (route flush-api-key-last-use) and at shutdown. A key
 * used a thousand times a second costs one UPDATE per interval.
 */
@Component("apiKeyLastUse")
public class ApiKeyLastUse {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyLastUse.class);

    private final JdbcTemplate jdbc;
    private final Map<UUID, Instant> noted = new ConcurrentHashMap<>();

    public ApiKeyLastUse(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void note(UUID keyId, Instant at) {
        noted.merge(keyId, at, (earlier, later) -> later.isAfter(earlier) ? later : earlier);
    }

    /** Writes the noted times; a time is never moved backwards (another instance may have written a later one). */
    public int flush() {
        List<Object[]> rows = new ArrayList<>();
        for (UUID keyId : List.copyOf(noted.keySet())) {
            Instant at = noted.remove(keyId);
            if (at != null) {
                Timestamp time = Timestamp.from(at);
                rows.add(new Object[] {time, keyId, time});
            }
        }
        if (rows.isEmpty()) {
            return 0;
        }
        try {
            jdbc.batchUpdate("UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                    rows);
        } catch (RuntimeException e) {
            rows.forEach(row -> note((UUID) row[1], ((Timestamp) row[0]).toInstant()));
            throw e;
        }
        return rows.size();
    }

    @PreDestroy
    void flushAtShutdown() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("API keys' last use not written at shutdown: {}", e.toString());
        }
    }
}
