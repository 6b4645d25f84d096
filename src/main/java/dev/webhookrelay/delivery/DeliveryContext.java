package dev.webhookrelay.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Everything one attempt needs, read from PostgreSQL when the attempt is claimed: secrets and header
 * values opened; {@code sensitiveHeaders} names the headers the attempt log redacts; {@code fifo}
 * says the endpoint takes its deliveries one at a time, in order. {@code auth} is the endpoint's
 * sealed auth (null: none), opened by {@link EndpointAuthentication}. The endpoint's transformation
 * (null: none) and its version (the endpoint's updated_at) key the compiled expression.
 * {@code recovering}: the delivery had been dead-lettered and was re-queued since (delivering it is a
 * recovery).
 */
public record DeliveryContext(
        UUID deliveryId,
        UUID eventId,
        UUID endpointId,
        UUID tenantId,
        String url,
        String eventType,
        String payloadJson,
        Instant eventCreatedAt,
        List<String> secrets,
        Map<String, String> headers,
        String retrySchedule,
        int attempt,
        int totalAttempts,
        Set<String> sensitiveHeaders,
        boolean fifo,
        String auth,
        String transformation,
        Instant endpointVersion,
        boolean recovering) {

    /** Secrets and header values stay out of logs and error messages that print the exchange. */
    @Override
    public String toString() {
        return "DeliveryContext[delivery=" + deliveryId + ", event=" + eventId + ", endpoint=" + endpointId
                + ", attempt=" + attempt + ", headers=" + headers.keySet() + ", secrets=" + secrets.size() + "]";
    }
}
