-- The history tables (events, deliveries, attempts) partitioned by the day of the EVENT's created_at,
-- so that retention drops a whole day at once (DataRetention) instead of deleting row by row, and the
-- hot paths, which know that time, read one partition (DeliveryClaim, AttemptRecorder).
--
-- * Daily RANGE partitions, named <table>_pYYYYMMDD, bounded by midnight UTC. The relay creates
--   them ahead (relay.retention.history-partitions-ahead) with relay_create_history_partitions below.
-- * Each table keeps a DEFAULT partition as a safety net: a row whose day has no partition (clock
--   skew, a missed creation) lands there and works like any other; unfinished history that outlives
--   its day's partition is moved there by retention.
-- * A delivery's created_at always equals its event's (EventStore and OperationalEvents write the
--   event's), so deliveries partition on it; attempts get event_created_at, the event's created_at,
--   and partition on it. All three rows of an event thus sit in the same day.
-- * Primary keys become (id, created_at) / (id, event_created_at): PostgreSQL requires the partition
--   key in every unique constraint. Ids stay unique in practice (random UUIDs, a sequence).
-- * The foreign keys deliveries.event_id -> events and attempts.delivery_id -> deliveries are
--   dropped: a foreign key to a partitioned table must name the whole key, would be checked on every
--   ingest and attempt, and blocks DETACH of a referenced day while rows refer to it, which is
--   exactly what retention does to whole days; the cascade they gave is now the partition drop. The
--   keys to tenants and endpoints (plain tables) stay, with their cascades.
-- * Every index keeps its columns and predicate, declared on the parents (each partition gets its own).
-- * Storage parameters cannot be set on a partitioned parent: each deliveries partition gets V5's
--   fillfactor when it is created.
--
-- The upgrade copies existing history into the new tables (one rewrite, in this migration's
-- transaction): plan for time proportional to the history kept.

ALTER TABLE attempts DROP CONSTRAINT attempts_delivery_id_fkey;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_event_id_fkey;
-- The sequence outlives the table it was created with.
ALTER SEQUENCE attempts_id_seq OWNED BY NONE;

ALTER TABLE events RENAME TO events_unpartitioned;
ALTER TABLE deliveries RENAME TO deliveries_unpartitioned;
ALTER TABLE attempts RENAME TO attempts_unpartitioned;

-- Free the index names for the partitioned tables (the old tables are dropped below).
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT conrelid::regclass AS tab, conname FROM pg_constraint
              WHERE contype = 'p' AND conrelid IN ('events_unpartitioned'::regclass, 'deliveries_unpartitioned'::regclass, 'attempts_unpartitioned'::regclass)
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tab, r.conname);
    END LOOP;
    FOR r IN SELECT indexrelid::regclass AS idx FROM pg_index
              WHERE indrelid IN ('events_unpartitioned'::regclass, 'deliveries_unpartitioned'::regclass, 'attempts_unpartitioned'::regclass)
    LOOP
        EXECUTE format('DROP INDEX %s', r.idx);
    END LOOP;
END $$;

CREATE TABLE events (
    id              uuid        NOT NULL,
    tenant_id       uuid        NOT NULL CONSTRAINT events_tenant_id_fkey REFERENCES tenants (id) ON DELETE CASCADE,
    type            text        NOT NULL,
    payload         jsonb       NOT NULL,
    idempotency_key text,
    body_hash       text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    trace_parent    text
) PARTITION BY RANGE (created_at);

CREATE TABLE deliveries (
    id              uuid        NOT NULL,
    event_id        uuid        NOT NULL,
    endpoint_id     uuid        NOT NULL CONSTRAINT deliveries_endpoint_id_fkey REFERENCES endpoints (id) ON DELETE CASCADE,
    tenant_id       uuid        NOT NULL,
    status          text        NOT NULL DEFAULT 'RECEIVED',
    attempt_count   integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    budget_attempts integer     NOT NULL DEFAULT 0,
    replay_id       uuid,
    paused_reason   text,
    reconciled_at   timestamptz,
    seq             bigint,
    recovering      boolean     NOT NULL DEFAULT false,
    CONSTRAINT deliveries_paused_reason_check CHECK (paused_reason IN ('operator', 'gone', 'circuit-breaker')),
    CONSTRAINT deliveries_status_check
        CHECK (status IN ('RECEIVED', 'DISPATCHING', 'DELIVERED', 'RETRY_SCHEDULED', 'DEAD_LETTERED', 'PAUSED'))
) PARTITION BY RANGE (created_at);

CREATE TABLE attempts (
    id               bigint      NOT NULL DEFAULT nextval('attempts_id_seq'),
    delivery_id      uuid        NOT NULL,
    attempt_number   integer     NOT NULL,
    url              text        NOT NULL,
    request_headers  jsonb       NOT NULL DEFAULT '{}'::jsonb,
    response_status  integer,
    response_headers jsonb,
    response_body    text,
    duration_ms      integer     NOT NULL,
    error_class      text,
    error_message    text,
    outcome          text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- The event's created_at (= its delivery's): the partition key, not when the attempt ran.
    event_created_at timestamptz NOT NULL
) PARTITION BY RANGE (event_created_at);
ALTER SEQUENCE attempts_id_seq OWNED BY attempts.id;

CREATE TABLE events_default PARTITION OF events DEFAULT;
CREATE TABLE deliveries_default PARTITION OF deliveries DEFAULT WITH (fillfactor = 80);
CREATE TABLE attempts_default PARTITION OF attempts DEFAULT;

/*
 * Creates the three partitions of one UTC day, together, or none. Serialised by an advisory lock
 * held to the end of the caller's transaction, so that relays starting together do not race (and
 * retention, which takes the same lock, never detaches a day being created). A day that already has
 * rows in a DEFAULT partition is left there: creating its partition would have to move them under an
 * exclusive lock; they keep working where they are and retention purges them from DEFAULT.
 * Answers 'created', 'exists' or 'in-default'.
 */
CREATE FUNCTION relay_create_history_partitions(day date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    suffix text := to_char(day, 'YYYYMMDD');
    low timestamptz := day::timestamp AT TIME ZONE 'UTC';
    high timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('relay-history-partitions'));
    IF to_regclass('events_p' || suffix) IS NOT NULL THEN
        RETURN 'exists';
    END IF;
    IF EXISTS (SELECT 1 FROM events_default WHERE created_at >= low AND created_at < high)
       OR EXISTS (SELECT 1 FROM deliveries_default WHERE created_at >= low AND created_at < high)
       OR EXISTS (SELECT 1 FROM attempts_default WHERE event_created_at >= low AND event_created_at < high) THEN
        RETURN 'in-default';
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', 'events_p' || suffix, low, high);
    EXECUTE format('CREATE TABLE %I PARTITION OF deliveries FOR VALUES FROM (%L) TO (%L) WITH (fillfactor = 80)',
                   'deliveries_p' || suffix, low, high);
    EXECUTE format('CREATE TABLE %I PARTITION OF attempts FOR VALUES FROM (%L) TO (%L)', 'attempts_p' || suffix, low, high);
    RETURN 'created';
END $$;

-- A partition for every day that has history, and for the next two (the relay creates more at start).
SELECT relay_create_history_partitions(day::date)
  FROM generate_series(
           date_trunc('day', coalesce((SELECT min(created_at) FROM events_unpartitioned), now()) AT TIME ZONE 'UTC'),
           (now() AT TIME ZONE 'UTC') + interval '2 days',
           interval '1 day') AS day;

INSERT INTO events (id, tenant_id, type, payload, idempotency_key, body_hash, created_at, trace_parent)
SELECT id, tenant_id, type, payload, idempotency_key, body_hash, created_at, trace_parent FROM events_unpartitioned;

INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, status, attempt_count, next_attempt_at, last_status,
                        last_error, created_at, updated_at, budget_attempts, replay_id, paused_reason, reconciled_at,
                        seq, recovering)
SELECT id, event_id, endpoint_id, tenant_id, status, attempt_count, next_attempt_at, last_status,
       last_error, created_at, updated_at, budget_attempts, replay_id, paused_reason, reconciled_at,
       seq, recovering
  FROM deliveries_unpartitioned;

INSERT INTO attempts (id, delivery_id, attempt_number, url, request_headers, response_status, response_headers,
                      response_body, duration_ms, error_class, error_message, outcome, created_at, event_created_at)
SELECT a.id, a.delivery_id, a.attempt_number, a.url, a.request_headers, a.response_status, a.response_headers,
       a.response_body, a.duration_ms, a.error_class, a.error_message, a.outcome, a.created_at, d.created_at
  FROM attempts_unpartitioned a JOIN deliveries_unpartitioned d ON d.id = a.delivery_id;

DROP TABLE attempts_unpartitioned;
DROP TABLE deliveries_unpartitioned;
DROP TABLE events_unpartitioned;

ALTER TABLE events ADD PRIMARY KEY (id, created_at);
ALTER TABLE deliveries ADD PRIMARY KEY (id, created_at);
ALTER TABLE attempts ADD PRIMARY KEY (id, event_created_at);

CREATE INDEX events_tenant_created_idx ON events (tenant_id, created_at DESC, id DESC);
CREATE INDEX events_tenant_idempotency_idx ON events (tenant_id, idempotency_key, created_at DESC)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX events_created_idx ON events (created_at);

CREATE INDEX deliveries_dead_lettered_idx ON deliveries (tenant_id, endpoint_id, updated_at) WHERE status = 'DEAD_LETTERED';
CREATE INDEX deliveries_endpoint_created_idx ON deliveries (endpoint_id, created_at DESC);
CREATE INDEX deliveries_event_idx ON deliveries (event_id);
CREATE INDEX deliveries_fifo_unfinished ON deliveries (endpoint_id, seq)
    WHERE seq IS NOT NULL AND status IN ('RECEIVED', 'DISPATCHING', 'RETRY_SCHEDULED', 'PAUSED');
CREATE INDEX deliveries_pending_idx ON deliveries (endpoint_id, created_at)
    WHERE status IN ('RECEIVED', 'DISPATCHING', 'RETRY_SCHEDULED', 'PAUSED');
CREATE INDEX deliveries_received_idx ON deliveries (created_at) WHERE status = 'RECEIVED';
CREATE INDEX deliveries_replay_idx ON deliveries (replay_id) WHERE replay_id IS NOT NULL;
CREATE INDEX deliveries_tenant_created_idx ON deliveries (tenant_id, created_at DESC, id DESC);
CREATE INDEX deliveries_tenant_status_idx ON deliveries (tenant_id, status, created_at DESC);
CREATE INDEX deliveries_undelivered_idx ON deliveries (created_at)
    WHERE status IN ('RECEIVED', 'DISPATCHING', 'RETRY_SCHEDULED');

CREATE INDEX attempts_created_idx ON attempts (created_at);
CREATE INDEX attempts_delivery_idx ON attempts (delivery_id, attempt_number);

ANALYZE events;
ANALYZE deliveries;
ANALYZE attempts;
