package dev.webhookrelay.broker;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.WorkQueueMessage;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Recognises a work message that RabbitMQ once dead-lettered from the work queue and an operator
 * moved back from the dead-letter queue (its x-death names the work queue). It is marked like the
 * relay's own dead letters, so the claim gives it a fresh attempt budget, as it does for them.
 */
@Component("movedBackDeadLetters")
public class MovedBackDeadLetters {

    private final String workQueue;

    public MovedBackDeadLetters(RelayProperties properties) {
        this.workQueue = properties.rabbitmq().workQueue();
    }

    public void mark(Exchange exchange) {
        var message = exchange.getMessage();
        if (message.getHeader(WorkQueueMessage.DEAD_LETTERED) == null
                && WorkQueueDeaths.find(message.getHeader("x-death"), workQueue).isPresent()) {
            message.setHeader(WorkQueueMessage.DEAD_LETTERED, "true");
        }
    }
}
