-- The relay's ingest transaction for a tenant with 10 endpoints, without the relay: idempotency key,
-- event (1.1 KB jsonb), ten deliveries.
\set n random(1, 1000000000)
BEGIN;
INSERT INTO idempotency_keys (processor_name, message_id, created_at)
  VALUES ('bench', 'k-' || :client_id || '-' || :n || '-' || clock_timestamp(), now()) ON CONFLICT DO NOTHING;
WITH event AS (
  INSERT INTO events (id, tenant_id, type, payload, idempotency_key, body_hash, created_at)
  VALUES (gen_random_uuid(), (SELECT id FROM tenants LIMIT 1), 'order.created',
          ('{"orderId":' || :n || ',"note":"' || repeat('x', 1000) || '"}')::jsonb, 'k', 'h', now())
  RETURNING id, tenant_id, created_at)
INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, status, created_at, updated_at)
SELECT gen_random_uuid(), event.id, endpoint.id, event.tenant_id, 'RECEIVED', event.created_at, event.created_at
FROM event, (SELECT id FROM endpoints LIMIT 10) endpoint;
COMMIT;
