package dev.webhookrelay.delivery;

import java.util.UUID;

/** The relay's headers on work, wait and dead-letter queue messages. */
public final class WorkQueueMessage {

    public static final String DELIVERY_ID = "relay-delivery-id";
    public static final String ATTEMPT = "relay-attempt";
    /** Set on messages sent to the dead-letter exchange: a message carrying it came back from the DLQ. */
    public static final String DEAD_LETTERED = "relay-dead-lettered";
    public static final String REASON = "relay-reason";
    public static final String LAST_STATUS = "relay-last-status";
    public static final String LAST_ERROR = "relay-last-error";
    public static final String ATTEMPTS = "relay-attempts";
    public static final String ENDPOINT_ID = "relay-endpoint-id";
    public static final String EVENT_ID = "relay-event-id";

    private WorkQueueMessage() {
    }

    static UUID deliveryId(Object header) {
        if (header == null) {
            return null;
        }
        try {
            return UUID.fromString(header.toString().trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static int attempt(Object header) {
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
