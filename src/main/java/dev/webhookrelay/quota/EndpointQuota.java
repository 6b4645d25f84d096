package dev.webhookrelay.quota;

import java.util.UUID;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Whether a tenant may register one more endpoint. Every endpoint multiplies each of the tenant's
 * events into one more delivery, so the count bounds a tenant's fan-out. Runs inside the creating
 * transaction.
 */
@Component
public class EndpointQuota {

    private final JdbcTemplate jdbc;
    private final int max;

    public EndpointQuota(JdbcTemplate jdbc, RelayProperties properties) {
        this.jdbc = jdbc;
        this.max = properties.quotas().maxEndpointsPerTenant();
    }

    /**
     * 409 when the tenant already has the most endpoints allowed. Deleted ones do not count, nor does
     * the operational endpoint: there is at most one, and no event of the tenant fans out to it.
     */
    public void requireRoomForOneMore(UUID tenantId) {
        TenantLock.lock(jdbc, tenantId);
        Integer count = jdbc.queryForObject(
                "SELECT count(*) FROM endpoints WHERE tenant_id = ? AND deleted_at IS NULL AND NOT operational",
                Integer.class, tenantId);
        if (count != null && count >= max) {
            throw ProblemException.conflict("The tenant has " + count + " endpoints, the most allowed"
                    + " (relay.quotas.max-endpoints-per-tenant = " + max + "); delete one to register another", null);
        }
    }
}
