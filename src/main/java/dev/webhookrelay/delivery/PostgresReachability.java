package dev.webhookrelay.delivery;

import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Holds a consumer while PostgreSQL is unreachable. A consumer whose message failed waits here,
 * keeping the message unacknowledged, instead of requeueing it every few seconds: each requeue
 * counts toward the work queue's delivery limit, so an outage longer than about a minute would
 * otherwise make RabbitMQ dead-letter healthy deliveries. With prefetch-limited consumers all held,
 * the broker hands out no more work, and the consumers resume by themselves when PostgreSQL answers.
 * RabbitMQ's consumer_timeout (30 min by default) bounds a hold: the broker then requeues the
 * message once.
 */
@Component("postgresReachability")
public class PostgresReachability {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresReachability.class);
    /* Each probe itself waits up to Hikari's connection timeout; this is the pause between probes. */
    private static final long PROBE_PAUSE_MILLIS = 1000;

    private final JdbcTemplate jdbc;
    private final AtomicBoolean outage = new AtomicBoolean();

    public PostgresReachability(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Returns at once while PostgreSQL answers; otherwise when it answers again. */
    public void awaitReachable() throws InterruptedException {
        while (!answers()) {
            if (outage.compareAndSet(false, true)) {
                LOG.warn("PostgreSQL is unreachable: consumers hold their messages, unacknowledged, until it answers");
            }
            Thread.sleep(PROBE_PAUSE_MILLIS);
        }
        if (outage.compareAndSet(true, false)) {
            LOG.info("PostgreSQL answers again: consumers resume");
        }
    }

    private boolean answers() {
        try {
            jdbc.execute("SELECT 1");
            return true;
        } catch (DataAccessException e) {
            return false;
        }
    }
}
