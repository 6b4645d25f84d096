-- Sources (issue 17): third-party webhooks received at /v1/in/{source id}, verified by the provider's
-- signature, stored as events of the source's tenant.
CREATE TABLE sources (
    id          uuid PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        text        NOT NULL,
    provider    text        NOT NULL CHECK (provider IN ('stripe', 'github', 'standard-webhooks', 'shopify', 'hmac')),
    event_type  text,
    -- The generic hmac provider's header, algorithm, encoding, prefix and id header; {} for the others.
    settings    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz
);
CREATE INDEX sources_tenant_created_idx ON sources (tenant_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;

-- The provider's signing secrets, sealed (secrets.SecretCipher, context source-secret:<source id>).
-- After a rotation the previous ones verify until expires_at.
CREATE TABLE source_secrets (
    id          uuid PRIMARY KEY,
    source_id   uuid        NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    secret      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz
);
CREATE INDEX source_secrets_source_idx ON source_secrets (source_id);

-- The last requests refused per source (the relay keeps 100), without their secrets or bodies.
CREATE TABLE source_rejections (
    id              bigserial PRIMARY KEY,
    source_id       uuid        NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    reason          text        NOT NULL,
    detail          text        NOT NULL,
    client_address  text,
    body_bytes      integer     NOT NULL,
    body_sha256     text        NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX source_rejections_source_idx ON source_rejections (source_id, id DESC);

-- Every refusal counted per source and reason, for as long as the source exists.
CREATE TABLE source_rejection_counts (
    source_id   uuid        NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    reason      text        NOT NULL,
    count       bigint      NOT NULL,
    last_at     timestamptz NOT NULL,
    PRIMARY KEY (source_id, reason)
);
