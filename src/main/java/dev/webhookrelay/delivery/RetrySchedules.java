package dev.webhookrelay.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Queue;
import org.springframework.stereotype.Component;

/**
 * The default retry schedule and the per-endpoint ones. An endpoint's own schedule lies on the
 * {@link RetryGrid}, so schedules equal in value are one schedule with one set of wait queues, and
 * all of them together can only ever declare a small, fixed set of queues. Queues are declared the
 * first time a schedule is used (a queue's name carries its TTL, so schedules share queues but never
 * conflict); the admin remembers them and declares them again on every (re)connection
 * (RabbitTopology#amqpAdmin).
 */
@Component
public class RetrySchedules {

    private final RetrySchedule defaultSchedule;
    private final RelayProperties properties;
    private final AmqpAdmin admin;
    private final int maxTiers;
    /** By value on the grid, not by text: "60s" and "1m" are one schedule. */
    private final Cache<List<Duration>, RetrySchedule> custom = Caffeine.newBuilder().maximumSize(10_000).build();
    /** Bounded by the grid: 148 values times the jitter buckets. */
    private final Set<String> declaredQueues = ConcurrentHashMap.newKeySet();

    public RetrySchedules(RetrySchedule defaultSchedule, RelayProperties properties, AmqpAdmin admin) {
        this.defaultSchedule = defaultSchedule;
        this.properties = properties;
        this.admin = admin;
        this.maxTiers = properties.quotas().maxRetryTiers();
    }

    /** The schedule of an endpoint from its stored retry_schedule (null or blank: the default one). */
    public RetrySchedule forEndpoint(String spec) {
        if (spec == null || spec.isBlank()) {
            return defaultSchedule;
        }
        return RetryGrid.stored(spec).map(delays -> custom.get(delays, this::declare)).orElse(defaultSchedule);
    }

    /**
     * An endpoint's schedule as the API receives it ("30s,5m,1h"): refused unless every tier is from
     * 1 s to 7 d and there are at most relay.quotas.max-retry-tiers of them; answered on the grid.
     */
    public String validate(String spec) {
        List<Duration> delays;
        try {
            delays = RetryGrid.parse(spec);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("retrySchedule", "retrySchedule must be delays such as \"30s,5m,1h\"");
        }
        if (delays.size() > maxTiers) {
            throw ProblemException.invalid("retrySchedule", "retrySchedule has " + delays.size()
                    + " delays; at most " + maxTiers + " are allowed (relay.quotas.max-retry-tiers)");
        }
        if (delays.stream().anyMatch(d -> d.compareTo(RetryGrid.MIN) < 0 || d.compareTo(RetryGrid.MAX) > 0)) {
            throw ProblemException.invalid("retrySchedule", "each delay must be from 1s to 7d");
        }
        return RetryGrid.format(RetryGrid.snap(delays));
    }

    private RetrySchedule declare(List<Duration> delays) {
        var delivery = properties.delivery();
        var names = properties.rabbitmq();
        RetrySchedule schedule = new RetrySchedule(delays, delivery.jitter(), delivery.jitterBuckets(),
                names.waitQueuePrefix());
        for (RetrySchedule.WaitQueue waitQueue : schedule.allWaitQueues()) {
            if (!declaredQueues.contains(waitQueue.name())) {
                Queue queue = RabbitTopology.waitQueue(waitQueue, names);
                admin.declareQueue(queue);
                admin.declareBinding(new Binding(queue.getName(), Binding.DestinationType.QUEUE, names.waitExchange(),
                        waitQueue.name(), null));
                declaredQueues.add(waitQueue.name());
            }
        }
        return schedule;
    }
}
