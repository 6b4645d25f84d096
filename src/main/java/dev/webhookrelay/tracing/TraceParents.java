package dev.webhookrelay.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * The W3C {@code traceparent} of the span current on this thread, which a work message carries to
 * the attempt it asks for (messages are published through Spring's RabbitTemplate, which Camel's
 * tracer does not see), and which an event keeps so that its replays join its trace.
 */
public final class TraceParents {

    /** The header name of W3C Trace Context, on work messages as on HTTP. */
    public static final String HEADER = "traceparent";

    private TraceParents() {
    }

    /** The current span's traceparent, or null outside a trace. */
    public static String current() {
        SpanContext span = Span.current().getSpanContext();
        if (!span.isValid()) {
            return null;
        }
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }

    /** The current span's traceparent, else the given one (a stored event's, a consumed message's). */
    public static String currentOr(String fallback) {
        String current = current();
        return current != null ? current : fallback;
    }
}
