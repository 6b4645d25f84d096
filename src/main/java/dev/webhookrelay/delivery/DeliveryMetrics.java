package dev.webhookrelay.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/** The relay's delivery meters; tags are low-cardinality (outcome only, never ids or URLs). */
@Component
public class DeliveryMetrics {

    private final MeterRegistry registry;
    /** Meters by outcome, built once: registering on every attempt costs a registry lookup each time. */
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Map<String, Counter> skips = new ConcurrentHashMap<>();
    private final Map<String, Counter> reconciled = new ConcurrentHashMap<>();
    private final Counter deadLettersNotQueued;

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.deadLettersNotQueued = Counter.builder("relay.dead.letters.not.queued")
                .description("Abandoned attempts dead-lettered in PostgreSQL whose copy the broker refused to the dead-letter queue")
                .register(registry);
    }

    public void attempted(String outcome, long durationMillis) {
        outcomes.computeIfAbsent(outcome, o -> Counter.builder("relay.deliveries")
                .description("Delivery attempts by the outcome they led to").tag("outcome", o).register(registry))
                .increment();
        durations.computeIfAbsent(outcome, o -> Timer.builder("relay.attempt.duration")
                .description("HTTP attempt duration by outcome").tag("outcome", o).publishPercentileHistogram()
                .register(registry)).record(durationMillis, TimeUnit.MILLISECONDS);
    }

    public void skipped(String reason) {
        skips.computeIfAbsent(reason, r -> Counter.builder("relay.deliveries.skipped")
                .description("Work messages skipped after the database check").tag("reason", r).register(registry))
                .increment();
    }

    public void reconciled(String reason, int count) {
        reconciled.computeIfAbsent(reason, r -> Counter.builder("relay.deliveries.reconciled")
                .description("Deliveries republished by the reconciler, by why they were overdue").tag("reason", r)
                .register(registry)).increment(count);
    }

    public void deadLetterNotQueued() {
        deadLettersNotQueued.increment();
    }
}
