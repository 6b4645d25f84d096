package dev.webhookrelay.delivery;

import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.signing.WebhookSigner;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Builds the signed HTTP request of one attempt: the Standard Webhooks body
 * {@code {"type", "timestamp", "data"}} and its webhook-id, webhook-timestamp and webhook-signature
 * headers. Every other header is dropped first, so nothing from the broker leaks to a receiver.
 */
@Component("webhookRequest")
public class WebhookRequest {

    private final ObjectMapper json;

    public WebhookRequest(ObjectMapper json) {
        this.json = json;
    }

    public void build(Exchange exchange) throws JsonProcessingException {
        DeliveryContext delivery = exchange.getProperty(DeliveryClaim.DELIVERY, DeliveryContext.class);
        String body = "{\"type\":" + json.writeValueAsString(delivery.eventType())
                + ",\"timestamp\":" + json.writeValueAsString(delivery.eventCreatedAt().toString())
                + ",\"data\":" + delivery.payloadJson() + "}";
        long timestamp = Instant.now().getEpochSecond();
        String webhookId = "msg_" + delivery.deliveryId();
        var message = exchange.getMessage();
        message.removeHeaders("*");
        delivery.headers().forEach(message::setHeader);
        message.setHeader("webhook-id", webhookId);
        message.setHeader("webhook-timestamp", Long.toString(timestamp));
        message.setHeader("webhook-signature",
                WebhookSigner.signatures(delivery.secrets(), webhookId, timestamp, body));
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader(Exchange.HTTP_URI, delivery.url());
        message.setHeader("User-Agent", "webhook-relay/1");
        message.setBody(body);
    }
}
