package dev.webhookrelay.eventtypes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * A schema is a tenant's input: whatever it says, the relay fetches nothing, refuses what it cannot
 * run safely at registration (with the reason), and bounds the work one payload costs.
 */
class EventSchemasRefuseHostileSchemasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final EventSchemas schemas = new EventSchemas(JSON, new Binder(new MapConfigurationPropertySource(
            Map.of("relay.ingest.max-schema-bytes", "4096"))).bind("relay", RelayProperties.class).get());

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"type\":\"nope\"}                                            | $.type",
        "{\"properties\":{\"a\":{\"minimum\":\"ten\"}}}                 | $.properties.a.minimum",
        "\"text\"                                                       | object or a boolean",
        "{\"$ref\":\"https://169.254.169.254/latest/meta-data\"}        | may only refer to itself",
        "{\"$ref\":\"file:///etc/passwd\"}                              | may only refer to itself",
        "{\"$ref\":\"classpath:application.yaml\"}                      | may only refer to itself",
        "{\"properties\":{\"a\":{\"$dynamicRef\":\"http://x.test/s\"}}} | may only refer to itself",
        "{\"$schema\":\"http://json-schema.org/draft-07/schema#\"}      | 2020-12",
        "{\"$schema\":\"https://evil.test/meta\"}                       | 2020-12",
        "{\"pattern\":\"(\"}                                            | cannot be compiled",
        "{\"$ref\":\"#/$defs/missing\"}                                 | cannot be compiled",
    })
    void aSchemaTheRelayCannotRunSafelyIsRefusedWithItsReason(String schema, String reason) throws Exception {
        assertThatThrownBy(() -> schemas.validated(JSON.readTree(schema)))
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(422);
                    assertThat(problem.field()).isEqualTo("schema");
                    assertThat(problem.getMessage() + problem.toProblemDetail().getProperties()).contains(reason);
                });
    }

    @Test
    void aSchemaOverTheSizeOrDepthBoundIsRefused() throws Exception {
        String large = "{\"description\":\"" + "d".repeat(5000) + "\"}";
        String deep = "{\"items\":".repeat(EventSchemas.MAX_DEPTH + 1) + "true" + "}".repeat(EventSchemas.MAX_DEPTH + 1);

        assertThatThrownBy(() -> schemas.validated(JSON.readTree(large))).hasMessageContaining("relay.ingest.max-schema-bytes");
        assertThatThrownBy(() -> schemas.validated(JSON.readTree(deep))).hasMessageContaining("deeper than");
    }

    @Test
    void aLocalReferenceUnderAnIdIsAcceptedAndApplied() throws Exception {
        JsonNode schema = JSON.readTree("""
                {"$id": "https://169.254.169.254/schemas/order", "type": "object",
                 "properties": {"amount": {"$ref": "#/$defs/money"}}, "$defs": {"money": {"type": "number"}}}""");

        assertThat(schemas.validated(schema)).isEqualTo(schema);
        assertThat(violations(schema, "{\"amount\":\"ten\"}")).extracting(e -> e.get("path")).containsExactly("$.amount");
    }

    @Test
    void aSchemaWhoseBaseIsAServerNeverMakesTheRelayCallIt() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger calls = new AtomicInteger();
        server.createContext("/", exchange -> {
            calls.incrementAndGet();
            byte[] schema = "{\"$defs\":{\"missing\":true}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, schema.length);
            exchange.getResponseBody().write(schema);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/schemas/order";
            for (String schema : List.of("{\"$id\":\"" + base + "\",\"$ref\":\"#/$defs/missing\"}",
                    "{\"$id\":\"" + base + "\",\"properties\":{\"a\":{\"$id\":\"other\",\"$ref\":\"#/$defs/missing\"}}}",
                    "{\"$schema\":\"" + base + "\"}", "{\"$ref\":\"" + base + "\"}")) {
                try {
                    schemas.validated(JSON.readTree(schema));
                } catch (ProblemException refused) {
                    assertThat(refused.status()).isEqualTo(422);
                }
            }
        } finally {
            server.stop(0);
        }

        assertThat(calls).hasValue(0);
    }

    @Test
    void everyFailingPathIsNamed() throws Exception {
        JsonNode schema = JSON.readTree("""
                {"type": "object", "required": ["amount", "currency"],
                 "properties": {"amount": {"type": "number", "minimum": 0},
                                "currency": {"enum": ["EUR", "USD"]},
                                "lines": {"type": "array", "items": {"type": "object", "required": ["sku"]}}}}""");

        List<Map<String, String>> errors = violations(schema, "{\"amount\":-1,\"currency\":\"GBP\",\"lines\":[{\"sku\":1},{}]}");

        assertThat(errors).extracting(e -> e.get("path")).containsExactly("$.amount", "$.currency", "$.lines[1]");
        assertThat(errors).allSatisfy(e -> assertThat(e.get("message")).isNotBlank().doesNotStartWith("$"));
        assertThat(violations(schema, "{\"amount\":1,\"currency\":\"EUR\"}")).isEmpty();
        assertThat(violations(schema, "{}")).extracting(e -> e.get("path")).containsExactly("$", "$");
    }

    @Test
    void aReferenceCycleCannotLoopForEver() throws Exception {
        for (String cyclic : List.of("{\"$ref\":\"#\"}",
                "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}")) {
            JsonNode schema = JSON.readTree(cyclic);
            try {
                schemas.validated(schema);
            } catch (ProblemException refusedAtRegistration) {
                continue;
            }
            assertThat(violations(schema, "{\"a\":1}")).as(cyclic).isNotEmpty();
        }
    }

    /**
     * Definitions that each refer to the next twice: 1 KB of text, 2^levels schemas applied to one
     * value. Sixteen levels filled the relay's heap at the first event of the type.
     */
    @Test
    void aSchemaWhoseReferencesMultiplyIsRefusedAtRegistrationAndNeverAppliedWhenStored() throws Exception {
        JsonNode branching = branching(16, "$ref", "#/$defs/a");
        JsonNode byAnchor = branching(16, "$anchor", "#a");

        assertThatThrownBy(() -> schemas.validated(branching)).hasMessageContaining("expands to more than");
        assertThatThrownBy(() -> schemas.validated(byAnchor)).hasMessageContaining("expands to more than");
        assertThat(violations(branching, "{\"x\":1}")).singleElement()
                .satisfies(error -> assertThat(error.get("message")).contains("cannot be applied safely"));
        assertThat(schemas.validated(branching(8, "$ref", "#/$defs/a"))).isNotNull();
    }

    /**
     * A wide schema (an anyOf of 1,000 branches) over many values: collecting every failure took 1.5 GB
     * for 4,000 items. Past EventSchemas.MAX_APPLICATIONS the payload is refused unvalidated; below it, a
     * large one is judged failing fast, its first failure answered.
     */
    @Test
    void aWideSchemaOverManyValuesIsJudgedWithinItsBudget() throws Exception {
        StringBuilder branches = new StringBuilder();
        for (int b = 0; b < 1000; b++) {
            branches.append(b == 0 ? "" : ",").append("{\"type\":\"string\",\"minLength\":").append(b).append("}");
        }
        // 34 KB: within the default relay.ingest.max-schema-bytes (64 KiB), not this test's 4 KiB.
        JsonNode wide = JSON.readTree("{\"type\":\"array\",\"items\":{\"anyOf\":[" + branches + ",{\"type\":\"integer\"}]}}");

        assertThat(violations(wide, "[" + "1,".repeat(9_999) + "1]")).singleElement()
                .satisfies(error -> assertThat(error.get("message")).contains("too large to validate"));
        assertThat(violations(wide, "[" + "1,".repeat(999) + "1]")).isEmpty();
        assertThat(violations(wide, "[" + "1,".repeat(999) + "1.5]")).isNotEmpty().hasSizeLessThanOrEqualTo(EventSchemas.MAX_ERRORS)
                .allSatisfy(error -> assertThat(error.get("path")).isEqualTo("$[999]"));
    }

    @Test
    void aRecursiveSchemaOrAnIdBelowTheRootIsRefused() throws Exception {
        JsonNode recursive = JSON.readTree("{\"properties\":{\"replies\":{\"items\":{\"$ref\":\"#\"}}}}");
        JsonNode nestedId = JSON.readTree("{\"$defs\":{\"a\":{\"$id\":\"https://x.test/a\",\"type\":\"string\"}}}");

        assertThatThrownBy(() -> schemas.validated(recursive)).hasMessageContaining("refers to itself");
        assertThatThrownBy(() -> schemas.validated(nestedId)).hasMessageContaining("$id only at its root");
    }

    /** Definitions a0..a{levels}, each an anyOf of two references to the next; the root refers to a0. */
    private static JsonNode branching(int levels, String naming, String prefix) throws Exception {
        StringBuilder defs = new StringBuilder();
        for (int i = 0; i < levels; i++) {
            String next = naming.equals("$ref") ? prefix + (i + 1) : prefix + (i + 1);
            String anchor = naming.equals("$anchor") ? "\"$anchor\":\"a" + i + "\"," : "";
            defs.append("\"a").append(i).append("\":{").append(anchor).append("\"anyOf\":[{\"$ref\":\"").append(next)
                    .append("\"},{\"$ref\":\"").append(next).append("\"}]},");
        }
        String lastAnchor = naming.equals("$anchor") ? "\"$anchor\":\"a" + levels + "\"," : "";
        defs.append("\"a").append(levels).append("\":{").append(lastAnchor).append("\"type\":\"string\"}");
        return JSON.readTree("{\"$defs\":{" + defs + "},\"$ref\":\"" + prefix + "0\"}");
    }

    @Test
    void aBacktrackingPatternGivesUpInsteadOfHoldingTheThread() throws Exception {
        // Seconds of backtracking per payload on java.util.regex, which memoises simpler cases such as (a+)+.
        JsonNode schema = JSON.readTree("{\"properties\":{\"csv\":{\"pattern\":\"^(.*?,){12}P\"}}}");
        schemas.validated(schema);
        StringBuilder noP = new StringBuilder();
        for (int i = 1; i <= 26; i++) {
            noP.append(i).append(',');
        }

        List<Map<String, String>> errors = violations(schema, "{\"csv\":\"" + noP + "\"}");

        assertThat(errors).singleElement().satisfies(e -> assertThat(e.get("message")).contains("too many steps"));
        assertThat(violations(schema, "{\"csv\":\"1,2,3,4,5,6,7,8,9,10,11,12,P\"}")).isEmpty();
    }

    private List<Map<String, String>> violations(JsonNode schema, String payload) throws Exception {
        return schemas.violations(UUID.randomUUID(), "t", 1, () -> schema.toString(), payload);
    }
}
