package dev.webhookrelay.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Enforces an endpoint's rateLimit (deliveries per second) within this relay instance with a token
 * bucket; a delivery over the rate is postponed through the shortest wait queue, like one over the
 * in-flight cap. Limits are read from PostgreSQL and cached for a few seconds.
 */
@Component("endpointRateLimiter")
public class EndpointRateLimiter {

    private final JdbcTemplate jdbc;
    private final Cache<UUID, Optional<Integer>> limits = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterWrite(Duration.ofSeconds(5)).build();
    private final Cache<UUID, TokenBucket> buckets = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();

    public EndpointRateLimiter(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void acquire(Exchange exchange) {
        UUID endpointId = WorkQueueMessage.uuid(exchange.getMessage().getHeader(WorkQueueMessage.ENDPOINT_ID));
        if (endpointId == null) {
            return;
        }
        Optional<Integer> limit = limits.get(endpointId, this::load);
        if (limit.isEmpty()) {
            return;
        }
        TokenBucket bucket = buckets.get(endpointId, id -> new TokenBucket(limit.get()));
        if (!bucket.tryTake(limit.get(), System.nanoTime())) {
            exchange.setProperty(InFlightLimiter.POSTPONED, true);
        }
    }

    private Optional<Integer> load(UUID endpointId) {
        List<Integer> found = jdbc.query("SELECT rate_limit FROM endpoints WHERE id = ?",
                (rs, n) -> (Integer) rs.getObject(1), endpointId);
        return found.isEmpty() ? Optional.empty() : Optional.ofNullable(found.get(0));
    }

    /** Refills continuously at the rate, holds at most one second's worth. */
    static final class TokenBucket {

        private double tokens;
        private long lastNanos;

        TokenBucket(int perSecond) {
            this.tokens = perSecond;
            this.lastNanos = System.nanoTime();
        }

        synchronized boolean tryTake(int perSecond, long nowNanos) {
            tokens = Math.min(perSecond, tokens + (nowNanos - lastNanos) / 1e9 * perSecond);
            lastNanos = nowNanos;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
