package dev.webhookrelay.admin;

import java.util.UUID;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.query.PathIds;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The tenant an admin route names in its path, which the route then acts for as a tenant route acts
 * for the caller's: the beans take the tenant from the exchange property only, never from a header.
 */
@Component("namedTenants")
public class NamedTenants {

    private final JdbcTemplate jdbc;

    public NamedTenants(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The tenant of that id; 404 when there is none such, like any unknown id. */
    public UUID existing(String pathId) {
        UUID tenantId = PathIds.of(pathId);
        if (tenantId == null || jdbc.queryForList("SELECT id FROM tenants WHERE id = ?", UUID.class, tenantId).isEmpty()) {
            throw ProblemException.notFound("No tenant " + pathId);
        }
        return tenantId;
    }
}
