package dev.webhookrelay.delivery;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.signing.WebhookSigner;
import org.apache.camel.Variable;
import org.springframework.stereotype.Component;

/**
 * Builds the signed HTTP request of one attempt: the Standard Webhooks body
 * {@code {"type", "timestamp", "data"}}, the endpoint's allowed static headers, then the relay's
 * own headers (webhook-id, webhook-timestamp, webhook-signature, Content-Type, User-Agent), which
 * no static header can replace.
 */
@Component("webhookRequest")
public class WebhookRequest {

    static final String SIGNATURE = "webhook-signature";

    private final ObjectMapper json;

    public WebhookRequest(ObjectMapper json) {
        this.json = json;
    }

    public void build(@Variable("attempt") DeliveryAttempt attempt) throws JsonProcessingException {
        attempt.requestBuilt(build(attempt.delivery()));
    }

    OutgoingRequest build(DeliveryContext delivery) throws JsonProcessingException {
        String body = "{\"type\":" + json.writeValueAsString(delivery.eventType())
                + ",\"timestamp\":" + json.writeValueAsString(delivery.eventCreatedAt().toString())
                + ",\"data\":" + delivery.payloadJson() + "}";
        long timestamp = Instant.now().getEpochSecond();
        String webhookId = "msg_" + delivery.deliveryId();
        Map<String, String> headers = new LinkedHashMap<>(delivery.headers());
        headers.put("webhook-id", webhookId);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put(SIGNATURE, WebhookSigner.signatures(delivery.secrets(), webhookId, timestamp, body));
        headers.put("User-Agent", "webhook-relay/1");
        return new OutgoingRequest(delivery.url(), headers, body, delivery.sensitiveHeaders());
    }
}
