-- Event types and schemas (issue 13): a tenant's catalog of event types, each with an optional
-- description and an optional JSON Schema (2020-12) its payloads must satisfy at ingest. version
-- takes a new value from one sequence at every change, a type deleted and registered again included,
-- so a compiled schema cached under (tenant, type, version) is never served for another schema.
CREATE SEQUENCE event_type_versions;
CREATE TABLE event_types (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    description  text,
    schema       jsonb,
    version      bigint      NOT NULL DEFAULT nextval('event_type_versions'),
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, name)
);
CREATE INDEX event_types_tenant_created_idx ON event_types (tenant_id, created_at DESC, name DESC);

-- Whether ingest refuses types missing from the catalog: null follows relay.ingest.require-known-types.
ALTER TABLE tenants ADD COLUMN require_known_types boolean;
