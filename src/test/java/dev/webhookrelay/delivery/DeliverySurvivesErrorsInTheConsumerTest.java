package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.spi.UnitOfWork;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An Error (not only an Exception) thrown while a work message is being handled neither drops the
 * message nor strands its delivery: the message is requeued and the delivery is attempted again.
 */
class DeliverySurvivesErrorsInTheConsumerTest extends RelayIntegrationTest {

    /** Endpoints whose next attempt throws; other tests' deliveries pass the advice untouched. */
    private static final Set<UUID> FAIL_ONCE = ConcurrentHashMap.newKeySet();
    private static final Set<Exchange> ABANDONED = ConcurrentHashMap.newKeySet();

    @Autowired
    CamelContext camel;

    @Test
    void anErrorDuringAnAttemptRequeuesTheMessage() throws Exception {
        AdviceWith.adviceWith(camel, "send-authenticated-request", route -> route.weaveById("send-webhook-request").before()
                .process(exchange -> {
                    DeliveryAttempt attempt = exchange.getVariable("attempt", DeliveryAttempt.class);
                    if (FAIL_ONCE.remove(attempt.delivery().endpointId())) {
                        ABANDONED.add(exchange);
                        throw new OutOfMemoryError("simulated: a receiver exhausted the heap");
                    }
                }));
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("consumer-error");
            FAIL_ONCE.add(UUID.fromString(createEndpoint(key, receiver.url(), "[]").get("id").asText()));

            UUID deliveryId = postAndGetDelivery(key, "order.created");

            // The requeued message waits out the claim's lease (attempt deadline + margin) before it is attempted again.
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(90));
            assertThat(FAIL_ONCE).isEmpty();
            assertThat(receiver.received()).hasSize(1);
        } finally {
            forgetAbandonedExchanges();
        }
    }

    /**
     * Camel completes an exchange only when its processors return or throw an Exception: the one the
     * Error escaped from stays in the inflight registry, in every route it had entered. In the context
     * the other test classes share, each later graceful stop of the consumer (tests that stop it, the
     * context's close) would wait the whole shutdown timeout (45 s) for it.
     */
    private void forgetAbandonedExchanges() {
        InflightRepository inflight = camel.getInflightRepository();
        for (Exchange exchange : ABANDONED) {
            UnitOfWork unitOfWork = exchange.getUnitOfWork();
            for (Route route = unitOfWork.popRoute(); route != null; route = unitOfWork.popRoute()) {
                inflight.remove(exchange, route.getRouteId());
            }
            inflight.remove(exchange);
        }
        ABANDONED.clear();
    }
}
