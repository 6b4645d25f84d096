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
import org.springframework.transaction.annotation.Transactional;

/**
 * Commits what an attempt did, in one transaction: the attempt row, the delivery's new status, and
 * the endpoint's health (410 Gone disables it; so does failing without a break for the circuit
 * breaker window).
 */
@Component("attemptRecorder")
public class AttemptRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptRecorder.class);

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final DeliveryMetrics metrics;
    private final Duration circuitBreakerWindow;

    public AttemptRecorder(JdbcTemplate jdbc, ObjectMapper json, DeliveryMetrics metrics, RelayProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.metrics = metrics;
        this.circuitBreakerWindow = properties.delivery().circuitBreakerWindow();
    }

    @Transactional
    public void record(Exchange exchange) throws JsonProcessingException {
        DeliveryContext delivery = exchange.getProperty(DeliveryClaim.DELIVERY, DeliveryContext.class);
        AttemptResult result = exchange.getProperty(AttemptResults.RESULT, AttemptResult.class);
        String outcome = exchange.getProperty(DeliveryVerdicts.OUTCOME, String.class);
        String reason = exchange.getProperty(DeliveryVerdicts.REASON, String.class);
        Instant nextAttemptAt = exchange.getProperty(DeliveryVerdicts.NEXT_ATTEMPT_AT, Instant.class);

        jdbc.update("""
                INSERT INTO attempts (delivery_id, attempt_number, url, request_headers, response_status,
                    response_headers, response_body, duration_ms, error_class, error_message, outcome)
                VALUES (?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?)""",
                delivery.deliveryId(), delivery.totalAttempts(), delivery.url(),
                json.writeValueAsString(exchange.getProperty(AttemptResults.REQUEST_HEADERS)),
                result.status(), json.writeValueAsString(result.responseHeaders()), result.responseBody(),
                (int) result.durationMillis(), result.errorClass(), result.errorMessage(), outcome);
        jdbc.update("""
                UPDATE deliveries SET status = ?, last_status = ?, last_error = ?, next_attempt_at = ?, updated_at = now()
                WHERE id = ?""",
                outcome, result.status(), "DELIVERED".equals(outcome) ? null : reason,
                nextAttemptAt == null ? null : Timestamp.from(nextAttemptAt), delivery.deliveryId());
        updateEndpointHealth(exchange, delivery, outcome, reason);
        metrics.attempted(outcome, result.durationMillis());
        LOG.info("attempt event={} delivery={} endpoint={} attempt={} outcome={} status={} durationMs={} reason={}",
                delivery.eventId(), delivery.deliveryId(), delivery.endpointId(), delivery.totalAttempts(), outcome,
                result.status(), result.durationMillis(), reason);
    }

    private void updateEndpointHealth(Exchange exchange, DeliveryContext delivery, String outcome, String reason) {
        if (Boolean.TRUE.equals(exchange.getProperty(DeliveryVerdicts.DISABLE_ENDPOINT, Boolean.class))) {
            disable(delivery, reason);
        } else if ("DELIVERED".equals(outcome)) {
            jdbc.update("UPDATE endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL",
                    delivery.endpointId());
        } else {
            Timestamp failingSince = jdbc.queryForObject("""
                    UPDATE endpoints SET failing_since = coalesce(failing_since, now()) WHERE id = ?
                    RETURNING failing_since""", Timestamp.class, delivery.endpointId());
            if (failingSince != null && failingSince.toInstant().plus(circuitBreakerWindow).isBefore(Instant.now())) {
                disable(delivery, "circuit breaker: failing continuously since " + failingSince.toInstant()
                        + " (window " + circuitBreakerWindow + "); last error: " + reason);
            }
        }
    }

    private void disable(DeliveryContext delivery, String reason) {
        int changed = jdbc.update("""
                UPDATE endpoints SET enabled = false, disabled_reason = ?, updated_at = now()
                WHERE id = ? AND enabled""", reason, delivery.endpointId());
        if (changed == 1) {
            LOG.warn("endpoint={} disabled: {}", delivery.endpointId(), reason);
        }
    }
}
