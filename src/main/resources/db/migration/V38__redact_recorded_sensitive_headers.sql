-- Attempts recorded before redaction hold static headers named like credentials in clear (an
-- X-Api-Key copied into every attempt row): their values become "[redacted]", as OutgoingRequest
-- records them from now on. Headers marked "sensitive": true did not exist before, so the name rule
-- (secrets.SealedHeaders.isSensitiveName) covers every such row.
--
-- Sealing the plain values still in endpoint_secrets and endpoints.headers is not done here: SQL has
-- no master key. The reencrypt-secrets route seals them on the relay's first pass after start.
UPDATE attempts a
   SET request_headers = (SELECT jsonb_object_agg(h.key,
                                  CASE WHEN h.key ~* '^(authorization|cookie|.*(key|token|secret|password).*)$'
                                       THEN to_jsonb('[redacted]'::text) ELSE h.value END)
                            FROM jsonb_each(a.request_headers) AS h(key, value))
 WHERE jsonb_typeof(a.request_headers) = 'object'
   AND EXISTS (SELECT 1 FROM jsonb_each(a.request_headers) AS h(key, value)
                WHERE h.key ~* '^(authorization|cookie|.*(key|token|secret|password).*)$'
                  AND h.value <> to_jsonb('[redacted]'::text));
