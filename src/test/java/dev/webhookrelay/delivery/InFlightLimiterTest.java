package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InFlightLimiterTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final UUID endpoint = UUID.randomUUID();

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    @Test
    void aDeliveryOverTheCapWaitsForTheSlotOfAnEndpointThatIsFreeingSlots() throws Exception {
        InFlightLimiter limiter = new InFlightLimiter(1, 100, Duration.ofSeconds(5).toNanos(), endpoint -> null);
        Exchange first = attempt();
        limiter.acquire(first);

        CompletableFuture.runAsync(() -> finish(first), CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
        Exchange second = attempt();
        limiter.acquire(second);

        assertThat(second.getProperty(InFlightLimiter.POSTPONED)).isNull();
    }

    @Test
    void aDeliveryOverTheCapOfAnEndpointThatFreedNoSlotForTheWaitIsPostponedAtOnce() throws Exception {
        InFlightLimiter limiter = new InFlightLimiter(1, 100, Duration.ofMillis(200).toNanos(), endpoint -> null);
        Exchange hanging = attempt();
        limiter.acquire(hanging);
        Thread.sleep(300);

        // The slot frees up within the wait, but the endpoint had gone quiet: waiting is not tried.
        CompletableFuture.runAsync(() -> finish(hanging), CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
        Exchange next = attempt();
        limiter.acquire(next);

        assertThat(next.getProperty(InFlightLimiter.POSTPONED)).isEqualTo(true);
    }

    @Test
    void deliveriesToOtherEndpointsAreNotHeldByAFullOne() throws Exception {
        InFlightLimiter limiter = new InFlightLimiter(1, 100, Duration.ofMillis(200).toNanos(), endpoint -> null);
        limiter.acquire(attempt());

        Exchange other = new DefaultExchange(camel);
        other.getMessage().setHeader(WorkQueueMessage.ENDPOINT_ID, UUID.randomUUID().toString());
        limiter.acquire(other);

        assertThat(other.getProperty(InFlightLimiter.POSTPONED)).isNull();
    }

    @Test
    void aTenantAtItsCapPostponesDeliveriesToAnyOfItsEndpointsButNotOtherTenants() throws Exception {
        UUID busy = UUID.randomUUID();
        InFlightLimiter limiter = new InFlightLimiter(10, 2, Duration.ofMillis(200).toNanos(), endpoint -> busy);
        limiter.acquire(attemptTo(UUID.randomUUID(), busy));
        limiter.acquire(attemptTo(UUID.randomUUID(), busy));
        Thread.sleep(300);

        Exchange third = attemptTo(UUID.randomUUID(), busy);
        limiter.acquire(third);
        // No relay-tenant-id header (a message published before it existed): the endpoint's owner counts.
        Exchange untagged = new DefaultExchange(camel);
        untagged.getMessage().setHeader(WorkQueueMessage.ENDPOINT_ID, UUID.randomUUID().toString());
        limiter.acquire(untagged);
        Exchange otherTenant = attemptTo(UUID.randomUUID(), UUID.randomUUID());
        limiter.acquire(otherTenant);

        assertThat(third.getProperty(InFlightLimiter.POSTPONED)).isEqualTo(true);
        assertThat(untagged.getProperty(InFlightLimiter.POSTPONED)).isEqualTo(true);
        assertThat(otherTenant.getProperty(InFlightLimiter.POSTPONED)).isNull();
    }

    @Test
    void aDeliveryPostponedForItsTenantGivesBackItsEndpointSlot() throws Exception {
        UUID tenant = UUID.randomUUID();
        InFlightLimiter limiter = new InFlightLimiter(1, 1, Duration.ofMillis(200).toNanos(), endpoint -> tenant);
        limiter.acquire(attemptTo(UUID.randomUUID(), tenant));
        Thread.sleep(300);
        Exchange postponed = attemptTo(endpoint, tenant);
        limiter.acquire(postponed);
        finish(postponed);

        Exchange sameEndpointOtherTenant = attemptTo(endpoint, UUID.randomUUID());
        limiter.acquire(sameEndpointOtherTenant);

        assertThat(postponed.getProperty(InFlightLimiter.POSTPONED)).isEqualTo(true);
        assertThat(sameEndpointOtherTenant.getProperty(InFlightLimiter.POSTPONED)).isNull();
    }

    private Exchange attemptTo(UUID endpointId, UUID tenantId) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(WorkQueueMessage.ENDPOINT_ID, endpointId.toString());
        exchange.getMessage().setHeader(WorkQueueMessage.TENANT_ID, tenantId.toString());
        return exchange;
    }

    private Exchange attempt() {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(WorkQueueMessage.ENDPOINT_ID, endpoint.toString());
        return exchange;
    }

    private static void finish(Exchange exchange) {
        exchange.getExchangeExtension().handoverCompletions().forEach(done -> done.onComplete(exchange));
    }
}
