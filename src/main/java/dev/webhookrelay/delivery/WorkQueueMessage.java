package dev.webhookrelay.delivery;

import java.util.UUID;

/**
 * The relay's headers on work and wait queue messages. Dead letters carry more (relay-reason,
 * relay-last-status, relay-last-error, relay-attempts, relay-event-id), set in routes/retry.camel.yaml.
 */
public final class WorkQueueMessage {

    public static final String DELIVERY_ID = "relay-delivery-id";
    public static final String ATTEMPT = "relay-attempt";
    /** Set on messages sent to the dead-letter exchange: a message carrying it came back from the DLQ. */
    public static final String DEAD_LETTERED = "relay-dead-lettered";
    public static final String ENDPOINT_ID = "relay-endpoint-id";
    /** The endpoint's tenant, for the per-tenant in-flight cap; messages published before it existed lack it. */
    public static final String TENANT_ID = "relay-tenant-id";

    private WorkQueueMessage() {
    }

    static UUID uuid(Object header) {
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
