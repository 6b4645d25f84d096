package dev.webhookrelay.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import dev.webhookrelay.api.problem.ProblemException;
import org.junit.jupiter.api.Test;

/** A tenant, and the instance, have at most their number of streams open; a released slot is free again, once. */
class StreamSlotsTest {

    private final UUID tenant = UUID.randomUUID();
    private final UUID other = UUID.randomUUID();

    @Test
    void aTenantPastItsCapIsRefusedWhileAnotherTenantStillOpens() {
        StreamSlots slots = new StreamSlots(2, 10);
        slots.take(tenant);
        StreamSlots.Slot second = slots.take(tenant);

        assertThatThrownBy(() -> slots.take(tenant)).isInstanceOfSatisfying(ProblemException.class, refused -> {
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.getMessage()).contains("relay.console.max-streams-per-tenant");
            assertThat(refused.retryAfter()).isPositive();
        });
        slots.take(other);
        assertThat(slots.openOf(tenant)).isEqualTo(2);
        assertThat(slots.openTotal()).isEqualTo(3);

        second.release();
        slots.take(tenant);
        assertThat(slots.openOf(tenant)).isEqualTo(2);
    }

    @Test
    void theInstancePastItsCapRefusesEveryTenant() {
        StreamSlots slots = new StreamSlots(5, 3);
        slots.take(tenant);
        slots.take(tenant);
        StreamSlots.Slot third = slots.take(other);

        assertThatThrownBy(() -> slots.take(UUID.randomUUID())).isInstanceOfSatisfying(ProblemException.class,
                refused -> assertThat(refused.getMessage()).contains("relay.console.max-streams "));
        third.release();
        slots.take(UUID.randomUUID());
        assertThat(slots.openTotal()).isEqualTo(3);
    }

    @Test
    void aSlotReleasedTwiceFreesOnePlace() {
        StreamSlots slots = new StreamSlots(2, 10);
        StreamSlots.Slot slot = slots.take(tenant);
        slots.take(tenant);

        slot.release();
        slot.release();

        assertThat(slots.openOf(tenant)).isEqualTo(1);
        assertThat(slots.openTotal()).isEqualTo(1);
        slots.take(tenant);
        assertThatThrownBy(() -> slots.take(tenant)).isInstanceOf(ProblemException.class);
    }
}
