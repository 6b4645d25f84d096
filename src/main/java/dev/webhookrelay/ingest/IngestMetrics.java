package dev.webhookrelay.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Ingest counters: accepted events and replayed duplicates (refusals are counted by ProblemResponder). */
@Component("ingestMetrics")
public class IngestMetrics {

    private final MeterRegistry registry;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void accepted(boolean replayed) {
        Counter.builder("relay.ingest.accepted").description("Events answered 202")
                .tag("replayed", Boolean.toString(replayed)).register(registry).increment();
    }
}
