package dev.webhookrelay.api;

import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.problem.ProblemException;
import org.springframework.boot.convert.DurationStyle;

/**
 * Reads an API request body as a JSON object with a known set of fields, each of which PostgreSQL
 * can store (every API, ingest included).
 */
public final class JsonBodies {

    private JsonBodies() {
    }

    public static JsonNode object(ObjectMapper json, byte[] body, Set<String> allowedFields) {
        JsonNode root = read(json, body);
        if (root == null || !root.isObject()) {
            throw ProblemException.badRequest("Request body must be a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowedFields.contains(name)) {
                throw ProblemException.invalid(name, "Unknown field '" + name + "'; allowed: " + allowedFields);
            }
            String unstorable = unstorable(root.get(name));
            if (unstorable != null) {
                throw ProblemException.invalid(name, name + " holds " + unstorable + ", which cannot be stored");
            }
        }
        return root;
    }

    /**
     * A JSON document of any shape that someone else defined (a third party's webhook): read whole,
     * refused (400) only when it is not JSON or holds what PostgreSQL cannot store.
     */
    public static JsonNode document(ObjectMapper json, byte[] body) {
        JsonNode root = read(json, body);
        if (root == null || root.isMissingNode()) {
            throw ProblemException.badRequest("Request body must be a JSON document");
        }
        String unstorable = unstorable(root);
        if (unstorable != null) {
            throw ProblemException.badRequest("Request body holds " + unstorable + ", which cannot be stored");
        }
        return root;
    }

    private static JsonNode read(ObjectMapper json, byte[] body) {
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("Request body is empty; expected a JSON object");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw ProblemException.badRequest("Request body could not be read");
        }
        return root;
    }

    /**
     * A secret rotation's overlap: a duration ("0s", "30m", "24h") or a number of seconds, from zero to
     * {@code max}; absent or null: {@code otherwise}.
     */
    public static Duration overlap(JsonNode given, Duration otherwise, Duration max) {
        if (given == null || given.isNull()) {
            return otherwise;
        }
        Duration overlap;
        if (given.isIntegralNumber() && given.canConvertToLong()) {
            overlap = Duration.ofSeconds(given.longValue());
        } else if (given.isTextual()) {
            try {
                overlap = DurationStyle.detectAndParse(given.textValue());
            } catch (RuntimeException e) {
                // Not a duration, or one beyond what Duration holds (an ArithmeticException): the caller's input.
                throw ProblemException.invalid("overlap", "overlap must be a duration such as \"0s\", \"30m\" or \"24h\"");
            }
        } else {
            throw ProblemException.invalid("overlap", "overlap must be a duration such as \"0s\", \"30m\" or \"24h\"");
        }
        if (overlap.isNegative() || overlap.compareTo(max) > 0) {
            throw ProblemException.invalid("overlap", "overlap must be from 0s to " + DurationStyle.SIMPLE.print(max));
        }
        return overlap;
    }

    /**
     * What in a value PostgreSQL cannot hold (text and jsonb refuse U+0000, jsonb refuses a number
     * out of the double range that Jackson reads as Infinity) or would silently change (a lone UTF-16
     * surrogate becomes '?'), or null when it can be stored as sent.
     */
    private static String unstorable(JsonNode value) {
        if (value.isTextual()) {
            return unstorable(value.textValue());
        }
        if (value.isNumber() && value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())) {
            return "a number out of range";
        }
        for (Iterator<Map.Entry<String, JsonNode>> members = value.fields(); members.hasNext(); ) {
            Map.Entry<String, JsonNode> member = members.next();
            String found = unstorable(member.getKey());
            if (found == null) {
                found = unstorable(member.getValue());
            }
            if (found != null) {
                return found;
            }
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                String found = unstorable(item);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static String unstorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "U+0000 (NUL)";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "a lone UTF-16 surrogate (not Unicode text)";
            }
        }
        return null;
    }

    /** Jackson's own message names its classes and methods when a limit is hit: described here instead. */
    private static ProblemException notJson(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException || e.getCause() instanceof StreamConstraintsException) {
            return ProblemException.badRequest("Request body exceeds the JSON limits: nesting deeper than 1000, "
                    + "a number longer than 1000 digits or a string longer than 20,000,000 characters");
        }
        JsonLocation at = e.getLocation();
        return ProblemException.badRequest("Request body is not valid JSON"
                + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                + ": " + firstLine(e.getOriginalMessage()));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    public static String optionalText(JsonNode root, String field, int maxLength) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ProblemException.invalid(field, field + " must be a string");
        }
        if (node.textValue().length() > maxLength) {
            throw ProblemException.invalid(field, field + " is longer than " + maxLength + " characters");
        }
        return node.textValue();
    }
}
