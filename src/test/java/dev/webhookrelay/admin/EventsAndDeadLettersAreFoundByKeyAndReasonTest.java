package dev.webhookrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import org.junit.jupiter.api.Test;

/** The searches the web console offers, as API filters: events by idempotency key, dead letters by reason. */
class EventsAndDeadLettersAreFoundByKeyAndReasonTest extends RelayIntegrationTest {

    @Test
    void anEventIsFoundByItsIdempotencyKeyAndADeadLetterByItsStatusOrError() {
        try (TestReceiver refusing = new TestReceiver()) {
            refusing.replyFromNow(Reply.status(422));
            String key = createTenant("search");
            createEndpoint(key, refusing.url(), "[]");
            String keyed = postEvent(key, "{\"type\":\"order.created\",\"payload\":{}}", "order-42-created").json()
                    .get("id").asText();
            JsonNode other = postEvent(key, "{\"type\":\"order.created\",\"payload\":{}}", null).json();
            awaitStatus(UUID.fromString(other.get("deliveries").get(0).get("id").asText()), "DEAD_LETTERED",
                    Duration.ofSeconds(30));

            JsonNode found = get("/v1/events?idempotencyKey=order-42-created", as(key)).json().get("data");
            assertThat(found).hasSize(1);
            assertThat(found.get(0).get("id").asText()).isEqualTo(keyed);
            assertThat(get("/v1/events?idempotencyKey=nope", as(key)).json().get("data")).isEmpty();

            assertThat(get("/v1/dlq?reason=422", as(key)).json().get("data")).hasSizeGreaterThanOrEqualTo(1);
            assertThat(get("/v1/dlq?reason=NOT%20RETRYABLE", as(key)).json().get("data")).hasSizeGreaterThanOrEqualTo(1);
            assertThat(get("/v1/dlq?reason=503", as(key)).json().get("data")).isEmpty();
        }
    }
}
