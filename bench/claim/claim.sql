\set n random(1, 100000)
SELECT did, ts FROM claim_ids WHERE n = :n \gset
BEGIN;
UPDATE deliveries{day} d
   SET status = 'DISPATCHING', attempt_count = d.attempt_count + 1, budget_attempts = 1,
       next_attempt_at = now() + make_interval(secs => 60), updated_at = now()
  FROM events{day} e, endpoints p
 WHERE d.id = :did AND d.created_at = :ts AND e.created_at = :ts AND e.id = d.event_id AND p.id = d.endpoint_id
   AND p.enabled AND p.deleted_at IS NULL AND p.ordering <> 'fifo'
   AND ((d.budget_attempts = 1 - 1 AND d.status IN ('RECEIVED','RETRY_SCHEDULED','PAUSED'))
        OR (d.budget_attempts = 1 AND d.status = 'DISPATCHING'
            AND coalesce(d.next_attempt_at, '-infinity') < now()))
RETURNING d.event_id, d.endpoint_id, d.tenant_id, p.url, e.type, e.payload::text, e.created_at, p.ordering,
          d.attempt_count, p.headers::text AS headers, p.retry_schedule, p.auth, p.transformation,
          p.updated_at AS endpoint_version, d.recovering, ARRAY(SELECT s.secret FROM endpoint_secrets s
                   WHERE s.endpoint_id = p.id AND (s.expires_at IS NULL OR s.expires_at > now())
                   ORDER BY s.created_at DESC) AS secrets;
ROLLBACK;
