package dev.webhookrelay.tracing;

import org.apache.camel.CamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;

/**
 * Camel's OpenTelemetry tracer, except that the timer-driven sweeps start no traces (every tick would
 * otherwise be a trace of its own; what they publish carries its event's trace instead). Camel's {@code exclude-patterns} would do the same, but it is
 * asked on every route start and end and every endpoint send of every exchange, and each time it
 * normalizes the endpoint's URI and compiles the pattern as a regular expression: about 5% of the
 * relay's CPU per event (bench/RESULTS.md, issue 16). A timer route's URI starts with its scheme.
 */
class TimerExcludingTracer extends OpenTelemetryTracer {

    @Override
    public boolean exclude(String endpointUri, CamelContext context) {
        return endpointUri != null && endpointUri.startsWith("timer:");
    }
}
