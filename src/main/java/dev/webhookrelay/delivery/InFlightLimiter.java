package dev.webhookrelay.delivery;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.springframework.stereotype.Component;

/**
 * Caps concurrent attempts per endpoint within this relay instance, so a slow or dead endpoint can
 * hold at most that many consumer threads. A delivery waits briefly for a slot (a fast endpoint frees
 * one within milliseconds); when none frees up it is postponed through the shortest wait queue rather
 * than blocking a consumer thread. The slot is released when the exchange ends, however it ends.
 */
@Component("inFlightLimiter")
public class InFlightLimiter {

    public static final String POSTPONED = "relayPostponed";

    private final int cap;
    private final long waitMillis;
    private final ConcurrentHashMap<UUID, Semaphore> slots = new ConcurrentHashMap<>();

    public InFlightLimiter(RelayProperties properties) {
        this.cap = properties.delivery().maxInFlightPerEndpoint();
        this.waitMillis = properties.delivery().inFlightWait().toMillis();
    }

    public void acquire(Exchange exchange) throws InterruptedException {
        UUID endpointId = WorkQueueMessage.uuid(exchange.getMessage().getHeader(WorkQueueMessage.ENDPOINT_ID));
        if (endpointId == null) {
            return;
        }
        Semaphore endpointSlots = slots.computeIfAbsent(endpointId, id -> new Semaphore(cap));
        if (!endpointSlots.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
            exchange.setProperty(POSTPONED, true);
            return;
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                endpointSlots.release();
            }
        });
    }
}
