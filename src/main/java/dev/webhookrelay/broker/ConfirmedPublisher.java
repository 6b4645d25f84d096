package dev.webhookrelay.broker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.webhookrelay.config.RelayProperties;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.connection.RabbitUtils;
import org.springframework.amqp.rabbit.core.RabbitOperations;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Every publish of the relay: persistent, mandatory, and finished only when the broker confirmed it
 * AND routed it to a queue. Camel 4.17's spring-rabbitmq producer cannot publish mandatory (it builds
 * its own RabbitTemplate and waits for a plain confirm, which RabbitMQ also sends for a message it
 * dropped as unroutable), so the routes publish through Spring's RabbitTemplate here, with correlated
 * confirms: a returned message is attached to its confirm before the confirm completes.
 */
@Component("confirmedPublisher")
public class ConfirmedPublisher {

    private final RabbitTemplate template;
    private final TopologyRepair topology;
    private final long confirmTimeoutMillis;

    public ConfirmedPublisher(RabbitTemplate template, TopologyRepair topology, RelayProperties properties) {
        this.template = template;
        this.topology = topology;
        this.confirmTimeoutMillis = properties.rabbitmq().confirmTimeout().toMillis();
    }

    /** Publishes a body with headers (Camel's own excluded); throws unless routed and confirmed. */
    public void publish(String exchangeName, String routingKey, Map<String, Object> headers, String body)
            throws InterruptedException {
        publish(exchangeName, routingKey, new Outgoing(headers, body));
    }

    /** The same, for a body kept as the bytes it came as (a message the relay could not read). */
    public void publish(String exchangeName, String routingKey, Map<String, Object> headers, byte[] body)
            throws InterruptedException {
        publish(exchangeName, routingKey, new Outgoing(headers, body));
    }

    private void publish(String exchangeName, String routingKey, Outgoing message) throws InterruptedException {
        AmqpException failure = publishAll(exchangeName, routingKey, List.of(message)).get(0);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Publishes messages to one exchange and routing key on one channel, all of them before it waits
     * for their confirms, so that a batch costs the broker one round of confirms, not one per message.
     * Returns, in the order given, null for each message routed and confirmed and for each other one
     * why not.
     */
    public List<AmqpException> publishAll(String exchangeName, String routingKey, List<Outgoing> messages)
            throws InterruptedException {
        if (messages.isEmpty()) {
            return List.of();
        }
        List<CorrelationData> correlations = new ArrayList<>(messages.size());
        // The channel stays this batch's own until its confirms are in: one that failed is closed, not cached.
        List<AmqpException> failures = template.invoke(operations -> {
            AmqpException sendFailure = null;
            for (Outgoing outgoing : messages) {
                CorrelationData correlation = new CorrelationData();
                try {
                    operations.send(exchangeName, routingKey, toAmqp(outgoing.headers(), outgoing.body()), correlation);
                } catch (AmqpException e) {
                    sendFailure = e;
                    break;
                }
                correlations.add(correlation);
            }
            List<AmqpException> answers = awaitConfirms(correlations);
            while (answers.size() < messages.size()) {
                answers.add(sendFailure);
            }
            if (sendFailure != null || answers.stream().anyMatch(ConfirmedPublisher::channelAtFault)) {
                discardChannel(operations);
            }
            return answers;
        });
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while waiting for the broker's confirms");
        }
        // A queue or binding is missing: declared again now rather than on the next connection, the
        // caller's retry of this publish finds its queue.
        if (failures.stream().anyMatch(UnroutableMessageException.class::isInstance)) {
            topology.redeclare("an unroutable publish to " + exchangeName);
        }
        return failures;
    }

    /** A message to publish: its headers (Camel's own are left out) and its body. */
    public record Outgoing(Map<String, Object> headers, byte[] body) {

        public Outgoing(Map<String, Object> headers, String body) {
            this(headers, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Each publish's outcome, all of them within one confirm timeout from now. */
    private List<AmqpException> awaitConfirms(List<CorrelationData> correlations) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(confirmTimeoutMillis);
        List<AmqpException> answers = new ArrayList<>(correlations.size());
        for (CorrelationData correlation : correlations) {
            CorrelationData.Confirm confirm = awaitConfirm(correlation, deadline);
            if (confirm == null) {
                answers.add(new NoConfirmException("no confirm from the broker within " + confirmTimeoutMillis + " ms"));
            } else if (!confirm.isAck()) {
                answers.add(new NoConfirmException("the broker refused the message: " + confirm.getReason()));
            } else if (correlation.getReturned() != null) {
                answers.add(new UnroutableMessageException(correlation.getReturned()));
            } else {
                answers.add(null);
            }
        }
        return answers;
    }

    private static boolean channelAtFault(AmqpException failure) {
        return failure instanceof NoConfirmException;
    }

    /** A nack, or no confirm in time: the channel that carried the publish is not used again. */
    private static final class NoConfirmException extends AmqpException {

        NoConfirmException(String message) {
            super(message);
        }
    }

    /**
     * The confirm, or null when none came by the deadline (or the thread was interrupted, which stays
     * flagged).
     */
    private CorrelationData.Confirm awaitConfirm(CorrelationData correlation, long deadlineNanos) {
        try {
            return correlation.getFuture().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return new CorrelationData.Confirm(false, "publish failed: " + e.getCause());
        }
    }

    /*
     * A nack means the broker could not take the message, typically because a quorum queue's leader
     * died. RabbitMQ 3.10 then goes on refusing on the same channel: a channel's first publish to a
     * quorum queue asks the node it believes leads the queue, and while that node is down, that
     * publish and every later one on the channel to that queue are refused (seen for 30 s and more
     * after a node was killed), while a new channel finds the new leader. So a channel that got a
     * nack, or no confirm in time, is closed when this publish releases it: the retry gets another.
     */
    private static void discardChannel(RabbitOperations operations) {
        operations.execute(channel -> {
            RabbitUtils.setPhysicalCloseRequired(channel, true);
            return null;
        });
    }

    private static Message toAmqp(Map<String, Object> headers, byte[] body) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_TEXT_PLAIN);
        properties.setContentEncoding(StandardCharsets.UTF_8.name());
        for (Map.Entry<String, Object> header : headers.entrySet()) {
            if (carried(header.getKey()) && header.getValue() != null) {
                properties.setHeader(header.getKey(), header.getValue());
            }
        }
        return new Message(body == null ? new byte[0] : body, properties);
    }

    /** Camel's headers stay in Camel; Spring's return-correlation headers are set afresh on every publish. */
    private static boolean carried(String name) {
        String lower = name.toLowerCase();
        return !lower.startsWith("camel") && !lower.startsWith("org.apache.camel") && !lower.startsWith("spring_");
    }
}
