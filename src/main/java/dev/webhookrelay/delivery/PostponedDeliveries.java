package dev.webhookrelay.delivery;

import java.sql.Timestamp;

import dev.webhookrelay.broker.WorkMessage;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Records that a postponed attempt waits in the shortest wait queue, as a retry does: RETRY_SCHEDULED
 * until it is due back in the work queue. Left RECEIVED, it would look lost to the outbox sweeper as
 * soon as the work queue moved past it, and be copied on every postponement. Only a delivery still
 * waiting for this attempt moves: a claimed one (its lease is why it was postponed) is left alone.
 */
@Component("postponedDeliveries")
public class PostponedDeliveries {

    private final JdbcTemplate jdbc;
    private final double waitSeconds;

    public PostponedDeliveries(JdbcTemplate jdbc, RetrySchedule defaultSchedule) {
        this.jdbc = jdbc;
        this.waitSeconds = defaultSchedule.shortestWaitQueue().ttlMillis() / 1000.0;
    }

    /*
     * With the message's created_at the update reads one partition of deliveries; a message without it
     * (published before V51) is found by id in each.
     */
    private static final String POSTPONE = """
            UPDATE deliveries SET status = 'RETRY_SCHEDULED', next_attempt_at = now() + make_interval(secs => ?),
                   updated_at = now()
             WHERE id = ? AND budget_attempts = ? - 1 AND status IN ('RECEIVED', 'RETRY_SCHEDULED')""";

    public void waitingInWaitQueue(@Variable("attempt") DeliveryAttempt attempt) {
        WorkMessage message = attempt.message();
        if (message.createdAt() == null) {
            jdbc.update(POSTPONE, waitSeconds, message.deliveryId(), message.attempt());
        } else {
            jdbc.update(POSTPONE + " AND created_at = ?", waitSeconds, message.deliveryId(), message.attempt(),
                    Timestamp.from(message.createdAt()));
        }
    }
}
