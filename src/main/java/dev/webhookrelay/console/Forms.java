package dev.webhookrelay.console;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.webhookrelay.api.problem.ProblemException;

/** Form fields as the API's JSON: the services validate them as they validate any API request. */
final class Forms {

    private static final String SENSITIVE = " (sensitive)";

    private Forms() {
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** "order.*, invoice.paid" or one per line: the eventTypes array. */
    static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
    }

    /**
     * "Name: value" per line: the headers object; "Name (sensitive): value" marks the value sensitive
     * ({"value", "sensitive": true}), as the API takes it.
     */
    static Map<String, Object> headers(String value) {
        Map<String, Object> headers = new LinkedHashMap<>();
        if (value == null) {
            return headers;
        }
        for (String line : value.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 1) {
                throw ProblemException.invalid("headers", "each header line must be \"Name: value\"");
            }
            String name = line.substring(0, colon).strip();
            String headerValue = line.substring(colon + 1).strip();
            if (name.endsWith(SENSITIVE)) {
                headers.put(name.substring(0, name.length() - SENSITIVE.length()).strip(),
                        Map.of("value", headerValue, "sensitive", true));
            } else {
                headers.put(name, headerValue);
            }
        }
        return headers;
    }

    /** The headers as the API shows them (sensitive values masked), in the form's "Name: value" lines. */
    static String headerLines(Map<String, Object> shown) {
        StringBuilder lines = new StringBuilder();
        shown.forEach((name, value) -> {
            if (value instanceof Map<?, ?> marked) {
                lines.append(name).append(SENSITIVE).append(": ").append(marked.get("value")).append('\n');
            } else {
                lines.append(name).append(": ").append(value).append('\n');
            }
        });
        return lines.toString();
    }

    /** A whole number, or the text as typed so that the service names the field it refuses. */
    static Object number(String value) {
        String given = blankToNull(value);
        if (given == null) {
            return null;
        }
        try {
            return Integer.parseInt(given);
        } catch (NumberFormatException e) {
            return given;
        }
    }

    /**
     * A datetime-local field (no offset: the console shows and takes UTC) or an ISO-8601 instant, as
     * the instant the API takes.
     */
    static String instant(String value) {
        String given = blankToNull(value);
        if (given == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(given).toInstant(ZoneOffset.UTC).toString();
        } catch (DateTimeParseException e) {
            return given;
        }
    }
}
