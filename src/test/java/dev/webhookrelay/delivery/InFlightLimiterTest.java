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
        InFlightLimiter limiter = new InFlightLimiter(1, Duration.ofSeconds(5).toNanos());
        Exchange first = attempt();
        limiter.acquire(first);

        CompletableFuture.runAsync(() -> finish(first), CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
        Exchange second = attempt();
        limiter.acquire(second);

        assertThat(second.getProperty(InFlightLimiter.POSTPONED)).isNull();
    }

    @Test
    void aDeliveryOverTheCapOfAnEndpointThatFreedNoSlotForTheWaitIsPostponedAtOnce() throws Exception {
        InFlightLimiter limiter = new InFlightLimiter(1, Duration.ofMillis(200).toNanos());
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
        InFlightLimiter limiter = new InFlightLimiter(1, Duration.ofMillis(200).toNanos());
        limiter.acquire(attempt());

        Exchange other = new DefaultExchange(camel);
        other.getMessage().setHeader(WorkQueueMessage.ENDPOINT_ID, UUID.randomUUID().toString());
        limiter.acquire(other);

        assertThat(other.getProperty(InFlightLimiter.POSTPONED)).isNull();
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
