package dev.webhookrelay.delivery;

import java.time.Instant;

import dev.webhookrelay.delivery.DeliveryAttempt.Next;
import org.apache.camel.Variable;
import org.springframework.stereotype.Component;

/**
 * Whether a failed attempt may be retried under its endpoint's retry schedule, and through which
 * wait queue: the schedule's delay for this attempt, or the first tier at least as long as the
 * receiver's Retry-After.
 */
@Component("retryPolicy")
public class RetryPolicy {

    private final RetrySchedules schedules;

    public RetryPolicy(RetrySchedules schedules) {
        this.schedules = schedules;
    }

    /** The receiver's answer is worth a retry, but the schedule has no attempt left. */
    public boolean attemptsUsedUp(@Variable("attempt") DeliveryAttempt attempt) {
        return attempt.next() == Next.RETRY && attempt.delivery().attempt() >= schedule(attempt).maxAttempts();
    }

    public void giveUp(@Variable("attempt") DeliveryAttempt attempt) {
        attempt.judged(Next.DEAD_LETTER, attempt.reason() + "; all " + schedule(attempt).maxAttempts() + " attempts used",
                false, null);
    }

    public void chooseWaitQueue(@Variable("attempt") DeliveryAttempt attempt) {
        RetrySchedule schedule = schedule(attempt);
        RetrySchedule.WaitQueue queue = attempt.retryAfter() != null
                ? schedule.waitQueueAtLeast(attempt.retryAfter())
                : schedule.waitQueueAfter(attempt.delivery().attempt());
        attempt.retryThrough(queue, Instant.now().plusMillis(queue.ttlMillis()));
    }

    private RetrySchedule schedule(DeliveryAttempt attempt) {
        return schedules.forEndpoint(attempt.delivery().retrySchedule());
    }
}
