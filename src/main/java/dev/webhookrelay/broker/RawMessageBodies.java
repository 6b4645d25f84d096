package dev.webhookrelay.broker;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.support.converter.MessageConversionException;
import org.springframework.amqp.support.converter.MessageConverter;
import org.springframework.stereotype.Component;

/**
 * How the relay's consumers (work and recorder queues) hand a message's body to their routes: as the
 * bytes the AMQP client read, whatever its content type. Camel's default converter made a String of
 * every text/* body: a second copy of a body that anyone with broker access can make tens of
 * megabytes. The routes read headers, and a body only for its length (WorkMessageReader) or to keep
 * it in a dead letter (WorkPublisher.deadLetterUnreadable).
 */
@Component("rawMessageBodies")
public class RawMessageBodies implements MessageConverter {

    @Override
    public Object fromMessage(Message message) {
        byte[] body = message.getBody();
        return body == null ? new byte[0] : body;
    }

    /** Consumers only: the relay publishes through ConfirmedPublisher. */
    @Override
    public Message toMessage(Object object, MessageProperties properties) {
        throw new MessageConversionException("rawMessageBodies only reads consumed messages");
    }
}
