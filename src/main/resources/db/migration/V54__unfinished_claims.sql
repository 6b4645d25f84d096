-- How many times a delivery's current attempt has been claimed again, its lease run out with no
-- outcome recorded. Something that fails after the request (recording the outcome, publishing its
-- successor) fails the same way each time, and the attempt went on being claimed and sent every
-- lease, with no end; past relay.delivery.max-unfinished-claims the claim dead-letters it instead.
-- A constant default: PostgreSQL adds the column without rewriting the table.
ALTER TABLE deliveries ADD COLUMN unfinished_claims smallint NOT NULL DEFAULT 0;
