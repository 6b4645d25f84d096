package dev.webhookrelay.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.delivery.DeliveryAttempt.Next;

/**
 * What the delivery beans state on an attempt, for route tests whose beans are mocks: each method
 * does to the attempt what the real bean would have decided.
 */
public final class AttemptStates {

    private AttemptStates() {
    }

    public static DeliveryAttempt readable(UUID deliveryId, UUID endpointId, int attempt) {
        return DeliveryAttempt.of(new WorkMessage(deliveryId, endpointId, UUID.randomUUID(), attempt), false);
    }

    public static DeliveryAttempt malformed(String why) {
        return DeliveryAttempt.malformed(why);
    }

    public static void postpone(DeliveryAttempt attempt) {
        attempt.postpone();
    }

    public static void skip(DeliveryAttempt attempt, String why) {
        attempt.skip(why);
    }

    /** Claimed, for an ordered (fifo) endpoint or not. */
    public static void claim(DeliveryAttempt attempt, boolean fifo) {
        WorkMessage message = attempt.message();
        attempt.claimed(new DeliveryContext(message.deliveryId(), UUID.randomUUID(), message.endpointId(),
                message.tenantId(), "https://receiver.example/hook", "order.created", "{}", Instant.now(),
                List.of("whsec_test"), Map.of(), null, message.attempt(), message.attempt(), Set.of(), fifo, null, null, Instant.now(),
                false));
    }

    public static void answer(DeliveryAttempt attempt, int status) {
        attempt.answered(new AttemptResult(status, Map.of(), "", null, 5));
    }

    /** The endpoint's transformation failed: no request, the delivery dead-lettered with the reason. */
    public static void failTransformation(DeliveryAttempt attempt) {
        attempt.answered(new AttemptResult(null, Map.of(), null, new IllegalStateException("no such function"), 1));
        attempt.judged(Next.DEAD_LETTER, "transformation error: no such function", false, null);
    }

    /** Claimed, and found claimed too often before with no outcome: dead-lettered by the claim. */
    public static void claimNeverFinished(DeliveryAttempt attempt) {
        claim(attempt, false);
        attempt.answered(new AttemptResult(null, Map.of(), null, new UnfinishedAttemptException("never finished"), 0));
        attempt.judged(Next.DEAD_LETTER, "attempt 1 was claimed 4 times before and never finished", false, null);
    }

    public static void judge(DeliveryAttempt attempt, Next next, boolean endpointGone) {
        attempt.judged(next, "HTTP " + attempt.result().status(), endpointGone, null);
    }

    public static void giveUp(DeliveryAttempt attempt) {
        attempt.judged(Next.DEAD_LETTER, attempt.reason() + "; all attempts used", false, null);
    }

    public static void retryThrough(DeliveryAttempt attempt, String waitQueue) {
        attempt.retryThrough(new RetrySchedule.WaitQueue(waitQueue, 1000), Instant.now().plusSeconds(1));
    }

    /** Recorded; {@code failingFor} is how long the endpoint's failure streak has lasted (null: none). */
    public static void record(DeliveryAttempt attempt, Duration failingFor) {
        attempt.recorded(failingFor == null ? null : Instant.now().minus(failingFor));
    }
}
