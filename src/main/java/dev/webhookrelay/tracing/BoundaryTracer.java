package dev.webhookrelay.tracing;

import org.apache.camel.CamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.apache.camel.telemetry.TraceProcessorsInterceptStrategy;

/**
 * Camel's OpenTelemetry tracer, for what crosses the relay's boundary only: REST requests and work
 * messages (and the delivery client's own span per HTTP attempt). Two kinds of endpoint are left out.
 * A timer-driven sweep would start a trace of its own at every tick; what it publishes carries its
 * event's trace instead. A {@code direct:} hop between the relay's own routes adds two spans (the send
 * and the route) that say nothing the route metrics do not, and cost CPU on every exchange: a delivery
 * passes three of them (bench/RESULTS.md, issue 16). Camel's {@code exclude-patterns} would do the same,
 * but it normalizes the endpoint's URI and compiles the pattern as a regular expression at every route
 * start and end and every endpoint send, about 5% of the relay's CPU per event. The URI's scheme says
 * it at once.
 *
 * <p>Nor does it wrap every processor of every route when it makes no span per processor (Camel's
 * {@code trace-processors}, off here): Camel's tracer adds its processor wrapper regardless, and the
 * wrapper builds a span name (a string) at every step of every exchange before it asks whether it
 * traces processors at all.
 */
class BoundaryTracer extends OpenTelemetryTracer {

    @Override
    public boolean exclude(String endpointUri, CamelContext context) {
        return endpointUri != null && (endpointUri.startsWith("timer:") || endpointUri.startsWith("direct:"));
    }

    /** Before any route is built, so that no processor is wrapped. */
    @Override
    protected void doInit() {
        super.doInit();
        if (!isTraceProcessors()) {
            getCamelContext().getCamelContextExtension().getInterceptStrategies()
                    .removeIf(TraceProcessorsInterceptStrategy.class::isInstance);
        }
    }
}
