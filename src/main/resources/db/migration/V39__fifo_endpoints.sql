-- Ordered delivery (issue 14): a fifo endpoint receives its deliveries one at a time, in the order
-- their events were committed. Each delivery of a fifo endpoint takes the next number of the
-- endpoint's own counter at fan-out; the counter's row lock is held until the ingest commits, so the
-- numbers follow commit order.
ALTER TABLE endpoints
    ADD COLUMN ordering text NOT NULL DEFAULT 'none' CHECK (ordering IN ('none', 'fifo')),
    ADD COLUMN fifo_seq bigint NOT NULL DEFAULT 0;

ALTER TABLE deliveries ADD COLUMN seq bigint;

-- The head of a fifo endpoint: its unfinished delivery with the lowest number.
CREATE INDEX deliveries_fifo_unfinished ON deliveries (endpoint_id, seq)
    WHERE seq IS NOT NULL AND status IN ('RECEIVED', 'DISPATCHING', 'RETRY_SCHEDULED', 'PAUSED');
