package dev.webhookrelay.delivery;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One attempt's HTTP request, built by the relay alone: the endpoint's URL, the relay's own headers
 * and the allowed static headers, and the signed body. Nothing else can reach the wire.
 */
public record OutgoingRequest(String url, Map<String, String> headers, String body) {

    /** The headers as the attempt log keeps them: signatures are counted, never stored. */
    public Map<String, String> recordedHeaders() {
        Map<String, String> recorded = new LinkedHashMap<>();
        headers.forEach((name, value) -> recorded.put(name,
                name.equalsIgnoreCase(WebhookRequest.SIGNATURE) ? "[" + value.split(" ").length + " signature(s)]" : value));
        return recorded;
    }
}
