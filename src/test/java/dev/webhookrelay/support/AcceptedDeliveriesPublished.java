package dev.webhookrelay.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Done once this many more work messages were confirmed into the work queue. Ingest gathers the
 * deliveries of accepted events into batches a few milliseconds after it answered, so neither the
 * ingest's exchange nor the number of batches tells: the relay's own count of confirmed publishes
 * (relay.work.published) does. A test that holds the consumers and the sweeper publishes nothing else.
 */
public final class AcceptedDeliveriesPublished {

    private final Counter published;
    private final double target;

    AcceptedDeliveriesPublished(MeterRegistry registry, int deliveries) {
        this.published = registry.counter("relay.work.published");
        this.target = published.count() + deliveries;
    }

    /** Waits up to the timeout; true when all of them were published. */
    public boolean matches(long timeout, TimeUnit unit) {
        try {
            await().atMost(Duration.ofMillis(unit.toMillis(timeout))).pollInterval(Duration.ofMillis(20))
                    .until(() -> published.count() >= target);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }
}
