package dev.webhookrelay.broker;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.ReturnedMessage;

/** The broker accepted a publish but no queue was bound for it: the message would have vanished. */
public class UnroutableMessageException extends AmqpException {

    public UnroutableMessageException(ReturnedMessage returned) {
        super("exchange '" + returned.getExchange() + "' routed nothing for routing key '" + returned.getRoutingKey()
                + "' (" + returned.getReplyCode() + " " + returned.getReplyText() + ")");
    }
}
