package dev.webhookrelay.ingest;

import java.sql.Timestamp;

import javax.sql.DataSource;

import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;

/**
 * Camel's JDBC idempotent repository on the Flyway-owned {@code idempotency_keys} table, with one
 * change: {@code add} is a single {@code INSERT ... ON CONFLICT DO NOTHING}. The stock
 * SELECT-then-INSERT lets two concurrent requests with one key both pass the SELECT, and the loser's
 * duplicate-key error aborts its PostgreSQL transaction (CAMEL-24048). Here the loser's INSERT
 * waits for the winner's commit, then reports a duplicate, and its transaction stays usable. It joins
 * the ingest route's transaction because both use the same DataSource.
 */
public class ConflictSafeIdempotentRepository extends JdbcMessageIdRepository {

    private static final String INSERT_IF_ABSENT = """
            INSERT INTO idempotency_keys (processor_name, message_id, created_at) VALUES (?, ?, ?)
            ON CONFLICT (processor_name, message_id) DO NOTHING""";

    public ConflictSafeIdempotentRepository(DataSource dataSource, String processorName) {
        super(dataSource, processorName);
        setCreateTableIfNotExists(false);
        setTableExistsString("SELECT 1 FROM idempotency_keys WHERE 1 = 0");
        setQueryString("SELECT COUNT(*) FROM idempotency_keys WHERE processor_name = ? AND message_id = ?");
        setInsertString(INSERT_IF_ABSENT);
        setDeleteString("DELETE FROM idempotency_keys WHERE processor_name = ? AND message_id = ?");
        setClearString("DELETE FROM idempotency_keys WHERE processor_name = ?");
    }

    @Override
    public boolean add(String key) {
        Boolean added = getTransactionTemplate().execute(status -> insert(key) == 1);
        return Boolean.TRUE.equals(added);
    }

    @Override
    protected int insert(String key) {
        return getJdbcTemplate().update(getInsertString(), getProcessorName(), key,
                new Timestamp(System.currentTimeMillis()));
    }
}
