package dev.webhookrelay.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Every relay.* knob. The defaults live in application.yaml only, so the README's configuration
 * table and the running relay can never disagree.
 */
@ConfigurationProperties(prefix = "relay")
public record RelayProperties(
        String adminToken,
        Ingest ingest,
        Outbox outbox,
        Rabbitmq rabbitmq,
        Delivery delivery,
        Endpoints endpoints,
        Replay replay,
        Retention retention,
        Console console,
        Metrics metrics,
        Auth auth,
        Api api,
        Quotas quotas,
        Reconcile reconcile) {

    public record Ingest(
            int maxPayloadBytes,
            Duration idempotencyRetention,
            Duration apiKeyCacheTtl) {
    }

    public record Outbox(Duration minAge, Duration lease, int batchSize) {
    }

    public record Rabbitmq(
            String workExchange,
            String workQueue,
            String waitExchange,
            String waitQueuePrefix,
            String deadLetterExchange,
            String deadLetterQueue,
            int workQueueDeliveryLimit,
            String deadLetterRecorderQueue,
            Duration confirmTimeout) {
    }

    public record Delivery(
            boolean enabled,
            List<Duration> retrySchedule,
            double jitter,
            int jitterBuckets,
            int consumers,
            int prefetch,
            Duration connectTimeout,
            Duration responseTimeout,
            Duration attemptDeadline,
            int maxResponseBodyBytes,
            int maxResponseHeaders,
            int maxResponseHeaderLineBytes,
            int maxInFlightPerEndpoint,
            Duration inFlightWait,
            List<Integer> retryableStatuses,
            List<String> allowedNetworks,
            String proxy,
            Duration circuitBreakerWindow) {
    }

    public record Endpoints(Duration secretRotationOverlap) {
    }

    public record Replay(int batchSize, Duration interval) {
    }

    public record Retention(Duration maxAge, int batchSize) {
    }

    public record Console(boolean loginRequired, String username, String password) {
    }

    public record Metrics(Duration backlogSampleInterval) {
    }

    public record Auth(long failedAttemptsPerMinute) {
    }

    public record Api(DataSize maxListBytes) {
    }

    /** What one tenant may use of the relay's shared capacity. */
    public record Quotas(
            int maxEndpointsPerTenant,
            int maxRetryTiers,
            int ingestRatePerSecond,
            int ingestBurst,
            int maxInFlightPerTenant,
            int maxReplaysPerTenant) {
    }

    public record Reconcile(Duration interval, Duration grace, int batchSize) {
    }
}
