package dev.webhookrelay.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import dev.webhookrelay.delivery.AttemptStates;
import dev.webhookrelay.delivery.DeliveryAttempt;
import dev.webhookrelay.delivery.DeliveryAttempt.Next;
import dev.webhookrelay.support.FastRouteTest;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.amqp.AmqpException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * routes/delivery.camel.yaml and routes/retry.camel.yaml: where an attempt goes for each answer its
 * beans give (admitted or postponed, claimed or skipped, delivered, retried, dead-lettered, its
 * endpoint disabled), and that the message is acked last, or requeued when the infrastructure failed.
 */
class DeliveryRouteDecisionsTest extends FastRouteTest {

    private DeliveryAttempt attempt;

    @BeforeEach
    void aReadableMessageThatEveryBeanLetsThrough() throws Exception {
        attempt = AttemptStates.readable(UUID.randomUUID(), UUID.randomUUID(), 1);
        when(workMessageReader.read(any(), anyInt())).thenAnswer(read -> attempt);
        doAnswer(decides(claim -> AttemptStates.claim(claim, false))).when(deliveryClaim).claim(any());
        doAnswer(send -> {
            AttemptStates.answer(attempt, 204);
            return null;
        }).when(deliveryClient).send(any());
        answersWith(Next.DELIVERED, false);
        doAnswer(record -> {
            AttemptStates.record(attempt, null);
            return null;
        }).when(attemptRecorder).record(any());
    }

    @Test
    void aDeliveredAttemptIsRecordedThenAckedAndPublishesNothing() throws Exception {
        consume();

        InOrder order = inOrder(endpointRateLimiter, inFlightLimiter, deliveryClaim, webhookRequest, deliveryClient,
                responseClassifier, attemptRecorder, workQueueAcks);
        order.verify(endpointRateLimiter).admit(attempt);
        order.verify(inFlightLimiter).admit(attempt);
        order.verify(deliveryClaim).claim(attempt);
        order.verify(webhookRequest).build(attempt);
        order.verify(deliveryClient).send(attempt);
        order.verify(responseClassifier).classify(attempt);
        order.verify(attemptRecorder).record(attempt);
        order.verify(workQueueAcks).ack(any());
        order.verify(inFlightLimiter).release(attempt);
        verifyNoInteractions(workPublisher, goneEndpoints);
        verify(circuitBreaker, never()).open(any());
        verify(fifoOrder, never()).publishNextHead(any());
    }

    @Test
    void anUnreadableMessageGoesToTheDeadLetterQueueUnclaimed() throws Exception {
        attempt = AttemptStates.malformed("missing or invalid relay-delivery-id header");

        consume();

        verify(workPublisher).deadLetterUnreadable(any(), any(), any());
        verifyNoInteractions(endpointRateLimiter, deliveryClaim, deliveryClient, attemptRecorder);
        verify(workQueueAcks).ack(any());
    }

    @Test
    void anEndpointOverItsRateIsPostponedBeforeItsCapsAndClaimAreAsked() throws Exception {
        doAnswer(decides(AttemptStates::postpone)).when(endpointRateLimiter).admit(any());

        consume();

        verify(workPublisher).postpone(attempt);
        verify(postponedDeliveries).waitingInWaitQueue(attempt);
        verifyNoInteractions(deliveryClaim, deliveryClient, attemptRecorder);
        verify(inFlightLimiter, never()).admit(any());
        verify(workQueueAcks).ack(any());
    }

    @Test
    void anAttemptAnotherConsumerHoldsIsPostponedAndNotSent() throws Exception {
        doAnswer(decides(AttemptStates::postpone)).when(deliveryClaim).claim(any());

        consume();

        verify(workPublisher).postpone(attempt);
        verify(postponedDeliveries).waitingInWaitQueue(attempt);
        verifyNoInteractions(deliveryClient, attemptRecorder);
        verify(workQueueAcks).ack(any());
    }

    @Test
    void aStaleMessageIsSkippedWithoutSendingOrPublishing() throws Exception {
        doAnswer(decides(claim -> AttemptStates.skip(claim, "stale or a duplicate"))).when(deliveryClaim).claim(any());

        consume();

        verifyNoInteractions(deliveryClient, attemptRecorder, workPublisher);
        verify(workQueueAcks).ack(any());
    }

    @Test
    void aRetryableAnswerWithAttemptsLeftGoesToTheWaitQueueTheRetryPolicyChose() throws Exception {
        answersWith(Next.RETRY, false);
        doAnswer(decides(retry -> AttemptStates.retryThrough(retry, "relay.wait.1s.ttl-1000"))).when(retryPolicy)
                .chooseWaitQueue(any());

        consume();

        InOrder order = inOrder(retryPolicy, workPublisher, attemptRecorder, workQueueAcks);
        order.verify(retryPolicy).chooseWaitQueue(attempt);
        order.verify(workPublisher).retry(attempt);
        order.verify(attemptRecorder).record(attempt);
        order.verify(workQueueAcks).ack(any());
        verify(workPublisher, never()).deadLetter(any());
    }

    @Test
    void aRetryableAnswerWithNoAttemptLeftIsDeadLettered() throws Exception {
        answersWith(Next.RETRY, false);
        when(retryPolicy.attemptsUsedUp(any())).thenReturn(true);
        doAnswer(decides(AttemptStates::giveUp)).when(retryPolicy).giveUp(any());

        consume();

        verify(workPublisher).deadLetter(attempt);
        verify(workPublisher, never()).retry(any());
        assertThat(attempt.next()).isEqualTo(Next.DEAD_LETTER);
        assertThat(attempt.reason()).endsWith("all attempts used");
    }

    @Test
    void aFailedTransformationIsDeadLetteredAndRecordedWithoutARequest() throws Exception {
        doAnswer(decides(AttemptStates::failTransformation)).when(payloadTransformer).transform(any());

        consume();

        assertDeadLetteredThenRecordedThenAcked();
        verifyNoInteractions(webhookRequest, deliveryClient, responseClassifier, retryPolicy);
    }

    @Test
    void anAttemptThatNeverFinishesIsDeadLetteredAndRecordedWithoutATransformationOrARequest() throws Exception {
        doAnswer(decides(AttemptStates::claimNeverFinished)).when(deliveryClaim).claim(any());

        consume();

        assertDeadLetteredThenRecordedThenAcked();
        verifyNoInteractions(payloadTransformer, webhookRequest, deliveryClient, responseClassifier, retryPolicy);
    }

    @Test
    void anAttemptThatNeverFinishesIsRecordedAndAckedEvenWhenTheBrokerRefusesItsDeadLetter() throws Exception {
        doAnswer(decides(AttemptStates::claimNeverFinished)).when(deliveryClaim).claim(any());
        doThrow(new AmqpException("the broker refused the message")).when(workPublisher).deadLetter(any());

        consume();

        assertDeadLetteredThenRecordedThenAcked();
        verify(deliveryMetrics).deadLetterNotQueued();
        verify(workQueueAcks, never()).requeue(any());
    }

    @Test
    void aDeadLetterTheBrokerRefusesIsRequeuedUnrecordedWhileTheAttemptMayStillFinish() throws Exception {
        answersWith(Next.DEAD_LETTER, false);
        doThrow(new AmqpException("the broker refused the message")).when(workPublisher).deadLetter(any());

        consume();

        verify(attemptRecorder, never()).record(any());
        verify(workQueueAcks).requeue(any());
        verifyNoInteractions(deliveryMetrics);
    }

    @Test
    void goneDisablesTheEndpointBeforeTheDeadLetterAndTheRecord() throws Exception {
        answersWith(Next.DEAD_LETTER, true);

        consume();

        InOrder order = inOrder(goneEndpoints, workPublisher, attemptRecorder);
        order.verify(goneEndpoints).disable(attempt);
        order.verify(workPublisher).deadLetter(attempt);
        order.verify(attemptRecorder).record(attempt);
    }

    @Test
    void aPermanentFailureIsDeadLetteredWithoutDisablingTheEndpoint() throws Exception {
        answersWith(Next.DEAD_LETTER, false);

        consume();

        verify(workPublisher).deadLetter(attempt);
        verifyNoInteractions(goneEndpoints);
    }

    @Test
    void theCircuitBreakerIsAskedAfterTheRecordAndOpensWhenItSaysSo() throws Exception {
        answersWith(Next.RETRY, false);
        when(circuitBreaker.opens(any())).thenReturn(true);

        consume();

        InOrder order = inOrder(attemptRecorder, circuitBreaker);
        order.verify(attemptRecorder).record(attempt);
        order.verify(circuitBreaker).open(attempt);
    }

    @Test
    void theEndOfAFifoHeadPublishesTheNextOne() throws Exception {
        doAnswer(decides(claim -> AttemptStates.claim(claim, true))).when(deliveryClaim).claim(any());
        when(fifoOrder.releasesNext(any())).thenReturn(true);

        consume();

        InOrder order = inOrder(attemptRecorder, fifoOrder, workQueueAcks);
        order.verify(attemptRecorder).record(attempt);
        order.verify(fifoOrder).publishNextHead(attempt);
        order.verify(workQueueAcks).ack(any());
    }

    @Test
    void aDatabaseFailureWaitsForPostgresThenRequeuesInsteadOfAcking() throws Exception {
        doThrow(new CannotGetJdbcConnectionException("Connection refused")).when(deliveryClaim).claim(any());

        consume();

        InOrder order = inOrder(postgresReachability, workQueueAcks, inFlightLimiter);
        order.verify(postgresReachability).awaitReachable();
        order.verify(workQueueAcks).requeue(any());
        order.verify(inFlightLimiter).release(attempt);
        verify(workQueueAcks, never()).ack(any());
        verifyNoInteractions(deliveryClient);
    }

    @Test
    void aBrokerDeadLetterIsRecordedThenAckedOrRequeuedWhenPostgresIsDown() throws Exception {
        call("record-broker-dead-letters", "", Map.of("relay-delivery-id", UUID.randomUUID().toString(),
                SpringRabbitMQConstants.DELIVERY_TAG, 8L));
        verify(brokerDeadLetterRecorder).record(any(), any(), any(), any(), any(), any(), any());
        verify(workQueueAcks).ack(any());

        doThrow(new CannotGetJdbcConnectionException("Connection refused")).when(brokerDeadLetterRecorder)
                .record(any(), any(), any(), any(), any(), any(), any());
        call("record-broker-dead-letters", "", Map.of("relay-delivery-id", UUID.randomUUID().toString(),
                SpringRabbitMQConstants.DELIVERY_TAG, 8L));
        verify(postgresReachability).awaitReachable();
        verify(workQueueAcks).requeue(any());
    }

    private void assertDeadLetteredThenRecordedThenAcked() throws Exception {
        InOrder order = inOrder(workPublisher, attemptRecorder, workQueueAcks);
        order.verify(workPublisher).deadLetter(attempt);
        order.verify(attemptRecorder).record(attempt);
        order.verify(workQueueAcks).ack(any());
    }

    /** A message as the spring-rabbitmq consumer hands it over: the broker's delivery tag in its headers. */
    private void consume() {
        call("consume-work-queue", "", Map.of(SpringRabbitMQConstants.DELIVERY_TAG, 7L));
    }

    private void answersWith(Next next, boolean endpointGone) {
        doAnswer(classify -> {
            AttemptStates.judge(attempt, next, endpointGone);
            return null;
        }).when(responseClassifier).classify(any());
    }

    /** A bean's answer: it does this to the attempt, as the real bean would decide. */
    private org.mockito.stubbing.Answer<Void> decides(Consumer<DeliveryAttempt> decision) {
        return call -> {
            decision.accept(attempt);
            return null;
        };
    }
}
