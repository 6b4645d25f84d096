package dev.webhookrelay.eventtypes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.FailFastAssertionException;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import org.springframework.stereotype.Component;

/**
 * JSON Schemas (2020-12) of event types: checked at registration, compiled once per version and
 * cached, and applied to payloads at ingest. A schema is a tenant's input, so it is treated as
 * hostile: bounded in size and depth, its references local to itself (nothing is ever fetched, from
 * the network, the file system or the class path, but the bundled 2020-12 meta-schema), bounded in
 * what they expand it to and never recursive (SchemaExpansion), and its patterns run on a budget.
 */
@Component("eventSchemas")
public class EventSchemas {

    static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
    static final int MAX_DEPTH = 64;
    /** Errors named in one answer: enough to fix a payload, bounded whatever it holds. */
    static final int MAX_ERRORS = 50;
    /**
     * Schema nodes (references followed) times payload values a validation may cost: each node can be
     * applied to each value. A 1,000-branch anyOf over 4,000 array items (8 KB) was 4 million
     * applications, 0.4 s, and collecting every failure took 1.5 GB; past this the payload is refused
     * without being validated.
     */
    static final long MAX_APPLICATIONS = 10_000_000;
    /** Below this many applications every failure is collected (up to MAX_ERRORS answered); above, the first. */
    static final long MAX_APPLICATIONS_FULL_REPORT = 50_000;
    private static final int MAX_CACHED = 10_000;
    private static final Set<String> REFERENCES = Set.of("$ref", "$dynamicRef", "$recursiveRef");

    private final ObjectMapper json;
    private final int maxSchemaBytes;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config;
    private final JsonSchema metaSchema;
    private final Cache<Version, Compiled> compiled = Caffeine.newBuilder().maximumSize(MAX_CACHED).build();

    public EventSchemas(ObjectMapper json, RelayProperties properties) {
        this.json = json;
        this.maxSchemaBytes = properties.ingest().maxSchemaBytes();
        // Only the meta-schemas bundled in the validator's jar load (json-schema.org IRIs are mapped to
        // them); any other IRI, however it got into a schema, is refused instead of fetched. The factory's
        // own cache is off: it is keyed by $id, which two tenants may both claim.
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, builder -> builder
                .enableSchemaCache(false)
                .schemaLoaders(loaders -> loaders.add(new AllowSchemaLoader(
                        iri -> iri.toString().startsWith("classpath:draft/2020-12/")))));
        this.config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_PATH)
                .regularExpressionFactory(new BoundedRegularExpressions())
                .build();
        this.metaSchema = factory.getSchema(SchemaLocation.of(DIALECT), config);
        metaSchema.initializeValidators();
    }

    /**
     * The schema of a registration body, refused with 422 (field "schema", each defect in "errors")
     * unless it is a 2020-12 schema the relay can run safely; null when absent or null.
     */
    public JsonNode validated(JsonNode schema) {
        if (schema == null || schema.isNull()) {
            return null;
        }
        if (!schema.isObject() && !schema.isBoolean()) {
            throw ProblemException.invalid("schema", "schema must be a JSON Schema (2020-12): an object or a boolean");
        }
        int bytes = serialize(schema).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxSchemaBytes) {
            throw ProblemException.invalid("schema", "schema is " + bytes + " bytes; at most relay.ingest.max-schema-bytes ("
                    + maxSchemaBytes + ") are accepted");
        }
        JsonNode dialect = schema.get("$schema");
        if (dialect != null && !(dialect.isTextual() && dialect.textValue().replaceAll("#$", "").equals(DIALECT))) {
            throw ProblemException.invalid("schema", "schema.$schema must be " + DIALECT + " (or left out): "
                    + "the relay validates with JSON Schema 2020-12");
        }
        checkShape(schema, "$", 0);
        SchemaExpansion.check(schema);
        List<Map<String, String>> defects = errors(metaSchema.validate(schema));
        if (!defects.isEmpty()) {
            throw ProblemException.invalid("schema", "schema is not a valid JSON Schema (2020-12): "
                    + defects.get(0).get("path") + ": " + defects.get(0).get("message"), defects);
        }
        try {
            compile(schema);
        } catch (JsonSchemaException | PatternSyntaxException e) {
            throw ProblemException.invalid("schema", "schema cannot be compiled: " + firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            throw ProblemException.invalid("schema", "schema cannot be compiled by the relay's JSON Schema validator");
        } catch (StackOverflowError e) {
            // A reference cycle that consumes nothing of the instance ({"$ref": "#"}): it recurses without
            // end, and the overflow unwinds only this compilation.
            throw ProblemException.invalid("schema", "schema cannot be compiled: its references form a cycle");
        }
        return schema;
    }

    /**
     * What is wrong with a payload under the schema of an event type's version, as {path, message}
     * pairs (paths into the payload, "$" its root); empty when it conforms. The schema is compiled
     * once per (tenant, type, version): text is only asked for on the first use of a version.
     */
    public List<Map<String, String>> violations(UUID tenantId, String type, long version, Supplier<String> text,
            String payloadJson) {
        try {
            Compiled schema = compiled.get(new Version(tenantId, type, version), v -> {
                JsonNode stored = read(text.get());
                // A schema stored before SchemaExpansion's bound is checked before it is first applied.
                return new Compiled(compile(stored), SchemaExpansion.check(stored));
            });
            JsonNode payload = read(payloadJson);
            long applications = schema.expanded() * values(payload);
            if (applications > MAX_APPLICATIONS) {
                return List.of(error("$", "the payload is too large to validate against this type's schema ("
                        + applications + " schema applications, at most " + MAX_APPLICATIONS
                        + "): send smaller events or simplify the schema"));
            }
            // Fail fast first: a valid payload, the usual case, is judged without collecting anything.
            Set<ValidationMessage> first = schema.schema().validate(payload,
                    context -> context.getExecutionConfig().setFailFast(true));
            if (first.isEmpty() || applications > MAX_APPLICATIONS_FULL_REPORT) {
                return errors(first);
            }
            return errors(schema.schema().validate(payload));
        } catch (FailFastAssertionException failed) {
            return errors(failed.getValidationMessages());
        } catch (ProblemException tooCostly) {
            return List.of(error("$", "the event type's schema cannot be applied safely: " + tooCostly.getMessage()));
        } catch (StackOverflowError e) {
            return List.of(error("$", "the schema recurses deeper than the relay validates on this payload"));
        } catch (BoundedRegularExpressions.BudgetExceeded e) {
            return List.of(error("$", e.getMessage()));
        } catch (JsonSchemaException e) {
            return List.of(error("$", "the schema could not be applied to this payload: " + firstLine(e.getMessage())));
        }
    }

    private JsonSchema compile(JsonNode schema) {
        JsonSchema compiledSchema = factory.getSchema(schema, config);
        compiledSchema.initializeValidators();
        return compiledSchema;
    }

    /** Depth bounded (the validator recurses), and every reference points inside the schema itself. */
    private static void checkShape(JsonNode node, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw ProblemException.invalid("schema", "schema nests deeper than " + MAX_DEPTH + " levels at " + path);
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                String at = path + "." + field.getKey();
                if (REFERENCES.contains(field.getKey()) && field.getValue().isTextual()
                        && !field.getValue().textValue().startsWith("#")) {
                    throw ProblemException.invalid("schema", "schema may only refer to itself: " + at + " is "
                            + field.getValue().textValue() + "; use a local reference such as #/$defs/name");
                }
                checkShape(field.getValue(), at, depth + 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkShape(node.get(i), path + "[" + i + "]", depth + 1);
            }
        }
    }

    private static List<Map<String, String>> errors(Collection<ValidationMessage> messages) {
        return messages.stream()
                .map(m -> error(m.getInstanceLocation().toString(), messageOf(m)))
                .distinct()
                .sorted(Comparator.comparing((Map<String, String> e) -> e.get("path")).thenComparing(e -> e.get("message")))
                .limit(MAX_ERRORS)
                .toList();
    }

    /** The validator's message starts with the location, which the answer already gives as path. */
    private static String messageOf(ValidationMessage message) {
        String text = message.getMessage();
        String prefix = message.getInstanceLocation() + ": ";
        return text.startsWith(prefix) ? text.substring(prefix.length()) : text;
    }

    private static Map<String, String> error(String path, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("path", path);
        error.put("message", message);
        return error;
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored schema is not JSON", e);
        }
    }

    private String serialize(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw ProblemException.invalid("schema", "schema cannot be serialised");
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "the validator refused it";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    private record Version(UUID tenantId, String type, long version) {
    }

    /** A compiled schema and its size with references followed (SchemaExpansion). */
    private record Compiled(JsonSchema schema, long expanded) {
    }

    /** The values of a document: every object, array and scalar in it. */
    private static long values(JsonNode node) {
        long count = 0;
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(node);
        while (!pending.isEmpty()) {
            JsonNode value = pending.pop();
            count++;
            value.forEach(pending::push);
        }
        return count;
    }
}
