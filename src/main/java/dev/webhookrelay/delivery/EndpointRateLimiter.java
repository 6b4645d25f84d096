package dev.webhookrelay.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Enforces an endpoint's rateLimit (deliveries per second) within this relay instance with a token
 * bucket holding at most one second's worth; a delivery over the rate is postponed through the
 * shortest wait queue, like one over the in-flight cap. Limits are read from PostgreSQL and cached
 * for a few seconds; a changed limit starts a bucket of its own.
 */
@Component("endpointRateLimiter")
public class EndpointRateLimiter {

    private final JdbcTemplate jdbc;
    private final Cache<UUID, Optional<Integer>> limits = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterWrite(Duration.ofSeconds(5)).build();
    private final Cache<EndpointRate, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();

    public EndpointRateLimiter(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void admit(@Variable("attempt") DeliveryAttempt attempt) {
        UUID endpointId = attempt.endpointId();
        if (endpointId == null) {
            return;
        }
        Optional<Integer> limit = limits.get(endpointId, this::load);
        if (limit.isEmpty()) {
            return;
        }
        Bucket bucket = buckets.get(new EndpointRate(endpointId, limit.get()), rate -> Bucket.builder()
                .addLimit(l -> l.capacity(rate.perSecond()).refillGreedy(rate.perSecond(), Duration.ofSeconds(1)))
                .build());
        if (!bucket.tryConsume(1)) {
            attempt.postpone();
        }
    }

    private Optional<Integer> load(UUID endpointId) {
        List<Integer> found = jdbc.query("SELECT rate_limit FROM endpoints WHERE id = ?",
                (rs, n) -> (Integer) rs.getObject(1), endpointId);
        return found.isEmpty() ? Optional.empty() : Optional.ofNullable(found.get(0));
    }

    private record EndpointRate(UUID endpointId, int perSecond) {
    }
}
