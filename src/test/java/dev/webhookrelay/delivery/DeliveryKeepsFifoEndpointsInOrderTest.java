package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.OrderCheckingReceiver;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;

/**
 * Endpoints registered with "ordering": "fifo" get their deliveries one at a time, in the order the
 * events were accepted; a retrying head holds up its endpoint and no other; an operator can skip the
 * head or retry it at once.
 */
class DeliveryKeepsFifoEndpointsInOrderTest extends RelayIntegrationTest {

    @Test
    void eventsArriveOneAtATimeInOrderWhileTheTenthIsRetried() {
        try (OrderCheckingReceiver receiver = new OrderCheckingReceiver().failing(10, 3)) {
            String key = createTenant("fifo-order");
            fifoEndpoint(key, receiver.url(), null);

            long started = System.nanoTime();
            postNumbered(key, 1, 100);
            await().atMost(Duration.ofSeconds(90)).until(() -> receiver.accepted().size() >= 100);
            double seconds = (System.nanoTime() - started) / 1e9;

            assertThat(receiver.accepted()).containsExactlyElementsOf(IntStream.rangeClosed(1, 100).boxed().toList());
            assertThat(receiver.mostInProgress()).isEqualTo(1);
            assertThat(receiver.requests()).isEqualTo(103);
            System.out.printf("fifo: 100 events (the 10th failing 3 times) delivered in order in %.1f s%n", seconds);
        }
    }

    @Test
    void aRetryingHeadHoldsUpItsEndpointOnlyAndCanBeSkipped() {
        try (OrderCheckingReceiver ordered = new OrderCheckingReceiver().failing(1, -1);
             TestReceiver other = new TestReceiver()) {
            String key = createTenant("fifo-skip");
            String fifo = fifoEndpoint(key, ordered.url(), "60s").get("id").asText();
            createEndpoint(key, other.url(), "[]");

            postNumbered(key, 1, 5);
            await().atMost(Duration.ofSeconds(30)).until(() -> other.received().size() == 5);
            await().atMost(Duration.ofSeconds(30)).until(() -> "RETRY_SCHEDULED".equals(
                    get("/v1/endpoints/" + fifo + "/fifo", as(key)).json().at("/head/status").asText()));
            JsonNode blocked = get("/v1/endpoints/" + fifo + "/fifo", as(key)).json();
            assertThat(blocked.get("waiting").asInt()).isEqualTo(4);
            assertThat(ordered.accepted()).isEmpty();

            Response skipped = post("/v1/endpoints/" + fifo + "/fifo/skip", "", as(key));

            assertThat(skipped.status()).as(skipped.body()).isEqualTo(200);
            String head = blocked.at("/head/id").asText();
            assertThat(get("/v1/deliveries/" + head, as(key)).json().get("lastError").asText()).isEqualTo("skipped");
            assertThat(get("/v1/deliveries/" + head, as(key)).json().get("status").asText()).isEqualTo("DEAD_LETTERED");
            assertThat(get("/v1/audit?action=delivery.fifo-skip", as(key)).json().get("data")).hasSize(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> ordered.accepted().size() == 4);
            assertThat(ordered.accepted()).containsExactly(2, 3, 4, 5);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    get("/v1/endpoints/" + fifo + "/fifo", as(key)).json().get("head").isNull());
        }
    }

    @Test
    void anOperatorCanRetryTheHeadNowInsteadOfAtItsScheduledAttempt() {
        try (OrderCheckingReceiver receiver = new OrderCheckingReceiver().failing(1, 1)) {
            String key = createTenant("fifo-retry");
            String fifo = fifoEndpoint(key, receiver.url(), "1h").get("id").asText();
            postNumbered(key, 1, 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> "RETRY_SCHEDULED".equals(
                    get("/v1/endpoints/" + fifo + "/fifo", as(key)).json().at("/head/status").asText()));

            Response retried = post("/v1/endpoints/" + fifo + "/fifo/retry", "", as(key));

            assertThat(retried.status()).as(retried.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.accepted().size() == 3);
            assertThat(receiver.accepted()).containsExactly(1, 2, 3);
            assertThat(get("/v1/audit?action=delivery.fifo-retry", as(key)).json().get("data")).hasSize(1);
        }
    }

    @Test
    void orderingIsChosenOnceAndValidated() {
        String key = createTenant("fifo-validation");
        String plain = createEndpoint(key, "https://example.com/hook", "[]").get("id").asText();
        String fifo = fifoEndpoint(key, "https://example.com/hook", null).get("id").asText();

        Response unknown = post("/v1/endpoints", "{\"url\":\"https://example.com/hook\",\"ordering\":\"lifo\"}", as(key));
        Response changed = patch("/v1/endpoints/" + plain, "{\"ordering\":\"fifo\"}", as(key));
        Response same = patch("/v1/endpoints/" + fifo, "{\"ordering\":\"fifo\"}", as(key));
        Response notOrdered = get("/v1/endpoints/" + plain + "/fifo", as(key));

        for (Response refused : List.of(unknown, changed)) {
            assertThat(refused.status()).as(refused.body()).isEqualTo(422);
            assertThat(refused.json().get("field").asText()).isEqualTo("ordering");
        }
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.json().get("ordering").asText()).isEqualTo("fifo");
        assertThat(notOrdered.status()).isEqualTo(409);
        assertThat(get("/v1/endpoints/" + plain, as(key)).json().get("ordering").asText()).isEqualTo("none");
    }

    private JsonNode fifoEndpoint(String key, String url, String retrySchedule) {
        String schedule = retrySchedule == null ? "" : ",\"retrySchedule\":\"" + retrySchedule + "\"";
        Response created = post("/v1/endpoints", "{\"url\":\"" + url + "\",\"ordering\":\"fifo\"" + schedule + "}", as(key));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    /** One after the other, each accepted before the next is sent: that is the order fifo keeps. */
    private void postNumbered(String key, int from, int to) {
        for (int n = from; n <= to; n++) {
            Response accepted = postEvent(key, "{\"type\":\"order.created\",\"payload\":{\"n\":" + n + "}}", null);
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        }
    }
}
