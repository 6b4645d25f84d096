package dev.webhookrelay.admin;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.JsonBodies;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.ingest.EventTypes;

/**
 * An event a tenant tries an endpoint with (filter and transformation previews, the test send),
 * shaped as posted to /v1/events and refused with the same rules, each field named as it was sent.
 */
record ExampleEvent(String type, JsonNode payload) {

    private static final Set<String> FIELDS = Set.of("type", "payload");
    private static final Set<String> WRAPPED = Set.of("event");

    /** A preview's body: {"event": {"type", "payload"}}. */
    static ExampleEvent wrapped(ObjectMapper json, byte[] body) {
        JsonNode event = JsonBodies.object(json, body, WRAPPED).get("event");
        if (event == null || !event.isObject()) {
            throw ProblemException.invalid("event", "event must be an object: {\"type\", \"payload\"}, as posted to /v1/events");
        }
        return of(event, "event.");
    }

    /** A test send's body: {"type", "payload"}. */
    static ExampleEvent bare(ObjectMapper json, byte[] body) {
        return of(JsonBodies.object(json, body, FIELDS), "");
    }

    private static ExampleEvent of(JsonNode event, String prefix) {
        event.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                throw ProblemException.invalid(prefix + name, "Unknown field '" + name + "'; allowed: " + FIELDS);
            }
        });
        JsonNode type = event.get("type");
        if (type == null || !type.isTextual() || !EventTypes.isValidType(type.textValue())) {
            throw ProblemException.invalid(prefix + "type", prefix + "type must match ^[A-Za-z0-9._-]{1,128}$");
        }
        JsonNode payload = event.get("payload");
        if (payload == null || payload.isNull()) {
            throw ProblemException.invalid(prefix + "payload", prefix + "payload is required");
        }
        return new ExampleEvent(type.textValue(), payload);
    }
}
