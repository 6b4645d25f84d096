package dev.webhookrelay.broker;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads RabbitMQ's x-death header for the work queue. Only the broker writes such an entry (the
 * relay publishes its own dead letters afresh, without x-death, and wait queues expire into the work
 * queue, never out of it), so a message carrying one was dead-lettered by RabbitMQ from the work queue.
 */
public final class WorkQueueDeaths {

    private WorkQueueDeaths() {
    }

    public static Optional<Map<?, ?>> find(Object xDeathHeader, String workQueue) {
        if (!(xDeathHeader instanceof List<?> deaths)) {
            return Optional.empty();
        }
        return deaths.stream()
                .filter(d -> d instanceof Map<?, ?> death && workQueue.equals(String.valueOf(death.get("queue"))))
                .<Map<?, ?>>map(d -> (Map<?, ?>) d)
                .findFirst();
    }
}
