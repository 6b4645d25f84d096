package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.delivery.DeliveryAttempt.Next;
import org.junit.jupiter.api.Test;

class InFlightLimiterTest {

    private final UUID endpoint = UUID.randomUUID();

    @Test
    void aDeliveryOverTheCapWaitsForTheSlotOfAnEndpointThatIsFreeingSlots() throws Exception {
        InFlightLimiter limiter = new InFlightLimiter(1, 100, Duration.ofSeconds(5).toNanos(), endpoint -> null);
        DeliveryAttempt first = attemptTo(endpoint, null);
        limiter.admit(first);

        CompletableFuture.runAsync(() -> limiter.release(first), CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
        DeliveryAttempt second = attemptTo(endpoint, null);
        limiter.admit(second);

        assertThat(second.next()).isEqualTo(Next.SEND);
    }

    @Test
    void aDeliveryOverTheCapOfAnEndpointThatFreedNoSlotForTheWaitIsPostponedAtOnce() throws Exception {
        InFlightLimiter limiter = new InFlightLimiter(1, 100, Duration.ofMillis(200).toNanos(), endpoint -> null);
        DeliveryAttempt hanging = attemptTo(endpoint, null);
        limiter.admit(hanging);
        Thread.sleep(300);

        // The slot frees up within the wait, but the endpoint had gone quiet: waiting is not tried.
        CompletableFuture.runAsync(() -> limiter.release(hanging), CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
        DeliveryAttempt next = attemptTo(endpoint, null);
        limiter.admit(next);

        assertThat(next.next()).isEqualTo(Next.POSTPONE);
    }

    @Test
    void deliveriesToOtherEndpointsAreNotHeldByAFullOne() throws Exception {
        InFlightLimiter limiter = new InFlightLimiter(1, 100, Duration.ofMillis(200).toNanos(), endpoint -> null);
        limiter.admit(attemptTo(endpoint, null));

        DeliveryAttempt other = attemptTo(UUID.randomUUID(), null);
        limiter.admit(other);

        assertThat(other.next()).isEqualTo(Next.SEND);
    }

    @Test
    void aTenantAtItsCapPostponesDeliveriesToAnyOfItsEndpointsButNotOtherTenants() throws Exception {
        UUID busy = UUID.randomUUID();
        InFlightLimiter limiter = new InFlightLimiter(10, 2, Duration.ofMillis(200).toNanos(), endpoint -> busy);
        limiter.admit(attemptTo(UUID.randomUUID(), busy));
        limiter.admit(attemptTo(UUID.randomUUID(), busy));
        Thread.sleep(300);

        DeliveryAttempt third = attemptTo(UUID.randomUUID(), busy);
        limiter.admit(third);
        // No relay-tenant-id header (a message published before it existed): the endpoint's owner counts.
        DeliveryAttempt untagged = attemptTo(UUID.randomUUID(), null);
        limiter.admit(untagged);
        DeliveryAttempt otherTenant = attemptTo(UUID.randomUUID(), UUID.randomUUID());
        limiter.admit(otherTenant);

        assertThat(third.next()).isEqualTo(Next.POSTPONE);
        assertThat(untagged.next()).isEqualTo(Next.POSTPONE);
        assertThat(otherTenant.next()).isEqualTo(Next.SEND);
    }

    @Test
    void aDeliveryPostponedForItsTenantGivesBackItsEndpointSlot() throws Exception {
        UUID tenant = UUID.randomUUID();
        InFlightLimiter limiter = new InFlightLimiter(1, 1, Duration.ofMillis(200).toNanos(), endpoint -> tenant);
        limiter.admit(attemptTo(UUID.randomUUID(), tenant));
        Thread.sleep(300);
        DeliveryAttempt postponed = attemptTo(endpoint, tenant);
        limiter.admit(postponed);
        limiter.release(postponed);

        DeliveryAttempt sameEndpointOtherTenant = attemptTo(endpoint, UUID.randomUUID());
        limiter.admit(sameEndpointOtherTenant);

        assertThat(postponed.next()).isEqualTo(Next.POSTPONE);
        assertThat(sameEndpointOtherTenant.next()).isEqualTo(Next.SEND);
    }

    private static DeliveryAttempt attemptTo(UUID endpointId, UUID tenantId) {
        return DeliveryAttempt.of(new WorkMessage(UUID.randomUUID(), endpointId, tenantId, 1), false);
    }
}
