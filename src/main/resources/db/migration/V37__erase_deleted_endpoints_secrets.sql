-- A deleted endpoint keeps its history (deliveries, attempts) but not its credentials: its signing
-- secrets and static header values are erased, as EndpointAdmin.delete now does at deletion.
DELETE FROM endpoint_secrets s USING endpoints p WHERE p.id = s.endpoint_id AND p.deleted_at IS NOT NULL;
UPDATE endpoints SET headers = '{}'::jsonb WHERE deleted_at IS NOT NULL AND headers <> '{}'::jsonb;
