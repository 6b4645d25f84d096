-- The relay's whole schema. Flyway owns it: no component creates tables at run time.

CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Only a SHA-256 of each key is kept: a database leak does not leak usable keys.
CREATE TABLE api_keys (
    id          uuid PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key_hash    text        NOT NULL UNIQUE,
    key_prefix  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id);

CREATE TABLE endpoints (
    id               uuid PRIMARY KEY,
    tenant_id        uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    url              text        NOT NULL,
    description      text,
    event_types      text[]      NOT NULL DEFAULT '{}',
    enabled          boolean     NOT NULL DEFAULT true,
    disabled_reason  text,
    failing_since    timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz
);
CREATE INDEX endpoints_tenant_enabled_idx ON endpoints (tenant_id) WHERE enabled AND deleted_at IS NULL;

-- Several rows per endpoint while a secret is being rotated: every active one signs.
CREATE TABLE endpoint_secrets (
    id           uuid PRIMARY KEY,
    endpoint_id  uuid        NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    secret       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz
);
CREATE INDEX endpoint_secrets_endpoint_idx ON endpoint_secrets (endpoint_id);

CREATE TABLE events (
    id               uuid PRIMARY KEY,
    tenant_id        uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    type             text        NOT NULL,
    payload          jsonb       NOT NULL,
    idempotency_key  text,
    body_hash        text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_tenant_created_idx ON events (tenant_id, created_at DESC, id DESC);
CREATE INDEX events_tenant_idempotency_idx ON events (tenant_id, idempotency_key, created_at DESC)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX events_created_idx ON events (created_at);

CREATE TABLE deliveries (
    id               uuid PRIMARY KEY,
    event_id         uuid        NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    endpoint_id      uuid        NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    tenant_id        uuid        NOT NULL,
    status           text        NOT NULL DEFAULT 'RECEIVED'
        CHECK (status IN ('RECEIVED', 'DISPATCHING', 'DELIVERED', 'RETRY_SCHEDULED', 'DEAD_LETTERED')),
    attempt_count    integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    last_status      integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_event_idx ON deliveries (event_id);
-- The outbox sweeper's scan: only RECEIVED rows, oldest first.
CREATE INDEX deliveries_received_idx ON deliveries (created_at) WHERE status = 'RECEIVED';
CREATE INDEX deliveries_tenant_status_idx ON deliveries (tenant_id, status, created_at DESC);
CREATE INDEX deliveries_endpoint_created_idx ON deliveries (endpoint_id, created_at DESC);

CREATE TABLE attempts (
    id                bigserial PRIMARY KEY,
    delivery_id       uuid        NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    attempt_number    integer     NOT NULL,
    url               text        NOT NULL,
    request_headers   jsonb       NOT NULL DEFAULT '{}',
    response_status   integer,
    response_headers  jsonb,
    response_body     text,
    duration_ms       integer     NOT NULL,
    error_class       text,
    error_message     text,
    outcome           text        NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attempts_delivery_idx ON attempts (delivery_id, attempt_number);
CREATE INDEX attempts_created_idx ON attempts (created_at);

-- Camel's JDBC idempotent repository. The key is "<tenant id>:<Idempotency-Key>", so 36 + 1 + 255.
CREATE TABLE idempotency_keys (
    processor_name  varchar(64)  NOT NULL,
    message_id      varchar(300) NOT NULL,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (processor_name, message_id)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
