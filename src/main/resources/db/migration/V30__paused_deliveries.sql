-- Deliveries that wait on their endpoint: PAUSED, with why (the endpoint was disabled by an operator,
-- answered 410 Gone, or was disabled by the circuit breaker). The endpoint records which of those
-- disabled it, so every path that pauses a delivery copies the same reason.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
-- NOT VALID, then VALIDATE: the check of existing rows does not block writes on a large table.
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('RECEIVED', 'DISPATCHING', 'DELIVERED', 'RETRY_SCHEDULED', 'DEAD_LETTERED', 'PAUSED')) NOT VALID;
ALTER TABLE deliveries VALIDATE CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD COLUMN paused_reason text
    CHECK (paused_reason IN ('operator', 'gone', 'circuit-breaker'));
ALTER TABLE endpoints ADD COLUMN disabled_by text
    CHECK (disabled_by IN ('operator', 'gone', 'circuit-breaker'));
UPDATE endpoints SET disabled_by = CASE
        WHEN disabled_reason LIKE 'circuit breaker%' THEN 'circuit-breaker'
        WHEN disabled_reason LIKE '%410%' THEN 'gone'
        ELSE 'operator' END
 WHERE NOT enabled;

-- When the reconciler last republished a delivery: it waits twice as long before the next time, so a
-- delivery that is only slow (a long backlog) gets a few copies, not one per interval.
ALTER TABLE deliveries ADD COLUMN reconciled_at timestamptz;

-- Every delivery that is not final, by endpoint: pausing, resuming and ending an endpoint's deliveries
-- and the reconciler's scan read only these rows, however many final ones the table holds. Its
-- columns never change while a delivery is pending, so claims stay HOT updates.
CREATE INDEX deliveries_pending_idx ON deliveries (endpoint_id, created_at)
    WHERE status IN ('RECEIVED', 'DISPATCHING', 'RETRY_SCHEDULED', 'PAUSED');
