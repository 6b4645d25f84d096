package dev.webhookrelay.delivery;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.Variable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Caps concurrent attempts within this relay instance per endpoint, so a slow or dead endpoint can
 * hold at most that many consumer threads, and per tenant across all of its endpoints, so a tenant
 * with many slow endpoints cannot hold every consumer while other tenants' deliveries wait.
 *
 * <p>A delivery over a cap waits briefly for a slot, but only while slots are being freed (a fast
 * endpoint frees one within milliseconds, and postponing its deliveries would churn them through the
 * wait queue); when none was freed for that long the endpoint or tenant is slow or hanging, and the
 * delivery is postponed through the shortest wait queue at once rather than holding a consumer
 * thread. The slots an attempt holds are released when its message is finished, however it ends
 * ({@link #release}, from the consume route's doFinally).
 */
@Component("inFlightLimiter")
public class InFlightLimiter {

    private final int endpointCap;
    private final int tenantCap;
    private final long waitNanos;
    private final UnaryOperator<UUID> tenantOfEndpoint;
    private final ConcurrentHashMap<UUID, Slots> endpoints = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, Slots> tenants = new ConcurrentHashMap<>();

    @Autowired
    public InFlightLimiter(RelayProperties properties, EndpointOwners owners) {
        this(properties.delivery().maxInFlightPerEndpoint(), properties.quotas().maxInFlightPerTenant(),
                properties.delivery().inFlightWait().toNanos(), owners::tenantOf);
    }

    InFlightLimiter(int endpointCap, int tenantCap, long waitNanos, UnaryOperator<UUID> tenantOfEndpoint) {
        this.endpointCap = endpointCap;
        this.tenantCap = tenantCap;
        this.waitNanos = waitNanos;
        this.tenantOfEndpoint = tenantOfEndpoint;
    }

    public void admit(@Variable("attempt") DeliveryAttempt attempt) throws InterruptedException {
        UUID endpointId = attempt.endpointId();
        if (endpointId == null) {
            return;
        }
        if (!hold(attempt, endpoints.computeIfAbsent(endpointId, id -> new Slots(endpointCap)))) {
            attempt.postpone();
            return;
        }
        UUID tenantId = attempt.message().tenantId();
        if (tenantId == null) {
            tenantId = tenantOfEndpoint.apply(endpointId);
        }
        if (tenantId != null && !hold(attempt, tenants.computeIfAbsent(tenantId, id -> new Slots(tenantCap)))) {
            attempt.postpone();
        }
    }

    public void release(@Variable("attempt") DeliveryAttempt attempt) {
        attempt.releaseHeld();
    }

    private boolean hold(DeliveryAttempt attempt, Slots slots) throws InterruptedException {
        if (!slots.tryAcquire(waitNanos)) {
            return false;
        }
        attempt.holdUntilFinished(slots::release);
        return true;
    }

    private static final class Slots {

        private final Semaphore permits;
        private volatile long lastReleaseNanos = System.nanoTime();

        Slots(int cap) {
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
