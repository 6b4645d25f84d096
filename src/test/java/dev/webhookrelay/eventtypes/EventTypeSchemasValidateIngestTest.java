package dev.webhookrelay.eventtypes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.audit.AuditTrail;
import dev.webhookrelay.auth.ApiKeys;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.ingest.IngestRequest;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Event types and schemas: a tenant registers types with a JSON Schema, lists them with their
 * subscribers, and ingest refuses (422, nothing stored) payloads that fail the schema and, where the
 * tenant requires known types, types it never registered.
 */
class EventTypeSchemasValidateIngestTest extends RelayIntegrationTest {

    private static final String ORDER_SCHEMA = """
            {"type": "object", "required": ["amount", "currency"],
             "properties": {"amount": {"type": "number", "minimum": 0}, "currency": {"enum": ["EUR", "USD"]}}}""";

    @Autowired
    private EventSchemas schemas;
    @Autowired
    private AuditTrail audit;
    @Autowired
    private ObjectMapper json;

    @Test
    void anEventTypeIsRegisteredReplacedReadAndDeleted() {
        String key = createTenant("types-crud");

        Response created = put("/v1/event-types/order.created", "{\"description\":\"An order was placed\",\"schema\":"
                + ORDER_SCHEMA + "}", as(key));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("name").asText()).isEqualTo("order.created");
        assertThat(created.json().get("schema").get("required")).hasSize(2);

        Response replaced = put("/v1/event-types/order.created", "{\"description\":\"Placed\"}", as(key));
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().get("schema").isNull()).as("PUT replaces the whole type").isTrue();
        assertThat(replaced.json().get("version").asLong()).isGreaterThan(created.json().get("version").asLong());

        JsonNode read = get("/v1/event-types/order.created", as(key)).json();
        assertThat(read.get("description").asText()).isEqualTo("Placed");
        assertThat(delete("/v1/event-types/order.created", as(key)).status()).isEqualTo(204);
        assertThat(get("/v1/event-types/order.created", as(key)).status()).isEqualTo(404);
        assertThat(delete("/v1/event-types/order.created", as(key)).status()).isEqualTo(404);

        List<String> actions = new ArrayList<>();
        get("/v1/audit?resourceType=event-type", as(key)).json().get("data")
                .forEach(record -> actions.add(record.get("action").asText()));
        assertThat(actions).containsExactly("event-type.delete", "event-type.update", "event-type.create");
    }

    @Test
    void anInvalidSchemaOrNameIsRefusedNamingTheProblemAndNothingIsStored() {
        String key = createTenant("types-invalid");

        Response badType = put("/v1/event-types/order.created", "{\"schema\":{\"type\":\"nope\"}}", as(key));
        Response remote = put("/v1/event-types/order.created", "{\"schema\":{\"$ref\":\"http://169.254.169.254/x\"}}", as(key));
        Response tooLarge = put("/v1/event-types/order.created", "{\"schema\":{\"description\":\""
                + "d".repeat(70_000) + "\"}}", as(key));
        Response badName = put("/v1/event-types/order.*", "{}", as(key));

        for (Response refused : List.of(badType, remote, tooLarge)) {
            assertThat(refused.status()).as(refused.body()).isEqualTo(422);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.json().get("field").asText()).isEqualTo("schema");
        }
        assertThat(badType.json().get("errors").get(0).get("path").asText()).isEqualTo("$.type");
        assertThat(remote.json().get("detail").asText()).contains("may only refer to itself");
        assertThat(tooLarge.json().get("detail").asText()).contains("relay.ingest.max-schema-bytes");
        assertThat(badName.status()).isEqualTo(422);
        assertThat(badName.json().get("field").asText()).isEqualTo("name");
        assertThat(get("/v1/event-types", as(key)).json().get("data")).isEmpty();
    }

    @Test
    void theCatalogListsEachTypeWithItsSubscribedEndpointsPageByPage() {
        String key = createTenant("types-list");
        createEndpoint(key, "https://example.com/all", "[]");
        createEndpoint(key, "https://example.com/orders", "[\"order.*\"]");
        createEndpoint(key, "https://example.com/created", "[\"order.created\"]");
        createEndpoint(key, "https://example.com/users", "[\"user.*\"]");
        String gone = createEndpoint(key, "https://example.com/gone", "[\"order.created\"]").get("id").asText();
        delete("/v1/endpoints/" + gone, as(key));
        for (String type : List.of("order.created", "order.refunded", "user.deleted", "invoice.paid")) {
            assertThat(put("/v1/event-types/" + type, "{}", as(key)).status()).isEqualTo(201);
        }

        JsonNode first = get("/v1/event-types?limit=3", as(key)).json();
        JsonNode second = get("/v1/event-types?limit=3&cursor=" + first.get("nextCursor").asText(), as(key)).json();

        Map<String, Integer> subscribed = new LinkedHashMap<>();
        first.get("data").forEach(t -> subscribed.put(t.get("name").asText(), t.get("subscribedEndpoints").asInt()));
        second.get("data").forEach(t -> subscribed.put(t.get("name").asText(), t.get("subscribedEndpoints").asInt()));
        assertThat(first.get("data")).hasSize(3);
        assertThat(second.get("nextCursor").isNull()).isTrue();
        assertThat(subscribed).containsExactly(Map.entry("invoice.paid", 1), Map.entry("user.deleted", 2),
                Map.entry("order.refunded", 2), Map.entry("order.created", 3));
    }

    @Test
    void anEventIsValidatedAgainstItsTypesSchemaAndAFailingOneIsNotStored() {
        String key = createTenant("types-ingest");
        createEndpoint(key, "https://example.com/hook", "[]");
        put("/v1/event-types/order.created", "{\"schema\":" + ORDER_SCHEMA + "}", as(key));

        Response valid = postEvent(key, "{\"type\":\"order.created\",\"payload\":{\"amount\":12.5,\"currency\":\"EUR\"}}", null);
        Response invalid = postEvent(key, "{\"type\":\"order.created\",\"payload\":{\"amount\":-1,\"currency\":\"GBP\"}}",
                "order-7");
        Response untyped = postEvent(key, "{\"type\":\"order.shipped\",\"payload\":{\"anything\":true}}", null);

        assertThat(valid.status()).as(valid.body()).isEqualTo(202);
        assertThat(valid.json().get("deliveries")).hasSize(1);
        assertThat(invalid.status()).as(invalid.body()).isEqualTo(422);
        assertThat(invalid.header("Content-Type")).startsWith("application/problem+json");
        assertThat(invalid.json().get("field").asText()).isEqualTo("payload");
        List<String> paths = new ArrayList<>();
        invalid.json().get("errors").forEach(e -> paths.add(e.get("path").asText()));
        assertThat(paths).containsExactly("$.amount", "$.currency");
        invalid.json().get("errors").forEach(e -> assertThat(e.get("message").asText()).isNotBlank());
        assertThat(untyped.status()).as("a type without a schema is not validated").isEqualTo(202);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM events WHERE tenant_id = ? AND type = 'order.created'",
                Integer.class, tenantOf(key))).isEqualTo(1);

        Response fixed = postEvent(key, "{\"type\":\"order.created\",\"payload\":{\"amount\":1,\"currency\":\"USD\"}}",
                "order-7");
        assertThat(fixed.status()).as("the refused event's key was not used up").isEqualTo(202);
    }

    @Test
    void aChangedSchemaAppliesToTheNextEventAtOnce() {
        String key = createTenant("types-cache");
        put("/v1/event-types/order.created", "{\"schema\":" + ORDER_SCHEMA + "}", as(key));
        String numeric = "{\"type\":\"order.created\",\"payload\":{\"amount\":5,\"currency\":\"EUR\"}}";
        String textual = "{\"type\":\"order.created\",\"payload\":{\"amount\":\"5\",\"currency\":\"EUR\"}}";
        assertThat(postEvent(key, numeric, null).status()).isEqualTo(202);
        assertThat(postEvent(key, textual, null).status()).isEqualTo(422);

        put("/v1/event-types/order.created", "{\"schema\":{\"properties\":{\"amount\":{\"type\":\"string\"}}}}", as(key));
        assertThat(postEvent(key, numeric, null).status()).isEqualTo(422);
        assertThat(postEvent(key, textual, null).status()).isEqualTo(202);

        delete("/v1/event-types/order.created", as(key));
        assertThat(postEvent(key, numeric, null).status()).as("deleted: no schema").isEqualTo(202);
        put("/v1/event-types/order.created", "{\"schema\":{\"properties\":{\"amount\":{\"maximum\":1}}}}", as(key));
        assertThat(postEvent(key, numeric, null).status()).as("registered again: the new schema").isEqualTo(422);
    }

    @Test
    void aTenantThatRequiresKnownTypesGetsA422ForAnUnknownType() {
        String key = createTenant("types-required");
        String other = createTenant("types-not-required");
        put("/v1/event-types/order.created", "{}", as(key));
        JsonNode defaults = get("/v1/tenant", as(key)).json();
        assertThat(defaults.get("requireKnownTypes").isNull()).isTrue();
        assertThat(defaults.get("knownTypesRequired").asBoolean()).as("relay.ingest.require-known-types").isFalse();

        Response set = patch("/v1/tenant", "{\"requireKnownTypes\":true}", as(key));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("knownTypesRequired").asBoolean()).isTrue();

        Response unknown = postEvent(key, "{\"type\":\"order.deleted\",\"payload\":{}}", null);
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(422);
        assertThat(unknown.json().get("field").asText()).isEqualTo("type");
        assertThat(unknown.json().get("detail").asText()).contains("PUT /v1/event-types/order.deleted");
        assertThat(postEvent(key, "{\"type\":\"order.created\",\"payload\":{}}", null).status()).isEqualTo(202);
        assertThat(postEvent(other, "{\"type\":\"order.deleted\",\"payload\":{}}", null).status())
                .as("another tenant keeps the default").isEqualTo(202);

        assertThat(patch("/v1/tenant", "{\"requireKnownTypes\":\"yes\"}", as(key)).json().get("field").asText())
                .isEqualTo("requireKnownTypes");
        assertThat(patch("/v1/tenant", "{\"requireKnownTypes\":null}", as(key)).json().get("knownTypesRequired")
                .asBoolean()).isFalse();
        assertThat(postEvent(key, "{\"type\":\"order.deleted\",\"payload\":{}}", null).status()).isEqualTo(202);
        assertThat(get("/v1/audit?action=tenant.update", as(key)).json().get("data")).hasSize(2);
    }

    @Test
    void theGlobalDefaultRequiresKnownTypesOfEveryTenantThatHasNotChosen() {
        RelayProperties requiring = new Binder(new MapConfigurationPropertySource(Map.of(
                "relay.ingest.require-known-types", "true"))).bind("relay", RelayProperties.class).get();
        EventTypeCheck check = new EventTypeCheck(jdbc, schemas, requiring);
        TenantSettings settings = new TenantSettings(jdbc, json, audit, requiring);
        String undecided = createTenant("types-default");
        String optedOut = createTenant("types-opted-out");
        put("/v1/event-types/order.created", "{}", as(undecided));
        patch("/v1/tenant", "{\"requireKnownTypes\":false}", as(optedOut));

        assertThat(settings.get(tenantOf(undecided)).get("knownTypesRequired")).isEqualTo(true);
        assertThatThrownBy(() -> check.check(tenantOf(undecided), ingest("order.deleted")))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.field()).isEqualTo("type"));
        check.check(tenantOf(undecided), ingest("order.created"));
        check.check(tenantOf(optedOut), ingest("order.deleted"));
    }

    @Test
    void anotherTenantNeitherSeesNorChangesTheCatalogAndItsSchemasDoNotApply() {
        String owner = createTenant("types-owner");
        String intruder = createTenant("types-intruder");
        put("/v1/event-types/order.created", "{\"description\":\"mine\",\"schema\":" + ORDER_SCHEMA + "}", as(owner));
        patch("/v1/tenant", "{\"requireKnownTypes\":true}", as(owner));

        assertThat(get("/v1/event-types/order.created", as(intruder)).status()).isEqualTo(404);
        assertThat(delete("/v1/event-types/order.created", as(intruder)).status()).isEqualTo(404);
        assertThat(get("/v1/event-types", as(intruder)).json().get("data")).isEmpty();
        assertThat(postEvent(intruder, "{\"type\":\"order.created\",\"payload\":{\"amount\":\"x\"}}", null).status())
                .as("the owner's schema is the owner's").isEqualTo(202);
        assertThat(put("/v1/event-types/order.created", "{\"description\":\"theirs\"}", as(intruder)).status()).isEqualTo(201);
        assertThat(get("/v1/tenant", as(intruder)).json().get("knownTypesRequired").asBoolean()).isFalse();

        JsonNode mine = get("/v1/event-types/order.created", as(owner)).json();
        assertThat(mine.get("description").asText()).isEqualTo("mine");
        assertThat(mine.get("schema").isObject()).isTrue();
        assertThat(get("/v1/tenant", as(owner)).json().get("knownTypesRequired").asBoolean()).isTrue();
    }

    private static IngestRequest ingest(String type) {
        return new IngestRequest(type, "{}", "hash", null);
    }

    private UUID tenantOf(String apiKey) {
        return jdbc.queryForObject("SELECT tenant_id FROM api_keys WHERE key_hash = ?", UUID.class, ApiKeys.hash(apiKey));
    }
}
