package dev.webhookrelay.sources;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.api.problem.ProblemException;

/**
 * The generic hmac provider's scheme: the HMAC of the body under the secret, sent in {@code header}
 * as {@code prefix} followed by the MAC in {@code encoding}; {@code idHeader}, when set, names the
 * header whose value is the sender's delivery id (the idempotency key).
 */
record HmacSettings(String header, String algorithm, String encoding, String prefix, String idHeader) {

    static final Set<String> FIELDS = Set.of("header", "algorithm", "encoding", "prefix", "idHeader");
    static final Map<String, String> ALGORITHMS = Map.of("sha1", "HmacSHA1", "sha256", "HmacSHA256",
            "sha512", "HmacSHA512");
    static final Set<String> ENCODINGS = Set.of("hex", "base64");
    private static final Pattern HEADER_NAME = Pattern.compile("^[A-Za-z0-9-]{1,100}$");

    static HmacSettings parse(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ProblemException.invalid("hmac", "hmac is required for the hmac provider: "
                    + "{\"header\", \"algorithm\", \"encoding\", \"prefix\", \"idHeader\"}");
        }
        if (!node.isObject()) {
            throw ProblemException.invalid("hmac", "hmac must be an object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ProblemException.invalid("hmac." + name, "Unknown field 'hmac." + name + "'; allowed: " + FIELDS);
            }
        }
        String header = text(node, "header", null);
        if (header == null || !HEADER_NAME.matcher(header).matches()) {
            throw ProblemException.invalid("hmac.header", "hmac.header must be a header name (letters, digits, '-')");
        }
        String algorithm = text(node, "algorithm", "sha256");
        if (!ALGORITHMS.containsKey(algorithm)) {
            throw ProblemException.invalid("hmac.algorithm", "hmac.algorithm must be one of " + ALGORITHMS.keySet());
        }
        String encoding = text(node, "encoding", "hex");
        if (!ENCODINGS.contains(encoding)) {
            throw ProblemException.invalid("hmac.encoding", "hmac.encoding must be one of " + ENCODINGS);
        }
        String prefix = text(node, "prefix", "");
        if (prefix.length() > 50 || !prefix.chars().allMatch(c -> c > ' ' && c < 127)) {
            throw ProblemException.invalid("hmac.prefix", "hmac.prefix must be at most 50 visible ASCII characters");
        }
        String idHeader = text(node, "idHeader", null);
        if (idHeader != null && !HEADER_NAME.matcher(idHeader).matches()) {
            throw ProblemException.invalid("hmac.idHeader", "hmac.idHeader must be a header name (letters, digits, '-')");
        }
        return new HmacSettings(header, algorithm, encoding, prefix, idHeader);
    }

    static HmacSettings fromStored(JsonNode stored) {
        return new HmacSettings(stored.path("header").asText(), stored.path("algorithm").asText(),
                stored.path("encoding").asText(), stored.path("prefix").asText(""),
                stored.hasNonNull("idHeader") ? stored.get("idHeader").asText() : null);
    }

    Map<String, Object> shown() {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("header", header);
        shown.put("algorithm", algorithm);
        shown.put("encoding", encoding);
        shown.put("prefix", prefix);
        shown.put("idHeader", idHeader);
        return shown;
    }

    String macAlgorithm() {
        return ALGORITHMS.get(algorithm);
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw ProblemException.invalid("hmac." + field, "hmac." + field + " must be a string");
        }
        return value.textValue();
    }
}
