package dev.webhookrelay.admin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.delivery.AttemptResult;
import dev.webhookrelay.delivery.DeliveryAttempt;
import dev.webhookrelay.delivery.DeliveryContext;
import dev.webhookrelay.delivery.OutgoingRequest;
import dev.webhookrelay.delivery.PayloadTransformer;
import dev.webhookrelay.delivery.ResponseClassifier;
import dev.webhookrelay.delivery.SampleDeliveries;
import dev.webhookrelay.delivery.WebhookRequest;
import dev.webhookrelay.query.PathIds;
import dev.webhookrelay.quota.EndpointTestQuota;
import dev.webhookrelay.transform.TransformationException;
import dev.webhookrelay.transform.Transformed;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.springframework.stereotype.Component;

/**
 * What a receiver sees, without an event: the transformation preview (the exact request an example
 * event would make, nothing sent) and the test send (one signed, transformed attempt sent right away
 * through the delivery route's send-authenticated-request: the endpoint's auth as a delivery has it,
 * then the delivery client, with its SSRF guard, bounded reads and deadline). Neither stores an
 * event, a delivery or an attempt: the answer is the only record.
 */
@Component("endpointTrials")
public class EndpointTrials {

    private static final String SEND = "direct:send-authenticated-request";

    private final ObjectMapper json;
    private final SampleDeliveries samples;
    private final PayloadTransformer transformer;
    private final WebhookRequest requests;
    private final ProducerTemplate producer;
    private final ResponseClassifier classifier;
    private final EndpointTestQuota quota;

    public EndpointTrials(ObjectMapper json, SampleDeliveries samples, PayloadTransformer transformer,
            WebhookRequest requests, ProducerTemplate producer, ResponseClassifier classifier, EndpointTestQuota quota) {
        this.json = json;
        this.samples = samples;
        this.transformer = transformer;
        this.requests = requests;
        this.producer = producer;
        this.classifier = classifier;
        this.quota = quota;
    }

    /** {"event": {"type", "payload"}}: the URL, headers (sensitive values redacted) and body the endpoint would get. */
    public Map<String, Object> preview(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Header("id") String id, @Body byte[] body) throws JsonProcessingException {
        UUID endpointId = PathIds.of(id);
        DeliveryContext sample = sample(tenantId, endpointId, ExampleEvent.wrapped(json, body));
        Transformed transformed;
        try {
            transformed = transformer.apply(sample);
        } catch (TransformationException failed) {
            throw ProblemException.invalid("transformation", "the endpoint's transformation failed on this event: "
                    + failed.getMessage());
        }
        return shown(requests.signed(sample, transformed, "msg_preview"));
    }

    /** {"type", "payload"}: one attempt sent now, answered as its record (request, response, duration, error). */
    public Map<String, Object> test(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Header("id") String id, @Body byte[] body) throws JsonProcessingException {
        UUID endpointId = PathIds.of(id);
        DeliveryContext sample = sample(tenantId, endpointId, ExampleEvent.bare(json, body));
        quota.take(tenantId);
        Map<String, Object> record = new LinkedHashMap<>();
        Transformed transformed;
        try {
            transformed = transformer.apply(sample);
        } catch (TransformationException failed) {
            record.put("request", null);
            record.put("response", null);
            record.put("durationMs", 0);
            record.put("outcome", "DEAD_LETTER");
            record.put("error", "transformation error: " + failed.getMessage());
            return record;
        }
        DeliveryAttempt attempt = DeliveryAttempt.trial(sample,
                requests.signed(sample, transformed, "msg_test_" + UUID.randomUUID()));
        Exchange sent = producer.send(SEND, send -> send.setVariable("attempt", attempt));
        if (sent.getException() != null) {
            throw RuntimeCamelException.wrapRuntimeCamelException(sent.getException());
        }
        AttemptResult result = attempt.result();
        ResponseClassifier.Classification verdict = classifier.classify(result.status(), result.failure(),
                retryAfter(result), Instant.now());
        // As sent, with its Authorization (if the endpoint has auth) redacted like any credential header.
        record.put("request", shown(attempt.request()));
        if (result.status() == null) {
            record.put("response", null);
        } else {
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("status", result.status());
            response.put("headers", result.responseHeaders());
            response.put("body", result.responseBody());
            record.put("response", response);
        }
        record.put("durationMs", result.durationMillis());
        record.put("outcome", verdict.outcome().name());
        record.put("reason", verdict.reason());
        record.put("error", result.errorMessage());
        return record;
    }

    private DeliveryContext sample(UUID tenantId, UUID endpointId, ExampleEvent event) throws JsonProcessingException {
        return samples.of(tenantId, endpointId, event.type(), json.writeValueAsString(event.payload()))
                .orElseThrow(() -> ProblemException.notFound("No endpoint " + endpointId));
    }

    private static String retryAfter(AttemptResult result) {
        return result.responseHeaders().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("Retry-After")).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    private static Map<String, Object> shown(OutgoingRequest request) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("url", request.url());
        shown.put("headers", request.recordedHeaders());
        shown.put("body", request.body());
        return shown;
    }
}
