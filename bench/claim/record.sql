\set n random(1, 100000)
SELECT did, ts FROM claim_ids WHERE n = :n \gset
BEGIN;
WITH attempt AS (
    INSERT INTO attempts{day} (delivery_id, attempt_number, url, request_headers, response_status,
        response_headers, response_body, duration_ms, error_class, error_message, outcome, event_created_at)
    VALUES (:did, 1, 'http://x/', '{}'::jsonb, 200, '{}'::jsonb, 'ok', 5, NULL, NULL, 'DELIVERED', :ts)
), delivery AS (
    UPDATE deliveries{day}
       SET status = CASE WHEN 'DELIVERED' = 'RETRY_SCHEDULED' AND status IN ('PAUSED', 'DEAD_LETTERED') THEN status
                         ELSE 'DELIVERED' END,
           last_error = CASE WHEN 'DELIVERED' = 'RETRY_SCHEDULED' AND status = 'DEAD_LETTERED' THEN last_error
                             ELSE NULL END,
           last_status = 200, next_attempt_at = NULL, recovering = recovering AND NOT true, updated_at = now()
    WHERE id = :did AND created_at = :ts
), health AS (
    UPDATE endpoints SET failing_since = CASE WHEN true THEN NULL ELSE now() END
    WHERE id = :endpoint AND (failing_since IS NULL) <> true
)
SELECT CASE WHEN true THEN NULL
            ELSE (SELECT coalesce(failing_since, now()) FROM endpoints WHERE id = :endpoint) END;
ROLLBACK;
