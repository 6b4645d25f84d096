package dev.webhookrelay.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Writes the 202 Accepted answer for a stored (or idempotently replayed) event. */
@Component("acceptedEventResponder")
public class AcceptedEventResponder {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptedEventResponder.class);

    private final ObjectMapper json;
    private final IngestMetrics metrics;

    public AcceptedEventResponder(ObjectMapper json, IngestMetrics metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    public void respond(Exchange exchange) throws JsonProcessingException {
        AcceptedEvent accepted = exchange.getProperty(EventStore.ACCEPTED, AcceptedEvent.class);
        if (LOG.isInfoEnabled()) {
            LOG.info("ingest event={} type={} deliveries={} replayed={}", accepted.id(), accepted.type(),
                    accepted.deliveries().stream().map(d -> d.id() + "@" + d.endpointId()).toList(),
                    exchange.getMessage().getHeader(StoredIdempotentAnswer.REPLAYED_HEADER) != null);
        }
        var message = exchange.getMessage();
        String replayed = message.getHeader(StoredIdempotentAnswer.REPLAYED_HEADER, String.class);
        message.removeHeaders("*");
        if (replayed != null) {
            message.setHeader(StoredIdempotentAnswer.REPLAYED_HEADER, replayed);
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(json.writeValueAsString(accepted));
        metrics.accepted(replayed != null);
    }
}
