package dev.webhookrelay.admin;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.delivery.RetrySchedules;
import dev.webhookrelay.delivery.StaticHeaders;
import dev.webhookrelay.ingest.EventTypes;
import dev.webhookrelay.secrets.StaticHeaderValue;
import dev.webhookrelay.transform.TransformationException;
import dev.webhookrelay.transform.Transformations;

/** Validation of the writable endpoint fields, shared by create (POST) and update (PATCH). */
final class EndpointInput {

    static final Set<String> FIELDS = Set.of("url", "eventTypes", "description", "enabled", "headers", "rateLimit",
            "retrySchedule", "filter", "ordering", "auth", "transformation");
    private static final int MAX_EVENT_TYPES = 100;

    private EndpointInput() {
    }

    static List<String> eventTypes(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ProblemException.invalid("eventTypes", "eventTypes must be an array of strings");
        }
        if (node.size() > MAX_EVENT_TYPES) {
            throw ProblemException.invalid("eventTypes", "eventTypes has more than " + MAX_EVENT_TYPES + " entries");
        }
        List<String> types = new ArrayList<>();
        for (JsonNode type : node) {
            if (!type.isTextual() || !EventTypes.isValidFilter(type.textValue())) {
                throw ProblemException.invalid("eventTypes",
                        "each event type must be an exact type (^[A-Za-z0-9._-]{1,128}$) or a prefix ending in '*'");
            }
            types.add(type.textValue());
        }
        return types;
    }

    /**
     * Each header is a string, or {@code {"value": "...", "sensitive": true}} to have a value that its
     * name does not mark as a credential masked and redacted like one.
     */
    static Map<String, StaticHeaderValue> headers(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject() || node.size() > StaticHeaders.MAX_HEADERS) {
            throw ProblemException.invalid("headers", "headers must be an object of at most "
                    + StaticHeaders.MAX_HEADERS + " string values");
        }
        Map<String, StaticHeaderValue> headers = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            String name = header.getKey();
            String refusal = StaticHeaders.refusal(name);
            if (refusal != null) {
                throw ProblemException.invalid("headers", "header '" + name + "' is not allowed: " + refusal);
            }
            headers.put(name, headerValue(name, header.getValue()));
        }
        return headers;
    }

    private static StaticHeaderValue headerValue(String name, JsonNode given) {
        JsonNode value = given;
        boolean sensitive = false;
        if (given.isObject()) {
            for (Iterator<String> fields = given.fieldNames(); fields.hasNext(); ) {
                String field = fields.next();
                if (!field.equals("value") && !field.equals("sensitive")) {
                    throw ProblemException.invalid("headers", "header '" + name + "' has an unknown field '" + field
                            + "'; allowed: value, sensitive");
                }
            }
            JsonNode marked = given.path("sensitive");
            if (!marked.isMissingNode() && !marked.isBoolean()) {
                throw ProblemException.invalid("headers", "header '" + name + "': sensitive must be true or false");
            }
            sensitive = marked.asBoolean(false);
            value = given.path("value");
        }
        if (!value.isTextual() || !StaticHeaders.isSendableValue(value.textValue())) {
            throw ProblemException.invalid("headers", "header '" + name + "' must be a single-line string of at most "
                    + StaticHeaders.MAX_VALUE_LENGTH + " characters, or {\"value\": that string, \"sensitive\": true}");
        }
        return new StaticHeaderValue(value.textValue(), sensitive);
    }

    static Integer rateLimit(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 1 || node.intValue() > 10_000) {
            throw ProblemException.invalid("rateLimit", "rateLimit must be deliveries per second from 1 to 10000, or null");
        }
        return node.intValue();
    }

    /** The schedule as stored and shown: on the retry grid. */
    static String retrySchedule(JsonNode node, RetrySchedules schedules) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ProblemException.invalid("retrySchedule", "retrySchedule must be a string such as \"30s,5m,1h\"");
        }
        return schedules.validate(node.textValue());
    }

    /** The transformation of a create or update body, compiled to prove it is one; null when absent or null. */
    static String transformation(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw ProblemException.invalid("transformation", "transformation must be a non-empty string: a JSONata "
                    + "expression over {type, timestamp, data}");
        }
        try {
            Transformations.compile(node.textValue());
        } catch (TransformationException invalid) {
            throw ProblemException.invalid("transformation", "transformation is not a valid JSONata expression: "
                    + invalid.getMessage());
        }
        return node.textValue();
    }

    static Boolean enabled(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw ProblemException.invalid("enabled", "enabled must be true or false");
        }
        return node.booleanValue();
    }

    /** "none" (the default: deliveries in parallel, as soon as each can go) or "fifo" (one at a time, in order). */
    static String ordering(JsonNode node) {
        if (node == null || node.isNull()) {
            return "none";
        }
        if (!node.isTextual() || !(node.textValue().equals("none") || node.textValue().equals("fifo"))) {
            throw ProblemException.invalid("ordering", "ordering must be \"none\" or \"fifo\"");
        }
        return node.textValue();
    }
}
