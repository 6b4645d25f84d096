-- Attempts since the delivery's attempt budget was last reset (first try, or a replay). The work
-- message carries the attempt number it expects, so a stale or duplicated message is recognised.
ALTER TABLE deliveries ADD COLUMN budget_attempts integer NOT NULL DEFAULT 0;
