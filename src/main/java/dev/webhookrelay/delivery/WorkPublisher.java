package dev.webhookrelay.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.webhookrelay.broker.ConfirmedPublisher;
import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.tracing.TraceParents;
import org.apache.camel.Body;
import org.apache.camel.Headers;
import org.apache.camel.Variable;
import org.springframework.amqp.AmqpException;
import org.springframework.stereotype.Component;

/**
 * Where a delivery's next message goes, each publish confirmed and routed (ConfirmedPublisher): the
 * work queue for a new delivery, a wait queue for a retry or a postponed attempt, the dead-letter
 * exchange for a delivery given up or a message the relay cannot read.
 */
@Component("workPublisher")
public class WorkPublisher {

    /** On an unreadable work message's dead letter: the length of the body it came with and was left out. */
    public static final String BODY_LEFT_OUT = "relay-body-bytes";

    private final ConfirmedPublisher publisher;
    private final RetrySchedule defaultSchedule;
    private final RelayProperties.Rabbitmq names;

    public WorkPublisher(ConfirmedPublisher publisher, RetrySchedule defaultSchedule, RelayProperties properties) {
        this.publisher = publisher;
        this.defaultSchedule = defaultSchedule;
        this.names = properties.rabbitmq();
    }

    public void toWorkQueue(@Body WorkMessage message) throws InterruptedException {
        publisher.publish(names.workExchange(), RabbitTopology.WORK_ROUTING_KEY,
                workQueueHeaders(message, Long.toString(System.currentTimeMillis())), message.body());
    }

    /**
     * A batch for the work queue (an accepted event's deliveries, or the outbox sweeper's, the
     * reconciler's, a bulk replay's), sent together and confirmed together. Its rows were stamped
     * queued just before: one round of confirms later the whole batch is in the queue, well within
     * relay.outbox.min-age, so the sweeper never takes the tail of a batch still being published for
     * lost (one confirm after the other, a batch of hundreds on a busy broker took longer than that).
     * Returns each delivery the broker did not take, and why; the outbox sweeper republishes those
     * still queued, the reconciler the others.
     */
    public List<RefusedPublish> allToWorkQueue(@Body List<WorkMessage> messages) throws InterruptedException {
        String publishedAt = Long.toString(System.currentTimeMillis());
        List<ConfirmedPublisher.Outgoing> outgoing = new ArrayList<>(messages.size());
        for (WorkMessage message : messages) {
            outgoing.add(new ConfirmedPublisher.Outgoing(workQueueHeaders(message, publishedAt), message.body()));
        }
        List<AmqpException> failures = publisher.publishAll(names.workExchange(), RabbitTopology.WORK_ROUTING_KEY,
                outgoing);
        List<RefusedPublish> refused = new ArrayList<>();
        for (int i = 0; i < failures.size(); i++) {
            if (failures.get(i) != null) {
                refused.add(new RefusedPublish(messages.get(i), failures.get(i).getMessage()));
            }
        }
        return refused;
    }

    /** A work-queue message's headers, with when it was published (WorkQueueProgress reads it). */
    private static Map<String, Object> workQueueHeaders(WorkMessage message, String publishedAt) {
        Map<String, Object> headers = message.headers();
        headers.put(WorkMessage.PUBLISHED_AT, publishedAt);
        return headers;
    }

    /** The next attempt, through the wait queue the retry policy chose. */
    public void retry(@Variable("attempt") DeliveryAttempt attempt) throws InterruptedException {
        WorkMessage next = attempt.nextMessage();
        publisher.publish(names.waitExchange(), attempt.waitQueue().name(), next.headers(), next.body());
    }

    /**
     * The same attempt again after the shortest wait. A message back from the dead-letter queue stays
     * marked as such, so that its claim still starts a fresh budget.
     */
    public void postpone(@Variable("attempt") DeliveryAttempt attempt) throws InterruptedException {
        Map<String, Object> headers = attempt.message()
                .withTraceparent(TraceParents.currentOr(attempt.message().traceparent())).headers();
        if (attempt.fromDeadLetterQueue()) {
            headers.put(WorkMessage.DEAD_LETTERED, "true");
        }
        publisher.publish(names.waitExchange(), defaultSchedule.shortestWaitQueueName(), headers,
                attempt.message().body());
    }

    public void deadLetter(@Variable("attempt") DeliveryAttempt attempt) throws InterruptedException {
        DeliveryContext delivery = attempt.delivery();
        AttemptResult result = attempt.result();
        WorkMessage message = new WorkMessage(delivery.deliveryId(), delivery.endpointId(), delivery.tenantId(), 1,
                TraceParents.currentOr(attempt.message().traceparent()), delivery.eventCreatedAt());
        Map<String, Object> headers = message.deadLetterHeaders(delivery.eventId(), delivery.totalAttempts(),
                attempt.reason(), result.status(), result.failure() == null ? null : attempt.reason());
        publisher.publish(names.deadLetterExchange(), RabbitTopology.DEAD_LETTER_ROUTING_KEY, headers, message.body());
    }

    /**
     * Kept as it came, with the reason: an operator can read it in the dead-letter queue. A body over
     * relay.rabbitmq.max-message-bytes is left out (its length in relay-body-bytes): it was published
     * by hand, and copying or sending it again is what held tens of megabytes per consumer and stopped
     * the relay. The bytes are published as they were read, never turned into a String.
     */
    public void deadLetterUnreadable(@Headers Map<String, Object> headers, @Body byte[] body,
            @Variable("attempt") DeliveryAttempt attempt) throws InterruptedException {
        Map<String, Object> kept = new LinkedHashMap<>(headers);
        kept.put("relay-reason", attempt.reason());
        byte[] sent = body == null ? new byte[0] : body;
        if (sent.length > names.maxMessageBytes()) {
            kept.put(BODY_LEFT_OUT, Integer.toString(sent.length));
            sent = new byte[0];
        }
        publisher.publish(names.deadLetterExchange(), RabbitTopology.DEAD_LETTER_ROUTING_KEY, kept, sent);
    }
}
