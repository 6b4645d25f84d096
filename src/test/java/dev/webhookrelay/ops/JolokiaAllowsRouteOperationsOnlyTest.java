package dev.webhookrelay.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * jolokia-access.xml: with the console login, an operator reads everything and operates routes, and
 * nothing else: no JVM diagnostic command, no garbage collection, no attribute writes, no route
 * definition changes.
 */
class JolokiaAllowsRouteOperationsOnlyTest extends RelayIntegrationTest {

    private static final Map<String, String> CONSOLE = Map.of("Authorization", "Basic " + Base64.getEncoder()
            .encodeToString(("admin:" + CONSOLE_PASSWORD).getBytes(StandardCharsets.UTF_8)));
    private static final String ROUTE = "org.apache.camel:context=webhook-relay,type=routes,name=%22purge-expired-audit-records%22";

    @Test
    void anOperatorSuspendsAndResumesARoute() {
        assertThat(jolokia("exec/" + ROUTE + "/suspend()").get("status").asInt()).isEqualTo(200);
        assertThat(jolokia("read/" + ROUTE + "/State").get("value").asText()).isEqualTo("Suspended");

        assertThat(jolokia("exec/" + ROUTE + "/resume()").get("status").asInt()).isEqualTo(200);
        assertThat(jolokia("read/" + ROUTE + "/State").get("value").asText()).isEqualTo("Started");

        assertThat(jolokia("exec/" + ROUTE + "/stop()").get("status").asInt()).isEqualTo(200);
        assertThat(jolokia("exec/" + ROUTE + "/start()").get("status").asInt()).isEqualTo(200);
        assertThat(jolokia("read/" + ROUTE + "/State").get("value").asText()).isEqualTo("Started");
    }

    @Test
    void jvmDiagnosticsGarbageCollectionAndWritesAreRefused() {
        assertRefused("exec/com.sun.management:type=DiagnosticCommand/threadPrint/");
        assertRefused("exec/com.sun.management:type=DiagnosticCommand/vmSystemProperties()");
        assertRefused("exec/java.lang:type=Memory/gc()");
        assertRefused("write/java.lang:type=Memory/Verbose/true");
        assertRefused("read/java.lang:type=Runtime/SystemProperties");
        assertRefused("exec/" + ROUTE + "/updateRouteFromXml/x");
        assertRefused("exec/" + ROUTE + "/remove()");

        assertThat(jolokia("read/java.lang:type=Memory/Verbose").get("value").asBoolean()).isFalse();
        assertThat(jolokia("read/java.lang:type=Runtime/Uptime").get("status").asInt()).isEqualTo(200);
    }

    private void assertRefused(String request) {
        JsonNode answer = jolokia(request);
        assertThat(answer.get("status").asInt()).as(request + ": " + answer).isEqualTo(403);
    }

    private JsonNode jolokia(String request) {
        Response response = get("/actuator/jolokia/" + request, CONSOLE);
        assertThat(response.status()).as(request + ": " + response.body()).isIn(200, 403);
        return response.json();
    }
}
