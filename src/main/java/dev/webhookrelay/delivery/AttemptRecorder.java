package dev.webhookrelay.delivery;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.history.HistoryDays;
import dev.webhookrelay.operational.OperationalEvents;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Commits what an attempt did: the attempt row, the delivery's new status and the endpoint's failure
 * streak, atomically in one statement. The streak's start is handed to the circuit breaker. A dead
 * letter, and the delivery of a delivery that had been dead-lettered, are also announced to the
 * tenant's operational endpoint, in one transaction with that statement; every other outcome (nearly
 * all of them) stays a single statement without a transaction.
 */
@Component("attemptRecorder")
public class AttemptRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptRecorder.class);

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final DeliveryMetrics metrics;
    private final OperationalEvents operational;
    private final TransactionTemplate transaction;
    private final HistoryDays historyDays;

    public AttemptRecorder(JdbcTemplate jdbc, ObjectMapper json, DeliveryMetrics metrics, OperationalEvents operational,
            PlatformTransactionManager transactions, HistoryDays historyDays) {
        this.jdbc = jdbc;
        this.json = json;
        this.metrics = metrics;
        this.operational = operational;
        this.transaction = new TransactionTemplate(transactions);
        this.historyDays = historyDays;
    }

    /*
     * One statement, so one round trip and atomic without an explicit transaction: the attempt row,
     * the delivery's new state, and the endpoint's failure streak (cleared by a success, started by
     * the first failure). It returns when the streak started, for the circuit breaker. The endpoint
     * row is written only when its streak starts or ends, not on every failure: an attempt then holds
     * no lock on it that a transaction disabling the endpoint (and pausing its deliveries, this one
     * included) could deadlock with. A retry does not undo what happened to the delivery while the
     * attempt ran: its endpoint was disabled (PAUSED) or deleted (DEAD_LETTERED); a final outcome
     * always stands. A delivered delivery is no longer recovering (see V49). The statement names the
     * event's day's partitions of both history tables (V51, HistoryDays), and its created_at.
     */
    private static final String RECORD = """
            WITH attempt AS (
                INSERT INTO attempts{day} (delivery_id, attempt_number, url, request_headers, response_status,
                    response_headers, response_body, duration_ms, error_class, error_message, outcome, event_created_at)
                VALUES (?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)
            ), delivery AS (
                UPDATE deliveries{day}
                   SET status = CASE WHEN ? = 'RETRY_SCHEDULED' AND status IN ('PAUSED', 'DEAD_LETTERED') THEN status
                                     ELSE ? END,
                       last_error = CASE WHEN ? = 'RETRY_SCHEDULED' AND status = 'DEAD_LETTERED' THEN last_error
                                         ELSE ? END,
                       last_status = ?, next_attempt_at = ?, recovering = recovering AND NOT ?, updated_at = now()
                WHERE id = ? AND created_at = ?
            ), health AS (
                UPDATE endpoints SET failing_since = CASE WHEN ? THEN NULL ELSE now() END
                WHERE id = ? AND (failing_since IS NULL) <> ?
            )
            SELECT CASE WHEN ? THEN NULL
                        ELSE (SELECT coalesce(failing_since, now()) FROM endpoints WHERE id = ?) END""";

    public void record(@Variable("attempt") DeliveryAttempt attempt) throws JsonProcessingException {
        DeliveryContext delivery = attempt.delivery();
        AttemptResult result = attempt.result();
        String outcome = attempt.next().status().name();
        String reason = attempt.reason();
        Instant nextAttemptAt = attempt.nextAttemptAt();
        boolean delivered = attempt.next() == DeliveryAttempt.Next.DELIVERED;
        boolean deadLettered = attempt.next() == DeliveryAttempt.Next.DEAD_LETTER;
        boolean recovered = delivered && delivery.recovering();

        Timestamp eventCreatedAt = Timestamp.from(delivery.eventCreatedAt());
        Object[] arguments = {delivery.deliveryId(), delivery.totalAttempts(), delivery.url(),
                // No request when the transformation failed: nothing was sent.
                json.writeValueAsString(attempt.request() == null ? Map.of() : attempt.request().recordedHeaders()),
                result.status(), json.writeValueAsString(result.responseHeaders()), result.responseBody(),
                (int) result.durationMillis(), result.errorClass(), result.errorMessage(), outcome, eventCreatedAt,
                outcome, outcome, outcome, delivered ? null : reason, result.status(),
                nextAttemptAt == null ? null : Timestamp.from(nextAttemptAt), delivered, delivery.deliveryId(),
                eventCreatedAt, delivered, delivery.endpointId(), delivered, delivered, delivery.endpointId()};
        Timestamp failingSince = historyDays.inDayOf(delivery.eventCreatedAt(), day -> {
            if (!deadLettered && !recovered) {
                return jdbc.queryForObject(day.address(RECORD), Timestamp.class, arguments);
            }
            return transaction.execute(status -> {
                Timestamp streak = jdbc.queryForObject(day.address(RECORD), Timestamp.class, arguments);
                OperationalEvents.Delivery described = new OperationalEvents.Delivery(delivery.tenantId(),
                        delivery.deliveryId(), delivery.eventId(), delivery.endpointId(), delivery.eventType(),
                        delivery.totalAttempts());
                if (deadLettered) {
                    operational.deliveryDeadLettered(described, result.status(), reason);
                } else {
                    operational.deliveryRecovered(described);
                }
                return streak;
            });
        });
        attempt.recorded(failingSince == null ? null : failingSince.toInstant());
        metrics.attempted(outcome, result.durationMillis());
        LOG.info("attempt event={} delivery={} endpoint={} attempt={} outcome={} status={} durationMs={} reason={}",
                delivery.eventId(), delivery.deliveryId(), delivery.endpointId(), delivery.totalAttempts(), outcome,
                result.status(), result.durationMillis(), reason);
    }
}
