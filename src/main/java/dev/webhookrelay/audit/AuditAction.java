package dev.webhookrelay.audit;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** Every kind of change the API makes, each on one type of resource. */
public enum AuditAction {
    TENANT_CREATE("tenant.create", "tenant"),
    TENANT_UPDATE("tenant.update", "tenant"),
    API_KEY_CREATE("api-key.create", "api-key"),
    API_KEY_REVOKE("api-key.revoke", "api-key"),
    ENDPOINT_CREATE("endpoint.create", "endpoint"),
    ENDPOINT_UPDATE("endpoint.update", "endpoint"),
    ENDPOINT_ENABLE("endpoint.enable", "endpoint"),
    ENDPOINT_DISABLE("endpoint.disable", "endpoint"),
    ENDPOINT_DELETE("endpoint.delete", "endpoint"),
    ENDPOINT_SECRET_ROTATE("endpoint.secret.rotate", "endpoint"),
    ENDPOINT_RECOVER("endpoint.recover", "endpoint"),
    OPERATIONAL_WEBHOOK_CREATE("operational-webhook.create", "operational-webhook"),
    OPERATIONAL_WEBHOOK_UPDATE("operational-webhook.update", "operational-webhook"),
    OPERATIONAL_WEBHOOK_DELETE("operational-webhook.delete", "operational-webhook"),
    OPERATIONAL_WEBHOOK_SECRET_ROTATE("operational-webhook.secret.rotate", "operational-webhook"),
    DELIVERY_REPLAY("delivery.replay", "delivery"),
    FIFO_HEAD_SKIP("delivery.fifo-skip", "delivery"),
    FIFO_HEAD_RETRY("delivery.fifo-retry", "delivery"),
    DLQ_REPLAY("dlq.replay", "replay"),
    SOURCE_CREATE("source.create", "source"),
    SOURCE_DELETE("source.delete", "source"),
    SOURCE_SECRET_ROTATE("source.secret.rotate", "source"),
    EVENT_TYPE_CREATE("event-type.create", "event-type"),
    EVENT_TYPE_UPDATE("event-type.update", "event-type"),
    EVENT_TYPE_DELETE("event-type.delete", "event-type"),
    PORTAL_LINK_CREATE("portal-link.create", "portal-link");

    public static final Set<String> CODES = Arrays.stream(values()).map(AuditAction::code)
            .collect(Collectors.toUnmodifiableSet());
    public static final Set<String> RESOURCE_TYPES = Arrays.stream(values()).map(AuditAction::resourceType)
            .collect(Collectors.toUnmodifiableSet());

    private final String code;
    private final String resourceType;

    AuditAction(String code, String resourceType) {
        this.code = code;
        this.resourceType = resourceType;
    }

    public String code() {
        return code;
    }

    public String resourceType() {
        return resourceType;
    }
}
