package dev.webhookrelay.delivery;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.broker.WorkQueueDeaths;
import dev.webhookrelay.config.RelayProperties;
import org.springframework.stereotype.Component;

/**
 * Reads a consumed work message into the attempt it asks for. A message that came back from the
 * dead-letter queue is recognised whether the relay dead-lettered it (its relay-dead-lettered header)
 * or RabbitMQ did and an operator moved it back (its x-death names the work queue): either way the
 * claim gives it a fresh attempt budget.
 */
@Component("workMessageReader")
public class WorkMessageReader {

    /** Compiled once: String.matches would compile it again for every message. */
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    private final String workQueue;
    private final int maxBodyBytes;

    public WorkMessageReader(RelayProperties properties) {
        this.workQueue = properties.rabbitmq().workQueue();
        this.maxBodyBytes = properties.rabbitmq().maxMessageBytes();
    }

    /**
     * The attempt a message asks for, or a malformed one: a body over relay.rabbitmq.max-message-bytes
     * was published by hand whatever its headers say (the relay's own carry a delivery id), and its
     * dead letter leaves the body out (WorkPublisher.deadLetterUnreadable).
     */
    public DeliveryAttempt read(Map<String, Object> headers, int bodyBytes) {
        if (bodyBytes > maxBodyBytes) {
            return DeliveryAttempt.malformed("a body of " + bodyBytes + " bytes, over relay.rabbitmq.max-message-bytes ("
                    + maxBodyBytes + ")");
        }
        UUID deliveryId = WorkMessage.uuid(headers.get(WorkMessage.DELIVERY_ID));
        if (deliveryId == null) {
            return DeliveryAttempt.malformed("missing or invalid " + WorkMessage.DELIVERY_ID + " header");
        }
        WorkMessage message = new WorkMessage(deliveryId, WorkMessage.uuid(headers.get(WorkMessage.ENDPOINT_ID)),
                WorkMessage.uuid(headers.get(WorkMessage.TENANT_ID)), WorkMessage.attempt(headers.get(WorkMessage.ATTEMPT)),
                traceparent(headers.get(WorkMessage.TRACEPARENT)), WorkMessage.instant(headers.get(WorkMessage.CREATED_AT)));
        boolean fromDeadLetterQueue = headers.get(WorkMessage.DEAD_LETTERED) != null
                || WorkQueueDeaths.find(headers.get("x-death"), workQueue).isPresent();
        return DeliveryAttempt.of(message, fromDeadLetterQueue);
    }

    /** Kept only if it looks like W3C Trace Context: it is copied onto the attempt's next messages. */
    private static String traceparent(Object header) {
        if (header == null) {
            return null;
        }
        String value = header.toString();
        return TRACEPARENT.matcher(value).matches() ? value : null;
    }
}
