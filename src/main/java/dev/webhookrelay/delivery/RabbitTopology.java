package dev.webhookrelay.delivery;

import java.util.ArrayList;
import java.util.List;

import dev.webhookrelay.config.RelayProperties;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The RabbitMQ topology, declared by Spring's RabbitAdmin on every (re)connection, together with the
 * per-endpoint wait queues declared since start (see {@link #amqpAdmin}). All queues are durable
 * quorum queues, with relay.rabbitmq.quorum-initial-group-size replicas (0: the broker's default).
 * The routes in routes/ publish to the exchanges declared here:
 *
 * <pre>
 * work exchange --work--> work queue --(consumer)--> delivery route
 *      ^                      | rejected / over delivery limit
 *      |                      v
 *      |              dead-letter exchange --dead-letter--> dead-letter queue (operators replay from here)
 *      |                                   \-dead-letter--> recorder queue (the relay records broker dead letters)
 *      | x-message-ttl expires
 * wait queues (one per tier and jitter step, no consumers) <--queue name-- wait exchange
 * </pre>
 */
@Configuration
public class RabbitTopology {

    public static final String WORK_ROUTING_KEY = "work";
    public static final String DEAD_LETTER_ROUTING_KEY = "dead-letter";

    @Bean
    public RetrySchedule retrySchedule(RelayProperties properties) {
        var delivery = properties.delivery();
        return new RetrySchedule(delivery.retrySchedule(), delivery.jitter(), delivery.jitterBuckets(),
                properties.rabbitmq().waitQueuePrefix());
    }

    /**
     * Spring Boot's admin, plus: queues declared at run time (an endpoint's own retry schedule) are
     * remembered and redeclared with the rest on every (re)connection, so a broker that lost them, or
     * an operator who deleted one, gets them back.
     */
    @Bean
    public RabbitAdmin amqpAdmin(ConnectionFactory connectionFactory) {
        RabbitAdmin admin = new RabbitAdmin(connectionFactory);
        admin.setRedeclareManualDeclarations(true);
        return admin;
    }

    @Bean
    public Declarables relayTopology(RelayProperties properties, RetrySchedule schedule) {
        var names = properties.rabbitmq();
        List<Declarable> declarables = new ArrayList<>();

        DirectExchange work = new DirectExchange(names.workExchange(), true, false);
        DirectExchange wait = new DirectExchange(names.waitExchange(), true, false);
        DirectExchange deadLetter = new DirectExchange(names.deadLetterExchange(), true, false);
        declarables.add(work);
        declarables.add(wait);
        declarables.add(deadLetter);

        Queue workQueue = reliable(quorum(names.workQueue(), names))
                .deadLetterExchange(names.deadLetterExchange())
                .deadLetterRoutingKey(DEAD_LETTER_ROUTING_KEY)
                .deliveryLimit(names.workQueueDeliveryLimit())
                .build();
        declarables.add(workQueue);
        declarables.add(BindingBuilder.bind(workQueue).to(work).with(WORK_ROUTING_KEY));

        Queue deadLetterQueue = quorum(names.deadLetterQueue(), names).build();
        declarables.add(deadLetterQueue);
        declarables.add(BindingBuilder.bind(deadLetterQueue).to(deadLetter).with(DEAD_LETTER_ROUTING_KEY));
        // The same dead letters once more, for the relay alone: operators can move or purge theirs freely.
        Queue recorderQueue = quorum(names.deadLetterRecorderQueue(), names).build();
        declarables.add(recorderQueue);
        declarables.add(BindingBuilder.bind(recorderQueue).to(deadLetter).with(DEAD_LETTER_ROUTING_KEY));

        for (RetrySchedule.WaitQueue waitQueue : schedule.allWaitQueues()) {
            Queue queue = waitQueue(waitQueue, names);
            declarables.add(queue);
            Binding binding = BindingBuilder.bind(queue).to(wait).with(waitQueue.name());
            declarables.add(binding);
        }
        return new Declarables(declarables);
    }

    /** A wait queue: no consumers; its TTL expiry dead-letters the message back to the work exchange. */
    public static Queue waitQueue(RetrySchedule.WaitQueue waitQueue, RelayProperties.Rabbitmq names) {
        return reliable(quorum(waitQueue.name(), names))
                .ttl((int) waitQueue.ttlMillis())
                .deadLetterExchange(names.workExchange())
                .deadLetterRoutingKey(WORK_ROUTING_KEY)
                .build();
    }

    /**
     * A durable quorum queue, with x-quorum-initial-group-size when one is configured. The arguments
     * never depend on the cluster the relay finds (RabbitMQ caps a group size above the cluster's
     * node count), so one node and three get the same declarations, and every restart repeats them
     * exactly: RabbitMQ refuses (PRECONDITION_FAILED) a declaration whose arguments differ from the
     * existing queue's, this one included. 0 sends none, as relays before the setting did.
     */
    private static QueueBuilder quorum(String name, RelayProperties.Rabbitmq names) {
        QueueBuilder builder = QueueBuilder.durable(name).quorum();
        if (names.quorumInitialGroupSize() > 0) {
            builder.withArgument("x-quorum-initial-group-size", names.quorumInitialGroupSize());
        }
        return builder;
    }

    /** Quorum queues dead-letter at-most-once unless told otherwise, which could drop a retry. */
    private static QueueBuilder reliable(QueueBuilder builder) {
        return builder
                .withArgument("x-dead-letter-strategy", "at-least-once")
                .overflow(QueueBuilder.Overflow.rejectPublish);
    }
}
