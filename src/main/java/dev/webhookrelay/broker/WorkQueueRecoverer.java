package dev.webhookrelay.broker;

import java.io.IOException;

import com.rabbitmq.client.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.ConsumerChannelRegistry;
import org.springframework.amqp.rabbit.retry.MessageRecoverer;

/**
 * What the work-queue listener does with a message whose handling threw past the route: an Error,
 * which Camel's doCatch does not see. Spring AMQP's default recoverer only logs "Message(s) dropped
 * on recovery" and, under manual acks, leaves the message unacked on its channel for good (its
 * delivery stranded, and with prefetch 1 the consumer idle). This one requeues it on the consumer's
 * own channel after a pause, like the route's requeue, so the broker's delivery limit still ends a
 * message that fails every time.
 */
public class WorkQueueRecoverer implements MessageRecoverer {

    private static final Logger LOG = LoggerFactory.getLogger(WorkQueueRecoverer.class);
    private static final long PAUSE_MILLIS = 1000;

    @Override
    public void recover(Message message, Throwable cause) {
        Object deliveryId = message.getMessageProperties().getHeaders().get(WorkMessage.DELIVERY_ID);
        LOG.error("Delivery {} not finished ({}); requeued", deliveryId, cause.toString(), cause);
        Channel channel = ConsumerChannelRegistry.getConsumerChannel();
        if (channel == null) {
            // No channel bound to this thread: closing the consumer's channel requeues what it held.
            throw new IllegalStateException("no consumer channel to requeue on", cause);
        }
        try {
            Thread.sleep(PAUSE_MILLIS);
            // A closed channel gave the message back itself (see WorkQueueAcks.requeue).
            if (channel.isOpen()) {
                channel.basicNack(message.getMessageProperties().getDeliveryTag(), false, true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted before requeueing delivery " + deliveryId, cause);
        } catch (IOException e) {
            throw new IllegalStateException("could not requeue delivery " + deliveryId, e);
        }
    }
}
