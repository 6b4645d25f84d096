package dev.webhookrelay.config;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;
import org.springframework.util.unit.DataSize;

/**
 * Every relay.* knob. The defaults live in application.yaml only, so the README's configuration
 * table and the running relay can never disagree; a value that cannot work (a missing duration, a
 * count below one) stops the relay at start with the key named, instead of failing later.
 */
@Validated
@ConfigurationProperties(prefix = "relay")
public record RelayProperties(
        String adminToken,
        @Valid @NotNull Ingest ingest,
        @Valid @NotNull Outbox outbox,
        @Valid @NotNull Rabbitmq rabbitmq,
        @Valid @NotNull Delivery delivery,
        @Valid @NotNull Endpoints endpoints,
        @Valid @NotNull Sources sources,
        @Valid @NotNull Replay replay,
        @Valid @NotNull Retention retention,
        @Valid @NotNull Console console,
        @Valid @NotNull Metrics metrics,
        @Valid @NotNull Auth auth,
        @Valid @NotNull Api api,
        @Valid @NotNull Quotas quotas,
        @Valid @NotNull Reconcile reconcile,
        @Valid @NotNull Secrets secrets,
        @Valid @NotNull Transformations transformations) {

    public record Ingest(
            @Positive int maxPayloadBytes,
            @NotNull Duration idempotencyRetention,
            @NotNull Duration apiKeyCacheTtl,
            boolean requireKnownTypes,
            @Positive int maxSchemaBytes,
            @NotNull @DurationMin(seconds = 1) Duration transactionTimeout) {
    }

    public record Outbox(@NotNull Duration minAge, @Positive int batchSize) {
    }

    public record Rabbitmq(
            String workExchange,
            String workQueue,
            String waitExchange,
            String waitQueuePrefix,
            String deadLetterExchange,
            String deadLetterQueue,
            @Positive int workQueueDeliveryLimit,
            String deadLetterRecorderQueue,
            @NotNull Duration confirmTimeout,
            @PositiveOrZero int quorumInitialGroupSize,
            @NotNull @DurationMin(millis = 100) Duration missingQueueRetryInterval,
            @Positive int maxMessageBytes) {
    }

    public record Delivery(
            boolean enabled,
            List<Duration> retrySchedule,
            double jitter,
            @Positive int jitterBuckets,
            @Positive int consumers,
            @Positive int prefetch,
            @NotNull Duration connectTimeout,
            @NotNull Duration responseTimeout,
            @NotNull Duration attemptDeadline,
            // Zero would end a claim at the deadline, while its outcome is still being recorded.
            @NotNull @DurationMin(seconds = 1) Duration claimLeaseMargin,
            @Positive int maxResponseBodyBytes,
            @Positive int maxResponseHeaders,
            @Positive int maxResponseHeaderLineBytes,
            @Positive int maxInFlightPerEndpoint,
            @NotNull Duration inFlightWait,
            List<Integer> retryableStatuses,
            List<String> allowedNetworks,
            String proxy,
            @NotNull Duration circuitBreakerWindow,
            boolean propagateTrace,
            @Positive int maxUnfinishedClaims) {
    }

    public record Endpoints(@NotNull Duration secretRotationOverlap) {
    }

    /**
     * Webhooks received from third parties. publicBaseUrl prefixes the ingestUrl shown to tenants (empty:
     * the path alone); timestampTolerance bounds how old or early a signed timestamp may be.
     */
    public record Sources(
            @NotNull String publicBaseUrl,
            @NotNull Duration timestampTolerance,
            @NotNull Duration secretRotationOverlap,
            @Positive int rejectionsRecordedPerMinute) {
    }

    public record Replay(@Positive int batchSize, @NotNull Duration interval) {
    }

    /**
     * History older than maxAge is dropped a day at a time (its partitions, V51); the partitions of
     * today and of historyPartitionsAhead more days are created ahead, so that a relay down for less
     * than that never sends a day's rows to the DEFAULT partitions.
     */
    public record Retention(@NotNull Duration maxAge, @Positive int batchSize, @NotNull Duration audit,
            @Positive @Max(MAX_PARTITIONS_AHEAD) int historyPartitionsAhead) {

        /** Each day is three tables; more than a quarter ahead only adds empty tables to every plan. */
        public static final int MAX_PARTITIONS_AHEAD = 90;
    }

    /**
     * The console user (Hawtio and the web console), and the tenant portal's signed links: how long
     * one opens the portal, and which origins may frame the portal (a CSP frame-ancestors source list).
     * Live streams (the tail, an event's deliveries) are capped per tenant, its portal links and the
     * operator's pages of it together, and per instance: each polls PostgreSQL once a second.
     */
    public record Console(
            boolean loginRequired,
            String username,
            String password,
            @NotNull Duration portalLinkTtl,
            @NotNull String portalFrameAncestors,
            @Positive int maxStreamsPerTenant,
            @Positive int maxStreams) {
    }

    public record Metrics(@NotNull Duration backlogSampleInterval) {
    }

    public record Auth(@Positive long failedAttemptsPerMinute, @NotNull Duration lastUsedFlushInterval) {
    }

    public record Api(DataSize maxListBytes) {
    }

    /** What one tenant may use of the relay's shared capacity. */
    public record Quotas(
            @Positive int maxEndpointsPerTenant,
            @Positive int maxRetryTiers,
            @Positive int ingestRatePerSecond,
            @Positive int ingestBurst,
            @Positive int maxInFlightPerTenant,
            @Positive int maxReplaysPerTenant,
            @Positive int endpointTestsPerMinute,
            @Positive int maxApiKeysPerTenant,
            @Positive int maxSourcesPerTenant,
            @Positive int maxEventTypesPerTenant) {
    }

    /**
     * The bounds of one evaluation of an endpoint's JSONata transformation: wall-clock time and
     * nesting depth (checked at every evaluation step), and the size of the body and of any string or
     * array it builds on the way.
     */
    public record Transformations(
            @NotNull Duration timeout,
            @Positive int maxDepth,
            @Positive int maxOutputBytes,
            @Positive int cacheSize) {
    }

    public record Reconcile(@NotNull Duration interval, @NotNull Duration grace, @Positive int batchSize) {
    }

    /**
     * The master keys that seal endpoint secrets and static header values (checked, without ever
     * echoing a value, by secrets.MasterKeys), and the background re-encryption to the current key.
     */
    public record Secrets(
            String masterKey,
            String masterKeyFile,
            List<String> previousKeys,
            @NotNull Duration reencryptInterval,
            @Positive int reencryptBatchSize) {

        /** Keys stay out of any message that prints the configuration. */
        @Override
        public String toString() {
            return "Secrets[masterKey=" + (masterKey == null || masterKey.isBlank() ? "unset" : "set")
                    + ", masterKeyFile=" + masterKeyFile + ", previousKeys=" + (previousKeys == null ? 0 : previousKeys.size())
                    + ", reencryptInterval=" + reencryptInterval + ", reencryptBatchSize=" + reencryptBatchSize + "]";
        }
    }
}
