package dev.webhookrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class OpenApiDocumentTest extends RelayIntegrationTest {

    @Autowired
    private CamelContext camel;

    @Test
    void theDocumentListsExactlyTheRestOperationsOfTheRoutes() {
        JsonNode document = get("/openapi.json", Map.of()).json();
        Set<String> documented = new HashSet<>();
        document.get("paths").fields().forEachRemaining(path ->
                path.getValue().fieldNames().forEachRemaining(method ->
                        documented.add(method.toUpperCase() + " " + path.getKey())));

        Set<String> routed = new HashSet<>();
        for (RestDefinition rest : camel.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                routed.add(verb.asVerb().toUpperCase() + " " + rest.getPath() + verb.getPath());
            }
        }

        assertThat(documented).isEqualTo(routed);
        assertThat(routed).contains("POST /v1/events", "GET /v1/dlq", "POST /v1/dlq/replay",
                "PATCH /v1/endpoints/{id}", "GET /v1/deliveries/{id}/attempts");
    }

    @Test
    void everyApiPathIsServedByTheRestDsl() {
        JsonNode document = get("/openapi.json", Map.of()).json();
        assertThat(document.get("info").get("title").asText()).isEqualTo("Webhook Relay API");
        document.get("paths").fields().forEachRemaining(path ->
                path.getValue().fields().forEachRemaining(operation ->
                        assertThat(operation.getValue().get("summary") != null
                                || operation.getValue().get("description") != null)
                                .as(operation.getKey() + " " + path.getKey() + " is described").isTrue()));
    }
}
