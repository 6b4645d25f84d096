package dev.webhookrelay.delivery;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Commits what an attempt did: the attempt row, the delivery's new status and the endpoint's health,
 * atomically in one statement. 410 Gone disables the endpoint; so does failing without a break for
 * the circuit breaker window; either pauses the endpoint's other deliveries.
 */
@Component("attemptRecorder")
public class AttemptRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptRecorder.class);

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final DeliveryMetrics metrics;
    private final PausedDeliveries paused;
    private final Duration circuitBreakerWindow;

    public AttemptRecorder(JdbcTemplate jdbc, ObjectMapper json, DeliveryMetrics metrics, PausedDeliveries paused,
            RelayProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.metrics = metrics;
        this.paused = paused;
        this.circuitBreakerWindow = properties.delivery().circuitBreakerWindow();
    }

    /*
     * One statement, so one round trip and atomic without an explicit transaction: the attempt row,
     * the delivery's new state, and the endpoint's failure streak (cleared by a success, started by
     * the first failure). It returns when the streak started, for the circuit breaker. The endpoint
     * row is written only when its streak starts or ends, not on every failure: an attempt then holds
     * no lock on it that a transaction disabling the endpoint (and pausing its deliveries, this one
     * included) could deadlock with. A retry does not undo what happened to the delivery while the
     * attempt ran: its endpoint was disabled (PAUSED) or deleted (DEAD_LETTERED); a final outcome
     * always stands.
     */
    private static final String RECORD = """
            WITH attempt AS (
                INSERT INTO attempts (delivery_id, attempt_number, url, request_headers, response_status,
                    response_headers, response_body, duration_ms, error_class, error_message, outcome)
                VALUES (?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?)
            ), delivery AS (
                UPDATE deliveries
                   SET status = CASE WHEN ? = 'RETRY_SCHEDULED' AND status IN ('PAUSED', 'DEAD_LETTERED') THEN status
                                     ELSE ? END,
                       last_error = CASE WHEN ? = 'RETRY_SCHEDULED' AND status = 'DEAD_LETTERED' THEN last_error
                                         ELSE ? END,
                       last_status = ?, next_attempt_at = ?, updated_at = now()
                WHERE id = ?
            ), health AS (
                UPDATE endpoints SET failing_since = CASE WHEN ? THEN NULL ELSE now() END
                WHERE id = ? AND (failing_since IS NULL) <> ?
            )
            SELECT CASE WHEN ? THEN NULL
                        ELSE (SELECT coalesce(failing_since, now()) FROM endpoints WHERE id = ?) END""";

    public void record(Exchange exchange) throws JsonProcessingException {
        DeliveryContext delivery = exchange.getProperty(DeliveryClaim.DELIVERY, DeliveryContext.class);
        AttemptResult result = exchange.getProperty(DeliveryClient.RESULT, AttemptResult.class);
        String outcome = exchange.getProperty(DeliveryVerdicts.OUTCOME, String.class);
        String reason = exchange.getProperty(DeliveryVerdicts.REASON, String.class);
        Instant nextAttemptAt = exchange.getProperty(DeliveryVerdicts.NEXT_ATTEMPT_AT, Instant.class);
        boolean delivered = "DELIVERED".equals(outcome);
        boolean gone = Boolean.TRUE.equals(exchange.getProperty(DeliveryVerdicts.DISABLE_ENDPOINT, Boolean.class));
        if (gone) {
            // Before the record: whoever sees this delivery dead-lettered sees its endpoint disabled.
            paused.disable(delivery.endpointId(), PauseReason.GONE, reason);
        }

        Timestamp failingSince = jdbc.queryForObject(RECORD, Timestamp.class,
                delivery.deliveryId(), delivery.totalAttempts(), delivery.url(),
                json.writeValueAsString(exchange.getProperty(WebhookRequest.REQUEST, OutgoingRequest.class).recordedHeaders()),
                result.status(), json.writeValueAsString(result.responseHeaders()), result.responseBody(),
                (int) result.durationMillis(), result.errorClass(), result.errorMessage(), outcome,
                outcome, outcome, outcome, delivered ? null : reason, result.status(),
                nextAttemptAt == null ? null : Timestamp.from(nextAttemptAt), delivery.deliveryId(),
                delivered, delivery.endpointId(), delivered, delivered, delivery.endpointId());
        if (!gone && !delivered && failingSince != null
                && failingSince.toInstant().plus(circuitBreakerWindow).isBefore(Instant.now())) {
            paused.disable(delivery.endpointId(), PauseReason.CIRCUIT_BREAKER, "circuit breaker: failing continuously since "
                    + failingSince.toInstant() + " (window " + circuitBreakerWindow + "); last error: " + reason);
        }
        metrics.attempted(outcome, result.durationMillis());
        LOG.info("attempt event={} delivery={} endpoint={} attempt={} outcome={} status={} durationMs={} reason={}",
                delivery.eventId(), delivery.deliveryId(), delivery.endpointId(), delivery.totalAttempts(), outcome,
                result.status(), result.durationMillis(), reason);
    }
}
