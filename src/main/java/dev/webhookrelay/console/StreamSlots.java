package dev.webhookrelay.console;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.webhookrelay.api.problem.ProblemException;

/**
 * How many live streams are open, per tenant (its portal links and the operator's pages of it
 * together) and on this instance. Each open stream polls PostgreSQL and holds a connection, so a
 * stream past either cap is refused before it holds anything: one portal link opening a thousand
 * streams had delayed every other tenant's updates by half a minute.
 */
final class StreamSlots {

    /** About when a stream of a client that left is found out (its next heartbeat fails). */
    static final Duration RETRY_AFTER = Duration.ofSeconds(15);

    private final int perTenant;
    private final int total;
    private final Map<UUID, Integer> open = new HashMap<>();
    private int openTotal;

    StreamSlots(int perTenant, int total) {
        this.perTenant = perTenant;
        this.total = total;
    }

    /** One stream's place, or 429 when the tenant or the instance has the most streams open. */
    synchronized Slot take(UUID tenantId) {
        int tenantOpen = open.getOrDefault(tenantId, 0);
        if (tenantOpen >= perTenant) {
            throw ProblemException.tooManyRequests("The tenant has " + tenantOpen + " live streams open, the most"
                    + " relay.console.max-streams-per-tenant allows; close a live page or try again later", RETRY_AFTER);
        }
        if (openTotal >= total) {
            throw ProblemException.tooManyRequests("The relay has " + openTotal + " live streams open, the most"
                    + " relay.console.max-streams allows; try again later", RETRY_AFTER);
        }
        open.put(tenantId, tenantOpen + 1);
        openTotal++;
        return new Slot(tenantId);
    }

    synchronized int openOf(UUID tenantId) {
        return open.getOrDefault(tenantId, 0);
    }

    synchronized int openTotal() {
        return openTotal;
    }

    private synchronized void free(UUID tenantId) {
        open.computeIfPresent(tenantId, (tenant, count) -> count == 1 ? null : count - 1);
        openTotal--;
    }

    /** A taken place; released once, however many of a stream's ends (completion, timeout, error) call it. */
    final class Slot {

        private final UUID tenantId;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(UUID tenantId) {
            this.tenantId = tenantId;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                free(tenantId);
            }
        }
    }
}
