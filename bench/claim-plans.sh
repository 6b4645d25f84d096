#!/usr/bin/env bash
# What a delivery's two statements cost PostgreSQL on the partitioned history (V51), by plan cache
# mode (issue 16). The relay's schema (its own Flyway run), one endpoint, PREFILL deliveries (default
# 100,000) of events in today's first hour (UTC: one day's partitions), and a plain-table copy of deliveries and events for reference.
# pgbench, one client, prepared statements as the relay's JDBC driver sends them, ROUNDS (default 3)
# interleaved rounds of RUN_SECONDS (default 5) per script and mode; each transaction claims (or records)
# one random delivery and rolls back, so every run finds the same rows. The median latency per
# transaction is printed. Scripts in bench/claim/: claim.sql is the relay's claim now, on today's
# partitions (claim-parents, the same on the partitioned parents as before HistoryDays; claim-flat, on
# the plain copies; and claim-with-fifo-test, the one before 6e2dcf2 with the fifo head test of
# fifo-head-test.sql in every claim, are made from it), record.sql the attempt's record (and
# record-parents). auto is PostgreSQL's default choice, which the relay keeps; force_generic_plan plans
# once per connection (not enabled: see bench/RESULTS.md).
# --record appends the table to bench/RESULTS.md.
source "$(dirname "$0")/lib.sh"
PREFILL="${PREFILL:-100000}"
ROUNDS="${ROUNDS:-3}"
SECONDS_PER_RUN="${RUN_SECONDS:-5}"
trap 'bench_stop_relays' EXIT

bench_prepare
bench_start_relay claim "$BENCH_PORT"
KEY=$(bench_tenant "$BENCH_PORT")
bench_endpoint "$BENCH_PORT" "$KEY" http://127.0.0.1:9/
bench_stop_relays
ENDPOINT=$(db -tAc "SELECT id FROM endpoints LIMIT 1")
db -c "
  CREATE TEMP TABLE x AS SELECT gen_random_uuid() eid, gen_random_uuid() did, date_trunc('day', now(), 'UTC') + (g % 3600) * interval '1 second' ts
    FROM generate_series(1, $PREFILL) g;
  INSERT INTO events (id, tenant_id, type, payload, body_hash, created_at)
    SELECT eid, (SELECT tenant_id FROM endpoints LIMIT 1), 'bench.claim', '{\"orderId\": 42}', 'h', ts FROM x;
  INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, created_at, updated_at)
    SELECT did, eid, '$ENDPOINT', (SELECT tenant_id FROM endpoints LIMIT 1), ts, ts FROM x;
  CREATE TABLE claim_ids AS SELECT row_number() OVER () AS n, did, ts FROM x;
  CREATE UNIQUE INDEX ON claim_ids (n);
  CREATE TABLE deliveries_flat (LIKE deliveries INCLUDING ALL);
  INSERT INTO deliveries_flat SELECT * FROM deliveries;
  CREATE TABLE events_flat (LIKE events INCLUDING ALL);
  INSERT INTO events_flat SELECT * FROM events;" 2>/dev/null
db -c "ANALYZE claim_ids; ANALYZE deliveries; ANALYZE events; ANALYZE deliveries_flat; ANALYZE events_flat" 2>/dev/null
PARTITIONS=$(db -tAc "SELECT count(*) FROM pg_inherits WHERE inhparent = 'deliveries'::regclass")

# claim-flat: the relay's claim, on the plain copies. claim-with-fifo-test: the relay's claim before
# 6e2dcf2, any endpoint's, with the fifo head test (fifo-head-test.sql) before its RETURNING.
SCRIPTS="$OUT/claim-scripts" && mkdir -p "$SCRIPTS"
DAY=$(bench_today_suffix)
for script in claim record; do
  bench_day_addressed "$DAY" < "$ROOT/bench/claim/$script.sql" > "$SCRIPTS/$script.sql"
  bench_day_addressed "" < "$ROOT/bench/claim/$script.sql" > "$SCRIPTS/$script-parents.sql"
done
bench_day_addressed _flat < "$ROOT/bench/claim/claim.sql" > "$SCRIPTS/claim-flat.sql"
awk -v test="$ROOT/bench/claim/fifo-head-test.sql" '
  { sub(/ AND p.ordering <> .fifo./, "") }
  /^RETURNING/ { while ((getline line < test) > 0) print line }
  { print }' "$SCRIPTS/claim-parents.sql" > "$SCRIPTS/claim-with-fifo-test.sql"

latency() { # latency SCRIPT MODE -> ms per transaction
  PGOPTIONS="-c plan_cache_mode=$2" pgbench -h 127.0.0.1 -U relay -n -M prepared -c 1 -T "$SECONDS_PER_RUN" \
    -D endpoint="$ENDPOINT" -f "$SCRIPTS/$1.sql" "$BENCH_DB" 2>&1 | awk '/^latency average/ {print $4}'
}
declare -A RUNS
for _ in $(seq 1 "$ROUNDS"); do
  for script in claim-with-fifo-test claim-parents claim claim-flat record-parents record; do
    for mode in auto force_generic_plan; do
      RUNS[$script/$mode]+="$(latency "$script" "$mode") "
    done
  done
done
median() { python3 -c "import statistics,sys; print(round(statistics.median(map(float, sys.argv[1:])), 3))" "$@"; }
TABLE="| statement (one transaction: claim or record, then rollback) | auto: ms | force_generic_plan: ms |
|---|---|---|"
for script in claim-with-fifo-test claim-parents claim claim-flat record-parents record; do
  TABLE+="
| $script | $(median ${RUNS[$script/auto]}) | $(median ${RUNS[$script/force_generic_plan]}) |"
done
bench_print_and_record "Claim and record by plan cache mode" "$(machine)" "bash bench/claim-plans.sh (PREFILL=$PREFILL ROUNDS=$ROUNDS RUN_SECONDS=$SECONDS_PER_RUN)" \
  "pgbench, 1 client, median of $ROUNDS rounds; $PARTITIONS partitions of deliveries; claim-flat: the same claim on plain copies of the tables; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)" \
  "$TABLE" "${1:-}"
psql -q -h 127.0.0.1 -U relay -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)"
