package dev.webhookrelay.transform;

import java.util.Map;

/**
 * What a transformation produced: the request body as JSON text, and, when the result used the
 * {@code $relay} envelope, the extra headers and the URL path suffix (still to be checked by the
 * caller: which headers may be sent and which paths are safe is the delivery's rule, not JSONata's).
 */
public record Transformed(String body, Map<String, String> headers, String path) {

    /** Header values and the body stay out of logs and error messages that print the exchange. */
    @Override
    public String toString() {
        return "Transformed[headers=" + headers.keySet() + ", path=" + path + "]";
    }
}
