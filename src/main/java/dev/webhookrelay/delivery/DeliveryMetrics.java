package dev.webhookrelay.delivery;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/** The relay's delivery meters; tags are low-cardinality (outcome only, never ids or URLs). */
@Component
public class DeliveryMetrics {

    private final MeterRegistry registry;

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void attempted(String outcome, long durationMillis) {
        Counter.builder("relay.deliveries").description("Delivery attempts by the outcome they led to")
                .tag("outcome", outcome).register(registry).increment();
        Timer.builder("relay.attempt.duration").description("HTTP attempt duration by outcome")
                .tag("outcome", outcome).publishPercentileHistogram()
                .register(registry).record(durationMillis, TimeUnit.MILLISECONDS);
    }

    public void skipped(String reason) {
        Counter.builder("relay.deliveries.skipped").description("Work messages skipped after the database check")
                .tag("reason", reason).register(registry).increment();
    }
}
