package dev.webhookrelay.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

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
            int workQueueDeliveryLimit) {
    }

    public record Delivery(
            boolean enabled,
            List<Duration> retrySchedule,
            double jitter,
            int jitterBuckets,
            Duration connectTimeout,
            Duration responseTimeout,
            int maxResponseBodyBytes,
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

    public record Reconcile(Duration interval, Duration grace, int batchSize) {
    }
}
