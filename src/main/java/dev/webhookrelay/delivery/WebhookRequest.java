package dev.webhookrelay.delivery;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.signing.WebhookSigner;
import dev.webhookrelay.transform.Transformed;
import org.apache.camel.Variable;
import org.springframework.stereotype.Component;

/**
 * Builds the signed HTTP request of one attempt: the Standard Webhooks body
 * {@code {"type", "timestamp", "data"}} or the endpoint's transformation of it, the endpoint's
 * allowed static headers and those its transformation set (checked by {@link PayloadTransformer}),
 * then the relay's own headers (webhook-id, webhook-timestamp, webhook-signature, Content-Type,
 * User-Agent), which neither can replace. The signature covers the body as sent.
 */
@Component("webhookRequest")
public class WebhookRequest {

    static final String SIGNATURE = "webhook-signature";

    private final ObjectMapper json;

    public WebhookRequest(ObjectMapper json) {
        this.json = json;
    }

    public void build(@Variable("attempt") DeliveryAttempt attempt) throws JsonProcessingException {
        attempt.requestBuilt(signed(attempt.delivery(), attempt.transformed(), "msg_" + attempt.delivery().deliveryId()));
    }

    /** {@code transformed}: null when the endpoint has no transformation. */
    public OutgoingRequest signed(DeliveryContext delivery, Transformed transformed, String webhookId)
            throws JsonProcessingException {
        String body = transformed != null ? transformed.body()
                : "{\"type\":" + json.writeValueAsString(delivery.eventType())
                        + ",\"timestamp\":" + json.writeValueAsString(delivery.eventCreatedAt().toString())
                        + ",\"data\":" + delivery.payloadJson() + "}";
        String url = transformed == null ? delivery.url() : PathSuffix.appendTo(delivery.url(), transformed.path());
        long timestamp = Instant.now().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>(delivery.headers());
        if (transformed != null) {
            headers.putAll(transformed.headers());
        }
        headers.put("webhook-id", webhookId);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put(SIGNATURE, WebhookSigner.signatures(delivery.secrets(), webhookId, timestamp, body));
        headers.put("User-Agent", "webhook-relay/1");
        return new OutgoingRequest(url, headers, body, delivery.sensitiveHeaders());
    }
}
