#!/usr/bin/env bash
# Reconciler query benchmark (issue 10). A scratch database with the relay's schema (the Flyway
# migrations, applied in order), FINAL final deliveries (DELIVERED and DEAD_LETTERED, default
# 1,000,000) and PENDING pending ones (RECEIVED, DISPATCHING, RETRY_SCHEDULED, PAUSED; default 10,000,
# a fifth of them overdue), then EXPLAIN ANALYZE of the reconciler's statement (in a transaction that
# is rolled back) and of the other statements that read only pending rows; the plans go to bench/out/.
# Prints a Markdown table; --record appends it to bench/RESULTS.md. No relay runs: this measures
# PostgreSQL's work alone.
source "$(dirname "$0")/lib.sh"
DB=relay_bench_reconcile
FINAL="${FINAL:-1000000}"
PENDING="${PENDING:-10000}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U relay)

bash "$ROOT/.ci/services" >/dev/null
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
for f in $(ls "$ROOT"/src/main/resources/db/migration/V*__*.sql | sort -t V -k2 -n); do
  "${PSQL[@]}" -d "$DB" -f "$f" >/dev/null
done

fill_started=$(date +%s)
"${PSQL[@]}" -d "$DB" >/dev/null <<SQL
INSERT INTO tenants (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'bench');
INSERT INTO endpoints (id, tenant_id, url, enabled, disabled_by)
SELECT ('00000000-0000-0000-0001-' || lpad(i::text, 12, '0'))::uuid, '00000000-0000-0000-0000-000000000001',
       'https://receiver.example/' || i, i <> 10, CASE WHEN i = 10 THEN 'operator' END
  FROM generate_series(1, 10) i;
INSERT INTO events (id, tenant_id, type, payload, body_hash, created_at)
SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'order.created', '{"n":1}', 'h',
       now() - interval '20 days' + i * interval '1 second'
  FROM generate_series(1, $FINAL + $PENDING) i;
-- Final rows: one delivery per event, 95 % delivered, 5 % dead-lettered, over ten endpoints.
INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, status, attempt_count, budget_attempts,
                        created_at, updated_at)
SELECT gen_random_uuid(), e.id, ('00000000-0000-0000-0001-' || lpad((1 + n % 9)::text, 12, '0'))::uuid,
       e.tenant_id, CASE WHEN n % 20 = 0 THEN 'DEAD_LETTERED' ELSE 'DELIVERED' END, 1, 1, e.created_at, e.created_at
  FROM (SELECT e.*, row_number() OVER (ORDER BY created_at) AS n FROM events e) e
 WHERE n <= $FINAL;
-- Pending rows: a fifth overdue by more than the grace (their message was lost), the rest not yet.
INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, status, paused_reason, attempt_count,
                        budget_attempts, next_attempt_at, created_at, updated_at)
SELECT gen_random_uuid(), e.id,
       ('00000000-0000-0000-0001-' || lpad(CASE WHEN n % 4 = 3 THEN 10 ELSE 1 + n % 9 END::text, 12, '0'))::uuid,
       e.tenant_id,
       (ARRAY['RECEIVED', 'DISPATCHING', 'RETRY_SCHEDULED', 'PAUSED'])[1 + n % 4],
       CASE WHEN n % 4 = 3 THEN 'operator' END, 1, 1,
       CASE WHEN n % 4 = 2 THEN now() + CASE WHEN n % 5 = 0 THEN -interval '10 minutes' ELSE interval '1 hour' END END,
       e.created_at,
       now() - CASE WHEN n % 5 = 0 THEN interval '10 minutes' ELSE interval '10 seconds' END
  FROM (SELECT e.*, row_number() OVER (ORDER BY created_at) AS n FROM events e) e
 WHERE n > $FINAL;
VACUUM ANALYZE tenants, endpoints, events, deliveries;
SQL
fill_seconds=$(( $(date +%s) - fill_started ))

# explain LABEL SQL: execution time (ms) and the plan's first line, rolled back.
explain() {
  local out
  out=$("${PSQL[@]}" -d "$DB" -At -c "BEGIN" -c "EXPLAIN (ANALYZE, BUFFERS) $2" -c "ROLLBACK")
  echo "$out" > "$ROOT/bench/out/reconcile-$(echo "$1" | tr -cs 'a-z0-9' '-' | sed 's/-$//').txt"
  local ms plan
  ms=$(echo "$out" | awk '/Execution Time/{print $3}')
  plan=$(echo "$out" | grep -E "Index|Seq Scan|Bitmap" | head -2 | sed -E 's/^[ ->]*//; s/ +\(cost.*//' | paste -sd ';' -)
  rows+=("| $1 | $ms | $plan |")
}

mkdir -p "$ROOT/bench/out"
rows=()
# The statement of DeliveryReconciler.CLAIM for a grace of $1 seconds and a batch of 1000.
claim_overdue() {
  echo "
UPDATE deliveries d SET reconciled_at = now()
 WHERE d.id = ANY (ARRAY(
    SELECT id FROM deliveries
     WHERE status IN ('DISPATCHING', 'RETRY_SCHEDULED')
       AND coalesce(next_attempt_at, updated_at) < now() - make_interval(secs => $1)
       AND (reconciled_at IS NULL
            OR reconciled_at < now() - greatest(make_interval(secs => $1),
                                                reconciled_at - coalesce(next_attempt_at, updated_at)))
     ORDER BY created_at LIMIT 1000 FOR UPDATE SKIP LOCKED))
RETURNING d.id, d.endpoint_id, d.tenant_id, d.status, d.budget_attempts, d.next_attempt_at IS NOT NULL"
}
explain "reconciler: claim overdue deliveries (batch 1000)" "$(claim_overdue 300)"
# With nothing overdue (a grace of a day): the cost of every quiet interval.
explain "reconciler: nothing overdue" "$(claim_overdue 86400)"
explain "pause an endpoint's pending deliveries" "
UPDATE deliveries d SET status = 'PAUSED', paused_reason = p.disabled_by, updated_at = now()
  FROM endpoints p
 WHERE p.id = '00000000-0000-0000-0001-000000000001' AND d.endpoint_id = p.id AND p.deleted_at IS NULL
   AND d.status IN ('RECEIVED', 'DISPATCHING', 'RETRY_SCHEDULED')"
explain "resume an endpoint's paused deliveries" "
UPDATE deliveries SET status = 'RECEIVED', paused_reason = NULL, next_attempt_at = now(), updated_at = now()
 WHERE endpoint_id = '00000000-0000-0000-0001-000000000010' AND status = 'PAUSED'"
explain "paused gauge" "SELECT paused_reason, count(*) FROM deliveries WHERE status = 'PAUSED' GROUP BY paused_reason"

table=$(printf '%s\n' "| statement | execution ms | plan (first nodes) |" "|---|---|---|" "${rows[@]}")
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $("${PSQL[@]}" -d "$DB" -At -c 'SHOW server_version') (PostgreSQL)"
bench_print_and_record "Reconciler query" "$machine" "bash bench/reconcile.sh --record" \
  "$FINAL final deliveries, $PENDING pending of which a fifth overdue; filled in ${fill_seconds} s" "$table" "${1:-}"
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
