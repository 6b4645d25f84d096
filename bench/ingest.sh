#!/usr/bin/env bash
# Ingest benchmark (issue: foundation). One relay, one matching endpoint, delivery consumers paused:
# accepted events/s and latency at several concurrency levels (wrk, unique Idempotency-Keys), p50/p99
# at a fixed ~300 events/s, and PostgreSQL's own limit for the same rows (pgbench) measured in the
# same run. Prints a Markdown table; --record appends it to bench/RESULTS.md.
source "$(dirname "$0")/lib.sh"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-15}"
trap bench_stop_relays EXIT

bench_prepare
bench_start_relay ingest "$BENCH_PORT" --relay.delivery.enabled=false
KEY=$(bench_tenant "$BENCH_PORT")
bench_endpoint "$BENCH_PORT" "$KEY" "http://127.0.0.1:9/bench" '["order.*"]'
wrk_post "$BENCH_PORT" "$KEY" 16 "${WARMUP_SECONDS:-30}" >/dev/null   # warm-up: JIT, pools

rows=()
for c in 4 16 64; do
  r=$(wrk_post "$BENCH_PORT" "$KEY" "$c" "$SECONDS_PER_RUN")
  rate=$(python3 -c "print(round(($(field "$r" requests) - $(field "$r" non2xx)) / $(field "$r" seconds)))")
  rows+=("| closed loop, $c connections | $rate | $(field "$r" p50_ms) | $(field "$r" p99_ms) | $(field "$r" non2xx) |")
done
# Fixed rate: 300 events/s paced open-loop over 16 connections.
r=$(wrk_post "$BENCH_PORT" "$KEY" 16 "$SECONDS_PER_RUN" 300)
rate=$(python3 -c "print(round(($(field "$r" requests) - $(field "$r" non2xx)) / $(field "$r" seconds)))")
rows+=("| fixed rate, 300/s offered | $rate | $(field "$r" p50_ms) | $(field "$r" p99_ms) | $(field "$r" non2xx) |")

pg=$(pgbench -n -h 127.0.0.1 -U relay -c 16 -j 2 -T "$SECONDS_PER_RUN" -f "$ROOT/bench/pgbench-ingest.sql" "$BENCH_DB" 2>/dev/null)
pg_tps=$(echo "$pg" | awk '/^tps/{print int($3)}')
pg_lat=$(echo "$pg" | awk '/latency average/{print $4}')
rows+=("| pgbench, same transaction, 16 clients (PostgreSQL limit) | $pg_tps | avg $pg_lat | | |")

table=$(printf '%s\n' "| run | accepted events/s | p50 ms | p99 ms | non-2xx |" "|---|---|---|---|---|" "${rows[@]}")
bench_print_and_record Ingest "$(machine)" "bash bench/ingest.sh" \
  "relay, PostgreSQL, RabbitMQ and wrk on the same machine; one matching endpoint; consumers paused" "$table" "${1:-}"
