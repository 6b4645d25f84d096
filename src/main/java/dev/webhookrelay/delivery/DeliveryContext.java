package dev.webhookrelay.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Everything one attempt needs, read from PostgreSQL when the attempt is claimed. */
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
        int totalAttempts) {
}
