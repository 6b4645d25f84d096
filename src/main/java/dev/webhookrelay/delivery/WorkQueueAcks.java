package dev.webhookrelay.delivery;

import java.io.IOException;

import com.rabbitmq.client.Channel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
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

    public static final String DELIVERY_TAG = "relayDeliveryTag";

    private final Counter requeues;

    public WorkQueueAcks(MeterRegistry registry) {
        this.requeues = Counter.builder("relay.messages.requeued")
                .description("Consumed messages handed back to their queue after a failure").register(registry);
    }

    /** Keeps the tag: the headers it arrived in are removed before the HTTP call. */
    public void remember(Exchange exchange) {
        exchange.setProperty(DELIVERY_TAG, exchange.getMessage().getHeader(SpringRabbitMQConstants.DELIVERY_TAG, Long.class));
    }

    public void ack(Exchange exchange) throws IOException {
        channel(exchange).basicAck(tag(exchange), false);
    }

    public void requeue(Exchange exchange) throws IOException {
        requeues.increment();
        channel(exchange).basicNack(tag(exchange), false, true);
    }

    private static Channel channel(Exchange exchange) {
        return exchange.getProperty(SpringRabbitMQConstants.CHANNEL, Channel.class);
    }

    private static long tag(Exchange exchange) {
        Long tag = exchange.getProperty(DELIVERY_TAG, Long.class);
        return tag != null ? tag : exchange.getMessage().getHeader(SpringRabbitMQConstants.DELIVERY_TAG, Long.class);
    }
}
