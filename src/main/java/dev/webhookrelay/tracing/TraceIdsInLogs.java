package dev.webhookrelay.tracing;

import java.util.concurrent.atomic.AtomicBoolean;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.Scope;
import org.slf4j.MDC;

/**
 * Puts the current span's ids into the logging MDC ({@code trace_id}, {@code span_id}) whenever a
 * context becomes current on a thread, and restores what was there when its scope closes: every log
 * line written while Camel (or the delivery client) has a span current carries its trace. A wrapper
 * of the context storage, so it must be installed before the first context is used.
 */
final class TraceIdsInLogs implements ContextStorage {

    static final String TRACE_ID = "trace_id";
    static final String SPAN_ID = "span_id";
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private final ContextStorage delegate;

    private TraceIdsInLogs(ContextStorage delegate) {
        this.delegate = delegate;
    }

    static void install() {
        if (INSTALLED.compareAndSet(false, true)) {
            ContextStorage.addWrapper(TraceIdsInLogs::new);
        }
    }

    @Override
    public Scope attach(Context toAttach) {
        String previousTrace = MDC.get(TRACE_ID);
        String previousSpan = MDC.get(SPAN_ID);
        Scope scope = delegate.attach(toAttach);
        SpanContext span = Span.fromContext(toAttach).getSpanContext();
        if (span.isValid()) {
            MDC.put(TRACE_ID, span.getTraceId());
            MDC.put(SPAN_ID, span.getSpanId());
        } else {
            MDC.remove(TRACE_ID);
            MDC.remove(SPAN_ID);
        }
        return () -> {
            scope.close();
            restore(TRACE_ID, previousTrace);
            restore(SPAN_ID, previousSpan);
        };
    }

    @Override
    public Context current() {
        return delegate.current();
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
