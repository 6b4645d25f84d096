package dev.webhookrelay.delivery;

import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * Part of readiness: a relay whose work-queue consumer is started but whose work queue is missing
 * or has no consumer delivers nothing, while RabbitMQ itself answers. The broker counts the queue's
 * consumers of every instance, so this tells a relay whose consumers all wait for a deleted queue,
 * not one instance's alone. A consumer not started (relay.delivery.enabled false, or stopped by an
 * operator) is no failure: that instance consumes nothing on purpose.
 */
@Component("workQueueConsumers")
public class WorkQueueConsumersHealth extends AbstractHealthIndicator {

    private final CamelContext camel;
    private final AmqpAdmin admin;
    private final String workQueue;

    public WorkQueueConsumersHealth(CamelContext camel, AmqpAdmin admin, RelayProperties properties) {
        super("Work queue consumers check failed");
        this.camel = camel;
        this.admin = admin;
        this.workQueue = properties.rabbitmq().workQueue();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        ServiceStatus route = camel.getRouteController().getRouteStatus(WorkQueueListenerConfig.CONSUME_ROUTE);
        if (route == null || !route.isStarted()) {
            builder.up();
            return;
        }
        QueueInformation queue = admin.getQueueInfo(workQueue);
        if (queue == null || queue.getConsumerCount() == 0) {
            builder.down();
        } else {
            builder.up();
        }
    }
}
