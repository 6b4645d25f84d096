package dev.webhookrelay.history;

import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.stereotype.Component;

/**
 * Which tables hold the history of the day of an instant (the history tables are partitioned by the
 * event's day, V51). The claim and the record name their day's partitions rather than the parents:
 * PostgreSQL then plans them once per connection, where a statement on a parent is planned again at
 * every execution to prune it to one day, and that planning was most of PostgreSQL's CPU for a
 * delivery (bench/floor.sh: 0.29 against 0.74 ms; in the relay's own drain 0.67 against 0.91 ms,
 * issue 16). A day's partitions hold every row
 * of their day (PostgreSQL keeps DEFAULT free of them), so naming them reads and writes exactly the
 * rows the parent would. A day is named only once it is known to have its partitions; another relay's
 * retention may drop them since, and a statement that then meets no such table runs on the parents.
 */
@Component
public class HistoryDays {

    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("'_p'yyyyMMdd");
    private static final String UNDEFINED_TABLE = "42P01";
    private static final Logger LOG = LoggerFactory.getLogger(HistoryDays.class);

    /** The days known to have partitions, each with its tables, built once rather than per statement. */
    private final ConcurrentMap<LocalDate, HistoryDay> partitioned = new ConcurrentHashMap<>();

    /** The name a history table's partition for that day has: {@code events_p20261201}. */
    public static String partition(String table, LocalDate day) {
        return table + day.format(SUFFIX);
    }

    /** The day's tables, as far as this relay knows. */
    public HistoryDay of(Instant createdAt) {
        return partitioned.getOrDefault(LocalDate.ofInstant(createdAt, ZoneOffset.UTC), HistoryDay.PARENTS);
    }

    /**
     * Runs the work on the day's tables; if a partition it names is gone (dropped by another relay
     * since this one learnt of it), forgets the day and runs the work again on the parents. The work
     * must have changed nothing when it fails so: its statement, or its own transaction, failed
     * whole. It must not run inside a caller's transaction, which the failure would leave aborted.
     */
    public <T> T inDayOf(Instant createdAt, Function<HistoryDay, T> work) {
        HistoryDay day = of(createdAt);
        if (day.equals(HistoryDay.PARENTS)) {
            return work.apply(day);
        }
        try {
            return work.apply(day);
        } catch (BadSqlGrammarException e) {
            SQLException cause = e.getSQLException();
            if (cause == null || !UNDEFINED_TABLE.equals(cause.getSQLState())) {
                throw e;
            }
            LocalDate gone = LocalDate.ofInstant(createdAt, ZoneOffset.UTC);
            partitioned.remove(gone);
            LOG.info("The history partitions of {} are gone (dropped by another relay?): that day goes through the parents", gone);
            return work.apply(HistoryDay.PARENTS);
        }
    }

    /** The days that have partitions now, all of them (read from PostgreSQL's catalog). */
    public void known(Collection<LocalDate> days) {
        partitioned.keySet().retainAll(days);
        days.forEach(day -> partitioned.computeIfAbsent(day, known -> new HistoryDay(known.format(SUFFIX))));
    }

    /** The day's partitions are being dropped: its rows are, or will be, reached through the parents. */
    public void dropping(LocalDate day) {
        partitioned.remove(day);
    }
}
