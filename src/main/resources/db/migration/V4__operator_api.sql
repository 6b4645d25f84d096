-- Operator API: per-endpoint delivery options, and background replays.
ALTER TABLE endpoints
    ADD COLUMN headers        jsonb   NOT NULL DEFAULT '{}',
    ADD COLUMN rate_limit     integer CHECK (rate_limit IS NULL OR rate_limit > 0),
    ADD COLUMN retry_schedule text;
CREATE INDEX endpoints_tenant_created_idx ON endpoints (tenant_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE replays (
    id            uuid PRIMARY KEY,
    tenant_id     uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    endpoint_id   uuid,
    since         timestamptz,
    until         timestamptz,
    status        text        NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'COMPLETED')),
    total         integer     NOT NULL,
    done          integer     NOT NULL DEFAULT 0,
    failed        integer     NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    completed_at  timestamptz
);
CREATE INDEX replays_running_idx ON replays (created_at) WHERE status = 'RUNNING';

-- Listing and replaying the DLQ of a tenant or one endpoint.
CREATE INDEX deliveries_dead_lettered_idx ON deliveries (tenant_id, endpoint_id, updated_at) WHERE status = 'DEAD_LETTERED';
CREATE INDEX deliveries_tenant_created_idx ON deliveries (tenant_id, created_at DESC, id DESC);

-- Which bulk replay last re-queued a delivery: a replay's progress is read from its deliveries.
ALTER TABLE deliveries ADD COLUMN replay_id uuid;
CREATE INDEX deliveries_replay_idx ON deliveries (replay_id) WHERE replay_id IS NOT NULL;
