package dev.webhookrelay.quota;

import java.time.Duration;
import java.util.UUID;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Whether a tenant may start one more bulk replay. Running replays take turns, one batch per
 * interval across all tenants, so a tenant running many at once would take that many turns of every
 * round. Runs inside the transaction that starts the replay.
 */
@Component
public class ReplayQuota {

    private final JdbcTemplate jdbc;
    private final int max;
    private final int batchSize;
    private final Duration interval;

    public ReplayQuota(JdbcTemplate jdbc, RelayProperties properties) {
        this.jdbc = jdbc;
        this.max = properties.quotas().maxReplaysPerTenant();
        this.batchSize = properties.replay().batchSize();
        this.interval = properties.replay().interval();
    }

    /**
     * 429 when the tenant has the most replays RUNNING; Retry-After estimates when its smallest one
     * will be done at the replay pace (it may take longer while other tenants' replays run too).
     */
    public void requireRoomForOneMore(UUID tenantId) {
        TenantLock.lock(jdbc, tenantId);
        var running = jdbc.queryForMap("""
                SELECT count(*) AS running, coalesce(min(total - done), 0) AS smallest_left
                  FROM replays WHERE tenant_id = ? AND status = 'RUNNING'""", tenantId);
        long count = ((Number) running.get("running")).longValue();
        if (count >= max) {
            long batchesLeft = Math.max(1, (((Number) running.get("smallest_left")).longValue() + batchSize - 1) / batchSize);
            throw ProblemException.tooManyRequests("The tenant has " + count + " bulk replays running, the most"
                    + " allowed (relay.quotas.max-replays-per-tenant = " + max + "); retry when one has completed",
                    interval.multipliedBy(batchesLeft));
        }
    }
}
