package dev.webhookrelay.broker;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The contract of a work-queue message, written by every publisher and read by the consumer: a
 * delivery id and the attempt it is for, and the endpoint and tenant (the in-flight caps apply before
 * the database is asked). The consumer reads everything else from PostgreSQL, so a stale or
 * duplicated message can do no harm. Wait queues carry the same message; dead letters add the
 * headers that say why ({@link #deadLetterHeaders}). {@code traceparent} (W3C Trace Context, null
 * outside a trace) is the span that asked for this attempt: the consumer's spans continue its trace.
 * {@code createdAt} is the delivery's created_at (its event's), the partition key of the history
 * tables (V51): with it the consumer's statements read one partition; null (a message published by
 * an older relay, or by a publisher that does not know it) only loses that pruning.
 */
public record WorkMessage(UUID deliveryId, UUID endpointId, UUID tenantId, int attempt, String traceparent,
        Instant createdAt) {

    public static final String DELIVERY_ID = "relay-delivery-id";
    public static final String ENDPOINT_ID = "relay-endpoint-id";
    /** Messages published before the tenant header existed lack it; the endpoint's tenant is looked up then. */
    public static final String TENANT_ID = "relay-tenant-id";
    public static final String ATTEMPT = "relay-attempt";
    /** On messages sent to the dead-letter exchange: a message carrying it came back from the DLQ. */
    public static final String DEAD_LETTERED = "relay-dead-lettered";
    public static final String TRACEPARENT = "traceparent";
    /**
     * When a message was published straight to the work queue (epoch millis, the publisher's clock):
     * how far the queue has been handed out ({@link WorkQueueProgress}). A retry's message, which
     * enters the work queue from its wait queue later, does not carry it.
     */
    public static final String PUBLISHED_AT = "relay-published-at";
    /** The delivery's created_at, ISO-8601 (microseconds, as PostgreSQL stores it). */
    public static final String CREATED_AT = "relay-created-at";

    public WorkMessage(UUID deliveryId, UUID endpointId, UUID tenantId, int attempt) {
        this(deliveryId, endpointId, tenantId, attempt, null);
    }

    public WorkMessage(UUID deliveryId, UUID endpointId, UUID tenantId, int attempt, String traceparent) {
        this(deliveryId, endpointId, tenantId, attempt, traceparent, null);
    }

    public WorkMessage withTraceparent(String parent) {
        return new WorkMessage(deliveryId, endpointId, tenantId, attempt, parent, createdAt);
    }

    public WorkMessage withCreatedAt(Instant deliveryCreatedAt) {
        return new WorkMessage(deliveryId, endpointId, tenantId, attempt, traceparent, deliveryCreatedAt);
    }

    public Map<String, Object> headers() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(DELIVERY_ID, deliveryId.toString());
        if (endpointId != null) {
            headers.put(ENDPOINT_ID, endpointId.toString());
        }
        if (tenantId != null) {
            headers.put(TENANT_ID, tenantId.toString());
        }
        headers.put(ATTEMPT, Integer.toString(attempt));
        if (traceparent != null) {
            headers.put(TRACEPARENT, traceparent);
        }
        if (createdAt != null) {
            headers.put(CREATED_AT, createdAt.toString());
        }
        return headers;
    }

    /** The body every relay message carries: the delivery id, readable in the management UI. */
    public String body() {
        return deliveryId.toString();
    }

    /**
     * A dead letter restarts at attempt 1 when an operator moves it back, and says why it was given
     * up: reason, last status and error, total attempts, and the event it belongs to.
     */
    public Map<String, Object> deadLetterHeaders(UUID eventId, int totalAttempts, String reason, Integer lastStatus,
            String lastError) {
        Map<String, Object> headers = new WorkMessage(deliveryId, endpointId, tenantId, 1, traceparent, createdAt).headers();
        headers.put("relay-event-id", eventId.toString());
        headers.put("relay-attempts", Integer.toString(totalAttempts));
        putIfPresent(headers, "relay-reason", reason);
        putIfPresent(headers, "relay-last-status", lastStatus == null ? null : lastStatus.toString());
        putIfPresent(headers, "relay-last-error", lastError);
        headers.put(DEAD_LETTERED, "true");
        return headers;
    }

    private static void putIfPresent(Map<String, Object> headers, String name, String value) {
        if (value != null) {
            headers.put(name, value);
        }
    }

    /** A header as a UUID, or null when absent or not one. */
    public static UUID uuid(Object header) {
        if (header == null) {
            return null;
        }
        try {
            return UUID.fromString(header.toString().trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The created-at header as an instant, or null when absent or unreadable (no pruning then). */
    public static Instant instant(Object header) {
        if (header == null) {
            return null;
        }
        try {
            return Instant.parse(header.toString().trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The attempt header; a missing or unreadable one counts as the first attempt. */
    public static int attempt(Object header) {
        if (header == null) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(header.toString().trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
