-- Bulk replays take turns, a batch each: the runner took the oldest running replay until it was done,
-- so one tenant's replay of a million dead letters held every other tenant's replays (and recovers)
-- for an hour. The running replay whose last batch is oldest (or that has had none) goes next.
ALTER TABLE replays ADD COLUMN last_batch_at timestamptz;
