package dev.webhookrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import org.junit.jupiter.api.Test;

class EventAndDeliveryQueriesTest extends RelayIntegrationTest {

    @Test
    void eventsFilterByTypeAndTimeAndShowTheirDeliveries() {
        String key = createTenant("event-queries");
        String endpointId = createEndpoint(key, "http://127.0.0.1:9/x", "[\"order.*\"]").get("id").asText();
        Instant before = Instant.now();
        String orderId = postEvent(key, "{\"type\":\"order.created\",\"payload\":{\"a\":1}}", "q-1").json().get("id").asText();
        postEvent(key, "{\"type\":\"user.created\",\"payload\":{}}", null);

        JsonNode orders = get("/v1/events?type=order.created", as(key)).json().get("data");
        assertThat(orders).hasSize(1);
        assertThat(orders.get(0).get("payload").get("a").asInt()).isEqualTo(1);
        assertThat(orders.get(0).get("idempotencyKey").asText()).isEqualTo("q-1");
        assertThat(get("/v1/events?since=" + before, as(key)).json().get("data")).hasSize(2);
        assertThat(get("/v1/events?until=" + before, as(key)).json().get("data")).isEmpty();

        JsonNode event = get("/v1/events/" + orderId, as(key)).json();
        assertThat(event.get("deliveries")).hasSize(1);
        assertThat(event.get("deliveries").get(0).get("endpointId").asText()).isEqualTo(endpointId);
        assertThat(event.get("deliveries").get(0).get("status").asText()).isNotBlank();
    }

    @Test
    void deliveriesFilterByStatusAndEndpointAndListTheirAttempts() {
        try (TestReceiver failing = new TestReceiver(Reply.status(400)); TestReceiver fine = new TestReceiver()) {
            String key = createTenant("delivery-queries");
            String badId = createEndpoint(key, failing.url(), "[]").get("id").asText();
            createEndpoint(key, fine.url(), "[]");
            Response accepted = postEvent(key, "{\"type\":\"order.created\",\"payload\":{}}", null);
            for (JsonNode d : accepted.json().get("deliveries")) {
                awaitStatus(UUID.fromString(d.get("id").asText()),
                        d.get("endpointId").asText().equals(badId) ? "DEAD_LETTERED" : "DELIVERED", Duration.ofSeconds(15));
            }

            JsonNode dead = get("/v1/deliveries?status=DEAD_LETTERED", as(key)).json().get("data");
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).get("endpointId").asText()).isEqualTo(badId);
            assertThat(dead.get(0).get("lastStatus").asInt()).isEqualTo(400);
            assertThat(get("/v1/deliveries?endpointId=" + badId, as(key)).json().get("data")).hasSize(1);
            assertThat(get("/v1/deliveries?status=DELIVERED", as(key)).json().get("data")).hasSize(1);

            String deliveryId = dead.get(0).get("id").asText();
            assertThat(get("/v1/deliveries/" + deliveryId, as(key)).json().get("attempts").asInt()).isEqualTo(1);
            JsonNode attempts = get("/v1/deliveries/" + deliveryId + "/attempts", as(key)).json().get("data");
            assertThat(attempts).hasSize(1);
            assertThat(attempts.get(0).get("responseStatus").asInt()).isEqualTo(400);
            assertThat(attempts.get(0).get("requestHeaders").get("webhook-id").asText()).isEqualTo("msg_" + deliveryId);
            assertThat(attempts.get(0).get("outcome").asText()).isEqualTo("DEAD_LETTERED");

            JsonNode dlq = get("/v1/dlq?endpointId=" + badId, as(key)).json().get("data");
            assertThat(dlq).hasSize(1);
            assertThat(dlq.get(0).get("lastError").asText()).contains("400");
        }
    }

    @Test
    void paginationHasNoGapsOrRepeatsWhileEventsKeepArriving() throws Exception {
        String key = createTenant("pagination");
        Set<String> existing = new HashSet<>();
        for (int i = 0; i < 120; i++) {
            existing.add(postEvent(key, "{\"type\":\"page.item\",\"payload\":{\"i\":" + i + "}}", null)
                    .json().get("id").asText());
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        writer.submit(() -> {
            while (writing.get()) {
                postEvent(key, "{\"type\":\"page.item\",\"payload\":{}}", null);
            }
        });

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = get("/v1/events?limit=25" + (cursor == null ? "" : "&cursor=" + cursor), as(key)).json();
            page.get("data").forEach(e -> seen.add(e.get("id").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 100);
        writing.set(false);
        writer.shutdown();
        writer.awaitTermination(10, TimeUnit.SECONDS);

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen).containsAll(existing);
    }

    /** An answer wraps a payload in a few levels more than ingest read: it is still written. */
    @Test
    void anEventNestedAsDeepAsIngestAcceptsIsListedAndShown() {
        String key = createTenant("deep-payload");
        String payload = "[".repeat(998) + "]".repeat(998);
        Response accepted = postEvent(key, "{\"type\":\"deep.nested\",\"payload\":" + payload + "}", null);
        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.json().get("id").asText();

        Response listed = get("/v1/events?type=deep.nested", as(key));
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).contains(id, payload);
        Response shown = get("/v1/events/" + id, as(key));
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body()).contains(payload);
    }

    @Test
    void badQueriesAreAnsweredWithTheField() {
        String key = createTenant("bad-queries");
        assertProblem(get("/v1/events?cursor=garbage", as(key)), 400, "cursor");
        // A well-formed cursor whose key holds a NUL, hidden from the request's checks by base64.
        String nul = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("c1|0|\u0000".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (String list : List.of("events", "deliveries", "endpoints", "sources", "api-keys", "event-types", "audit", "dlq")) {
            assertProblem(get("/v1/" + list + "?cursor=" + nul, as(key)), 400, "cursor");
        }
        assertProblem(get("/v1/events?since=yesterday", as(key)), 400, "since");
        assertProblem(get("/v1/events?limit=501", as(key)), 400, "limit");
        assertProblem(get("/v1/deliveries?status=LOST", as(key)), 400, "status");
        assertProblem(get("/v1/deliveries?endpointId=nope", as(key)), 400, "endpointId");
        assertThat(get("/v1/events/" + UUID.randomUUID(), as(key)).status()).isEqualTo(404);
        assertThat(get("/v1/deliveries/" + UUID.randomUUID(), as(key)).status()).isEqualTo(404);
        assertThat(get("/v1/deliveries/" + UUID.randomUUID() + "/attempts", as(key)).status()).isEqualTo(404);
        assertThat(get("/v1/events", java.util.Map.of()).status()).isEqualTo(401);
    }

    private static void assertProblem(Response response, int status, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("field").asText()).isEqualTo(field);
    }
}
