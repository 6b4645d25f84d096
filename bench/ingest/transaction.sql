-- The relay's ingest transaction as it runs (EventTypeCheck, ConflictSafeIdempotentRepository,
-- EventStore), for pgbench: the catalog lookup, the idempotency key, the event (1.1 KB) and its
-- fan-out. {type_rule} and {filter_rule} name the match functions to run (bench/ingest-statement.sh).
\set n random(1, 1000000000)
BEGIN;
SELECT coalesce(t.require_known_types, false) AS required, et.version, et.schema IS NOT NULL AS has_schema
  FROM tenants t LEFT JOIN event_types et ON et.tenant_id = t.id AND et.name = 'order.created'
 WHERE t.id = :tenant;
INSERT INTO idempotency_keys (processor_name, message_id, created_at)
  VALUES ('ingest', 'k-' || :client_id || '-' || :n || '-' || clock_timestamp(), now()) ON CONFLICT DO NOTHING;
WITH event AS (
    INSERT INTO events (id, tenant_id, type, payload, idempotency_key, body_hash, created_at, trace_parent)
    VALUES (gen_random_uuid(), :tenant, 'order.created',
            ('{"orderId":' || :n || ',"note":"' || repeat('x', 1000) || '"}')::jsonb, 'k' || :n, 'h', now(), NULL)
    RETURNING id, tenant_id, type, payload, created_at
), target AS (
    SELECT endpoint.id, endpoint.ordering
    FROM event
    JOIN endpoints endpoint ON endpoint.tenant_id = event.tenant_id
        AND endpoint.enabled AND endpoint.deleted_at IS NULL AND NOT endpoint.operational
        AND {type_rule}(endpoint.event_types, event.type)
        AND {filter_rule}(endpoint.filter, event.type, event.payload)
), fifo AS (
    UPDATE endpoints SET fifo_seq = fifo_seq + 1
     WHERE id IN (SELECT id FROM target WHERE ordering = 'fifo')
    RETURNING id, fifo_seq
)
INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, status, created_at, updated_at, seq)
SELECT gen_random_uuid(), event.id, target.id, event.tenant_id, 'RECEIVED', event.created_at, event.created_at,
       fifo.fifo_seq
FROM event CROSS JOIN target LEFT JOIN fifo ON fifo.id = target.id
RETURNING id, endpoint_id;
COMMIT;
