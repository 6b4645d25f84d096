package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.standardwebhooks.Webhook;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Per-endpoint JSONata transformations end to end: registered (422 with the error position),
 * applied before signing, setting headers and a path suffix, previewed, sent as a test, and failing
 * at run time into a dead letter without an HTTP request.
 */
@ExtendWith(OutputCaptureExtension.class)
class TransformationsShapeWhatReceiversGetTest extends RelayIntegrationTest {

    private static final String ORDER = "{\"type\":\"order.created\",\"payload\":{\"id\":\"ord_42\",\"amount\":129.5,"
            + "\"currency\":\"EUR\",\"customer\":{\"name\":\"Ada\"}}}";
    private static final String SLACK = "{\"text\": \"New order \" & data.id & \" from \" & data.customer.name"
            + " & \": \" & data.amount & \" \" & data.currency}";

    @Test
    void anOrderEventReachesTheReceiverAsASignedSlackMessage() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("slack");
            JsonNode endpoint = endpoint(key, receiver.url(), SLACK);
            UUID deliveryId = deliveryOf(postEvent(key, ORDER, null));

            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));

            TestReceiver.Received request = receiver.received().get(0);
            assertThat(JSON.readTree(request.body()))
                    .isEqualTo(JSON.readTree("{\"text\":\"New order ord_42 from Ada: 129.5 EUR\"}"));
            new Webhook(endpoint.get("secret").asText()).verify(request.body(),
                    DeliverySignsWithStandardWebhooksTest.headers(request));
            assertThat(endpoint.get("transformation").asText()).isEqualTo(SLACK);
        }
    }

    @Test
    void aTransformationSetsAHeaderAndAPathFromThePayloadButNotTheRelaysHeaders() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("envelope");
            endpoint(key, receiver.url(), "{\"$relay\": {\"body\": data, \"headers\": {\"X-Order-Currency\": data.currency},"
                    + " \"path\": \"/orders/\" & data.id & \"?v=1\"}}");
            UUID delivered = deliveryOf(postEvent(key, ORDER, null));
            awaitStatus(delivered, "DELIVERED", Duration.ofSeconds(15));

            TestReceiver.Received request = receiver.received().get(0);
            assertThat(request.header("x-order-currency")).isEqualTo("EUR");
            assertThat(request.requestUri()).isEqualTo("/hook/orders/ord_42?v=1");
            assertThat(JSON.readTree(request.body()).get("id").asText()).isEqualTo("ord_42");

            String hostile = createTenant("steering");
            endpoint(hostile, receiver.url(), "{\"$relay\": {\"body\": data, \"headers\": {\"webhook-signature\": \"v1,forged\"}}}");
            UUID refusedHeader = deliveryOf(postEvent(hostile, ORDER, null));
            String pathing = createTenant("pathing");
            endpoint(pathing, receiver.url(), "{\"$relay\": {\"body\": data, \"path\": \"/../admin\"}}");
            UUID refusedPath = deliveryOf(postEvent(pathing, ORDER, null));
            awaitStatus(refusedHeader, "DEAD_LETTERED", Duration.ofSeconds(15));
            awaitStatus(refusedPath, "DEAD_LETTERED", Duration.ofSeconds(15));
            assertThat(attempts(refusedHeader).get(0).get("error_message").toString()).contains("webhook-signature");
            assertThat(attempts(refusedPath).get(0).get("error_message").toString()).contains("path is not allowed");
            assertThat(receiver.received()).hasSize(1);
        }
    }

    @Test
    void anInvalidExpressionIsRefusedAtRegistrationWithItsPosition() {
        String key = createTenant("invalid");
        Response refused = post("/v1/endpoints", body("http://127.0.0.1:9/hook", "{\"a\": data.id,, }"), as(key));

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().get("field").asText()).isEqualTo("transformation");
        assertThat(refused.json().get("detail").asText()).containsPattern("at position \\d+");

        String id = endpoint(key, "http://127.0.0.1:9/hook", "data").get("id").asText();
        Response patched = patch("/v1/endpoints/" + id, "{\"transformation\": \"$count(\"}", as(key));
        assertThat(patched.status()).isEqualTo(422);
        assertThat(patched.json().get("field").asText()).isEqualTo("transformation");
    }

    @Test
    void aRuntimeErrorDeadLettersTheDeliveryAfterOneAttemptWithoutAnHttpRequest() {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("runtime");
            endpoint(key, receiver.url(), "{\"total\": data.amount + data.currency}");
            UUID deliveryId = deliveryOf(postEvent(key, ORDER, null));

            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));

            List<Map<String, Object>> attempts = attempts(deliveryId);
            assertThat(attempts).hasSize(1);
            assertThat(attempts.get(0).get("outcome")).isEqualTo("DEAD_LETTERED");
            assertThat(attempts.get(0).get("response_status")).isNull();
            assertThat(attempts.get(0).get("error_class").toString()).endsWith("TransformationException");
            String lastError = jdbc.queryForObject("SELECT last_error FROM deliveries WHERE id = ?", String.class, deliveryId);
            assertThat(lastError).startsWith("transformation error: ");
            assertThat(receiver.received()).isEmpty();
        }
    }

    /**
     * The event's payload chooses the error's text: 200 KB with a forged log line in it. The delivery is
     * dead-lettered all the same (the reason would not fit in a dead letter's headers), its reason one
     * line of at most 1,000 characters, and the log has no line the payload wrote.
     */
    @Test
    void anErrorWhoseTextThePayloadWritesIsDeadLetteredAsOneBoundedLine(CapturedOutput output) {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("error-text");
            endpoint(key, receiver.url(), "$error(data.msg)");
            String forged = "\\n2026-12-01T18:00:00.000Z ERROR 1 --- [main] FORGED-LINE-" + UUID.randomUUID();
            UUID deliveryId = deliveryOf(postEvent(key, "{\"type\":\"order.created\",\"payload\":{\"msg\":\""
                    + forged + "x".repeat(200_000) + "\"}}", null));

            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));

            String lastError = jdbc.queryForObject("SELECT last_error FROM deliveries WHERE id = ?", String.class, deliveryId);
            assertThat(lastError).startsWith("transformation error: ").doesNotContain("\n").hasSizeLessThanOrEqualTo(1000);
            assertThat(output.getOut().lines().filter(line -> line.contains("FORGED-LINE-"))
                    .allMatch(line -> !line.startsWith("2026-12-01T18:00:00.000Z"))).isTrue();
            assertThat(receiver.received()).isEmpty();
        }
    }

    @Test
    void aHostileExpressionIsStoppedAndDeadLettered() {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("hostile");
            endpoint(key, receiver.url(), "($f := function($x) { $f($x + 1) }; $f(0))");
            UUID looping = deliveryOf(postEvent(key, ORDER, null));
            awaitStatus(looping, "DEAD_LETTERED", Duration.ofSeconds(15));

            assertThat(attempts(looping).get(0).get("error_message").toString()).contains("relay.transformations");
            assertThat(receiver.received()).isEmpty();
        }
    }

    /** One match of this pattern over the event's 40 characters would run for hours: the deadline stops it inside. */
    @Test
    void aBacktrackingRegularExpressionIsStoppedInThePreviewAndInADelivery() {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("backtracking");
            String id = endpoint(key, receiver.url(), "{\"m\": $contains(data.text, /(.*a){16}$/)}").get("id").asText();
            String event = "{\"type\":\"order.created\",\"payload\":{\"text\":\"" + "a".repeat(40) + "!\"}}";

            Response preview = post("/v1/endpoints/" + id + "/transform-preview", "{\"event\":" + event + "}", as(key));
            assertThat(preview.status()).isEqualTo(422);
            assertThat(preview.json().toString()).contains("relay.transformations.timeout");

            UUID deliveryId = deliveryOf(postEvent(key, event, null));
            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));
            assertThat(attempts(deliveryId).get(0).get("error_message").toString()).contains("relay.transformations.timeout");
            assertThat(receiver.received()).isEmpty();
        }
    }

    /** The engine would match these in one step the deadline cannot enter: a picture at evaluation, a signature at registration. */
    @Test
    void aToMillisPictureFailsThePreviewAndALongSignatureIsRefusedAtRegistration() {
        String key = createTenant("unguarded");
        String id = endpoint(key, "http://127.0.0.1:9/hook", "{\"at\": $toMillis(data.id, \"[d][d]\")}").get("id").asText();
        Response preview = post("/v1/endpoints/" + id + "/transform-preview", "{\"event\":" + ORDER + "}", as(key));
        assertThat(preview.status()).isEqualTo(422);
        assertThat(preview.json().get("field").asText()).isEqualTo("transformation");
        assertThat(preview.json().get("detail").asText()).contains("$toMillis takes no picture");

        String signature = "($f := function($x)<" + "s?".repeat(30) + ":s>{ $x }; $f(data.id))";
        Response refused = post("/v1/endpoints", body("http://127.0.0.1:9/hook", signature), as(key));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("field").asText()).isEqualTo("transformation");
        assertThat(refused.json().get("detail").asText()).contains("at most 10 parameters");
        Response patched = patch("/v1/endpoints/" + id, JSON.createObjectNode().put("transformation", signature).toString(),
                as(key));
        assertThat(patched.status()).isEqualTo(422);
        assertThat(patched.json().get("field").asText()).isEqualTo("transformation");
    }

    @Test
    void thePreviewAnswersTheExactRequestAndTheTestSendsOne() throws Exception {
        try (TestReceiver receiver = new TestReceiver(Reply.status(202, "X-Receiver", "seen"))) {
            String key = createTenant("preview");
            ObjectNode create = (ObjectNode) JSON.readTree(body(receiver.url(), "{\"$relay\": {\"body\": {\"text\": data.id},"
                    + " \"headers\": {\"X-Order\": data.id}}}"));
            create.putObject("headers").put("Authorization", "Bearer receiver-token");
            Response created = post("/v1/endpoints", create.toString(), as(key));
            String id = created.json().get("id").asText();
            String secret = created.json().get("secret").asText();

            Response preview = post("/v1/endpoints/" + id + "/transform-preview", "{\"event\":" + ORDER + "}", as(key));
            assertThat(preview.status()).isEqualTo(200);
            assertThat(preview.json().get("url").asText()).isEqualTo(receiver.url());
            assertThat(preview.json().get("body").asText()).isEqualTo("{\"text\":\"ord_42\"}");
            assertThat(preview.json().at("/headers/X-Order").asText()).isEqualTo("ord_42");
            assertThat(preview.json().at("/headers/Authorization").asText()).isEqualTo("[redacted]");
            assertThat(receiver.received()).isEmpty();

            Response test = post("/v1/endpoints/" + id + "/test", ORDER, as(key));
            assertThat(test.status()).isEqualTo(200);
            assertThat(test.json().at("/response/status").asInt()).isEqualTo(202);
            assertThat(test.json().at("/response/headers/X-receiver").asText("")
                    + test.json().at("/response/headers/X-Receiver").asText("")).isEqualTo("seen");
            assertThat(test.json().at("/request/headers/Authorization").asText()).isEqualTo("[redacted]");
            assertThat(test.json().get("outcome").asText()).isEqualTo("DELIVERED");
            assertThat(test.json().get("durationMs").isNumber()).isTrue();
            TestReceiver.Received sent = receiver.received().get(0);
            assertThat(sent.body()).isEqualTo("{\"text\":\"ord_42\"}");
            assertThat(sent.header("authorization")).isEqualTo("Bearer receiver-token");
            new Webhook(secret).verify(sent.body(), DeliverySignsWithStandardWebhooksTest.headers(sent));
            assertThat(jdbc.queryForObject("SELECT count(*) FROM events e JOIN endpoints p ON p.tenant_id = e.tenant_id"
                    + " WHERE p.id = ?::uuid", Integer.class, id)).isZero();
        }
    }

    @Test
    void theTestSendRefusesAPrivateAddressLikeADelivery() {
        String key = createTenant("guarded");
        String id = endpoint(key, "http://127.0.0.1:9/hook", "data").get("id").asText();
        // Written past registration's check: the delivery client's guard judges it again.
        jdbc.update("UPDATE endpoints SET url = 'http://127.0.0.2:9/hook' WHERE id = ?::uuid", id);

        Response test = post("/v1/endpoints/" + id + "/test", ORDER, as(key));

        assertThat(test.status()).isEqualTo(200);
        assertThat(test.json().get("response").isNull()).isTrue();
        assertThat(test.json().get("outcome").asText()).isEqualTo("DEAD_LETTER");
    }

    private JsonNode endpoint(String apiKey, String url, String transformation) {
        Response created = post("/v1/endpoints", body(url, transformation), as(apiKey));
        if (created.status() != 201) {
            throw new IllegalStateException("endpoint not created: " + created);
        }
        return created.json();
    }

    private static String body(String url, String transformation) {
        ObjectNode body = JSON.createObjectNode().put("url", url).put("transformation", transformation);
        body.putArray("eventTypes");
        return body.toString();
    }

    private static UUID deliveryOf(Response accepted) {
        if (accepted.status() != 202 || accepted.json().get("deliveries").isEmpty()) {
            throw new IllegalStateException("not accepted with a delivery: " + accepted);
        }
        return UUID.fromString(accepted.json().get("deliveries").get(0).get("id").asText());
    }
}
