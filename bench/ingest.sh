#!/usr/bin/env bash
# Ingest benchmark (issue: foundation). One relay, one matching endpoint, delivery consumers paused:
# accepted events/s and latency at several concurrency levels (wrk, unique Idempotency-Keys), p50/p99
# at a fixed ~300 events/s, and PostgreSQL's own limit for the same rows (pgbench) measured in the
# same run. Then fan-out (issue 13): a tenant with 10 endpoints, without payload filters, with filters
# (about a quarter of events match each), and with filters plus a JSON Schema validated on every
# event, beside pgbench's limit for one event with ten deliveries. Every rate is also printed as a
# ratio of the limits measured at the end of the same run (bench/limits.sh): pgbench for the same rows,
# and PerfTest for RabbitMQ (each delivery is one confirmed publish). Prints a Markdown table; --record
# appends it to bench/RESULTS.md.
source "$(dirname "$0")/lib.sh"
source "$ROOT/bench/limits.sh"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-15}"
trap bench_stop_relays EXIT

bench_prepare
bench_start_relay ingest "$BENCH_PORT" --relay.delivery.enabled=false
KEY=$(bench_tenant "$BENCH_PORT")
bench_endpoint "$BENCH_PORT" "$KEY" "http://127.0.0.1:9/bench" '["order.*"]'
wrk_post "$BENCH_PORT" "$KEY" 16 "${WARMUP_SECONDS:-30}" >/dev/null   # warm-up: JIT, pools

# Each row: "label|events/s|deliveries per event|pgbench script of the same rows|p50|p99|non-2xx";
# the ratios are added once the limits are measured.
rows=()
for c in 4 16 64; do
  r=$(wrk_post "$BENCH_PORT" "$KEY" "$c" "$SECONDS_PER_RUN")
  rate=$(python3 -c "print(round(($(field "$r" requests) - $(field "$r" non2xx)) / $(field "$r" seconds)))")
  rows+=("closed loop, $c connections|$rate|1|one|$(field "$r" p50_ms)|$(field "$r" p99_ms)|$(field "$r" non2xx)")
done
# Fixed rate: 300 events/s paced open-loop over 16 connections.
r=$(wrk_post "$BENCH_PORT" "$KEY" 16 "$SECONDS_PER_RUN" 300)
rate=$(python3 -c "print(round(($(field "$r" requests) - $(field "$r" non2xx)) / $(field "$r" seconds)))")
rows+=("fixed rate, 300/s offered|$rate|1|one|$(field "$r" p50_ms)|$(field "$r" p99_ms)|$(field "$r" non2xx)")

# fanout_tenant FILTER [SCHEMA] -> api key of a new tenant with 10 endpoints on order.*, each with the
# filter (a JSON string, or null), and the schema (JSON) registered for order.created.
fanout_tenant() {
  local key
  key=$(bench_tenant "$BENCH_PORT")
  for i in $(seq 1 10); do
    bench_endpoint "$BENCH_PORT" "$key" "http://127.0.0.1:9/fanout-$i" '["order.*"]' "$1"
  done
  if [ -n "${2:-}" ]; then
    curl -fsS -X PUT "http://127.0.0.1:$BENCH_PORT/v1/event-types/order.created" -H "Authorization: Bearer $key" \
      -H 'Content-Type: application/json' -d "{\"schema\":$2}" >/dev/null
  fi
  echo "$key"
}
FILTER='"$.data.amount > 100 && $.data.currency == \"EUR\""'
SCHEMA='{"type":"object","required":["orderId","amount","currency","note"],"properties":{"orderId":{"type":"integer"},"amount":{"type":"number","minimum":0},"currency":{"enum":["EUR","USD"]},"note":{"type":"string","maxLength":2000}}}'
fanout_rates=()
for setup in "10 endpoints, no filter (10 deliveries per event)|10|null|" \
             "10 endpoints with filters (about 2.5 deliveries per event)|2.5|$FILTER|" \
             "10 endpoints with filters, schema validated on every event|2.5|$FILTER|$SCHEMA"; do
  IFS='|' read -r label per_event filter schema <<< "$setup"
  key=$(fanout_tenant "$filter" "$schema")
  r=$(wrk_post "$BENCH_PORT" "$key" 16 "$SECONDS_PER_RUN")
  rate=$(python3 -c "print(round(($(field "$r" requests) - $(field "$r" non2xx)) / $(field "$r" seconds)))")
  fanout_rates+=("$rate")
  rows+=("$label, 16 connections|$rate|$per_event|$([ "$per_event" = 10 ] && echo ten || echo none)|$(field "$r" p50_ms)|$(field "$r" p99_ms)|$(field "$r" non2xx)")
done
bench_stop_relays

# The limits of this run, with the relay stopped.
LIMIT_SECONDS="$SECONDS_PER_RUN"
read -r pg_tps pg_lat <<< "$(limit_postgres pgbench-ingest.sql)"
read -r pg10_tps pg10_lat <<< "$(limit_postgres pgbench-ingest-fanout.sql)"
read -r mq_in mq_out <<< "$(limit_rabbitmq)"
lines=()
for row in "${rows[@]}"; do
  IFS='|' read -r label rate per_event pg p50 p99 non2xx <<< "$row"
  case "$pg" in one) of_pg="$(ratio "$rate" "$pg_tps")" ;; ten) of_pg="$(ratio "$rate" "$pg10_tps") (10 deliveries)" ;; *) of_pg="" ;; esac
  lines+=("| $label | $rate | $of_pg | $(ratio "$(calc_product "$rate" "$per_event")" "$mq_in") | $p50 | $p99 | $non2xx |")
done
lines+=("| pgbench, same transaction, 16 clients (PostgreSQL limit) | $pg_tps | 1.00 | | avg $pg_lat | | |")
lines+=("| pgbench, one event with 10 deliveries, 16 clients (PostgreSQL limit) | $pg10_tps | 1.00 | | avg $pg10_lat | | |")
lines+=("| PerfTest, quorum queue, confirms, relay-sized messages (RabbitMQ limit, msg/s) | $mq_in | | 1.00 | | | |")

table=$(printf '%s\n' "| run | accepted events/s | of pgbench | publishes of PerfTest's | p50 ms | p99 ms | non-2xx |" \
  "|---|---|---|---|---|---|---|" "${lines[@]}")
ratios=$(python3 -c "
u, f, s, pg10 = ${fanout_rates[0]}, ${fanout_rates[1]}, ${fanout_rates[2]}, ${pg10_tps:-0} or 1
print(f'Fan-out: filtered/unfiltered {f / u:.2f}, with schema/filtered {s / f:.2f}; '
      f'unfiltered/pgbench-10-deliveries {u / pg10:.2f}, filtered/pgbench-10-deliveries {f / pg10:.2f}')")
bench_print_and_record Ingest "$(machine)" "bash bench/ingest.sh" \
  "relay, PostgreSQL, RabbitMQ and wrk on the same machine; one matching endpoint, then tenants of 10 endpoints; consumers paused. $ratios" \
  "$table" "${1:-}"
