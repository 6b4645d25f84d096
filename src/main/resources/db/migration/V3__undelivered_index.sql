-- The "age of the oldest undelivered delivery" gauge reads the head of this index.
CREATE INDEX deliveries_undelivered_idx ON deliveries (created_at)
    WHERE status IN ('RECEIVED', 'DISPATCHING', 'RETRY_SCHEDULED');
