package dev.webhookrelay.retention;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.DeliveryStatus;
import dev.webhookrelay.history.HistoryDays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The daily partitions of the history tables (events, deliveries, attempts; V51): created ahead of
 * their day, and dropped whole, three at a time, when retention lets a day go. Whoever addresses a
 * day's partitions directly (HistoryDays) learns here which days have them.
 */
@Component("historyPartitions")
public class HistoryPartitions {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryPartitions.class);
    private static final DateTimeFormatter DAY_DIGITS = DateTimeFormatter.ofPattern("yyyyMMdd");

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
    private final ShortLocks shortLocks;
    private final HistoryDays historyDays;

    public HistoryPartitions(JdbcTemplate jdbc, RelayProperties properties, ShortLocks shortLocks,
            HistoryDays historyDays) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.shortLocks = shortLocks;
        this.historyDays = historyDays;
    }

    /**
     * Creates the partitions of today (UTC) and of the next relay.retention.history-partitions-ahead
     * days that do not have them yet; answers how many days were created. Safe to run from several
     * relays at once (V51's relay_create_history_partitions serialises them). A day whose rows are
     * already in DEFAULT is left there (see V51), with a warning. Then tells HistoryDays which days
     * have partitions, including those another relay made.
     */
    public int createAhead() {
        int created = createAheadOfToday();
        historyDays.known(days());
        return created;
    }

    private int createAheadOfToday() {
        LocalDate today = jdbc.queryForObject("SELECT (now() AT TIME ZONE 'UTC')::date", LocalDate.class);
        int created = 0;
        for (int ahead = 0; ahead <= properties.retention().historyPartitionsAhead(); ahead++) {
            LocalDate day = today.plusDays(ahead);
            String outcome = create(day);
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
     * Creates one day's partitions: answers {@code created}, {@code exists}, {@code in-default} (see
     * V51), or null when the tables stayed too busy to lock.
     */
    public String create(LocalDate day) {
        return shortLocks.run(() -> jdbc.queryForObject("SELECT relay_create_history_partitions(?)", String.class, day));
    }

    /** The days that have partitions, oldest first (their names end in the day: events_pYYYYMMDD). */
    List<LocalDate> days() {
        return jdbc.queryForList("""
                SELECT substring(c.relname FROM 9) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_p[0-9]{8}$'
                 ORDER BY 1""", String.class).stream().map(suffix -> LocalDate.parse(suffix, DAY_DIGITS)).toList();
    }

    /**
     * Detaches the day's three partitions, moves their unfinished history to DEFAULT and drops them,
     * in one transaction that holds the three parents, so that no reader ever sees half a day.
     * Answers false when the tables stayed too busy to lock.
     */
    boolean drop(LocalDate day) {
        historyDays.dropping(day);
        return shortLocks.run(() -> {
            jdbc.execute("SELECT pg_advisory_xact_lock(hashtext('relay-history-partitions'))");
            long start = System.nanoTime();
            jdbc.execute("LOCK TABLE attempts, deliveries, events IN ACCESS EXCLUSIVE MODE");
            String events = HistoryDays.partition("events", day);
            String deliveries = HistoryDays.partition("deliveries", day);
            String attempts = HistoryDays.partition("attempts", day);
            jdbc.execute("ALTER TABLE attempts DETACH PARTITION " + attempts);
            jdbc.execute("ALTER TABLE deliveries DETACH PARTITION " + deliveries);
            jdbc.execute("ALTER TABLE events DETACH PARTITION " + events);
            Integer kept = jdbc.queryForObject(KEEP_UNFINISHED.formatted(events, deliveries, attempts,
                    DeliveryStatus.UNFINISHED_SQL), Integer.class);
            jdbc.execute("DROP TABLE " + attempts + ", " + deliveries + ", " + events);
            LOG.info("Dropped the history of {} (unfinished events moved to DEFAULT: {}); tables locked for {} ms",
                    day, kept, (System.nanoTime() - start) / 1_000_000);
            return true;
        }) != null;
    }
}
