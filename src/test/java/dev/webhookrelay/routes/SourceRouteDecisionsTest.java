package dev.webhookrelay.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.support.FastRouteTest;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/**
 * routes/sources.camel.yaml: what receive-source-webhook does with a provider's request. The signature
 * schemes are SignatureSchemesFollowTheProvidersDocumentationTest's; SourcesVerifyProviderSignaturesTest
 * runs the whole path against PostgreSQL and RabbitMQ.
 */
class SourceRouteDecisionsTest extends FastRouteTest {

    private static final String WEBHOOK = "{\"id\":\"evt_1\",\"type\":\"invoice.paid\"}";

    private final UUID endpoint = UUID.randomUUID();

    @Test
    void aVerifiedWebhookIsStoredItsDeliveriesArePublishedAndOnlyThenItIsAnswered() throws Exception {
        List<String> deliveries = theStoreAcceptsWithDeliveries(endpoint, 2);

        call("receive-source-webhook", WEBHOOK, Map.of());

        InOrder order = inOrder(sourceReceiver, ingestRateLimiter, eventStore, workPublisher);
        order.verify(sourceReceiver).receive(any());
        order.verify(ingestRateLimiter).take(any());
        order.verify(eventStore).store(any(), any());
        order.verify(workPublisher).allToWorkQueue(any());
        order.verify(sourceReceiver).respond(any());
        assertThat(publishedDeliveryIds()).containsExactlyInAnyOrderElementsOf(deliveries);
        assertThat(transactions.commits()).isEqualTo(1);
    }

    @Test
    void aWebhookThatFailsVerificationIsAProblemAndNothingIsStoredOrPublished() throws Exception {
        doThrow(problem(401, "no signature matches", null)).when(sourceReceiver).receive(any());

        Answer answer = call("receive-source-webhook", WEBHOOK, Map.of());

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        verifyNoInteractions(ingestRateLimiter, eventStore, workPublisher);
        verify(sourceReceiver, never()).respond(any());
    }

    @Test
    void aWebhookOverItsTenantsQuotaIs429WithRetryAfterAndIsNotStored() throws Exception {
        doThrow(tooManyRequests(Duration.ofSeconds(2))).when(ingestRateLimiter).take(any());

        Answer answer = call("receive-source-webhook", WEBHOOK, Map.of());

        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.headers()).containsKey("Retry-After");
        verifyNoInteractions(eventStore, workPublisher);
    }

    @Test
    void aStoreThatCannotReachPostgresIsAProblemAndNothingIsPublished() throws Exception {
        when(eventStore.store(any(), any())).thenThrow(databaseUnavailable());

        Answer answer = call("receive-source-webhook", WEBHOOK, Map.of());

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.headers()).containsKey("Retry-After");
        assertThat(transactions.commits()).isZero();
        assertThat(transactions.rollbacks()).isEqualTo(1);
        verifyNoInteractions(workPublisher);
        verify(sourceReceiver, never()).respond(any());
    }

    @Test
    void aStoredWebhookIsAnsweredWhenTheBrokerRefusesItsDeliveries() throws Exception {
        List<String> deliveries = theStoreAcceptsWithDeliveries(endpoint, 1);
        doReturn(List.of(refused(deliveries.get(0), "no confirm from the broker"))).when(workPublisher).allToWorkQueue(any());

        call("receive-source-webhook", WEBHOOK, Map.of());

        verify(workPublisher).allToWorkQueue(any());
        verify(sourceReceiver).respond(any());
    }

    @Test
    void aProvidersRetryOfAStoredWebhookIsAnsweredWithoutPublishingAgain() throws Exception {
        theStoreAcceptsWithDeliveries(endpoint, 1);
        doAnswer(receive -> {
            // What SourceReceiver sets once the signature is verified: the tenant, and the provider's id as the key.
            Exchange exchange = receive.getArgument(0);
            exchange.setProperty("relayTenantId", TENANT);
            exchange.getMessage().setHeader("Idempotency-Key", "source:s:evt_1");
            return null;
        }).when(sourceReceiver).receive(any());
        when(storedIdempotentAnswer.answer(any(), any())).thenReturn(accepted(endpoint, List.of(UUID.randomUUID().toString())));
        call("receive-source-webhook", WEBHOOK, Map.of());

        call("receive-source-webhook", WEBHOOK, Map.of());

        verify(eventStore).store(any(), any());
        verify(storedIdempotentAnswer).answer(any(), any());
        verify(workPublisher).allToWorkQueue(any());
        verify(sourceReceiver, times(2)).respond(any());
    }

    @Test
    void headersOnlyTheRelaySetsAreDroppedBeforeTheRequestIsRead() throws Exception {
        theStoreAcceptsWithDeliveries(endpoint, 1);
        Map<String, Object> seen = new HashMap<>();
        doAnswer(receive -> {
            seen.putAll(receive.<Exchange>getArgument(0).getMessage().getHeaders());
            return null;
        }).when(sourceReceiver).receive(any());

        call("receive-source-webhook", WEBHOOK, Map.of("Idempotent-Replayed", "true", "Idempotency-Key", "chosen",
                "Relay-Tenant-Id", UUID.randomUUID().toString(), "Stripe-Signature", "t=1,v1=ab"));

        assertThat(seen).containsKey("Stripe-Signature")
                .doesNotContainKeys("Idempotent-Replayed", "Idempotency-Key", "Relay-Tenant-Id");
    }
}
