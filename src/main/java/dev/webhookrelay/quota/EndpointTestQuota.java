package dev.webhookrelay.quota;

import java.time.Duration;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import org.springframework.stereotype.Component;

/**
 * Whether a tenant may send one more test request now: every POST /v1/endpoints/{id}/test is an
 * outbound request made on demand, so a tenant gets relay.quotas.endpoint-tests-per-minute of them
 * per instance (a token bucket, as for ingest), and the relay never becomes a request cannon.
 */
@Component
public class EndpointTestQuota {

    private final int perMinute;
    private final Cache<UUID, Bucket> buckets = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(2)).build();

    public EndpointTestQuota(RelayProperties properties) {
        this.perMinute = properties.quotas().endpointTestsPerMinute();
    }

    /** 429 with Retry-After when the tenant has used its test sends for now. */
    public void take(UUID tenantId) {
        ConsumptionProbe probe = buckets.get(tenantId, tenant -> Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .build()).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            throw ProblemException.tooManyRequests("The tenant has sent " + perMinute + " test requests in the last minute,"
                    + " the most allowed (relay.quotas.endpoint-tests-per-minute); nothing was sent",
                    Duration.ofNanos(probe.getNanosToWaitForRefill()));
        }
    }
}
