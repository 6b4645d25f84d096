package dev.webhookrelay.sources;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.webhookrelay.auth.Sha256;
import dev.webhookrelay.config.RelayProperties;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What a source refused: counted in the metrics by reason and provider (a small, fixed set of
 * series: source ids are unbounded), and per source and reason in PostgreSQL together with the last
 * {@value #KEPT} refusals. A refusal keeps the body's size and SHA-256, never the body, its headers
 * or anything of the secret. PostgreSQL records at most relay.sources.rejections-recorded-per-minute
 * of a source's refusals (a token bucket per source): each is three writes, and anyone who knows the
 * source's URL can send refusals without end.
 */
@Component
public class SourceRejections {

    static final int KEPT = 100;

    private final JdbcTemplate jdbc;
    private final MeterRegistry registry;
    private final long perMinute;
    /** A source idle for a whole minute would have a full bucket again, so it need not be kept. */
    private final Cache<UUID, Bucket> budgets = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(1))
            .build();

    public SourceRejections(JdbcTemplate jdbc, MeterRegistry registry, RelayProperties properties) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.perMinute = properties.sources().rejectionsRecordedPerMinute();
    }

    /** Not inside any transaction: a refusal is kept although nothing else of its request is. */
    void record(Source source, RejectionReason reason, String detail, String clientAddress, byte[] body) {
        count(reason.code(), source.provider().code());
        Bucket budget = budgets.get(source.id(), id -> Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .build());
        if (!budget.tryConsume(1)) {
            return;
        }
        jdbc.update("""
                INSERT INTO source_rejections (source_id, reason, detail, client_address, body_bytes, body_sha256)
                VALUES (?, ?, ?, ?, ?, ?)""",
                source.id(), reason.code(), detail, clientAddress, body.length, Sha256.hex(body));
        jdbc.update("""
                INSERT INTO source_rejection_counts (source_id, reason, count, last_at) VALUES (?, ?, 1, now())
                ON CONFLICT (source_id, reason) DO UPDATE
                SET count = source_rejection_counts.count + 1, last_at = excluded.last_at""",
                source.id(), reason.code());
        jdbc.update("""
                DELETE FROM source_rejections WHERE source_id = ? AND id <= (
                    SELECT id FROM source_rejections WHERE source_id = ? ORDER BY id DESC OFFSET ? LIMIT 1)""",
                source.id(), source.id(), KEPT);
    }

    /** A request to a source that does not exist: counted, not stored (there is no tenant to show it to). */
    void unknownSource() {
        count("unknown-source", "unknown");
    }

    private void count(String reason, String provider) {
        Counter.builder("relay.sources.rejected").description("Requests to /v1/in/{source} refused, by reason and provider")
                .tag("reason", reason).tag("provider", provider).register(registry).increment();
    }

    Map<String, Object> shown(UUID sourceId) {
        Map<String, Object> counts = new LinkedHashMap<>();
        jdbc.query("SELECT reason, count FROM source_rejection_counts WHERE source_id = ? ORDER BY reason",
                rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                }, sourceId);
        List<Map<String, Object>> latest = jdbc.query("""
                SELECT reason, detail, client_address, body_bytes, body_sha256, received_at
                FROM source_rejections WHERE source_id = ? ORDER BY id DESC LIMIT ?""",
                (rs, n) -> {
                    Map<String, Object> rejection = new LinkedHashMap<>();
                    rejection.put("reason", rs.getString("reason"));
                    rejection.put("detail", rs.getString("detail"));
                    rejection.put("clientAddress", rs.getString("client_address"));
                    rejection.put("bodyBytes", rs.getInt("body_bytes"));
                    rejection.put("bodySha256", rs.getString("body_sha256"));
                    rejection.put("receivedAt", rs.getTimestamp("received_at").toInstant());
                    return rejection;
                }, sourceId, KEPT);
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("counts", counts);
        shown.put("data", latest);
        return shown;
    }
}
