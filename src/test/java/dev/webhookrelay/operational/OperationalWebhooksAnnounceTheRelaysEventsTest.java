package dev.webhookrelay.operational;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import dev.webhookrelay.auth.ApiKeys;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import dev.webhookrelay.support.TestServices;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A tenant's operational webhook: registered and removed through its API, it receives the relay's own
 * events about the tenant's endpoints, deliveries and replays, signed with its own secret, with the API
 * paths an operator follows; never a tenant's event, never another tenant's, and never an event about
 * itself, however it fails.
 */
class OperationalWebhooksAnnounceTheRelaysEventsTest extends RelayIntegrationTest {

    private static final String CONSUMER = "consume-work-queue";

    @Autowired
    private CamelContext camel;

    @Test
    void theWebhookIsRegisteredWithItsSecretChangedAndRemovedAndIsNotAnEndpointOfTheApi() {
        String key = createTenant("operational-api");
        assertThat(get("/v1/operational-webhook", as(key)).status()).isEqualTo(404);
        assertThat(delete("/v1/operational-webhook", as(key)).status()).isEqualTo(404);
        for (String refused : new String[] {"{}", "{\"url\":\"ftp://example.com/ops\"}", "{\"url\":\"http://10.0.0.1/ops\"}",
                "{\"url\":\"http://169.254.169.254/latest\"}", "{\"url\":\"http://user:pw@example.com/\"}",
                "{\"url\":1}"}) {
            Response answer = put("/v1/operational-webhook", refused, as(key));
            assertThat(answer.status()).as(refused).isEqualTo(422);
            assertThat(answer.header("Content-Type")).as(refused).startsWith("application/problem+json");
            assertThat(answer.json().get("field").asText()).as(refused).isEqualTo("url");
        }
        Response unknownField = put("/v1/operational-webhook", "{\"url\":\"http://127.0.0.1:9/ops\",\"eventTypes\":[]}",
                as(key));
        assertThat(unknownField.status()).isEqualTo(422);
        assertThat(unknownField.json().get("field").asText()).isEqualTo("eventTypes");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM endpoints e JOIN api_keys k ON k.tenant_id = e.tenant_id"
                + " WHERE k.key_hash = ?", Integer.class, ApiKeys.hash(key))).as("nothing stored").isZero();

        Response created = put("/v1/operational-webhook", "{\"url\":\"http://127.0.0.1:9/ops\"}", as(key));

        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.json().get("secret").asText()).startsWith("whsec_");
        assertThat(created.json().get("url").asText()).isEqualTo("http://127.0.0.1:9/ops");
        assertThat(created.json().get("enabled").asBoolean()).isTrue();
        Response shown = get("/v1/operational-webhook", as(key));
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.json().has("secret")).isFalse();
        assertThat(shown.json().get("id").asText()).isEqualTo(id);
        Response same = put("/v1/operational-webhook", "{\"url\":\"http://127.0.0.1:9/ops\"}", as(key));
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.json().has("secret")).isFalse();
        Response moved = put("/v1/operational-webhook", "{\"url\":\"http://127.0.0.1:9/moved\"}", as(key));
        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.json().get("id").asText()).isEqualTo(id);
        assertThat(moved.json().get("url").asText()).isEqualTo("http://127.0.0.1:9/moved");
        Response rotated = post("/v1/operational-webhook/secret/rotate", "{\"overlap\":\"0s\"}", as(key));
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(rotated.json().get("secret").asText()).startsWith("whsec_")
                .isNotEqualTo(created.json().get("secret").asText());

        assertThat(get("/v1/endpoints", as(key)).json().get("data")).isEmpty();
        assertThat(get("/v1/endpoints/" + id, as(key)).status()).isEqualTo(404);
        assertThat(patch("/v1/endpoints/" + id, "{\"eventTypes\":[\"order.*\"]}", as(key)).status()).isEqualTo(404);
        assertThat(delete("/v1/endpoints/" + id, as(key)).status()).isEqualTo(404);
        assertThat(post("/v1/endpoints/" + id + "/test", "{\"type\":\"a.b\",\"payload\":{}}", as(key)).status())
                .isEqualTo(404);

        assertThat(delete("/v1/operational-webhook", as(key)).status()).isEqualTo(204);
        assertThat(get("/v1/operational-webhook", as(key)).status()).isEqualTo(404);
        assertThat(delete("/v1/operational-webhook", as(key)).status()).isEqualTo(404);
        assertThat(put("/v1/operational-webhook", "{\"url\":\"http://127.0.0.1:9/again\"}", as(key)).status())
                .isEqualTo(201);
    }

    @Test
    void removingTheWebhookEndsWhatItWasStillOwedAsDeadLetters() throws Exception {
        try (TestReceiver operations = new TestReceiver()) {
            String key = createTenant("operational-removed");
            registerOperationalWebhook(key, operations);
            UUID operational = operationalEndpoint(key);
            String endpoint = createEndpoint(key, "http://127.0.0.1:9/never", "[]").get("id").asText();
            camel.getRouteController().stopRoute(CONSUMER);
            try {
                assertThat(patch("/v1/endpoints/" + endpoint, "{\"enabled\":false}", as(key)).status()).isEqualTo(200);
                UUID owed = onlyDeliveryTo(operational);

                assertThat(delete("/v1/operational-webhook", as(key)).status()).isEqualTo(204);

                assertThat(status(owed)).isEqualTo("DEAD_LETTERED");
                assertThat(jdbc.queryForObject("SELECT last_error FROM deliveries WHERE id = ?", String.class, owed))
                        .isEqualTo("endpoint deleted");
                assertThat(post("/v1/deliveries/" + owed + "/replay", "", as(key)).status()).isEqualTo(409);
            } finally {
                camel.getRouteController().startRoute(CONSUMER);
            }
            assertThat(operations.received()).isEmpty();
        }
    }

    @Test
    void everyEventArrivesSignedWithTheLinksAnOperatorFollows() throws Exception {
        try (TestReceiver receiver = new TestReceiver(Reply.status(400)); TestReceiver operations = new TestReceiver()) {
            String key = createTenant("operational-events");
            String secret = registerOperationalWebhook(key, operations);
            String endpoint = createEndpoint(key, receiver.url(), "[]").get("id").asText();

            assertThat(patch("/v1/endpoints/" + endpoint, "{\"enabled\":false}", as(key)).status()).isEqualTo(200);
            JsonNode disabled = awaitEvent(operations, secret, "endpoint.disabled", "endpointId", endpoint,
                    "reason", "operator");
            assertThat(disabled.get("reason").asText()).isEqualTo("operator");
            assertThat(disabled.get("detail").asText()).isEqualTo("disabled through the API");
            assertThat(disabled.get("links").get("endpoint").asText()).isEqualTo("/v1/endpoints/" + endpoint);
            assertLinksWork(key, disabled.get("links"));
            assertThat(patch("/v1/endpoints/" + endpoint, "{\"enabled\":true}", as(key)).status()).isEqualTo(200);
            JsonNode enabled = awaitEvent(operations, secret, "endpoint.enabled", "endpointId", endpoint);
            assertLinksWork(key, enabled.get("links"));

            UUID deadLetter = postAndGetDelivery(key, "order.created");
            JsonNode deadLettered = awaitEvent(operations, secret, "delivery.dead_lettered",
                    "deliveryId", deadLetter.toString());
            assertThat(deadLettered.get("endpointId").asText()).isEqualTo(endpoint);
            assertThat(deadLettered.get("eventType").asText()).isEqualTo("order.created");
            assertThat(deadLettered.get("lastStatus").asInt()).isEqualTo(400);
            assertThat(deadLettered.get("lastError").asText()).isEqualTo("HTTP 400 is not retryable");
            assertThat(deadLettered.get("attempts").asInt()).isEqualTo(1);
            assertThat(deadLettered.get("links").get("delivery").asText()).isEqualTo("/v1/deliveries/" + deadLetter);
            assertThat(deadLettered.get("links").get("attempts").asText())
                    .isEqualTo("/v1/deliveries/" + deadLetter + "/attempts");
            assertLinksWork(key, deadLettered.get("links"));

            receiver.replyFromNow(Reply.status(200));
            assertThat(post("/v1/deliveries/" + deadLetter + "/replay", "", as(key)).status()).isEqualTo(202);
            JsonNode recovered = awaitEvent(operations, secret, "delivery.recovered",
                    "deliveryId", deadLetter.toString());
            assertThat(recovered.get("attempts").asInt()).isEqualTo(2);
            assertLinksWork(key, recovered.get("links"));

            receiver.replyFromNow(Reply.status(400));
            UUID secondDeadLetter = postAndGetDelivery(key, "order.created");
            awaitEvent(operations, secret, "delivery.dead_lettered", "deliveryId", secondDeadLetter.toString());
            receiver.replyFromNow(Reply.status(200));
            String replay = post("/v1/dlq/replay", "{\"endpointId\":\"" + endpoint + "\"}", as(key)).json()
                    .get("replayId").asText();
            JsonNode completed = awaitEvent(operations, secret, "replay.completed", "replayId", replay);
            assertThat(completed.get("total").asInt()).isEqualTo(1);
            assertThat(completed.get("requeued").asInt()).isEqualTo(1);
            assertThat(completed.get("links").get("replay").asText()).isEqualTo("/v1/replays/" + replay);
            assertLinksWork(key, completed.get("links"));
            awaitEvent(operations, secret, "delivery.recovered", "deliveryId", secondDeadLetter.toString());

            receiver.replyFromNow(Reply.status(410));
            UUID gone = postAndGetDelivery(key, "order.created");
            JsonNode disabledByGone = awaitEvent(operations, secret, "endpoint.disabled", "endpointId", endpoint,
                    "reason", "gone");
            assertThat(disabledByGone.get("reason").asText()).isEqualTo("gone");
            assertThat(disabledByGone.get("detail").asText()).contains("410");
            JsonNode goneDeadLetter = awaitEvent(operations, secret, "delivery.dead_lettered",
                    "deliveryId", gone.toString());
            assertThat(goneDeadLetter.get("lastStatus").asInt()).isEqualTo(410);

            try (TestReceiver failing = new TestReceiver(Reply.status(500))) {
                String breaking = createEndpoint(key, failing.url(), "[\"breaker.*\"]").get("id").asText();
                jdbc.update("UPDATE endpoints SET failing_since = now() - interval '6 days' WHERE id = ?::uuid", breaking);
                postAndGetDelivery(key, "breaker.test");
                JsonNode disabledByBreaker = awaitEvent(operations, secret, "endpoint.disabled", "endpointId", breaking);
                assertThat(disabledByBreaker.get("reason").asText()).isEqualTo("circuit-breaker");
                assertThat(disabledByBreaker.get("detail").asText()).startsWith("circuit breaker").contains("HTTP 500");
            }
            assertThat(operations.received()).as("no tenant event reaches the operational webhook")
                    .allSatisfy(r -> assertThat(readTree(r.body()).get("type").asText()).isIn("endpoint.disabled",
                            "endpoint.enabled", "delivery.dead_lettered", "delivery.recovered", "replay.completed"));
        }
    }

    @Test
    void aBrokerDeadLetterIsAnnouncedToo() throws Exception {
        try (TestReceiver receiver = new TestReceiver(); TestReceiver operations = new TestReceiver()) {
            String key = createTenant("operational-broker");
            String secret = registerOperationalWebhook(key, operations);
            UUID deliveryId;
            camel.getRouteController().stopRoute(CONSUMER);
            try {
                deliveryId = deliveryTo(key, receiver);
                // Handed out and returned until the broker's delivery limit dead-letters it.
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    TestServices.management("POST", "queues/{vhost}/relay.work/get",
                            "{\"count\":1,\"ackmode\":\"ack_requeue_true\",\"encoding\":\"auto\"}");
                    return "DEAD_LETTERED".equals(status(deliveryId));
                });
            } finally {
                camel.getRouteController().startRoute(CONSUMER);
            }

            JsonNode deadLettered = awaitEvent(operations, secret, "delivery.dead_lettered",
                    "deliveryId", deliveryId.toString());

            assertThat(deadLettered.get("lastStatus").isNull()).isTrue();
            assertThat(deadLettered.get("lastError").asText()).contains("delivery_limit");
            assertLinksWork(key, deadLettered.get("links"));
        }
    }

    @Test
    void aFailingOperationalWebhookNeverAnnouncesItsOwnFailures() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(400));
                TestReceiver operations = new TestReceiver(Reply.status(500))) {
            String key = createTenant("operational-loop");
            registerOperationalWebhook(key, operations);
            UUID operational = operationalEndpoint(key);
            createEndpoint(key, receiver.url(), "[]");

            UUID first = postAndGetDelivery(key, "order.created");
            awaitStatus(first, "DEAD_LETTERED", Duration.ofSeconds(15));
            UUID announcement = onlyDeliveryTo(operational);
            awaitStatus(announcement, "DEAD_LETTERED", Duration.ofSeconds(30));
            assertThat(attempts(announcement)).hasSize(4);

            // Its failure streak is old enough now: the next failure opens its circuit breaker.
            jdbc.update("UPDATE endpoints SET failing_since = now() - interval '6 days' WHERE id = ?", operational);
            UUID second = postAndGetDelivery(key, "order.created");
            awaitStatus(second, "DEAD_LETTERED", Duration.ofSeconds(15));
            await().atMost(Duration.ofSeconds(30)).until(() -> !Boolean.TRUE.equals(
                    get("/v1/operational-webhook", as(key)).json().get("enabled").booleanValue()));

            assertThat(get("/v1/operational-webhook", as(key)).json().get("disabledReason").asText())
                    .startsWith("circuit breaker");
            List<Map<String, Object>> announced = jdbc.queryForList("""
                    SELECT e.type, e.payload::text AS payload FROM events e JOIN deliveries d ON d.event_id = e.id
                     WHERE d.endpoint_id = ?""", operational);
            assertThat(announced).hasSize(2).allSatisfy(event -> {
                assertThat(event.get("type")).isEqualTo("delivery.dead_lettered");
                assertThat((String) event.get("payload")).doesNotContain(operational.toString());
            });
            assertThat(jdbc.queryForObject("SELECT count(*) FROM events WHERE tenant_id = (SELECT tenant_id FROM endpoints"
                    + " WHERE id = ?)", Integer.class, operational)).as("two tenant events, two announcements").isEqualTo(4);

            operations.replyFromNow(Reply.status(200));
            Response fixed = put("/v1/operational-webhook", "{\"url\":\"" + operations.url() + "\"}", as(key));
            assertThat(fixed.status()).isEqualTo(200);
            assertThat(fixed.json().get("enabled").asBoolean()).isTrue();
            UUID paused = jdbc.queryForObject("SELECT id FROM deliveries WHERE endpoint_id = ? AND id <> ?", UUID.class,
                    operational, announcement);
            awaitStatus(paused, "DELIVERED", Duration.ofSeconds(30));
        }
    }

    @Test
    void onlyTheRelaysEventsOfItsOwnTenantReachTheWebhookAndTenantsWithoutOneGetNoRows() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(400)); TestReceiver operationsOfA = new TestReceiver();
                TestReceiver operationsOfB = new TestReceiver()) {
            String a = createTenant("operational-a");
            String b = createTenant("operational-b");
            String c = createTenant("operational-none");
            registerOperationalWebhook(a, operationsOfA);
            registerOperationalWebhook(b, operationsOfB);
            createEndpoint(a, receiver.url(), "[]");
            createEndpoint(c, receiver.url(), "[]");

            Response accepted = postEvent(a, "{\"type\":\"order.created\",\"payload\":{\"n\":1}}", null);
            assertThat(accepted.json().get("deliveries")).as("the operational webhook is not in the fan-out").hasSize(1);
            UUID ofA = UUID.fromString(accepted.json().get("deliveries").get(0).get("id").asText());
            UUID ofC = postAndGetDelivery(c, "order.created");
            awaitStatus(ofA, "DEAD_LETTERED", Duration.ofSeconds(15));
            awaitStatus(ofC, "DEAD_LETTERED", Duration.ofSeconds(15));
            awaitStatus(onlyDeliveryTo(operationalEndpoint(a)), "DELIVERED", Duration.ofSeconds(30));

            assertThat(operationsOfA.received()).hasSize(1);
            assertThat(operationsOfA.received().get(0).body()).contains(ofA.toString());
            assertThat(jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE endpoint_id = ?", Integer.class,
                    operationalEndpoint(b))).isZero();
            assertThat(operationsOfB.received()).isEmpty();
            assertThat(get("/v1/events", as(c)).json().get("data")).as("the ingested event only").hasSize(1);
            assertThat(get("/v1/events", as(b)).json().get("data")).isEmpty();
        }
    }

    private String registerOperationalWebhook(String key, TestReceiver receiver) {
        Response created = put("/v1/operational-webhook", "{\"url\":\"" + receiver.url() + "\"}", as(key));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("secret").asText();
    }

    private UUID operationalEndpoint(String key) {
        return UUID.fromString(get("/v1/operational-webhook", as(key)).json().get("id").asText());
    }

    private UUID onlyDeliveryTo(UUID endpoint) {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE endpoint_id = ?", Integer.class,
                        endpoint) > 0);
        return jdbc.queryForObject("SELECT id FROM deliveries WHERE endpoint_id = ?", UUID.class, endpoint);
    }

    /**
     * Waits for the request announcing this event type whose data has each of these members (field,
     * value, field, value...), checks its Standard Webhooks signature with the webhook's secret, and
     * answers its data.
     */
    private JsonNode awaitEvent(TestReceiver operations, String secret, String type, String... members) throws Exception {
        Predicate<TestReceiver.Received> announces = r -> {
            JsonNode body = readTree(r.body());
            for (int i = 0; i < members.length; i += 2) {
                if (!members[i + 1].equals(body.path("data").path(members[i]).asText())) {
                    return false;
                }
            }
            return type.equals(body.path("type").asText());
        };
        await().atMost(Duration.ofSeconds(30)).until(() -> operations.received().stream().anyMatch(announces));
        List<TestReceiver.Received> matching = operations.received().stream().filter(announces).toList();
        TestReceiver.Received request = matching.get(matching.size() - 1);
        new Webhook(secret).verify(request.body(), HttpHeaders.of(Map.of(
                "webhook-id", List.of(request.header("webhook-id")),
                "webhook-timestamp", List.of(request.header("webhook-timestamp")),
                "webhook-signature", List.of(request.header("webhook-signature"))), (x, y) -> true));
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("type").asText()).isEqualTo(type);
        assertThat(body.get("timestamp").asText()).isNotBlank();
        return body.get("data");
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception notJson) {
            throw new IllegalStateException(notJson);
        }
    }

    /** Every link of an event is an API path that answers the tenant (200). */
    private void assertLinksWork(String key, JsonNode links) {
        links.properties().forEach(link -> assertThat(get(link.getValue().asText(), as(key)).status())
                .as(link.getKey() + " " + link.getValue()).isEqualTo(200));
    }
}
