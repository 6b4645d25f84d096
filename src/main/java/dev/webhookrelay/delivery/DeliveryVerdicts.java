package dev.webhookrelay.delivery;

import java.time.Instant;
import java.util.Set;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.ResponseClassifier.Classification;
import dev.webhookrelay.delivery.ResponseClassifier.Outcome;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Decides where a delivery goes after an attempt and states it as flat exchange properties that
 * the YAML routes read: relayOutcome (DELIVERED, RETRY_SCHEDULED, DEAD_LETTERED), relayReason,
 * relayWaitQueue and relayNextAttempt for a retry, relayDisableEndpoint for 410 Gone.
 */
@Component("deliveryVerdicts")
public class DeliveryVerdicts {

    public static final String OUTCOME = "relayOutcome";
    public static final String REASON = "relayReason";
    public static final String WAIT_QUEUE = "relayWaitQueue";
    public static final String NEXT_ATTEMPT = "relayNextAttempt";
    public static final String DISABLE_ENDPOINT = "relayDisableEndpoint";
    public static final String LAST_STATUS = "relayLastStatus";
    public static final String LAST_ERROR = "relayLastError";
    public static final String NEXT_ATTEMPT_AT = "relayNextAttemptAt";

    private final ResponseClassifier classifier;
    private final RetrySchedules schedules;

    public DeliveryVerdicts(RelayProperties properties, RetrySchedules schedules) {
        this.classifier = new ResponseClassifier(Set.copyOf(properties.delivery().retryableStatuses()));
        this.schedules = schedules;
    }

    public void judge(Exchange exchange) {
        DeliveryContext delivery = exchange.getProperty(DeliveryClaim.DELIVERY, DeliveryContext.class);
        AttemptResult result = exchange.getProperty(DeliveryClient.RESULT, AttemptResult.class);
        String retryAfter = result.responseHeaders().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("Retry-After")).map(java.util.Map.Entry::getValue)
                .findFirst().orElse(null);
        Classification verdict = classifier.classify(result.status(), result.failure(), retryAfter, Instant.now());
        RetrySchedule schedule = schedules.forEndpoint(delivery.retrySchedule());

        exchange.setProperty(LAST_STATUS, result.status());
        exchange.setProperty(LAST_ERROR, result.failure() == null ? null : verdict.reason());
        exchange.setProperty(DISABLE_ENDPOINT, verdict.outcome() == Outcome.ENDPOINT_GONE);
        switch (verdict.outcome()) {
            case DELIVERED -> set(exchange, "DELIVERED", verdict.reason());
            case ENDPOINT_GONE, DEAD_LETTER -> set(exchange, "DEAD_LETTERED", verdict.reason());
            case RETRY -> {
                if (delivery.attempt() >= schedule.maxAttempts()) {
                    set(exchange, "DEAD_LETTERED", verdict.reason() + "; all " + schedule.maxAttempts()
                            + " attempts used");
                } else {
                    set(exchange, "RETRY_SCHEDULED", verdict.reason());
                    RetrySchedule.WaitQueue queue = verdict.retryAfter() != null
                            ? schedule.waitQueueAtLeast(verdict.retryAfter())
                            : schedule.waitQueueAfter(delivery.attempt());
                    exchange.setProperty(WAIT_QUEUE, queue.name());
                    exchange.setProperty(NEXT_ATTEMPT, delivery.attempt() + 1);
                    exchange.setProperty(NEXT_ATTEMPT_AT, Instant.now().plusMillis(queue.ttlMillis()));
                }
            }
        }
    }

    private static void set(Exchange exchange, String outcome, String reason) {
        exchange.setProperty(OUTCOME, outcome);
        exchange.setProperty(REASON, reason);
    }
}
