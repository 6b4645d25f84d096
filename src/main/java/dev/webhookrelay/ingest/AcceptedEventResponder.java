package dev.webhookrelay.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** Writes the 202 Accepted answer for a stored (or idempotently replayed) event. */
@Component("acceptedEventResponder")
public class AcceptedEventResponder {

    private final ObjectMapper json;
    private final IngestMetrics metrics;

    public AcceptedEventResponder(ObjectMapper json, IngestMetrics metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    public void respond(Exchange exchange) throws JsonProcessingException {
        AcceptedEvent accepted = exchange.getProperty(EventStore.ACCEPTED, AcceptedEvent.class);
        var message = exchange.getMessage();
        String replayed = message.getHeader(IdempotentReplay.REPLAYED_HEADER, String.class);
        message.removeHeaders("*");
        if (replayed != null) {
            message.setHeader(IdempotentReplay.REPLAYED_HEADER, replayed);
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(json.writeValueAsString(accepted));
        metrics.accepted(replayed != null);
    }
}
