package dev.webhookrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import org.junit.jupiter.api.Test;

/**
 * Every tenant route, called with another tenant's key, neither shows nor changes anything; nor does
 * any page of the other tenant's portal.
 */
class TenantIsolationTest extends RelayIntegrationTest {

    @Test
    void anotherTenantsKeySeesAndChangesNothing() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(400)); TestReceiver operations = new TestReceiver()) {
            String owner = createTenant("owner");
            String intruder = createTenant("intruder");
            String ownersOperational = put("/v1/operational-webhook", "{\"url\":\"" + operations.url() + "\"}", as(owner))
                    .json().get("id").asText();
            String endpointId = createEndpoint(owner, receiver.url(), "[]").get("id").asText();
            Response accepted = postEvent(owner, "{\"type\":\"secret.thing\",\"payload\":{\"s\":1}}", null);
            String eventId = accepted.json().get("id").asText();
            String deliveryId = accepted.json().get("deliveries").get(0).get("id").asText();
            awaitStatus(UUID.fromString(deliveryId), "DEAD_LETTERED", Duration.ofSeconds(15));
            String replayId = post("/v1/dlq/replay", "{\"dryRun\":false,\"endpointId\":\"" + endpointId + "\"}",
                    as(owner)).json().get("replayId").asText();
            String ownersKeyId = get("/v1/api-keys", as(owner)).json().get("data").get(0).get("id").asText();
            String sourceId = post("/v1/sources", "{\"name\":\"s\",\"provider\":\"github\",\"secret\":\"owners-secret\"}",
                    as(owner)).json().get("id").asText();
            assertThat(put("/v1/event-types/secret.thing", "{\"description\":\"owner's\"}", as(owner)).status()).isEqualTo(201);
            assertThat(patch("/v1/tenant", "{\"requireKnownTypes\":true}", as(owner)).status()).isEqualTo(200);

            assertThat(get("/v1/endpoints/" + endpointId, as(intruder)).status()).isEqualTo(404);
            assertThat(patch("/v1/endpoints/" + endpointId, "{\"enabled\":false}", as(intruder)).status()).isEqualTo(404);
            assertThat(post("/v1/endpoints/" + endpointId + "/secret/rotate", null, as(intruder)).status()).isEqualTo(404);
            assertThat(post("/v1/endpoints/" + endpointId + "/recover", "{\"since\":\"2020-01-01T00:00:00Z\"}",
                    as(intruder)).status()).isEqualTo(404);
            assertThat(post("/v1/endpoints/" + endpointId + "/filter-preview",
                    "{\"event\":{\"type\":\"a.b\",\"payload\":{}}}", as(intruder)).status()).isEqualTo(404);
            for (String fifo : new String[] {"/fifo/skip", "/fifo/retry"}) {
                assertThat(post("/v1/endpoints/" + endpointId + fifo, null, as(intruder)).status()).as(fifo).isEqualTo(404);
            }
            assertThat(get("/v1/endpoints/" + endpointId + "/fifo", as(intruder)).status()).isEqualTo(404);
            assertThat(post("/v1/endpoints/" + endpointId + "/transform-preview",
                    "{\"event\":{\"type\":\"a.b\",\"payload\":{}}}", as(intruder)).status()).isEqualTo(404);
            assertThat(post("/v1/endpoints/" + endpointId + "/test", "{\"type\":\"intruders.test\",\"payload\":{}}",
                    as(intruder)).status()).isEqualTo(404);
            // By what was sent, not how much: the owner's replayed delivery may still be retrying meanwhile.
            assertThat(receiver.received()).noneMatch(request -> request.body().contains("intruders.test"));
            assertThat(delete("/v1/endpoints/" + endpointId, as(intruder)).status()).isEqualTo(404);
            assertThat(get("/v1/events/" + eventId, as(intruder)).status()).isEqualTo(404);
            assertThat(get("/v1/deliveries/" + deliveryId, as(intruder)).status()).isEqualTo(404);
            assertThat(get("/v1/deliveries/" + deliveryId + "/attempts", as(intruder)).status()).isEqualTo(404);
            assertThat(post("/v1/deliveries/" + deliveryId + "/replay", null, as(intruder)).status()).isEqualTo(404);
            assertThat(get("/v1/replays/" + replayId, as(intruder)).status()).isEqualTo(404);
            assertThat(post("/v1/dlq/replay", "{\"endpointId\":\"" + endpointId + "\"}", as(intruder)).status())
                    .isEqualTo(404);
            assertThat(delete("/v1/api-keys/" + ownersKeyId, as(intruder)).status()).isEqualTo(404);
            assertThat(get("/v1/event-types/secret.thing", as(intruder)).status()).isEqualTo(404);
            assertThat(delete("/v1/event-types/secret.thing", as(intruder)).status()).isEqualTo(404);
            assertThat(patch("/v1/tenant", "{\"requireKnownTypes\":false}", as(intruder)).status()).isEqualTo(200);
            assertThat(get("/v1/tenant", as(intruder)).body()).doesNotContain(tenantIdOf(owner));
            assertThat(get("/v1/sources/" + sourceId, as(intruder)).status()).isEqualTo(404);
            assertThat(get("/v1/sources/" + sourceId + "/rejections", as(intruder)).status()).isEqualTo(404);
            assertThat(post("/v1/sources/" + sourceId + "/secret/rotate", "{\"secret\":\"intruders-secret\"}",
                    as(intruder)).status()).isEqualTo(404);
            assertThat(delete("/v1/sources/" + sourceId, as(intruder)).status()).isEqualTo(404);
            assertThat(get("/v1/operational-webhook", as(intruder)).status()).isEqualTo(404);
            assertThat(post("/v1/operational-webhook/secret/rotate", null, as(intruder)).status()).isEqualTo(404);
            assertThat(delete("/v1/operational-webhook", as(intruder)).status()).isEqualTo(404);
            assertThat(get("/v1/endpoints/" + ownersOperational, as(intruder)).status()).isEqualTo(404);
            Response intrudersOwn = put("/v1/operational-webhook", "{\"url\":\"http://127.0.0.1:9/intruder\"}", as(intruder));
            assertThat(intrudersOwn.status()).isEqualTo(201);
            assertThat(intrudersOwn.json().get("id").asText()).isNotEqualTo(ownersOperational);
            for (String list : new String[] {"/v1/endpoints", "/v1/events", "/v1/deliveries", "/v1/dlq", "/v1/sources", "/v1/event-types"}) {
                assertThat(get(list, as(intruder)).json().get("data")).as(list).isEmpty();
            }
            for (String list : new String[] {"/v1/api-keys", "/v1/audit?limit=500", "/v1/audit?resourceId=" + endpointId,
                    "/v1/audit?resourceId=" + sourceId}) {
                assertThat(get(list, as(intruder)).body()).as(list).doesNotContain(ownersKeyId, endpointId, sourceId);
            }
            JsonNode intruderReplay = post("/v1/dlq/replay", "{\"dryRun\":true}", as(intruder)).json();
            assertThat(intruderReplay.get("count").asInt()).isZero();

            String intrudersPortal = post("/v1/portal-links", null, as(intruder)).json().get("url").asText()
                    .replaceFirst("^http://[^/]+", "");
            assertThat(get(intrudersPortal + "/events/" + eventId, Map.of()).status()).isEqualTo(404);
            assertThat(get(intrudersPortal + "/events/" + eventId + "/stream", Map.of()).status()).isEqualTo(404);
            assertThat(get(intrudersPortal + "/endpoints/" + endpointId, Map.of()).status()).isEqualTo(404);
            assertThat(get(intrudersPortal + "/replays/" + replayId, Map.of()).status()).isEqualTo(404);
            assertThat(get(intrudersPortal + "/tail/stream?endpointId=" + endpointId, Map.of()).status()).isEqualTo(404);
            assertThat(post(intrudersPortal + "/deliveries/" + deliveryId + "/replay", "", Map.of()).status()).isEqualTo(404);
            assertThat(post(intrudersPortal + "/endpoints/" + endpointId + "/enabled?enabled=false", "", Map.of()).status())
                    .isEqualTo(404);
            for (String page : new String[] {"/events", "/endpoints", "/dead-letters"}) {
                Response shown = get(intrudersPortal + page, Map.of());
                assertThat(shown.status()).as(page).isEqualTo(200);
                assertThat(shown.body()).as(page).doesNotContain(eventId, endpointId, deliveryId);
            }

            JsonNode stillThere = get("/v1/endpoints/" + endpointId, as(owner)).json();
            assertThat(stillThere.get("enabled").asBoolean()).isTrue();
            assertThat(get("/v1/events?type=secret.thing", as(owner)).json().get("data")).hasSize(1);
            JsonNode operational = get("/v1/operational-webhook", as(owner)).json();
            assertThat(operational.get("id").asText()).isEqualTo(ownersOperational);
            assertThat(operational.get("url").asText()).isEqualTo(operations.url());
            assertThat(get("/v1/api-keys", as(owner)).json().get("data")).hasSize(1);
            assertThat(get("/v1/sources/" + sourceId, as(owner)).status()).isEqualTo(200);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM source_secrets WHERE source_id = ?::uuid", Integer.class,
                    sourceId)).as("the intruder's rotation added no secret").isEqualTo(1);
            assertThat(get("/v1/event-types/secret.thing", as(owner)).json().get("description").asText()).isEqualTo("owner's");
            assertThat(get("/v1/tenant", as(owner)).json().get("knownTypesRequired").asBoolean()).isTrue();
        }
    }

    private String tenantIdOf(String apiKey) {
        return get("/v1/tenant", as(apiKey)).json().get("id").asText();
    }
}
