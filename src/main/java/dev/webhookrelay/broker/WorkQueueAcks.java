package dev.webhookrelay.broker;

import java.io.IOException;

import com.rabbitmq.client.Channel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.springframework.stereotype.Component;

/**
 * Manual acknowledgement of work-queue (and recorder-queue) messages. The delivery route acks only at
 * its very end, after the outcome is committed and any successor message is confirmed; on an
 * infrastructure failure the message is requeued (the quorum queue's delivery limit stops a poison
 * message from looping). Requeues are counted: each one spends one of the message's deliveries.
 */
@Component("workQueueAcks")
public class WorkQueueAcks {

    /** Where a consumed message is acknowledged: kept in the variable {@code receipt}, since the route replaces the headers. */
    public record Receipt(Channel channel, long deliveryTag) {
    }

    private final Counter requeues;

    public WorkQueueAcks(MeterRegistry registry) {
        this.requeues = Counter.builder("relay.messages.requeued")
                .description("Consumed messages handed back to their queue after a failure").register(registry);
    }

    public Receipt receipt(@ExchangeProperty(SpringRabbitMQConstants.CHANNEL) Channel channel,
            @Header(SpringRabbitMQConstants.DELIVERY_TAG) long deliveryTag) {
        return new Receipt(channel, deliveryTag);
    }

    public void ack(@Variable("receipt") Receipt receipt) throws IOException {
        if (!receipt.channel().isOpen()) {
            throw new IOException("the channel closed before the ack (its connection or broker node went away): "
                    + "the broker delivers the message again");
        }
        receipt.channel().basicAck(receipt.deliveryTag(), false);
    }

    /*
     * A closed channel (its connection or broker node is gone) already gave its unacked messages back.
     * Nacking through Spring's cached channel would open a new channel on the new connection, where
     * the delivery tag is unknown and the broker closes that channel too (PRECONDITION_FAILED).
     */
    public void requeue(@Variable("receipt") Receipt receipt) throws IOException {
        requeues.increment();
        if (receipt.channel().isOpen()) {
            receipt.channel().basicNack(receipt.deliveryTag(), false, true);
        }
    }
}
