   AND CASE WHEN p.ordering = 'fifo' THEN NOT EXISTS (SELECT 1 FROM deliveries o
                     WHERE o.endpoint_id = d.endpoint_id AND o.id <> d.id AND o.seq IS NOT NULL
                       AND o.status IN ('RECEIVED','DISPATCHING','RETRY_SCHEDULED','PAUSED')
                       AND (o.seq < d.seq
                            OR (o.status = 'DISPATCHING' AND o.budget_attempts > 0 AND o.next_attempt_at > now()))) ELSE true END
