package dev.webhookrelay.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.delivery.RefusedPublish;
import dev.webhookrelay.support.FastRouteTest;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpConnectException;

/**
 * routes/reconcile.camel.yaml: a reconciliation claims batch after batch while the reconciler says
 * there is more, and publishes every overdue delivery it claimed.
 */
class ReconcileRouteDecisionsTest extends FastRouteTest {

    private final UUID endpoint = UUID.randomUUID();

    @Test
    void batchesAreClaimedUntilOneIsNotFullAndEveryClaimedDeliveryIsPublished() throws Exception {
        List<UUID> first = overdue(3);
        List<UUID> second = overdue(3);
        List<UUID> last = overdue(1);
        when(deliveryReconciler.claimOverdue()).thenReturn(batch(first), batch(second), batch(last));
        when(deliveryReconciler.isFull(batch(first))).thenReturn(true);
        when(deliveryReconciler.isFull(batch(second))).thenReturn(true);

        call("reconcile-deliveries");

        verify(deliveryReconciler, times(3)).claimOverdue();
        List<String> all = new ArrayList<>();
        Stream.of(first, second, last).flatMap(List::stream).map(UUID::toString).forEach(all::add);
        assertThat(publishedDeliveryIds()).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void aRelayThatFindsNothingOverdueOrLacksTheLockPublishesNothingAndStops() throws Exception {
        when(deliveryReconciler.claimOverdue()).thenReturn(List.of());

        call("reconcile-deliveries");

        verify(deliveryReconciler, times(1)).claimOverdue();
        assertThat(publishedDeliveryIds()).isEmpty();
    }

    @Test
    void republishesTheBrokerRefusedAreDueAgainAtTheNextRunAndTheRunStops() throws Exception {
        List<UUID> first = overdue(3);
        when(deliveryReconciler.claimOverdue()).thenReturn(batch(first));
        when(deliveryReconciler.isFull(batch(first))).thenReturn(true);
        List<RefusedPublish> refusals = List.of(refused(first.get(1).toString(), "no confirm from the broker"));
        doReturn(refusals).when(workPublisher).allToWorkQueue(any());

        call("reconcile-deliveries");

        verify(deliveryReconciler).refused(refusals);
        verify(deliveryReconciler, times(1)).claimOverdue();
    }

    @Test
    void aBatchWhosePublishFailedIsDueAgainAtTheNextRunAndTheRunStops() throws Exception {
        List<UUID> first = overdue(3);
        when(deliveryReconciler.claimOverdue()).thenReturn(batch(first));
        when(deliveryReconciler.isFull(batch(first))).thenReturn(true);
        doThrow(new AmqpConnectException(new ConnectException("Connection refused")))
                .when(workPublisher).allToWorkQueue(any());

        Answer answer = call("reconcile-deliveries");

        assertThat(answer.exchange().getException()).isNull();
        verify(deliveryReconciler).unpublished(batch(first));
        verify(deliveryReconciler, times(1)).claimOverdue();
        verify(deliveryReconciler, never()).refused(any());
    }

    @Test
    void aBatchTheBrokerTookWholeIsNotMadeDueAgain() throws Exception {
        when(deliveryReconciler.claimOverdue()).thenReturn(batch(overdue(2)));

        call("reconcile-deliveries");

        verify(deliveryReconciler, never()).refused(any());
        verify(deliveryReconciler, never()).unpublished(any());
    }

    private List<WorkMessage> batch(List<UUID> deliveries) {
        return deliveries.stream().map(id -> workMessage(id, endpoint, 2)).toList();
    }

    private static List<UUID> overdue(int count) {
        return Stream.generate(UUID::randomUUID).limit(count).toList();
    }
}
