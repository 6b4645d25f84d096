package dev.webhookrelay.delivery;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Caps concurrent attempts per endpoint within this relay instance, so a slow or dead endpoint can
 * hold at most that many consumer threads. A delivery over the cap waits briefly for a slot, but only
 * while the endpoint is freeing slots (a fast endpoint frees one within milliseconds, and postponing
 * its deliveries would churn them through the wait queue); an endpoint that has freed none for that
 * long is slow or hanging, and its delivery is postponed through the shortest wait queue at once
 * rather than holding a consumer thread. The slot is released when the exchange ends, however it ends.
 */
@Component("inFlightLimiter")
public class InFlightLimiter {

    public static final String POSTPONED = "relayPostponed";

    private final int cap;
    private final long waitNanos;
    private final ConcurrentHashMap<UUID, EndpointSlots> slots = new ConcurrentHashMap<>();

    @Autowired
    public InFlightLimiter(RelayProperties properties) {
        this(properties.delivery().maxInFlightPerEndpoint(), properties.delivery().inFlightWait().toNanos());
    }

    InFlightLimiter(int cap, long waitNanos) {
        this.cap = cap;
        this.waitNanos = waitNanos;
    }

    public void acquire(Exchange exchange) throws InterruptedException {
        UUID endpointId = WorkQueueMessage.uuid(exchange.getMessage().getHeader(WorkQueueMessage.ENDPOINT_ID));
        if (endpointId == null) {
            return;
        }
        EndpointSlots endpoint = slots.computeIfAbsent(endpointId, id -> new EndpointSlots(cap));
        if (!endpoint.tryAcquire(waitNanos)) {
            exchange.setProperty(POSTPONED, true);
            return;
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                endpoint.release();
            }
        });
    }

    private static final class EndpointSlots {

        private final Semaphore permits;
        private volatile long lastReleaseNanos = System.nanoTime();

        EndpointSlots(int cap) {
            this.permits = new Semaphore(cap);
        }

        boolean tryAcquire(long waitNanos) throws InterruptedException {
            if (permits.tryAcquire()) {
                return true;
            }
            boolean freeingSlots = System.nanoTime() - lastReleaseNanos < waitNanos;
            return freeingSlots && permits.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
        }

        void release() {
            lastReleaseNanos = System.nanoTime();
            permits.release();
        }
    }
}
