package dev.webhookrelay.admin;

import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.problem.ProblemException;

/** Reads an API request body as a JSON object with a known set of fields (every API, ingest included). */
public final class JsonBodies {

    private JsonBodies() {
    }

    public static JsonNode object(ObjectMapper json, byte[] body, Set<String> allowedFields) {
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("Request body is empty; expected a JSON object");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw ProblemException.badRequest("Request body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw ProblemException.badRequest("Request body must be a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowedFields.contains(name)) {
                throw ProblemException.invalid(name, "Unknown field '" + name + "'; allowed: " + allowedFields);
            }
        }
        return root;
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
