#!/usr/bin/env bash
# Ordered delivery benchmark (issue 14): how fast one fifo endpoint drains a backlog, one delivery at
# a time, beside the same backlog drained by one unordered endpoint. Everything on this machine:
# relay, PostgreSQL, RabbitMQ, wrk and the Java receiver (bench/Receiver.java, answers at once).
# For each ordering: consumers stopped, BACKLOG_SECONDS of ingest to one endpoint, consumers started,
# time until every delivery is DELIVERED. Median of ROUNDS. Prints a Markdown table; --record appends
# it to bench/RESULTS.md.
source "$(dirname "$0")/lib.sh"
BACKLOG_SECONDS="${BACKLOG_SECONDS:-5}"
ROUNDS="${ROUNDS:-3}"
RECEIVER_PORT=18098
R="http://127.0.0.1:$RECEIVER_PORT"
CONSOLE_PASSWORD=bench-console
trap 'bench_stop_relays; kill $RECEIVER_PID 2>/dev/null || true' EXIT

median() { python3 -c "import statistics,sys; print(round(statistics.median(map(float, sys.argv[1:])), 1))" "$@"; }
undelivered() { sql "SELECT count(*) FROM deliveries WHERE status <> 'DELIVERED'"; }

drain() { # drain KEY -> "deliveries/s backlog" through the tenant's one endpoint
  bench_consumers "$BENCH_PORT" "$CONSOLE_PASSWORD" stop
  wrk_post "$BENCH_PORT" "$1" 8 "$BACKLOG_SECONDS" >/dev/null
  local n start
  n=$(undelivered)
  start=$(now)
  bench_consumers "$BENCH_PORT" "$CONSOLE_PASSWORD" start
  for _ in $(seq 1 3000); do [ "$(undelivered)" -eq 0 ] && break; sleep 0.2; done
  [ "$(undelivered)" -eq 0 ] || { echo "deliveries still pending" >&2; exit 1; }
  echo "$(calc "round($n / ($(now) - $start), 1)") $n"
}

endpoint() { # endpoint KEY ORDERING
  curl -fsS -X POST "http://127.0.0.1:$BENCH_PORT/v1/endpoints" -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' -d "{\"url\":\"$R/ok/$2\",\"ordering\":\"$2\"}" >/dev/null
}

bench_prepare
java bench/Receiver.java $RECEIVER_PORT > "$OUT/receiver.log" 2>&1 &
RECEIVER_PID=$!
bench_start_relay fifo "$BENCH_PORT" --relay.console.password="$CONSOLE_PASSWORD"

rows=()
for ordering in none fifo; do
  KEY=$(bench_tenant "$BENCH_PORT")
  endpoint "$KEY" "$ordering"
  drain "$KEY" >/dev/null # warm-up, not recorded
  rates=(); backlogs=()
  for _ in $(seq 1 "$ROUNDS"); do d=$(drain "$KEY"); rates+=("${d% *}"); backlogs+=("${d#* }"); done
  sql "UPDATE deliveries SET status = 'DELIVERED' WHERE status <> 'DELIVERED'" >/dev/null
  eval "rate_$ordering=$(median "${rates[@]}")"
  rows+=("| one endpoint, \`\"ordering\": \"$ordering\"\` | $(median "${rates[@]}") deliveries/s | backlogs ${backlogs[*]} |")
done

TABLE="| drain of a backlog (median of $ROUNDS) | rate | note |
|---|---|---|
$(printf '%s\n' "${rows[@]}")
| fifo / unordered | $(calc "round($rate_fifo / $rate_none, 2)") | one attempt at a time: a claim under the endpoint's lock, the POST, the record, the next head's publish |"
bench_print_and_record "Ordered delivery (bench/fifo.sh)" "$(machine)" "bash bench/fifo.sh ${1:-}" \
  "one relay; receiver answers at once" "$TABLE" "${1:-}"
