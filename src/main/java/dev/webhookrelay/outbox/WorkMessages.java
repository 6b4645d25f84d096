package dev.webhookrelay.outbox;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.ingest.AcceptedEvent;
import dev.webhookrelay.ingest.EventStore;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * What a work-queue message says: a delivery id and its attempt number, and the endpoint and tenant
 * it is for (the in-flight caps apply before the database is asked). The consumer reads everything
 * else from PostgreSQL, so a stale or duplicated message can do no harm.
 */
@Component("workMessages")
public class WorkMessages {

    public static final String DELIVERY_ID = "deliveryId";
    public static final String ENDPOINT_ID = "endpointId";
    public static final String TENANT_ID = "tenantId";
    public static final String ATTEMPT = "attempt";

    public List<Map<String, Object>> forAccepted(@ExchangeProperty(EventStore.ACCEPTED) AcceptedEvent accepted,
            @ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId) {
        return accepted.deliveries().stream().map(d -> message(d.id(), d.endpointId(), tenantId, 1)).toList();
    }

    public static Map<String, Object> message(UUID deliveryId, UUID endpointId, UUID tenantId, int attempt) {
        return Map.of(DELIVERY_ID, deliveryId.toString(), ENDPOINT_ID, endpointId.toString(),
                TENANT_ID, tenantId.toString(), ATTEMPT, attempt);
    }
}
