package dev.webhookrelay.sources;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a verified request says about itself, per provider: the event's type (unless the source fixes
 * one with eventType) and the provider's event or delivery id, which a retry of the same event repeats.
 */
final class ProviderEvents {

    private ProviderEvents() {
    }

    /** The source's eventType, else the provider's: Stripe's and Standard Webhooks' body type, GitHub's event.action, Shopify's topic. */
    static String type(Source source, InboundRequest request, JsonNode payload) {
        if (source.eventType() != null) {
            return source.eventType();
        }
        return switch (source.provider()) {
            case STRIPE, STANDARD_WEBHOOKS -> text(payload.get("type"));
            case GITHUB -> {
                String event = request.header("X-GitHub-Event");
                String action = text(payload.get("action"));
                yield event == null || action == null ? event : event + "." + action;
            }
            // Topics such as orders/create: '/' is not in the relay's type grammar.
            case SHOPIFY -> {
                String topic = request.header("X-Shopify-Topic");
                yield topic == null ? null : topic.replace('/', '.');
            }
            case HMAC -> null;
        };
    }

    /** Stripe's event id, X-GitHub-Delivery, webhook-id, Shopify's event (else webhook) id, or the hmac source's idHeader. */
    static String id(Source source, InboundRequest request, JsonNode payload) {
        return switch (source.provider()) {
            case STRIPE -> text(payload.get("id"));
            case GITHUB -> request.header("X-GitHub-Delivery");
            case STANDARD_WEBHOOKS -> request.header("webhook-id");
            case SHOPIFY -> request.header("X-Shopify-Event-Id") != null
                    ? request.header("X-Shopify-Event-Id") : request.header("X-Shopify-Webhook-Id");
            case HMAC -> source.hmac().idHeader() == null ? null : request.header(source.hmac().idHeader());
        };
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() && !node.textValue().isBlank() ? node.textValue() : null;
    }
}
