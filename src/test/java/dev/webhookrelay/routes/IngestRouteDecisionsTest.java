package dev.webhookrelay.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import dev.webhookrelay.support.FastRouteTest;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * routes/ingest.camel.yaml: what ingest-event does with an authenticated request, store-event's
 * idempotency branch, the publishing that follows the commit, and the outbox sweep.
 */
class IngestRouteDecisionsTest extends FastRouteTest {

    private static final String EVENT = "{\"type\":\"order.created\",\"payload\":{\"n\":1}}";

    private final UUID endpoint = UUID.randomUUID();

    @Test
    void anAcceptedEventsDeliveriesArePublishedTogetherBeforeItIsAnswered() throws Exception {
        List<String> deliveries = theStoreAcceptsWithDeliveries(endpoint, 3);

        call("ingest-event", EVENT, Map.of());

        InOrder order = inOrder(workPublisher, acceptedEventResponder);
        order.verify(workPublisher).allToWorkQueue(any());
        order.verify(acceptedEventResponder).respond(any());
        assertThat(publishedDeliveryIds()).containsExactlyInAnyOrderElementsOf(deliveries);
    }

    @Test
    void nothingIsPublishedBeforeTheEventsTransactionCommitted() throws Exception {
        theStoreAcceptsWithDeliveries(endpoint, 2);
        List<Integer> commitsAtPublish = new CopyOnWriteArrayList<>();
        doAnswer(publish -> {
            commitsAtPublish.add(transactions.commits());
            return List.of();
        }).when(workPublisher).allToWorkQueue(any());

        call("ingest-event", EVENT, Map.of());

        assertThat(commitsAtPublish).containsExactly(1);
        assertThat(transactions.rollbacks()).isZero();
    }

    @Test
    void anEventOverTheTenantsQuotaIsRefusedWithRetryAfterBeforeItIsRead() throws Exception {
        doThrow(tooManyRequests(Duration.ofMillis(1500))).when(ingestRateLimiter).take(any());

        Answer answer = call("ingest-event", EVENT, Map.of());

        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(String.valueOf(answer.headers().get("Retry-After"))).isEqualTo("2");
        verifyNoInteractions(ingestRequestParser, eventStore, acceptedEventResponder, workPublisher);
    }

    @Test
    void aRequestTheParserRefusesIsNeverStored() throws Exception {
        doThrow(problem(422, "type is required", "type")).when(ingestRequestParser).parse(any(), any());

        Answer answer = call("ingest-event", "{\"payload\":{}}", Map.of());

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().get("field").asText()).isEqualTo("type");
        verifyNoInteractions(eventStore, acceptedEventResponder, workPublisher);
        assertThat(transactions.commits() + transactions.rollbacks()).isZero();
    }

    @Test
    void theEventTypeIsCheckedInsideTheEventsTransactionSoAnEventCostsOneCommit() throws Exception {
        theStoreAcceptsWithDeliveries(endpoint, 1);
        List<Boolean> checkedInTransaction = new CopyOnWriteArrayList<>();
        doAnswer(check -> checkedInTransaction.add(TransactionSynchronizationManager.isActualTransactionActive()))
                .when(eventTypeCheck).check(any(), any());

        call("ingest-event", EVENT, Map.of());

        assertThat(checkedInTransaction).containsExactly(true);
        assertThat(transactions.commits()).isEqualTo(1);
        assertThat(transactions.rollbacks()).isZero();
    }

    @Test
    void anEventOfATypeTheCatalogRefusesIsAnswered422NamingTheFieldAndNeverStored() throws Exception {
        doThrow(problem(422, "type order.created is not in this tenant's event-type catalog", "type"))
                .when(eventTypeCheck).check(any(), any());

        Answer answer = call("ingest-event", EVENT, Map.of("Idempotency-Key", "refused-type"));

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.json().get("field").asText()).isEqualTo("type");
        verifyNoInteractions(eventStore, storedIdempotentAnswer, acceptedEventResponder, workPublisher);
        assertThat(idempotencyRepository.getCacheSize()).isZero();
        assertThat(transactions.commits()).isZero();
    }

    @Test
    void anEventTheStoreCannotCommitIsRolledBackAnswered503AndNeverPublished() throws Exception {
        when(eventStore.store(any(), any())).thenThrow(databaseUnavailable());

        Answer answer = call("ingest-event", EVENT, Map.of());

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.headers()).containsKey("Retry-After");
        assertThat(transactions.rollbacks()).isEqualTo(1);
        assertThat(transactions.commits()).isZero();
        verifyNoInteractions(acceptedEventResponder, workMessages, workPublisher);
    }

    @Test
    void anEventWithoutAnIdempotencyKeyIsStoredWithoutAnIdempotencyRecord() throws Exception {
        theStoreAcceptsWithDeliveries(endpoint, 1);

        call("ingest-event", EVENT, Map.of());
        call("ingest-event", EVENT, Map.of());

        verify(eventStore, times(2)).store(any(), any());
        verifyNoInteractions(storedIdempotentAnswer);
        assertThat(idempotencyRepository.getCacheSize()).isZero();
    }

    @Test
    void aRepeatedIdempotencyKeyIsAnsweredFromTheFirstEventWithoutStoringOrPublishingAgain() throws Exception {
        List<String> deliveries = theStoreAcceptsWithDeliveries(endpoint, 2);
        when(storedIdempotentAnswer.answer(any(), any())).thenReturn(accepted(endpoint, deliveries));

        call("ingest-event", EVENT, Map.of("Idempotency-Key", "order-1"));
        call("ingest-event", EVENT, Map.of("Idempotency-Key", "order-1"));

        verify(eventStore, times(1)).store(any(), any());
        verify(storedIdempotentAnswer, times(1)).answer(any(), any());
        verify(acceptedEventResponder, times(2)).respond(any());
        assertThat(publishedDeliveryIds()).containsExactlyInAnyOrderElementsOf(deliveries);
    }

    @Test
    void theSameIdempotencyKeyFromAnotherTenantIsANewEvent() throws Exception {
        theStoreAcceptsWithDeliveries(endpoint, 1);

        call("ingest-event", EVENT, Map.of("Idempotency-Key", "order-1"));
        authenticatedAs(UUID.randomUUID());
        call("ingest-event", EVENT, Map.of("Idempotency-Key", "order-1"));

        verify(eventStore, times(2)).store(any(), any());
        verifyNoInteractions(storedIdempotentAnswer);
    }

    @Test
    void aCallersOwnReplayMarkerAndRelayHeadersAreDroppedBeforeAnythingReadsThem() throws Exception {
        List<String> deliveries = theStoreAcceptsWithDeliveries(endpoint, 1);
        List<Map<String, Object>> headersSeen = new CopyOnWriteArrayList<>();
        doAnswer(respond -> headersSeen.add(Map.copyOf(respond.<Exchange>getArgument(0).getMessage().getHeaders())))
                .when(acceptedEventResponder).respond(any());

        call("ingest-event", EVENT, Map.of("Idempotent-Replayed", "true", "relay-attempt", "9",
                "Relay-Delivery-Id", UUID.randomUUID().toString(), "Content-Type", "application/json"));

        assertThat(headersSeen).singleElement().satisfies(headers -> assertThat(headers.keySet())
                .containsExactly("Content-Type"));
        assertThat(publishedDeliveryIds()).containsExactlyElementsOf(deliveries);
    }

    @Test
    void anEventIsAnsweredWhenTheBrokerRefusesItsDeliveriesAndTheSweeperIsLeftToPublishThem() throws Exception {
        List<String> deliveries = theStoreAcceptsWithDeliveries(endpoint, 2);
        doReturn(List.of(refused(deliveries.get(0), "no confirm from the broker within 5000 ms")))
                .when(workPublisher).allToWorkQueue(any());

        Answer answer = call("ingest-event", EVENT, Map.of());

        assertThat(answer.exchange().getException()).isNull();
        verify(acceptedEventResponder).respond(any());
    }

    @Test
    void anEventIsAnsweredWhenTheBrokerCannotBeReached() throws Exception {
        theStoreAcceptsWithDeliveries(endpoint, 2);
        doThrow(new AmqpConnectException(new ConnectException("Connection refused")))
                .when(workPublisher).allToWorkQueue(any());

        Answer answer = call("ingest-event", EVENT, Map.of());

        assertThat(answer.exchange().getException()).isNull();
        verify(acceptedEventResponder).respond(any());
        assertThat(transactions.commits()).isEqualTo(1);
    }

    @Test
    void afterMostRecentPublishesFailedRequestsStopWaitingOnTheBrokerAndLeaveTheirDeliveriesToTheSweeper()
            throws Exception {
        theStoreAcceptsWithDeliveries(endpoint, 1);
        doThrow(new AmqpConnectException(new ConnectException("Connection refused")))
                .when(workPublisher).allToWorkQueue(any());
        for (int i = 0; i < 10; i++) {
            call("ingest-event", EVENT, Map.of());
        }
        clearInvocations(workPublisher);

        Answer answer = call("ingest-event", EVENT, Map.of());

        assertThat(answer.exchange().getException()).isNull();
        verifyNoInteractions(workPublisher);
        verify(acceptedEventResponder, times(11)).respond(any());
        assertThat(transactions.commits()).isEqualTo(11);
    }

    @Test
    void anEventIsAnsweredWhenItsWorkMessagesCannotEvenBeBuilt() throws Exception {
        theStoreAcceptsWithDeliveries(endpoint, 1);
        when(workMessages.forAccepted(any(), any())).thenThrow(new IllegalStateException("unexpected"));

        Answer answer = call("ingest-event", EVENT, Map.of());

        assertThat(answer.exchange().getException()).isNull();
        verify(acceptedEventResponder).respond(any());
        verifyNoInteractions(workPublisher);
    }

    @Test
    void whileTheBrokerIsKnownDownAnEventIsAnsweredWithoutWaitingOnItAndLeftToTheSweeper() throws Exception {
        theStoreAcceptsWithDeliveries(endpoint, 2);
        when(brokerConnection.matches(any())).thenReturn(false);

        call("ingest-event", EVENT, Map.of());

        verify(acceptedEventResponder).respond(any());
        verifyNoInteractions(workPublisher);
        assertThat(transactions.commits()).isEqualTo(1);
    }

    @Test
    void theOutboxSweepRepublishesEveryDeliveryItClaims() throws Exception {
        List<String> ids = theSweeperClaims(4);

        call("sweep-outbox");

        assertThat(publishedDeliveryIds()).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void anOutboxSweepWhoseBatchTheBrokerPartlyRefusedFinishesAndLeavesTheRestToTheNextSweep() throws Exception {
        List<String> ids = theSweeperClaims(3);
        doReturn(List.of(refused(ids.get(1), "no confirm from the broker"))).when(workPublisher).allToWorkQueue(any());

        Answer answer = call("sweep-outbox");

        assertThat(answer.exchange().getException()).isNull();
        verify(workPublisher).allToWorkQueue(any());
    }

    @Test
    void anOutboxSweepThatClaimsNothingPublishesNothing() throws Exception {
        when(outboxSweeper.claimUnpublished()).thenReturn(List.of());

        call("sweep-outbox");

        assertThat(publishedDeliveryIds()).isEmpty();
    }

    /** outboxSweeper claims this many unconfirmed deliveries; returns their ids. */
    private List<String> theSweeperClaims(int count) {
        List<UUID> claimed = Stream.generate(UUID::randomUUID).limit(count).toList();
        when(outboxSweeper.claimUnpublished())
                .thenReturn(claimed.stream().map(id -> workMessage(id, endpoint, 1)).toList());
        return claimed.stream().map(UUID::toString).toList();
    }
}
