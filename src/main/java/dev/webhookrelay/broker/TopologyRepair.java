package dev.webhookrelay.broker;

import java.util.List;

import dev.webhookrelay.config.RelayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.stereotype.Component;

/**
 * Puts back what was deleted of the relay's topology. RabbitAdmin declares it on every new
 * connection, but a queue an operator deletes (management UI, DELETE /api/queues) closes no
 * connection: until something declares it again, the relay's publishes to it are unroutable and its
 * consumers wait for it. Declaring is idempotent, so everything known is declared again, not only
 * the missing part.
 */
@Component("topologyRepair")
public class TopologyRepair {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyRepair.class);

    private final AmqpAdmin admin;
    private final String workQueue;
    private final List<String> deadLetterQueues;

    public TopologyRepair(AmqpAdmin admin, RelayProperties properties) {
        this.admin = admin;
        var names = properties.rabbitmq();
        this.workQueue = names.workQueue();
        this.deadLetterQueues = List.of(names.deadLetterQueue(), names.deadLetterRecorderQueue());
    }

    /**
     * The work queue as the broker reports it now, after the relay's own queues (work, dead-letter
     * and recorder queue) were each checked and declared again if missing; null if the work queue
     * is missing still. Throws when the broker cannot be asked. The dead-letter queues are checked
     * here because nothing else notices them gone: the relay's dead letters still route to the other.
     */
    public QueueInformation workQueue() {
        QueueInformation work = admin.getQueueInfo(workQueue);
        if (work == null || deadLetterQueues.stream().anyMatch(queue -> admin.getQueueInfo(queue) == null)) {
            redeclare("a queue of the relay is missing");
            work = admin.getQueueInfo(workQueue);
        }
        return work;
    }

    /** Declares the whole topology again; a failure is logged, and the next occasion tries again. */
    public void redeclare(String why) {
        LOG.warn("Redeclaring the RabbitMQ topology: {}", why);
        try {
            admin.initialize();
        } catch (AmqpException e) {
            LOG.warn("Could not redeclare the RabbitMQ topology: {}", e.getMessage());
        }
    }
}
