package dev.webhookrelay.tracing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SpanProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The relay's OpenTelemetry SDK, configured by the standard OTEL_* variables (or otel.* system
 * properties) through the SDK's autoconfiguration, never by relay.* keys. Nothing is exported unless
 * an exporter or an OTLP endpoint is configured: traces are still made (log lines carry their ids,
 * and relay.delivery.propagate-trace can send them on), but no exporter tries to reach a collector
 * that is not there. Camel's tracer (camel-opentelemetry2) finds the {@link Tracer} and
 * {@link ContextPropagators} beans here; the SDK is not made global, so several application
 * contexts in one JVM (tests) each keep their own.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfig {

    static {
        TraceIdsInLogs.install();
    }

    /** Every SpanProcessor bean is added to the SDK's own (the exporter's, when one is configured). */
    @Bean(destroyMethod = "close")
    public OpenTelemetrySdk openTelemetry(ObjectProvider<SpanProcessor> extraProcessors) {
        List<SpanProcessor> extra = extraProcessors.orderedStream().toList();
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults(System.getenv(), System.getProperties()))
                .addTracerProviderCustomizer((tracerProvider, config) -> {
                    extra.forEach(tracerProvider::addSpanProcessor);
                    return tracerProvider;
                })
                .build()
                .getOpenTelemetrySdk();
    }

    /**
     * Camel's tracer (camel-opentelemetry2), in place of its starter's: the same, set up as the
     * starter would, but for the endpoints it leaves out (BoundaryTracer).
     */
    @Bean
    public OpenTelemetryTracer camelTracer(CamelContext camelContext) {
        OpenTelemetryTracer tracer = new BoundaryTracer();
        tracer.init(camelContext);
        return tracer;
    }

    @Bean
    public Tracer relayTracer(OpenTelemetry openTelemetry) {
        return openTelemetry.getTracer("webhook-relay");
    }

    @Bean
    public ContextPropagators relayPropagators(OpenTelemetry openTelemetry) {
        return openTelemetry.getPropagators();
    }

    /**
     * Defaults below the OTEL_* variables and otel.* system properties (which the SDK reads first):
     * the service name, and no exporter of traces, metrics or logs unless an OTLP endpoint is set
     * (metrics have Prometheus, logs the console). OTEL_TRACES_EXPORTER, if set, wins either way.
     */
    static Map<String, String> defaults(Map<String, String> environment, java.util.Properties system) {
        boolean endpointSet = environment.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")
                || environment.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
                || system.containsKey("otel.exporter.otlp.endpoint")
                || system.containsKey("otel.exporter.otlp.traces.endpoint");
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.service.name", "webhook-relay");
        defaults.put("otel.traces.exporter", endpointSet ? "otlp" : "none");
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        return defaults;
    }
}
