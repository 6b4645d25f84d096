package dev.webhookrelay.quota;

import java.util.UUID;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Whether a tenant may keep one more of what it registers besides endpoints: API keys, sources and
 * event types. Each is a row the tenant creates at will (and a source, a URL anyone may post to):
 * without a bound one tenant fills PostgreSQL for all. Runs inside the creating transaction, under
 * the tenant's lock, so concurrent creations cannot both see room for one more.
 */
@Component
public class CatalogQuota {

    private final JdbcTemplate jdbc;
    private final RelayProperties.Quotas quotas;

    public CatalogQuota(JdbcTemplate jdbc, RelayProperties properties) {
        this.jdbc = jdbc;
        this.quotas = properties.quotas();
    }

    /** 409 when the tenant has the most API keys allowed that are not revoked. */
    public void requireRoomForApiKey(UUID tenantId) {
        requireRoom(tenantId, "SELECT count(*) FROM api_keys WHERE tenant_id = ? AND revoked_at IS NULL",
                quotas.maxApiKeysPerTenant(), "API keys", "max-api-keys-per-tenant", "revoke one");
    }

    /** 409 when the tenant has the most sources allowed. */
    public void requireRoomForSource(UUID tenantId) {
        requireRoom(tenantId, "SELECT count(*) FROM sources WHERE tenant_id = ? AND deleted_at IS NULL",
                quotas.maxSourcesPerTenant(), "sources", "max-sources-per-tenant", "delete one");
    }

    /** 409 when the tenant has the most event types allowed (asked only before a new one is created). */
    public void requireRoomForEventType(UUID tenantId) {
        requireRoom(tenantId, "SELECT count(*) FROM event_types WHERE tenant_id = ?",
                quotas.maxEventTypesPerTenant(), "event types", "max-event-types-per-tenant", "delete one");
    }

    private void requireRoom(UUID tenantId, String count, int max, String what, String property, String remedy) {
        TenantLock.lock(jdbc, tenantId);
        Integer held = jdbc.queryForObject(count, Integer.class, tenantId);
        if (held != null && held >= max) {
            throw ProblemException.conflict("The tenant has " + held + " " + what + ", the most allowed (relay.quotas."
                    + property + " = " + max + "); " + remedy + " to add another", null);
        }
    }
}
