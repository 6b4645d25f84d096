package dev.webhookrelay.delivery;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import dev.webhookrelay.config.RabbitTopology;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.problem.ProblemException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.stereotype.Component;

/**
 * The default retry schedule and the per-endpoint ones. An endpoint's own schedule gets its wait
 * queues declared the first time it is used (declaring is idempotent, and a queue's name carries its
 * TTL, so two schedules can share queues but never conflict); the admin remembers them and declares
 * them again on every (re)connection (RabbitTopology#amqpAdmin).
 */
@Component
public class RetrySchedules {

    static final int MAX_DELAYS = 20;
    static final Duration MIN_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofDays(7);

    private final RetrySchedule defaultSchedule;
    private final RelayProperties properties;
    private final AmqpAdmin admin;
    private final ConcurrentHashMap<String, RetrySchedule> custom = new ConcurrentHashMap<>();

    public RetrySchedules(RetrySchedule defaultSchedule, RelayProperties properties, AmqpAdmin admin) {
        this.defaultSchedule = defaultSchedule;
        this.properties = properties;
        this.admin = admin;
    }

    public RetrySchedule forEndpoint(String spec) {
        if (spec == null || spec.isBlank()) {
            return defaultSchedule;
        }
        return custom.computeIfAbsent(spec, this::declare);
    }

    /** Parses an endpoint's schedule as the API receives it: "30s,5m,1h". */
    public static List<Duration> parse(String spec) {
        List<String> parts = Arrays.stream(spec.split(",")).map(String::trim).toList();
        if (parts.isEmpty() || parts.size() > MAX_DELAYS) {
            throw ProblemException.invalid("retrySchedule", "retrySchedule needs 1 to " + MAX_DELAYS + " delays");
        }
        try {
            List<Duration> delays = parts.stream().map(DurationStyle::detectAndParse).toList();
            if (delays.stream().anyMatch(d -> d.compareTo(MIN_DELAY) < 0 || d.compareTo(MAX_DELAY) > 0)) {
                throw ProblemException.invalid("retrySchedule", "each delay must be from 1s to 7d");
            }
            return delays;
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("retrySchedule", "retrySchedule must be delays such as \"30s,5m,1h\"");
        }
    }

    private RetrySchedule declare(String spec) {
        var delivery = properties.delivery();
        var names = properties.rabbitmq();
        RetrySchedule schedule = new RetrySchedule(parse(spec), delivery.jitter(), delivery.jitterBuckets(),
                names.waitQueuePrefix());
        DirectExchange wait = new DirectExchange(names.waitExchange(), true, false);
        for (RetrySchedule.WaitQueue waitQueue : schedule.allWaitQueues()) {
            Queue queue = RabbitTopology.waitQueue(waitQueue, names);
            admin.declareQueue(queue);
            admin.declareBinding(new Binding(queue.getName(), Binding.DestinationType.QUEUE, wait.getName(),
                    waitQueue.name(), null));
        }
        return schedule;
    }
}
