package dev.webhookrelay.retention;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.DeliveryStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps PostgreSQL to the retention windows. The history tables (events, deliveries, attempts) are
 * partitioned by the day of the event (V51): this bean creates their daily partitions ahead, and
 * retention drops a whole day's three partitions at once. Rows in the DEFAULT partitions (a day that
 * had no partition, unfinished history kept past its day) and idempotency keys are deleted in small
 * batches, each in its own transaction, so none holds long locks.
 */
@Component("dataRetention")
public class DataRetention {

    /** Idempotency keys are small rows with nothing hanging off them: a larger batch than events'. */
    private static final int IDEMPOTENCY_KEY_BATCH = 5000;

    private static final Logger LOG = LoggerFactory.getLogger(DataRetention.class);
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");

    /*
     * Creating or detaching a partition needs an ACCESS EXCLUSIVE lock on the parent, and every
     * ingest, claim and attempt queues behind a waiting request for it. A short lock_timeout bounds
     * that stall; it is shorter than deadlock_timeout (1 s by default) so that, should a waiting
     * retention pass ever close a cycle with a transaction of the relay's, retention gives up first
     * and the relay's transaction goes on. A pass that gives up retries a few times, then the next
     * timer run carries on.
     */
    private static final String LOCK_TIMEOUT = "SET LOCAL lock_timeout = '500ms'";
    private static final int LOCK_TRIES = 20;

    /*
     * Unfinished history is never dropped with its day: an event with any delivery still RECEIVED,
     * DISPATCHING, RETRY_SCHEDULED or PAUSED is moved, whole (the event, all its deliveries, all
     * their attempts), into the DEFAULT partitions, where it keeps working and is purged in batches
     * once finished. Moving rather than keeping the day: one delivery paused for weeks (an endpoint
     * disabled by its tenant) would otherwise pin its whole day, millions of rows, on disk. The
     * detached tables are read while the parents are locked, so no claim or attempt can change a
     * delivery between the choice of what to keep and the drop.
     */
    private static final String KEEP_UNFINISHED = """
            WITH unfinished AS (SELECT DISTINCT event_id FROM %2$s WHERE status IN (%4$s)),
            kept_events AS (INSERT INTO events SELECT * FROM %1$s WHERE id IN (SELECT event_id FROM unfinished) RETURNING id),
            kept_deliveries AS (INSERT INTO deliveries SELECT * FROM %2$s WHERE event_id IN (SELECT event_id FROM unfinished)
                                RETURNING id),
            kept_attempts AS (INSERT INTO attempts SELECT * FROM %3$s WHERE delivery_id IN (SELECT id FROM kept_deliveries))
            SELECT count(*) FROM kept_events""";

    private final JdbcTemplate jdbc;
    private final RelayProperties properties;
    private final TransactionTemplate transaction;

    public DataRetention(JdbcTemplate jdbc, RelayProperties properties, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** What one retention pass removed: the days whose partitions were dropped, and events purged from DEFAULT. */
    public record Purge(List<LocalDate> droppedDays, int eventsFromDefault) {
    }

    /** Deletes idempotency keys older than relay.ingest.idempotency-retention; answers how many. */
    public int purgeIdempotencyKeys() {
        long maxAgeMillis = properties.ingest().idempotencyRetention().toMillis();
        return untilNoneLeft(() -> jdbc.update("""
                DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM idempotency_keys
                    WHERE created_at < now() - ? * interval '1 millisecond'
                    LIMIT ?))""", maxAgeMillis, IDEMPOTENCY_KEY_BATCH));
    }

    /**
     * Creates the partitions of today (UTC) and of the next relay.retention.history-partitions-ahead
     * days that do not have them yet; answers how many days were created. Safe to run from several
     * relays at once (V51's relay_create_history_partitions serialises them). A day whose rows are
     * already in DEFAULT is left there (see V51), with a warning.
     */
    public int createHistoryPartitions() {
        LocalDate today = jdbc.queryForObject("SELECT (now() AT TIME ZONE 'UTC')::date", LocalDate.class);
        int created = 0;
        for (int ahead = 0; ahead <= properties.retention().historyPartitionsAhead(); ahead++) {
            LocalDate day = today.plusDays(ahead);
            String outcome = underShortLocks(() -> jdbc.queryForObject("SELECT relay_create_history_partitions(?)",
                    String.class, day));
            if (outcome == null) {
                LOG.warn("History partitions for {} not created: the tables stayed busy; the next run tries again", day);
                return created;
            }
            if ("created".equals(outcome)) {
                created++;
            } else if ("in-default".equals(outcome)) {
                LOG.warn("History of {} is already in the DEFAULT partitions: that day stays there", day);
            }
        }
        return created;
    }

    /**
     * One retention pass: drops the partitions of every day that ended before relay.retention.max-age
     * ago, oldest first, keeping its unfinished history (moved to DEFAULT); then deletes expired,
     * finished events of the DEFAULT partitions with their deliveries and attempts, in batches; then
     * the replay records of the same age.
     */
    public Purge purgeExpiredEvents() {
        long maxAgeMillis = properties.retention().maxAge().toMillis();
        Instant cutoff = jdbc.queryForObject("SELECT now() - ? * interval '1 millisecond'", Instant.class, maxAgeMillis);
        List<LocalDate> dropped = new ArrayList<>();
        for (LocalDate day : partitionedDays()) {
            if (day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(cutoff)) {
                break;
            }
            if (underShortLocks(() -> dropDay(day)) == null) {
                LOG.warn("History of {} not dropped yet: the tables stayed busy; the next run tries again", day);
                break;
            }
            dropped.add(day);
        }
        int fromDefault = untilNoneLeft(() -> jdbc.queryForObject("""
                WITH gone AS (
                    DELETE FROM events_default WHERE id = ANY (ARRAY(
                        SELECT e.id FROM events_default e
                        WHERE e.created_at < now() - ? * interval '1 millisecond'
                          AND NOT EXISTS (SELECT 1 FROM deliveries_default d WHERE d.event_id = e.id
                                          AND d.status IN (%1$s))
                        LIMIT ?))
                    RETURNING id),
                gone_deliveries AS (
                    DELETE FROM deliveries_default WHERE event_id IN (SELECT id FROM gone) RETURNING id),
                gone_attempts AS (
                    DELETE FROM attempts_default WHERE delivery_id IN (SELECT id FROM gone_deliveries))
                SELECT count(*) FROM gone""".formatted(DeliveryStatus.UNFINISHED_SQL), Integer.class,
                maxAgeMillis, properties.retention().batchSize()));
        jdbc.update("DELETE FROM replays WHERE created_at < now() - ? * interval '1 millisecond'", maxAgeMillis);
        return new Purge(dropped, fromDefault);
    }

    /** The days that have partitions, oldest first (their names end in the day: events_pYYYYMMDD). */
    private List<LocalDate> partitionedDays() {
        return jdbc.queryForList("""
                SELECT substring(c.relname FROM 9) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_p[0-9]{8}$'
                 ORDER BY 1""", String.class).stream().map(suffix -> LocalDate.parse(suffix, SUFFIX)).toList();
    }

    /**
     * Detaches the day's three partitions, moves their unfinished history to DEFAULT and drops them,
     * in one transaction that holds the three parents, so that no reader ever sees half a day.
     */
    private Boolean dropDay(LocalDate day) {
        jdbc.execute("SELECT pg_advisory_xact_lock(hashtext('relay-history-partitions'))");
        long start = System.nanoTime();
        jdbc.execute("LOCK TABLE attempts, deliveries, events IN ACCESS EXCLUSIVE MODE");
        String suffix = day.format(SUFFIX);
        String events = "events_p" + suffix;
        String deliveries = "deliveries_p" + suffix;
        String attempts = "attempts_p" + suffix;
        jdbc.execute("ALTER TABLE attempts DETACH PARTITION " + attempts);
        jdbc.execute("ALTER TABLE deliveries DETACH PARTITION " + deliveries);
        jdbc.execute("ALTER TABLE events DETACH PARTITION " + events);
        Integer kept = jdbc.queryForObject(KEEP_UNFINISHED.formatted(events, deliveries, attempts, DeliveryStatus.UNFINISHED_SQL),
                Integer.class);
        jdbc.execute("DROP TABLE " + attempts + ", " + deliveries + ", " + events);
        LOG.info("Dropped the history of {} (unfinished events moved to DEFAULT: {}); tables locked for {} ms",
                day, kept, (System.nanoTime() - start) / 1_000_000);
        return true;
    }

    /** Runs the work in a transaction with a short lock timeout, trying again a few times; null if it never got its locks. */
    private <T> T underShortLocks(Supplier<T> work) {
        for (int attempt = 1; attempt <= LOCK_TRIES; attempt++) {
            try {
                return transaction.execute(status -> {
                    jdbc.execute(LOCK_TIMEOUT);
                    return work.get();
                });
            } catch (PessimisticLockingFailureException e) {
                LOG.debug("Lock not granted within the timeout (try {} of {})", attempt, LOCK_TRIES);
            }
        }
        return null;
    }

    private static int untilNoneLeft(IntSupplier deleteBatch) {
        int total = 0;
        for (int deleted = deleteBatch.getAsInt(); deleted > 0; deleted = deleteBatch.getAsInt()) {
            total += deleted;
        }
        return total;
    }
}
