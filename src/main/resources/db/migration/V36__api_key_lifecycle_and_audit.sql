-- API keys with a lifecycle: a name, a scope, an optional expiry, and when each was last used (written
-- in batches by the relay, never per request). Keys made before this are full-scope keys named
-- after how they were made.
ALTER TABLE api_keys
    ADD COLUMN name         text        NOT NULL DEFAULT 'created with the tenant',
    ADD COLUMN scope        text        NOT NULL DEFAULT 'full' CHECK (scope IN ('ingest', 'full')),
    ADD COLUMN expires_at   timestamptz,
    ADD COLUMN last_used_at timestamptz;
ALTER TABLE api_keys ALTER COLUMN name DROP DEFAULT;
CREATE INDEX api_keys_tenant_created_idx ON api_keys (tenant_id, created_at DESC, id DESC) WHERE revoked_at IS NULL;

-- Every change made through the API: who (an API key's id, or "admin"), what, when, and the resource
-- before and after, secrets redacted. No foreign key to tenants: the record outlives what it describes.
CREATE TABLE audit_records (
    id             uuid PRIMARY KEY,
    tenant_id      uuid,
    actor          text        NOT NULL,
    action         text        NOT NULL,
    resource_type  text        NOT NULL,
    resource_id    text,
    before         jsonb,
    after          jsonb,
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX audit_records_tenant_created_idx ON audit_records (tenant_id, created_at DESC, id DESC);
CREATE INDEX audit_records_created_idx ON audit_records (created_at DESC, id DESC);
