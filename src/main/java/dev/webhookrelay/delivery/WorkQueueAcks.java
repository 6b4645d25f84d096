package dev.webhookrelay.delivery;

import java.io.IOException;

import com.rabbitmq.client.Channel;
import org.apache.camel.Exchange;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.springframework.stereotype.Component;

/**
 * Manual acknowledgement of work-queue messages. The delivery route acks only at its very end, after
 * the outcome is committed and any successor message is confirmed; on an infrastructure failure the
 * message is requeued (the quorum queue's delivery limit stops a poison message from looping).
 */
@Component("workQueueAcks")
public class WorkQueueAcks {

    public static final String DELIVERY_TAG = "relayDeliveryTag";

    /** Keeps the tag: the headers it arrived in are removed before the HTTP call. */
    public void remember(Exchange exchange) {
        exchange.setProperty(DELIVERY_TAG, exchange.getMessage().getHeader(SpringRabbitMQConstants.DELIVERY_TAG, Long.class));
    }

    public void ack(Exchange exchange) throws IOException {
        channel(exchange).basicAck(tag(exchange), false);
    }

    public void requeue(Exchange exchange) throws IOException {
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
