package dev.webhookrelay.admin;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Names, once at start, every stored filter that FilterCostRule would refuse today: a filter saved
 * before the rule existed still runs at fan-out. It is left as it is (a tenant's rule is the tenant's
 * to change); the warning tells the operator which endpoint to disable or which tenant to ask.
 */
@Component
public class StoredFilterCheck {

    private static final Logger LOG = LoggerFactory.getLogger(StoredFilterCheck.class);

    private final JdbcTemplate jdbc;

    public StoredFilterCheck(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Never stops the relay from starting: a check that fails is logged and left. */
    @EventListener(ApplicationReadyEvent.class)
    public void warnOfCostlyFilters() {
        try {
            jdbc.query("SELECT id, tenant_id, filter::jsonpath::text FROM endpoints WHERE filter IS NOT NULL AND deleted_at IS NULL",
                    rs -> {
                        UUID endpoint = rs.getObject(1, UUID.class);
                        UUID tenant = rs.getObject(2, UUID.class);
                        FilterCostRule.violation(rs.getString(3)).ifPresent(why -> LOG.warn(
                                "Endpoint {} of tenant {} has a filter that could cost more than a pass over an event ({}); "
                                        + "an update would refuse it. Disable the endpoint or have its tenant change the filter.",
                                endpoint, tenant, why));
                    });
        } catch (RuntimeException failed) {
            LOG.warn("Stored endpoint filters were not checked against the cost rule: {}", String.valueOf(failed));
        }
    }
}
