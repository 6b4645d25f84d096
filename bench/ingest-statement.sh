#!/usr/bin/env bash
# PostgreSQL's cost of the relay's ingest transaction, without the relay (issue 16): pgbench runs
# bench/ingest/transaction.sql (16 clients, prepared statements, as the relay's pool runs it) with
# the fan-out's match rules as V35 wrote them and as they are now (V52), beside the floor's leaner
# transaction (bench/pgbench-ingest.sql: no catalog lookup, no fan-out join). ROUNDS rounds, in turn
# within each, so that the table's growth and the machine's drift fall on all three alike; the
# median per script. PostgreSQL's CPU comes from /proc, so nothing else should run meanwhile.
# ENDPOINTS endpoints (default 1) subscribe to two types each, one a prefix, with the payload filter
# FILTER (a JSON string; default none), e.g. FILTER='"$.data.orderId % 4 == 0"' (a quarter match).
# grouped: the same statements for GROUP events (default 8) in one transaction, what a group commit
# of concurrent requests would cost PostgreSQL; its CPU and tps are per event, not per transaction.
# Prints a Markdown table; --record appends it to bench/RESULTS.md.
source "$(dirname "$0")/lib.sh"
ROUNDS="${ROUNDS:-3}"
ENDPOINTS="${ENDPOINTS:-1}"
FILTER="${FILTER:-null}"
TRANSACTIONS="${TRANSACTIONS:-20000}"
GROUP="${GROUP:-8}"
trap bench_stop_relays EXIT

bench_prepare
bench_start_relay ingest-statement "$BENCH_PORT"
KEY=$(bench_tenant "$BENCH_PORT")
for _ in $(seq 1 "$ENDPOINTS"); do
  bench_endpoint "$BENCH_PORT" "$KEY" http://127.0.0.1:9/ '["invoice.paid","order.*"]' "$FILTER"
done
bench_stop_relays
# V35's match rules, as its migration wrote them, under other names.
awk '/^CREATE FUNCTION/,/^\$\$;/' "$ROOT"/src/main/resources/db/migration/V35__*.sql \
  | sed 's/^CREATE FUNCTION relay_/CREATE FUNCTION bench_v35_/' | db
TENANT=$(db -tAc "SELECT id FROM tenants LIMIT 1")
SCRIPTS="$OUT/ingest-statement" && mkdir -p "$SCRIPTS"
rules() { sed -e "s/{type_rule}/$1/" -e "s/{filter_rule}/$2/" "$ROOT/bench/ingest/transaction.sql" > "$SCRIPTS/$3.sql"; }
rules bench_v35_event_type_matches bench_v35_filter_matches v35
rules relay_event_type_matches relay_filter_matches now
cp "$ROOT/bench/pgbench-ingest.sql" "$SCRIPTS/floor.sql"
{ grep '^\\set' "$SCRIPTS/now.sql"; echo 'BEGIN;'
  for _ in $(seq 1 "$GROUP"); do sed -e '/^--/d' -e '/^\\set/d' -e '/^BEGIN;/d' -e '/^COMMIT;/d' "$SCRIPTS/now.sql"; done
  echo 'COMMIT;'; } > "$SCRIPTS/grouped.sql"
NAMES=(v35 now floor grouped)
events_per() { [ "$1" = grouped ] && echo "$GROUP" || echo 1; }
declare -A TPS PG
for _ in $(seq 1 "$ROUNDS"); do
  for name in "${NAMES[@]}"; do
    read -r _ p0 <<< "$(python3 "$ROOT/bench/profile.py" servers)"
    per=$(events_per "$name")
    pgbench -n -h 127.0.0.1 -U relay -M prepared -c 16 -j 2 -t $((TRANSACTIONS / 16 / per)) -D tenant="$TENANT" \
      -f "$SCRIPTS/$name.sql" "$BENCH_DB" > "$OUT/ingest-statement-pgbench.log" 2>&1 \
      || { cat "$OUT/ingest-statement-pgbench.log" >&2; exit 1; }
    read -r _ p1 <<< "$(python3 "$ROOT/bench/profile.py" servers)"
    TPS[$name]+=" $(calc "$(grep -o 'tps = [0-9.]*' "$OUT/ingest-statement-pgbench.log" | head -1 | cut -d' ' -f3) * $per")"
    PG[$name]+=" $(calc "($p1 - $p0) / $((TRANSACTIONS / 16 / per * 16 * per))")"
  done
done
median() { python3 -c "import statistics,sys; m = statistics.median(map(float, sys.argv[2:])); print(round(m, int(sys.argv[1])) if int(sys.argv[1]) else int(m))" "${2:-3}" $1; }
ROWS=""
for name in "${NAMES[@]}"; do
  ROWS+="| $name | $(median "${PG[$name]}") | $(calc "'%.2f' % ($(median "${PG[$name]}") / $(median "${PG[v35]}"))") | $(median "${TPS[$name]}" 0) |
"
done
TABLE="| transaction (median of $ROUNDS rounds) | PostgreSQL CPU ms per event | against V35's rules | events/s (pgbench tps x events per transaction) |
|---|---|---|---|
${ROWS%$'\n'}"
bench_print_and_record "The ingest transaction's cost in PostgreSQL (bench/ingest-statement.sh)" "$(machine)" \
  "bash bench/ingest-statement.sh (ROUNDS=$ROUNDS TRANSACTIONS=$TRANSACTIONS ENDPOINTS=$ENDPOINTS FILTER=$FILTER GROUP=$GROUP)" \
  "v35: the relay's transaction with V35's match rules; now: with V52's; floor: bench/pgbench-ingest.sql, floor.sh's; grouped: now's statements for $GROUP events per commit; 16 clients, prepared; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)" \
  "$TABLE" "${1:-}"
psql -q -h 127.0.0.1 -U relay -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)"
