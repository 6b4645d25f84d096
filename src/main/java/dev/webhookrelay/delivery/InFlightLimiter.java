package dev.webhookrelay.delivery;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.springframework.stereotype.Component;

/**
 * Caps concurrent attempts per endpoint within this relay instance, so a slow or dead endpoint can
 * hold at most that many consumer threads. A message over the cap is postponed through the
 * shortest wait queue rather than blocking a thread; the slot is released when the exchange ends,
 * however it ends.
 */
@Component("inFlightLimiter")
public class InFlightLimiter {

    public static final String POSTPONED = "relayPostponed";

    private final int cap;
    private final ConcurrentHashMap<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    public InFlightLimiter(RelayProperties properties) {
        this.cap = properties.delivery().maxInFlightPerEndpoint();
    }

    public void acquire(Exchange exchange) {
        UUID endpointId = WorkQueueMessage.deliveryId(exchange.getMessage().getHeader(WorkQueueMessage.ENDPOINT_ID));
        if (endpointId == null) {
            return;
        }
        AtomicInteger count = inFlight.computeIfAbsent(endpointId, id -> new AtomicInteger());
        if (count.incrementAndGet() > cap) {
            count.decrementAndGet();
            exchange.setProperty(POSTPONED, true);
            return;
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                count.decrementAndGet();
            }
        });
    }

    int inFlight(UUID endpointId) {
        AtomicInteger count = inFlight.get(endpointId);
        return count == null ? 0 : count.get();
    }
}
