package dev.webhookrelay.delivery;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.webhookrelay.secrets.SealedHeaders;

/**
 * One attempt's HTTP request, built by the relay alone: the endpoint's URL, the relay's own headers
 * and the allowed static headers, and the signed body. Nothing else can reach the wire.
 * {@code sensitiveHeaders} names the static headers the tenant marked sensitive.
 */
public record OutgoingRequest(String url, Map<String, String> headers, String body, Set<String> sensitiveHeaders) {

    /** The same request with one more header (replacing one of the same name). */
    public OutgoingRequest withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>();
        headers.forEach((existing, kept) -> {
            if (!existing.equalsIgnoreCase(name)) {
                more.put(existing, kept);
            }
        });
        more.put(name, value);
        return new OutgoingRequest(url, more, body, sensitiveHeaders);
    }

    /**
     * The headers as the attempt log keeps them: signatures are counted, never stored; a sensitive
     * header (marked, or named like a credential) is redacted.
     */
    public Map<String, String> recordedHeaders() {
        Map<String, String> recorded = new LinkedHashMap<>();
        headers.forEach((name, value) -> recorded.put(name, recorded(name, value)));
        return recorded;
    }

    private String recorded(String name, String value) {
        if (name.equalsIgnoreCase(WebhookRequest.SIGNATURE)) {
            return "[" + value.split(" ").length + " signature(s)]";
        }
        if (sensitiveHeaders.contains(name) || SealedHeaders.isSensitiveName(name)) {
            return SealedHeaders.REDACTED;
        }
        return value;
    }

    /** Header values and the body stay out of logs and error messages that print the exchange. */
    @Override
    public String toString() {
        return "OutgoingRequest[url=" + url + ", headers=" + headers.keySet() + "]";
    }
}
