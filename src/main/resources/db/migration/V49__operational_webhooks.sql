-- Operational webhooks (issue 14): a tenant's operational endpoint receives the relay's own events
-- (endpoint disabled or enabled, delivery dead-lettered or recovered, replay completed). It is an
-- endpoint row like any other, so signing, the SSRF guard, retries and the dead-letter queue apply to
-- it unchanged; ingest never fans a tenant's events out to it. At most one live one per tenant; a
-- deleted one keeps the mark, so its old deliveries are still recognised as operational.
ALTER TABLE endpoints ADD COLUMN operational boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX endpoints_operational_idx ON endpoints (tenant_id) WHERE operational AND deleted_at IS NULL;

-- A delivery that left DEAD_LETTERED (a replay, or its message moved back from the dead-letter queue)
-- and is not delivered yet: delivering it is a recovery, announced as delivery.recovered.
ALTER TABLE deliveries ADD COLUMN recovering boolean NOT NULL DEFAULT false;
