package dev.webhookrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;

/**
 * Payload filters: a SQL/JSON path predicate over {type, data} per endpoint, applied at fan-out in the
 * ingest statement, validated by PostgreSQL at registration, and previewable.
 */
class EndpointFiltersChooseTheEventsDeliveredTest extends RelayIntegrationTest {

    private static final String EUR_OVER_100 = "$.data.amount > 100 && $.data.currency == \\\"EUR\\\"";

    @Test
    void anEventReachesAFilteredEndpointOnlyWhenItsPayloadMatches() {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("filters-fan-out");
            String filtered = endpoint(key, receiver.url(), EUR_OVER_100).get("id").asText();
            String vip = endpoint(key, receiver.url(), "exists($.data.customer.vip ? (@ == true))").get("id").asText();
            String everything = createEndpoint(key, receiver.url(), "[]").get("id").asText();

            assertThat(deliveredTo(key, "{\"amount\":250,\"currency\":\"EUR\"}")).containsExactlyInAnyOrder(filtered, everything);
            assertThat(deliveredTo(key, "{\"amount\":250,\"currency\":\"USD\"}")).containsExactly(everything);
            assertThat(deliveredTo(key, "{\"amount\":5,\"currency\":\"EUR\",\"customer\":{\"vip\":true}}"))
                    .containsExactlyInAnyOrder(vip, everything);
            // A type mismatch in the payload makes the predicate unknown: no match, and the event is still accepted.
            assertThat(deliveredTo(key, "{\"amount\":\"lots\",\"currency\":\"EUR\"}")).containsExactly(everything);
        }
    }

    @Test
    void theFilterAlsoSeesTheEventType() {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("filters-type");
            String refunds = endpoint(key, receiver.url(), "$.type starts with \\\"order.refund\\\"").get("id").asText();

            assertThat(ids(postEvent(key, "{\"type\":\"order.refunded\",\"payload\":{}}", null))).containsExactly(refunds);
            assertThat(ids(postEvent(key, "{\"type\":\"order.created\",\"payload\":{}}", null))).isEmpty();
        }
    }

    @Test
    void anInvalidFilterIsRefusedNamingTheFieldAndPostgresReasons() {
        String key = createTenant("filters-invalid");

        Response syntax = post("/v1/endpoints", "{\"url\":\"https://example.com/hook\",\"filter\":\"$.data.amount >\"}", as(key));
        Response notAPredicate = post("/v1/endpoints", "{\"url\":\"https://example.com/hook\",\"filter\":\"$.data.amount\"}", as(key));
        Response notText = post("/v1/endpoints", "{\"url\":\"https://example.com/hook\",\"filter\":42}", as(key));

        for (Response refused : List.of(syntax, notAPredicate, notText)) {
            assertThat(refused.status()).as(refused.body()).isEqualTo(422);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.json().get("field").asText()).isEqualTo("filter");
        }
        assertThat(syntax.json().get("detail").asText()).contains("syntax error");
        assertThat(notAPredicate.json().get("detail").asText()).contains("boolean");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM endpoints e JOIN tenants t ON t.id = e.tenant_id WHERE t.name = ?",
                Integer.class, "filters-invalid")).isZero();
    }

    @Test
    void aFilterWhoseCostGrowsWithTheSquareOfTheEventIsRefusedOnCreateAndUpdate() {
        String key = createTenant("filters-quadratic");
        String quadratic = "\"filter\":\"exists($.data.a[*] ? (@ != $.data.a[*]))\"";

        Response created = post("/v1/endpoints", "{\"url\":\"https://example.com/hook\"," + quadratic + "}", as(key));
        String id = createEndpoint(key, "https://example.com/hook", "[]").get("id").asText();
        Response updated = patch("/v1/endpoints/" + id, "{\"filter\":\"$.data.a[*] == $.data.b[*]\"}", as(key));
        // Spellings that hide a token from a scan of the text: a comment, keywords in upper case, a quote in a key.
        List<Response> hidden = List.of(
                "exists($.data.a[*] ? (@ > /*\\\"*/ $.data.a[*] /*\\\"*/))",
                "exists($.data.a[*] ? /**/ (@ > $.data.a[*]))",
                "$.data.a[0 TO 9] > $.data.b[*]",
                "exists($.data.a[*] ? (@.k\\\\\\\" != $.data.a[*]))",
                "$.data[0,0,0,0][0,0,0,0][0,0,0,0][0,0,0,0][0,0,0,0][0,0,0,0][0,0,0,0][0,0,0,0][0,0,0,0] > 2")
                .stream().map(filter -> patch("/v1/endpoints/" + id, "{\"filter\":\"" + filter + "\"}", as(key))).toList();

        for (Response refused : concat(List.of(created, updated), hidden)) {
            assertThat(refused.status()).as(refused.body()).isEqualTo(422);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.json().get("field").asText()).isEqualTo("filter");
            assertThat(refused.json().get("detail").asText()).contains("more than a pass over the event");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM endpoints WHERE filter IS NOT NULL AND tenant_id = "
                + "(SELECT id FROM tenants WHERE name = ?)", Integer.class, "filters-quadratic")).isZero();
    }

    @Test
    void aFilterCanBeChangedAndRemoved() {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("filters-patch");
            String id = createEndpoint(key, receiver.url(), "[]").get("id").asText();

            Response set = patch("/v1/endpoints/" + id, "{\"filter\":\"$.data.n == 2\"}", as(key));
            assertThat(set.status()).isEqualTo(200);
            assertThat(set.json().get("filter").asText()).isEqualTo("$.data.n == 2");
            assertThat(deliveredTo(key, "{\"n\":1}")).isEmpty();

            Response removed = patch("/v1/endpoints/" + id, "{\"filter\":null}", as(key));
            assertThat(removed.json().get("filter").isNull()).isTrue();
            assertThat(deliveredTo(key, "{\"n\":1}")).containsExactly(id);
        }
    }

    @Test
    void thePreviewSaysWhetherAnEventWouldBeDeliveredAndWhy() {
        String key = createTenant("filters-preview");
        String id = post("/v1/endpoints", "{\"url\":\"https://example.com/hook\",\"eventTypes\":[\"order.*\"],\"filter\":\""
                + EUR_OVER_100 + "\"}", as(key)).json().get("id").asText();
        String path = "/v1/endpoints/" + id + "/filter-preview";

        JsonNode match = post(path, "{\"event\":{\"type\":\"order.paid\",\"payload\":{\"amount\":101,\"currency\":\"EUR\"}}}", as(key)).json();
        JsonNode wrongType = post(path, "{\"event\":{\"type\":\"user.created\",\"payload\":{\"amount\":101,\"currency\":\"EUR\"}}}", as(key)).json();
        JsonNode tooSmall = post(path, "{\"event\":{\"type\":\"order.paid\",\"payload\":{\"amount\":99,\"currency\":\"EUR\"}}}", as(key)).json();

        assertThat(match.get("matches").asBoolean()).isTrue();
        assertThat(wrongType.get("matches").asBoolean()).isFalse();
        assertThat(wrongType.get("eventTypeMatches").asBoolean()).isFalse();
        assertThat(wrongType.get("filterMatches").asBoolean()).isTrue();
        assertThat(tooSmall.get("matches").asBoolean()).isFalse();
        assertThat(tooSmall.get("filterMatches").asBoolean()).isFalse();

        Response noEvent = post(path, "{\"event\":{\"type\":\"order.paid\"}}", as(key));
        assertThat(noEvent.status()).isEqualTo(422);
        assertThat(noEvent.json().get("field").asText()).isEqualTo("event.payload");
    }

    @Test
    void anotherTenantCannotPreviewAnEndpointItDoesNotOwn() {
        String owner = createTenant("filters-owner");
        String intruder = createTenant("filters-intruder");
        String id = createEndpoint(owner, "https://example.com/hook", "[]").get("id").asText();

        Response answer = post("/v1/endpoints/" + id + "/filter-preview",
                "{\"event\":{\"type\":\"order.paid\",\"payload\":{}}}", as(intruder));

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
    }

    private JsonNode endpoint(String key, String url, String filter) {
        Response created = post("/v1/endpoints", "{\"url\":\"" + url + "\",\"filter\":\"" + filter + "\"}", as(key));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    private List<String> deliveredTo(String key, String payload) {
        return ids(postEvent(key, "{\"type\":\"order.paid\",\"payload\":" + payload + "}", null));
    }

    private static List<String> ids(Response accepted) {
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        List<String> endpoints = new ArrayList<>();
        accepted.json().get("deliveries").forEach(d -> endpoints.add(d.get("endpointId").asText()));
        return endpoints;
    }

    private static List<Response> concat(List<Response> first, List<Response> second) {
        return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
    }
}
