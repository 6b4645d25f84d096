package dev.webhookrelay.retention;

import java.util.function.IntSupplier;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.DeliveryStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps PostgreSQL to the retention windows. Each statement deletes one small batch in its own
 * transaction, so none holds long locks; a pass repeats it until nothing old is left.
 */
@Component("dataRetention")
public class DataRetention {

    /** Idempotency keys are small rows with nothing hanging off them: a larger batch than events'. */
    private static final int IDEMPOTENCY_KEY_BATCH = 5000;

    private final JdbcTemplate jdbc;
    private final RelayProperties properties;

    public DataRetention(JdbcTemplate jdbc, RelayProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
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
     * Deletes events older than relay.retention.max-age with their deliveries and attempts (the
     * foreign keys cascade), keeping any event with a delivery still in flight, then the replay
     * records of the same age; answers how many events went.
     */
    public int purgeExpiredEvents() {
        var retention = properties.retention();
        long maxAgeMillis = retention.maxAge().toMillis();
        int events = untilNoneLeft(() -> jdbc.update("""
                DELETE FROM events WHERE id = ANY (ARRAY(
                    SELECT e.id FROM events e
                    WHERE e.created_at < now() - ? * interval '1 millisecond'
                      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id
                                      AND d.status IN (%s))
                    LIMIT ?))""".formatted(DeliveryStatus.UNFINISHED_SQL), maxAgeMillis, retention.batchSize()));
        jdbc.update("DELETE FROM replays WHERE created_at < now() - ? * interval '1 millisecond'", maxAgeMillis);
        return events;
    }

    private static int untilNoneLeft(IntSupplier deleteBatch) {
        int total = 0;
        for (int deleted = deleteBatch.getAsInt(); deleted > 0; deleted = deleteBatch.getAsInt()) {
            total += deleted;
        }
        return total;
    }
}
