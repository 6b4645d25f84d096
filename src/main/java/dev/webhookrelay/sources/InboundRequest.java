package dev.webhookrelay.sources;

import java.util.function.UnaryOperator;

/**
 * A request to a source as it arrived: the body's bytes exactly as sent (what the signature covers)
 * and the request's own headers. Headers are read from the HTTP request, never from Camel's message
 * headers, into which platform-http also copies query parameters.
 */
record InboundRequest(byte[] body, UnaryOperator<String> headers) {

    /** The header's value, or null when it was not sent or is blank. */
    String header(String name) {
        String value = headers.apply(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
