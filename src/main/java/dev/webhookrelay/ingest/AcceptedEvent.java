package dev.webhookrelay.ingest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The 202 answer to an accepted event; also what an idempotent replay answers again. */
public record AcceptedEvent(UUID id, String type, Instant createdAt, List<AcceptedDelivery> deliveries) {

    public record AcceptedDelivery(UUID id, UUID endpointId, String status) {
    }
}
