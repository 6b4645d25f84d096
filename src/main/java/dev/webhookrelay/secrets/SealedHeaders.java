package dev.webhookrelay.secrets;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webhookrelay.api.problem.ProblemException;
import org.springframework.stereotype.Component;

/**
 * Endpoints' static headers as stored: names in clear (the API lists them, and they are not secrets),
 * every value sealed, {@code {"X-Api-Key": {"sealed": "v1:...", "sensitive": false}}}, where
 * {@code sensitive} is the tenant's own mark. A header is sensitive when it is marked, or when its name
 * says it holds a credential; a sensitive value is never shown again, only masked (API) or redacted
 * (attempt log). A value stored as a plain string predates sealing and is read as it is.
 */
@Component
public class SealedHeaders {

    /**
     * What the API shows instead of a sensitive value; sent back in a PATCH it keeps the stored value
     * (on the same origin only, see {@link #seal}).
     */
    public static final String MASK = "********";
    /** What the attempt log records instead of a sensitive value. */
    public static final String REDACTED = "[redacted]";
    private static final Pattern SENSITIVE_NAME =
            Pattern.compile("authorization|cookie|.*(key|token|secret|password).*", Pattern.CASE_INSENSITIVE);

    private final SecretCipher cipher;
    private final ObjectMapper json;

    public SealedHeaders(SecretCipher cipher, ObjectMapper json) {
        this.cipher = cipher;
        this.json = json;
    }

    public static boolean isSensitiveName(String name) {
        return name != null && SENSITIVE_NAME.matcher(name).matches();
    }

    /**
     * The stored JSON of these headers. A value equal to {@link #MASK} keeps the value the endpoint has
     * under that name (any case), and the tenant's mark on it, so an API client can send back what it read
     * without the mask revealing it. When the headers are to go to another origin than the stored
     * values went to ({@code toAnotherOrigin}), a mask for a sensitive value is refused, naming the header:
     * a credential is only ever sent where the tenant sent it in clear.
     */
    public String seal(UUID endpointId, Map<String, StaticHeaderValue> headers, String storedJson, boolean toAnotherOrigin) {
        Opened kept = storedJson == null ? new Opened(Map.of(), Set.of()) : open(endpointId, storedJson);
        JsonNode marks = storedJson == null ? json.createObjectNode() : parse(storedJson);
        ObjectNode stored = json.createObjectNode();
        headers.forEach((name, header) -> {
            String keptName = !MASK.equals(header.value()) ? null
                    : kept.values().keySet().stream().filter(name::equalsIgnoreCase).findFirst().orElse(null);
            if (keptName == null) {
                stored.set(name, sealed(endpointId, name, header.value(), header.markedSensitive()));
                return;
            }
            if (toAnotherOrigin && kept.sensitive().contains(keptName)) {
                throw ProblemException.invalid("headers." + name, "headers." + name + " is " + MASK + ", but url "
                        + "moves the endpoint to another origin (scheme, host or port), where a stored credential is "
                        + "not sent: send its value again in clear, or leave the header out");
            }
            boolean marked = header.markedSensitive() || marks.path(keptName).path("sensitive").asBoolean(false);
            stored.set(name, sealed(endpointId, name, kept.values().get(keptName), marked));
        });
        return stored.toString();
    }

    /**
     * Refuses, naming the first, stored headers with a sensitive value: the endpoint moves to another
     * origin and they were not sent again (a header whose name or mark says it holds a credential).
     */
    public void requireNoneSensitive(String storedJson) {
        JsonNode stored = parse(storedJson);
        for (Iterator<Map.Entry<String, JsonNode>> it = stored.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            if (isSensitiveName(header.getKey()) || header.getValue().path("sensitive").asBoolean(false)) {
                throw ProblemException.invalid("headers." + header.getKey(), "url moves the endpoint to another origin "
                        + "(scheme, host or port), where a stored credential is not sent: send headers again with the "
                        + "value of " + header.getKey() + " in clear, or without it");
            }
        }
    }

    /** Every stored header opened: its value, and the names that are sensitive. */
    public Opened open(UUID endpointId, String storedJson) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> sensitive = new LinkedHashSet<>();
        JsonNode stored = parse(storedJson);
        for (Iterator<Map.Entry<String, JsonNode>> it = stored.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            String name = header.getKey();
            JsonNode value = header.getValue();
            if (value.isTextual()) {
                values.put(name, value.textValue());
            } else if (value.isObject() && value.path("sealed").isTextual()) {
                values.put(name, cipher.open(value.path("sealed").textValue(), SecretContexts.staticHeader(endpointId, name)));
                if (value.path("sensitive").asBoolean(false)) {
                    sensitive.add(name);
                }
            } else {
                continue;
            }
            if (isSensitiveName(name)) {
                sensitive.add(name);
            }
        }
        return new Opened(values, sensitive);
    }

    /**
     * The headers as the API shows them: a sensitive value masked (and never opened), the others in
     * clear; a header the tenant marked sensitive as {@code {"value": MASK, "sensitive": true}}, the
     * form it was registered in.
     */
    public Map<String, Object> shown(UUID endpointId, String storedJson) {
        Map<String, Object> shown = new LinkedHashMap<>();
        JsonNode stored = parse(storedJson);
        for (Iterator<Map.Entry<String, JsonNode>> it = stored.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            String name = header.getKey();
            JsonNode value = header.getValue();
            boolean marked = value.isObject() && value.path("sensitive").asBoolean(false);
            if (marked) {
                shown.put(name, Map.of("value", MASK, "sensitive", true));
            } else if (isSensitiveName(name)) {
                shown.put(name, MASK);
            } else if (value.isTextual()) {
                shown.put(name, value.textValue());
            } else if (value.isObject() && value.path("sealed").isTextual()) {
                shown.put(name, cipher.open(value.path("sealed").textValue(), SecretContexts.staticHeader(endpointId, name)));
            }
        }
        return shown;
    }

    /** The same headers sealed under the current key, or null when every value already is. */
    public String resealed(UUID endpointId, String storedJson) {
        JsonNode stored = parse(storedJson);
        boolean stale = false;
        for (JsonNode value : stored) {
            stale |= !(value.isObject() && cipher.isCurrent(value.path("sealed").asText(null)));
        }
        if (!stale) {
            return null;
        }
        ObjectNode resealed = json.createObjectNode();
        Opened opened = open(endpointId, storedJson);
        for (Iterator<Map.Entry<String, JsonNode>> it = stored.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            String name = header.getKey();
            JsonNode value = header.getValue();
            if (value.isObject() && cipher.isCurrent(value.path("sealed").asText(null))) {
                resealed.set(name, value);
            } else if (opened.values().containsKey(name)) {
                boolean marked = value.isObject() && value.path("sensitive").asBoolean(false);
                resealed.set(name, sealed(endpointId, name, opened.values().get(name), marked));
            }
        }
        return resealed.toString();
    }

    private ObjectNode sealed(UUID endpointId, String name, String value, boolean markedSensitive) {
        ObjectNode sealed = json.createObjectNode();
        sealed.put("sealed", cipher.seal(value, SecretContexts.staticHeader(endpointId, name)));
        sealed.put("sensitive", markedSensitive);
        return sealed;
    }

    private JsonNode parse(String storedJson) {
        try {
            JsonNode stored = json.readTree(storedJson);
            return stored != null && stored.isObject() ? stored : json.createObjectNode();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("endpoints.headers is not JSON", e);
        }
    }

    /** Opened headers; {@code sensitive} holds the names that are marked or look like credentials. */
    public record Opened(Map<String, String> values, Set<String> sensitive) {

        @Override
        public String toString() {
            return "Opened[names=" + values.keySet() + ", sensitive=" + sensitive + "]";
        }
    }
}
