package dev.webhookrelay.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.auth.ApiKeys;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class AuditTrailRecordsEveryChangeTest extends RelayIntegrationTest {

    private static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + ADMIN_TOKEN,
            "Content-Type", "application/json");

    @Autowired
    private AuditRetention retention;

    @Test
    void everyKindOfChangeIsRecordedWithItsActorAndNoSecret() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(400))) {
            String key = createTenant("audited");
            String tenantId = tenantOf(key);
            String keyId = get("/v1/api-keys", as(key)).json().get("data").get(0).get("id").asText();
            List<String> secrets = new ArrayList<>(List.of(key, "hdr-secret-1", "hdr-secret-2", "hdr-secret-3"));

            JsonNode madeKey = post("/v1/api-keys", "{\"name\":\"temp\"}", as(key)).json();
            secrets.add(madeKey.get("apiKey").asText());
            assertThat(delete("/v1/api-keys/" + madeKey.get("id").asText(), as(key)).status()).isEqualTo(204);

            Response endpoint = post("/v1/endpoints", "{\"url\":\"" + receiver.url() + "\",\"description\":\"one\","
                    + "\"headers\":{\"Authorization\":\"Bearer hdr-secret-1\",\"X-Api-Key\":\"hdr-secret-2\","
                    + "\"X-Session-Token\":\"hdr-secret-3\",\"X-Trace\":\"visible-value\"}}", as(key));
            assertThat(endpoint.status()).as(endpoint.body()).isEqualTo(201);
            String endpointId = endpoint.json().get("id").asText();
            secrets.add(endpoint.json().get("secret").asText());
            assertThat(patch("/v1/endpoints/" + endpointId, "{\"description\":\"two\"}", as(key)).status()).isEqualTo(200);
            assertThat(patch("/v1/endpoints/" + endpointId, "{\"enabled\":false}", as(key)).status()).isEqualTo(200);
            assertThat(patch("/v1/endpoints/" + endpointId, "{\"enabled\":true}", as(key)).status()).isEqualTo(200);
            Response rotated = post("/v1/endpoints/" + endpointId + "/secret/rotate", null, as(key));
            secrets.add(rotated.json().get("secret").asText());

            UUID deliveryId = postAndGetDelivery(key, "order.created");
            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(20));
            assertThat(post("/v1/deliveries/" + deliveryId + "/replay", null, as(key)).status()).isEqualTo(202);
            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(20));
            String replayId = post("/v1/dlq/replay", "{}", as(key)).json().get("replayId").asText();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "COMPLETED".equals(get("/v1/replays/" + replayId, as(key)).json().get("status").asText()));
            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(20));
            Response recovered = post("/v1/endpoints/" + endpointId + "/recover", "{\"since\":\"2020-01-01T00:00:00Z\"}",
                    as(key));
            assertThat(recovered.status()).as(recovered.body()).isEqualTo(202);
            assertThat(delete("/v1/endpoints/" + endpointId, as(key)).status()).isEqualTo(204);
            Response source = post("/v1/sources", "{\"name\":\"in\",\"provider\":\"github\",\"secret\":\"src-secret-1\"}",
                    as(key));
            assertThat(source.status()).as(source.body()).isEqualTo(201);
            String sourceId = source.json().get("id").asText();
            assertThat(post("/v1/sources/" + sourceId + "/secret/rotate", "{\"secret\":\"src-secret-2\"}", as(key)).status())
                    .isEqualTo(200);
            assertThat(delete("/v1/sources/" + sourceId, as(key)).status()).isEqualTo(204);
            secrets.addAll(List.of("src-secret-1", "src-secret-2"));
            assertThat(put("/v1/event-types/order.created", "{}", as(key)).status()).isEqualTo(201);
            assertThat(put("/v1/event-types/order.created", "{\"description\":\"d\"}", as(key)).status()).isEqualTo(200);
            assertThat(delete("/v1/event-types/order.created", as(key)).status()).isEqualTo(204);
            assertThat(patch("/v1/tenant", "{\"requireKnownTypes\":false}", as(key)).status()).isEqualTo(200);
            Response ownLink = post("/v1/portal-links", "", Map.of("Authorization", "Bearer " + key));
            assertThat(ownLink.status()).isEqualTo(201);
            Response adminLink = post("/v1/admin/tenants/" + tenantId + "/portal-links", "",
                    Map.of("Authorization", "Bearer " + ADMIN_TOKEN));
            assertThat(adminLink.status()).isEqualTo(201);
            for (Response link : List.of(ownLink, adminLink)) {
                String url = link.json().get("url").asText();
                secrets.add(url.substring(url.indexOf("/portal/") + "/portal/".length()));
            }
            Response operational = put("/v1/operational-webhook", "{\"url\":\"" + receiver.url() + "\"}", as(key));
            assertThat(operational.status()).as(operational.body()).isEqualTo(201);
            secrets.add(operational.json().get("secret").asText());
            assertThat(put("/v1/operational-webhook", "{\"url\":\"" + receiver.url() + "/moved\"}", as(key)).status())
                    .isEqualTo(200);
            secrets.add(post("/v1/operational-webhook/secret/rotate", null, as(key)).json().get("secret").asText());
            assertThat(delete("/v1/operational-webhook", as(key)).status()).isEqualTo(204);

            Response trail = get("/v1/audit?limit=500", as(key));
            assertThat(trail.status()).isEqualTo(200);
            JsonNode records = trail.json().get("data");
            Set<String> actions = new HashSet<>();
            records.forEach(record -> actions.add(record.get("action").asText()));
            // A fifo endpoint's head skip and retry are recorded too: DeliveryKeepsFifoEndpointsInOrderTest.
            assertThat(actions).containsExactlyInAnyOrderElementsOf(AuditAction.CODES.stream()
                    .filter(code -> !code.startsWith("delivery.fifo-")).toList());

            assertThat(only(records, "tenant.create").get("actor").asText()).isEqualTo("admin");
            assertThat(only(records, "tenant.create").get("resourceId").asText()).isEqualTo(tenantId);
            JsonNode update = only(records, "endpoint.update");
            assertThat(update.get("actor").asText()).isEqualTo(keyId);
            assertThat(update.get("resourceType").asText()).isEqualTo("endpoint");
            assertThat(update.get("resourceId").asText()).isEqualTo(endpointId);
            assertThat(update.get("before").get("description").asText()).isEqualTo("one");
            assertThat(update.get("after").get("description").asText()).isEqualTo("two");
            assertThat(only(records, "endpoint.disable").get("after").get("enabled").asBoolean()).isFalse();
            assertThat(only(records, "endpoint.delete").get("after").isNull()).isTrue();
            assertThat(only(records, "api-key.revoke").get("before").get("name").asText()).isEqualTo("temp");
            assertThat(only(records, "dlq.replay").get("resourceId").asText()).isEqualTo(replayId);
            assertThat(only(records, "delivery.replay").get("resourceId").asText()).isEqualTo(deliveryId.toString());
            assertThat(only(records, "event-type.update").get("resourceId").asText()).isEqualTo("order.created");
            assertThat(only(records, "event-type.update").get("after").get("description").asText()).isEqualTo("d");
            assertThat(only(records, "tenant.update").get("after").get("requireKnownTypes").asBoolean()).isFalse();
            Map<String, JsonNode> linksByActor = new HashMap<>();
            records.forEach(record -> {
                if (record.get("action").asText().equals("portal-link.create")) {
                    linksByActor.put(record.get("actor").asText(), record);
                }
            });
            assertThat(linksByActor).containsOnlyKeys(keyId, "admin");
            for (Map.Entry<String, Response> minted : Map.of(keyId, ownLink, "admin", adminLink).entrySet()) {
                JsonNode record = linksByActor.get(minted.getKey());
                assertThat(record.get("tenantId").asText()).isEqualTo(tenantId);
                assertThat(record.get("resourceType").asText()).isEqualTo("portal-link");
                assertThat(record.get("after").get("expiresAt").asText())
                        .isEqualTo(minted.getValue().json().get("expiresAt").asText());
                assertThat(record.get("after").size()).as("the expiry only, never the link").isEqualTo(1);
            }

            JsonNode headers = only(records, "endpoint.create").get("after").get("headers");
            assertThat(headers.get("Authorization").asText()).isEqualTo("[REDACTED]");
            assertThat(headers.get("X-Api-Key").asText()).isEqualTo("[REDACTED]");
            assertThat(headers.get("X-Session-Token").asText()).isEqualTo("[REDACTED]");
            // Static header values are kept only sealed in the endpoint row, never in the audit trail.
            assertThat(headers.get("X-Trace").asText()).isEqualTo("[REDACTED]");
            assertThat(only(records, "endpoint.create").get("after").get("secret").asText()).isEqualTo("[REDACTED]");
            assertThat(only(records, "endpoint.secret.rotate").get("after").get("secret").asText()).isEqualTo("[REDACTED]");
            JsonNode operationalCreated = only(records, "operational-webhook.create");
            assertThat(operationalCreated.get("resourceType").asText()).isEqualTo("operational-webhook");
            assertThat(operationalCreated.get("after").get("secret").asText()).isEqualTo("[REDACTED]");
            assertThat(only(records, "operational-webhook.update").get("after").get("url").asText()).endsWith("/moved");
            assertThat(only(records, "operational-webhook.secret.rotate").get("after").get("secret").asText())
                    .isEqualTo("[REDACTED]");
            assertThat(only(records, "operational-webhook.delete").get("after").isNull()).isTrue();

            String stored = String.join("\n", jdbc.queryForList(
                    "SELECT coalesce(before::text, '') || coalesce(after::text, '') FROM audit_records WHERE tenant_id = ?::uuid",
                    String.class, tenantId));
            for (String secret : secrets) {
                assertThat(trail.body()).doesNotContain(secret);
                assertThat(stored).doesNotContain(secret);
            }
        }
    }

    @Test
    void pagesAndFiltersCoverTheTrailWithoutRepeats() {
        String key = createTenant("audit-pages");
        for (int i = 0; i < 3; i++) {
            String endpointId = createEndpoint(key, "http://127.0.0.1:9/p" + i, "[]").get("id").asText();
            patch("/v1/endpoints/" + endpointId, "{\"description\":\"d" + i + "\"}", as(key));
        }
        List<String> all = ids(get("/v1/audit?limit=500", as(key)).json().get("data"));
        assertThat(all).hasSize(8);

        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = get("/v1/audit?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), as(key)).json();
            paged.addAll(ids(page.get("data")));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        assertThat(paged).containsExactlyElementsOf(all);

        JsonNode endpoints = get("/v1/audit?resourceType=endpoint", as(key)).json().get("data");
        assertThat(endpoints).hasSize(6);
        endpoints.forEach(record -> assertThat(record.get("resourceType").asText()).isEqualTo("endpoint"));
        JsonNode updates = get("/v1/audit?action=endpoint.update", as(key)).json().get("data");
        assertThat(updates).hasSize(3);
        String pivot = updates.get(1).get("createdAt").asText();
        assertThat(get("/v1/audit?action=endpoint.update&since=" + pivot, as(key)).json().get("data")).hasSize(2);
        assertThat(get("/v1/audit?action=endpoint.update&until=" + pivot, as(key)).json().get("data")).hasSize(1);

        Response bad = get("/v1/audit?resourceType=planet", as(key));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("field").asText()).isEqualTo("resourceType");
        assertThat(get("/v1/audit?action=launch", as(key)).json().get("field").asText()).isEqualTo("action");
        assertThat(get("/v1/audit?since=yesterday", as(key)).json().get("field").asText()).isEqualTo("since");
    }

    @Test
    void aTenantReadsOnlyItsOwnTrailAndTheAdminReadsEveryone() {
        String a = createTenant("audit-a");
        String b = createTenant("audit-b");
        String endpointOfA = createEndpoint(a, "http://127.0.0.1:9/a", "[]").get("id").asText();

        JsonNode seenByB = get("/v1/audit?limit=500", as(b)).json().get("data");
        assertThat(seenByB).hasSize(2);
        seenByB.forEach(record -> assertThat(record.get("tenantId").asText()).isEqualTo(tenantOf(b)));
        assertThat(get("/v1/audit?resourceId=" + endpointOfA, as(b)).json().get("data")).isEmpty();

        JsonNode adminOfA = get("/v1/admin/audit?limit=500&tenantId=" + tenantOf(a), ADMIN).json().get("data");
        assertThat(ids(adminOfA)).containsExactlyElementsOf(ids(get("/v1/audit?limit=500", as(a)).json().get("data")));
        Set<String> tenants = new HashSet<>();
        get("/v1/admin/audit?limit=500", ADMIN).json().get("data")
                .forEach(record -> tenants.add(record.get("tenantId").asText()));
        assertThat(tenants).contains(tenantOf(a), tenantOf(b));
        assertThat(get("/v1/admin/audit", as(a)).status()).isEqualTo(401);
    }

    @Test
    void recordsOlderThanTheRetentionArePurged() {
        String key = createTenant("audit-retention");
        UUID old = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO audit_records (id, tenant_id, actor, action, resource_type, resource_id, created_at)
                VALUES (?, ?::uuid, 'admin', 'tenant.create', 'tenant', 'x', now() - interval '400 days')""",
                old, tenantOf(key));

        while (retention.purgeBatch() > 0) {
            // Purged in batches until none is left.
        }

        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_records WHERE id = ?", Integer.class, old)).isZero();
        assertThat(get("/v1/audit", as(key)).json().get("data")).hasSize(2);
    }

    private String tenantOf(String apiKey) {
        return jdbc.queryForObject("SELECT tenant_id::text FROM api_keys WHERE key_hash = ?", String.class,
                ApiKeys.hash(apiKey));
    }

    private static JsonNode only(JsonNode records, String action) {
        List<JsonNode> found = new ArrayList<>();
        records.forEach(record -> {
            if (record.get("action").asText().equals(action)) {
                found.add(record);
            }
        });
        assertThat(found).as(action).hasSize(1);
        return found.get(0);
    }

    private static List<String> ids(JsonNode records) {
        List<String> ids = new ArrayList<>();
        records.forEach(record -> ids.add(record.get("id").asText()));
        return ids;
    }
}
