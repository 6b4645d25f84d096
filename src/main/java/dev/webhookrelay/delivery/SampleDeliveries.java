package dev.webhookrelay.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * An example event as one of a tenant's endpoints would get it, for the transformation preview and
 * the test send: the same context a claimed attempt has (URL, secrets and static headers opened,
 * transformation), for an event that is never stored and a delivery that does not exist.
 */
@Component
public class SampleDeliveries {

    private final JdbcTemplate jdbc;
    private final OpenedEndpoints opened;

    public SampleDeliveries(JdbcTemplate jdbc, OpenedEndpoints opened) {
        this.jdbc = jdbc;
        this.opened = opened;
    }

    /**
     * Empty when the tenant has no such endpoint (deleted ones included, and its operational endpoint,
     * which is not one of its endpoints in the API); a disabled one can still be tried.
     */
    public Optional<DeliveryContext> of(UUID tenantId, UUID endpointId, String type, String payloadJson) {
        List<DeliveryContext> found = jdbc.query("""
                SELECT p.url, p.headers::text AS headers, p.retry_schedule, p.transformation, p.updated_at, p.auth, %s
                  FROM endpoints p WHERE p.id = ? AND p.tenant_id = ? AND p.deleted_at IS NULL AND NOT p.operational"""
                .formatted(OpenedEndpoints.SECRETS_COLUMN),
                (rs, n) -> {
                    OpenedEndpoints.Headers headers = opened.headers(endpointId, rs.getString("headers"));
                    return new DeliveryContext(UUID.randomUUID(), UUID.randomUUID(), endpointId, tenantId,
                            rs.getString("url"), type, payloadJson, Instant.now(),
                            opened.secrets(endpointId, rs.getArray("secrets")), headers.values(),
                            rs.getString("retry_schedule"), 1, 1, headers.sensitive(), false, rs.getString("auth"),
                            rs.getString("transformation"), rs.getTimestamp("updated_at").toInstant(), false);
                }, endpointId, tenantId);
        return found.stream().findFirst();
    }
}
