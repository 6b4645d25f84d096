package dev.webhookrelay.retention;

import java.sql.SQLException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs partition DDL so that it never stalls the relay. Creating or detaching a partition needs an
 * ACCESS EXCLUSIVE lock on the parent (a day's drop locks every partition too), and every ingest,
 * claim and attempt queues behind a waiting request for it, even one that names a day's partition
 * (HistoryDays). A short lock_timeout bounds that stall; it is shorter than deadlock_timeout (1 s by
 * default) so that, should the DDL ever close a cycle with a transaction of the relay's (a statement
 * that locks deliveries before events, say), the DDL gives up first and the relay's transaction goes
 * on. Work that gives up is tried again a few times; the next timer run carries on after that.
 */
@Component
class ShortLocks {

    private static final String LOCK_TIMEOUT = "SET LOCAL lock_timeout = '500ms'";
    private static final int TRIES = 20;

    private static final Logger LOG = LoggerFactory.getLogger(ShortLocks.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    ShortLocks(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** Runs the work in a transaction with a short lock timeout, trying again a few times; null if it never got its locks. */
    <T> T run(Supplier<T> work) {
        for (int attempt = 1; attempt <= TRIES; attempt++) {
            try {
                return transaction.execute(status -> {
                    jdbc.execute(LOCK_TIMEOUT);
                    return work.get();
                });
            } catch (DataAccessException e) {
                if (!lockNotGranted(e)) {
                    throw e;
                }
                LOG.debug("Lock not granted within the timeout (try {} of {})", attempt, TRIES);
            }
        }
        return null;
    }

    /*
     * A lock_timeout raised inside a PL/pgSQL function (relay_create_history_partitions) reaches
     * Spring uncategorized, so the SQL state decides: 55P03 lock not available, 40P01 deadlock.
     */
    private static boolean lockNotGranted(DataAccessException e) {
        if (e instanceof PessimisticLockingFailureException) {
            return true;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && ("55P03".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
