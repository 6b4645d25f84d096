package dev.webhookrelay.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

class ApiKeysHaveALifecycleTest extends RelayIntegrationTest {

    private static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + ADMIN_TOKEN,
            "Content-Type", "application/json");

    @Autowired
    private ApiKeyLastUse lastUse;

    @Value("${relay.ingest.api-key-cache-ttl}")
    private Duration cacheTtl;

    @Test
    void aKeyIsShownOnceListedWithoutItselfAndStopsWorkingWhenRevoked() {
        String first = createTenant("keys-lifecycle");
        Response created = post("/v1/api-keys", "{\"name\":\"ci\",\"scope\":\"full\"}", as(first));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String second = created.json().get("apiKey").asText();
        String secondId = created.json().get("id").asText();
        assertThat(second).startsWith("rk_");
        assertThat(created.json().get("prefix").asText()).isEqualTo(second.substring(0, 9));
        assertThat(created.json().get("scope").asText()).isEqualTo("full");

        Response listed = get("/v1/api-keys", as(second));
        assertThat(listed.status()).isEqualTo(200);
        JsonNode keys = listed.json().get("data");
        assertThat(keys).hasSize(2);
        assertThat(keys.get(0).get("id").asText()).isEqualTo(secondId);
        assertThat(keys.get(0).get("name").asText()).isEqualTo("ci");
        assertThat(keys.get(1).get("name").asText()).isEqualTo("created with the tenant");
        assertThat(keys.get(1).get("scope").asText()).as("keys made with the tenant are full keys").isEqualTo("full");
        for (JsonNode key : keys) {
            assertThat(key.has("apiKey")).isFalse();
            assertThat(key.fieldNames()).toIterable().containsExactly("id", "name", "prefix", "scope", "createdAt",
                    "lastUsedAt", "expiresAt", "expired");
        }
        String hash = jdbc.queryForObject("SELECT key_hash FROM api_keys WHERE id = ?::uuid", String.class, secondId);
        assertThat(listed.body()).doesNotContain(second, hash);

        assertThat(delete("/v1/api-keys/" + secondId, as(first)).status()).isEqualTo(204);

        Response refused = get("/v1/endpoints", as(second));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(postEvent(second, "{\"type\":\"a.b\",\"payload\":{}}", null).status()).isEqualTo(401);
        assertThat(get("/v1/api-keys", as(first)).json().get("data")).hasSize(1);
        assertThat(delete("/v1/api-keys/" + secondId, as(first)).status()).isEqualTo(404);
    }

    @Test
    void aKeyRevokedByAnotherInstanceStopsWorkingWithinTheCacheTtl() {
        String owner = createTenant("keys-other-instance");
        assertThat(get("/v1/endpoints", as(owner)).status()).isEqualTo(200);

        // What DELETE /v1/api-keys/{id} on another instance writes; this instance's cache does not hear of it.
        jdbc.update("UPDATE api_keys SET revoked_at = now() WHERE key_hash = ?", ApiKeys.hash(owner));

        await().atMost(cacheTtl.plusSeconds(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> get("/v1/endpoints", as(owner)).status() == 401);
    }

    @Test
    void anExpiredKeyStopsWorkingAtItsExpiry() {
        String owner = createTenant("keys-expiry");
        Instant expiresAt = Instant.now().plusSeconds(3);
        Response created = post("/v1/api-keys", "{\"name\":\"short\",\"expiresAt\":\"" + expiresAt + "\"}", as(owner));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String shortLived = created.json().get("apiKey").asText();
        assertThat(get("/v1/endpoints", as(shortLived)).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> get("/v1/endpoints", as(shortLived)).status() == 401);

        JsonNode listed = get("/v1/api-keys", as(owner)).json().get("data").get(0);
        assertThat(listed.get("expired").asBoolean()).isTrue();
    }

    @Test
    void anIngestScopedKeyPostsEventsAndNothingElse() {
        String owner = createTenant("keys-scope");
        Response created = post("/v1/api-keys", "{\"name\":\"producer\",\"scope\":\"ingest\"}", as(owner));
        String ingestOnly = created.json().get("apiKey").asText();

        assertThat(postEvent(ingestOnly, "{\"type\":\"order.created\",\"payload\":{}}", null).status()).isEqualTo(202);
        for (Response forbidden : new Response[] {
            get("/v1/endpoints", as(ingestOnly)),
            get("/v1/events", as(ingestOnly)),
            get("/v1/api-keys", as(ingestOnly)),
            post("/v1/api-keys", "{\"name\":\"escalate\",\"scope\":\"full\"}", as(ingestOnly)),
            post("/v1/endpoints", "{\"url\":\"http://127.0.0.1:9/x\"}", as(ingestOnly)),
            get("/v1/audit", as(ingestOnly))}) {
            assertThat(forbidden.status()).isEqualTo(403);
            assertThat(forbidden.header("Content-Type")).startsWith("application/problem+json");
            assertThat(forbidden.json().get("detail").asText()).contains("ingest");
        }
        assertThat(get("/v1/api-keys", as(owner)).json().get("data")).hasSize(2);
    }

    @Test
    void badInputIsAnsweredWithTheField() {
        String owner = createTenant("keys-bad-input");
        assertField(post("/v1/api-keys", "{}", as(owner)), "name");
        assertField(post("/v1/api-keys", "{\"name\":\"\"}", as(owner)), "name");
        assertField(post("/v1/api-keys", "{\"name\":\"x\",\"scope\":\"admin\"}", as(owner)), "scope");
        assertField(post("/v1/api-keys", "{\"name\":\"x\",\"expiresAt\":\"tomorrow\"}", as(owner)), "expiresAt");
        assertField(post("/v1/api-keys", "{\"name\":\"x\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}", as(owner)),
                "expiresAt");
        assertField(post("/v1/api-keys", "{\"name\":\"x\",\"colour\":\"red\"}", as(owner)), "colour");
        assertThat(delete("/v1/api-keys/not-a-uuid", as(owner)).status()).isEqualTo(404);
    }

    @Test
    void anExpiryIsStoredAsSentToTheMicrosecondEvenAtTheLastInstantOfYear9999() {
        String owner = createTenant("keys-last-instant");

        Response created = post("/v1/api-keys", "{\"name\":\"late\",\"expiresAt\":\"9999-12-31T23:59:59.999999999Z\"}",
                as(owner));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("expiresAt").asText()).isEqualTo("9999-12-31T23:59:59.999999Z");
        String id = created.json().get("id").asText();
        assertThat(get("/v1/api-keys", as(owner)).json().get("data").findValuesAsText("expiresAt"))
                .contains("9999-12-31T23:59:59.999999Z");
        assertThat(id).isNotBlank();
    }

    @Test
    void lastUseIsWrittenInBatchesNotPerRequest() {
        String owner = createTenant("keys-last-use");
        UUID keyId = UUID.fromString(get("/v1/api-keys", as(owner)).json().get("data").get(0).get("id").asText());
        lastUse.flush();
        jdbc.update("UPDATE api_keys SET last_used_at = NULL WHERE id = ?", keyId);

        Instant before = Instant.now();
        for (int i = 0; i < 5; i++) {
            assertThat(get("/v1/endpoints", as(owner)).status()).isEqualTo(200);
        }
        assertThat(lastUsedAt(keyId)).as("no write per request").isNull();

        lastUse.flush();
        assertThat(lastUsedAt(keyId)).isNotNull();
        assertThat(lastUsedAt(keyId).toInstant()).isAfterOrEqualTo(before.minusSeconds(1));
        JsonNode listed = get("/v1/api-keys", as(owner)).json().get("data").get(0);
        assertThat(listed.get("lastUsedAt").isNull()).isFalse();
    }

    @Test
    void theAdminManagesAnyTenantsKeys() {
        String tenantKey = createTenant("keys-admin");
        String tenantId = jdbc.queryForObject("SELECT tenant_id::text FROM api_keys WHERE key_hash = ?", String.class,
                ApiKeys.hash(tenantKey));

        Response created = post("/v1/admin/tenants/" + tenantId + "/api-keys", "{\"name\":\"by admin\",\"scope\":\"ingest\"}",
                ADMIN);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String adminMade = created.json().get("apiKey").asText();
        assertThat(postEvent(adminMade, "{\"type\":\"a.b\",\"payload\":{}}", null).status()).isEqualTo(202);

        JsonNode listed = get("/v1/admin/tenants/" + tenantId + "/api-keys", ADMIN).json().get("data");
        assertThat(listed).hasSize(2);
        String firstKeyId = listed.get(1).get("id").asText();
        assertThat(delete("/v1/admin/tenants/" + tenantId + "/api-keys/" + firstKeyId, ADMIN).status()).isEqualTo(204);
        assertThat(get("/v1/endpoints", as(tenantKey)).status()).isEqualTo(401);

        assertThat(post("/v1/admin/tenants/" + UUID.randomUUID() + "/api-keys", "{\"name\":\"x\"}", ADMIN).status())
                .isEqualTo(404);
        assertThat(get("/v1/admin/tenants/" + tenantId + "/api-keys", as(adminMade)).status()).isEqualTo(401);
    }

    @Test
    void aTenantNeverSeesNorRevokesAnotherTenantsKeys() {
        String owner = createTenant("keys-owner");
        String intruder = createTenant("keys-intruder");
        String ownersKeyId = get("/v1/api-keys", as(owner)).json().get("data").get(0).get("id").asText();

        assertThat(get("/v1/api-keys", as(intruder)).json().get("data")).hasSize(1);
        assertThat(get("/v1/api-keys", as(intruder)).body()).doesNotContain(ownersKeyId);
        assertThat(delete("/v1/api-keys/" + ownersKeyId, as(intruder)).status()).isEqualTo(404);
        assertThat(get("/v1/endpoints", as(owner)).status()).isEqualTo(200);
    }

    private Timestamp lastUsedAt(UUID keyId) {
        return jdbc.queryForObject("SELECT last_used_at FROM api_keys WHERE id = ?", Timestamp.class, keyId);
    }

    private static void assertField(Response response, String field) {
        assertThat(response.status()).as(response.body()).isIn(400, 422);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("field").asText()).isEqualTo(field);
    }
}
