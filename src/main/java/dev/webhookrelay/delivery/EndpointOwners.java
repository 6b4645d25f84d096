package dev.webhookrelay.delivery;

import java.util.List;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which tenant owns an endpoint, for work messages published before they carried relay-tenant-id.
 * An endpoint never changes tenant, so an answer is cached for good (within a size bound).
 */
@Component
public class EndpointOwners {

    private final JdbcTemplate jdbc;
    private final Cache<UUID, UUID> tenants = Caffeine.newBuilder().maximumSize(100_000).build();

    public EndpointOwners(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The owning tenant, or null when the endpoint does not exist. */
    public UUID tenantOf(UUID endpointId) {
        return tenants.get(endpointId, id -> {
            List<UUID> found = jdbc.query("SELECT tenant_id FROM endpoints WHERE id = ?",
                    (rs, n) -> rs.getObject(1, UUID.class), id);
            return found.isEmpty() ? null : found.get(0);
        });
    }
}
