package dev.webhookrelay.delivery;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which static headers an endpoint may have the relay send. Camel carries HTTP headers and its own
 * control headers in one case-insensitive map, and its HTTP producer takes the target URI, path,
 * query and method from control headers (resolving property placeholders in the URI): a stored
 * header named like one would steer the delivery and leak the relay's configuration. So a name must
 * be an HTTP token outside every Camel namespace and outside the headers the relay itself owns, and
 * the same rule filters what is stored when a request is built, not only what is registered.
 */
public final class StaticHeaders {

    public static final int MAX_HEADERS = 20;
    public static final int MAX_VALUE_LENGTH = 4096;
    private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$");
    /** Framing and hop-by-hop headers, and the ones the relay sets on every request. */
    private static final Set<String> RESERVED = Set.of("content-type", "content-length", "content-encoding", "host",
            "transfer-encoding", "connection", "user-agent", "expect", "upgrade", "te", "trailer", "keep-alive",
            "traceparent", "tracestate");
    /** Camel's namespaces, the relay's own (signatures, work-message headers), and the egress proxy's. */
    private static final String[] RESERVED_PREFIXES = {"camel", "org.apache.camel", "webhook-", "relay-", "proxy-"};

    private StaticHeaders() {
    }

    /** Why a header name may not be a static header, or null when it may. */
    public static String refusal(String name) {
        if (name == null || !TOKEN.matcher(name).matches()) {
            return "header name must be an HTTP token of 1 to 100 characters";
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (RESERVED.contains(lower)) {
            return "header '" + name + "' is set by the relay";
        }
        for (String prefix : RESERVED_PREFIXES) {
            if (lower.startsWith(prefix)) {
                return "header names starting with '" + prefix + "' are reserved";
            }
        }
        return null;
    }

    /** Whether a value can go on one header line as it is. */
    public static boolean isSendableValue(String value) {
        if (value == null || value.length() > MAX_VALUE_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                return false;
            }
        }
        return true;
    }

    /**
     * The headers of a stored endpoint that may be sent: whatever a row holds (written before these
     * rules, or straight into the database), only allowed names with single-line string values pass.
     */
    public static Map<String, String> sendable(JsonNode stored) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (stored == null || !stored.isObject()) {
            return headers;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = stored.fields(); it.hasNext() && headers.size() < MAX_HEADERS; ) {
            Map.Entry<String, JsonNode> header = it.next();
            JsonNode value = header.getValue();
            if (refusal(header.getKey()) == null && value.isTextual() && isSendableValue(value.textValue())) {
                headers.put(header.getKey(), value.textValue());
            }
        }
        return headers;
    }
}
