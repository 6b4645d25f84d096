package dev.webhookrelay.retention;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.DeliveryStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps PostgreSQL to the retention windows. The history tables (events, deliveries, attempts) are
 * partitioned by the day of the event (V51): retention drops a whole day's three partitions at once
 * ({@link HistoryPartitions}). Rows in the DEFAULT partitions (a day that had no partition, unfinished
 * history kept past its day) and idempotency keys are deleted in small batches, each in its own
 * transaction, so none holds long locks.
 */
@Component("dataRetention")
public class DataRetention {

    /** Idempotency keys are small rows with nothing hanging off them: a larger batch than events'. */
    private static final int IDEMPOTENCY_KEY_BATCH = 5000;

    private static final Logger LOG = LoggerFactory.getLogger(DataRetention.class);

    private final JdbcTemplate jdbc;
    private final RelayProperties properties;
    private final HistoryPartitions partitions;

    public DataRetention(JdbcTemplate jdbc, RelayProperties properties, HistoryPartitions partitions) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.partitions = partitions;
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
     * One retention pass: drops the partitions of every day that ended before relay.retention.max-age
     * ago, oldest first, keeping its unfinished history (moved to DEFAULT); then deletes expired,
     * finished events of the DEFAULT partitions with their deliveries and attempts, in batches; then
     * the replay records of the same age.
     */
    public Purge purgeExpiredEvents() {
        long maxAgeMillis = properties.retention().maxAge().toMillis();
        Instant cutoff = jdbc.queryForObject("SELECT now() - ? * interval '1 millisecond'", Instant.class, maxAgeMillis);
        List<LocalDate> dropped = new ArrayList<>();
        for (LocalDate day : partitions.days()) {
            if (day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(cutoff)) {
                break;
            }
            if (!partitions.drop(day)) {
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

    private static int untilNoneLeft(IntSupplier deleteBatch) {
        int total = 0;
        for (int deleted = deleteBatch.getAsInt(); deleted > 0; deleted = deleteBatch.getAsInt()) {
            total += deleted;
        }
        return total;
    }
}
