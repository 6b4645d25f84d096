package dev.webhookrelay.quota;

import java.time.Duration;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.config.RelayProperties;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * Whether a tenant may ingest one more event now: a token bucket per tenant in this instance
 * (relay.quotas.ingest-burst tokens, refilled at relay.quotas.ingest-rate-per-second). It runs
 * before the ingest transaction, so a tenant sending faster than its rate costs the database and the
 * connection pool nothing and cannot push other tenants' ingest into 503.
 */
@Component("ingestRateLimiter")
public class IngestRateLimiter {

    private final int ratePerSecond;
    private final int burst;
    private final Cache<UUID, Bucket> buckets;

    public IngestRateLimiter(RelayProperties properties) {
        this.ratePerSecond = properties.quotas().ingestRatePerSecond();
        this.burst = properties.quotas().ingestBurst();
        // A bucket left alone for the time it takes to refill is full again: forgetting it changes nothing.
        Duration refillTime = Duration.ofMillis(Math.max(60_000, 1000L * burst / ratePerSecond));
        this.buckets = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(refillTime).build();
    }

    /** 429 with Retry-After when the tenant's bucket is empty. */
    public void take(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId) {
        ConsumptionProbe probe = buckets.get(tenantId, tenant -> newBucket())
                .tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            throw ProblemException.tooManyRequests("The tenant is sending events faster than its quota of "
                    + ratePerSecond + " per second, bursts up to " + burst + " (relay.quotas.ingest-rate-per-second,"
                    + " relay.quotas.ingest-burst); nothing was accepted",
                    Duration.ofNanos(probe.getNanosToWaitForRefill()));
        }
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(burst).refillGreedy(ratePerSecond, Duration.ofSeconds(1)))
                .build();
    }
}
