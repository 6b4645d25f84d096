#!/usr/bin/env bash
# Delivery benchmark (issue: delivery). Everything on this machine: relay, PostgreSQL, RabbitMQ, wrk
# and a Java receiver (bench/Receiver.java). One relay runs throughout; its work-queue consumers are
# stopped and started through Hawtio's Jolokia bridge, as an operator would.
#  1. backlog drain, cold JVM: BACKLOG_SECONDS of ingest over 10 endpoints with consumers stopped, then
#     drained right after the relay started (10 endpoints: one is capped at max-in-flight by design)
#  2. warm-up: WARMUP_SECONDS of ingest and delivery together, not recorded (a relay in production
#     runs warm; the JIT compiles the hot paths over the first tens of thousands of events)
#  3. backlog drain, warm: DRAIN_ROUNDS such drains, median deliveries/s; then the same with a JSONata
#     transformation on every endpoint (a Slack-shaped message built from the order), beside it
#  4. sustained end to end: SUSTAINED_RATE events/s offered open-loop with delivery running, median of
#     SUSTAINED_ROUNDS runs: events/s in and out, backlog left, commit-to-receiver p50/p99; then the
#     closed-loop maximum
#  5. end-to-end latency (commit to receiver) p50/p99 at 200 events/s
#  6. isolation: 20 healthy endpoints at 210 events/s, without and with one endpoint that never answers
# Then the limits of the same run (bench/limits.sh: PerfTest for RabbitMQ, pgbench for the ingest rows),
# and the drain and sustained rates as ratios of them. Prints a Markdown table; --record appends it to
# bench/RESULTS.md.
source "$(dirname "$0")/lib.sh"
source "$ROOT/bench/limits.sh"
BACKLOG_SECONDS="${BACKLOG_SECONDS:-12}"
DRAIN_ROUNDS="${DRAIN_ROUNDS:-3}"
WARMUP_SECONDS="${WARMUP_SECONDS:-60}"
SUSTAINED_RATE="${SUSTAINED_RATE:-500}"
SUSTAINED_ROUNDS="${SUSTAINED_ROUNDS:-3}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-20}"
RECEIVER_PORT=18099
R="http://127.0.0.1:$RECEIVER_PORT"
CONSOLE_PASSWORD=bench-console
trap 'bench_stop_relays; kill $RECEIVER_PID 2>/dev/null || true' EXIT

stats() { curl -fsS "$R/stats"; }
latency() { stats | sed 's/received=[0-9]* distinct=[0-9]* //; s/ refused=[0-9]*//'; }
reset_receiver() { curl -fsS -X POST "$R/reset"; }
delivered() { sql "SELECT count(*) FROM deliveries WHERE status = 'DELIVERED'"; }
undelivered() { sql "SELECT count(*) FROM deliveries WHERE status <> 'DELIVERED'"; }
consumers() { bench_consumers "$BENCH_PORT" "$CONSOLE_PASSWORD" "$1"; } # consumers start|stop
wait_drained() { # wait_drained TIMEOUT_S
  for _ in $(seq 1 $(( $1 * 5 ))); do
    [ "$(undelivered)" -eq 0 ] && return
    sleep 0.2
  done
  echo "deliveries still pending after $1 s" >&2; exit 1
}
drain() { # drain -> "deliveries/s backlog" for a fresh backlog ingested in BACKLOG_SECONDS
  consumers stop
  wrk_post "$BENCH_PORT" "$KEY" 16 "$BACKLOG_SECONDS" >/dev/null
  local n start
  n=$(undelivered)
  start=$(now)
  consumers start
  wait_drained 300
  echo "$(calc "round($n / ($(now) - $start))") $n"
}
median() { python3 -c "import statistics,sys; print(round(statistics.median(map(float, sys.argv[1:]))))" "$@"; }

bench_prepare
java bench/Receiver.java $RECEIVER_PORT > "$OUT/receiver.log" 2>&1 &
RECEIVER_PID=$!
rows=()
export WRK_TYPES=10 WRK_TYPE_PREFIX=order.t

bench_start_relay delivery "$BENCH_PORT" --relay.console.password="$CONSOLE_PASSWORD"
KEY=$(bench_tenant "$BENCH_PORT")
for i in $(seq 0 9); do bench_endpoint "$BENCH_PORT" "$KEY" "$R/ok/e-$i" "[\"order.t$i\"]"; done

# 1. Cold drain.
cold=$(drain)
rows+=("| drain a backlog, 10 endpoints, cold JVM (just started) | ${cold% *} deliveries/s | | backlog ${cold#* }; the first drain after start |")

# 2. Warm-up.
wrk_post "$BENCH_PORT" "$KEY" 16 "$WARMUP_SECONDS" >/dev/null
wait_drained 300

# 3. Warm drains.
rates=(); backlogs=()
for _ in $(seq 1 "$DRAIN_ROUNDS"); do d=$(drain); rates+=("${d% *}"); backlogs+=("${d#* }"); done
warm_drain=$(median "${rates[@]}")
rows+=("| drain a backlog, 10 endpoints, warm | $warm_drain deliveries/s | | median of $DRAIN_ROUNDS drains: ${rates[*]}/s of ${backlogs[*]} |")

# 3b. Warm drains with a transformation on every endpoint, then the transformations removed again.
TRANSFORMATION='{"text": "Order " & $string(data.orderId) & " (" & type & ")", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": data.note}}], "at": timestamp}'
set_transformations() { # set_transformations JSON_VALUE: a JSON string, or null to remove them
  local id
  for id in $(curl -fsS "http://127.0.0.1:$BENCH_PORT/v1/endpoints?limit=500" -H "Authorization: Bearer $KEY" \
      | python3 -c 'import json, sys; print("\n".join(e["id"] for e in json.load(sys.stdin)["data"]))'); do
    curl -fsS -X PATCH "http://127.0.0.1:$BENCH_PORT/v1/endpoints/$id" -H "Authorization: Bearer $KEY" \
      -H 'Content-Type: application/json' -d "{\"transformation\": $1}" >/dev/null
  done
}
set_transformations "$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$TRANSFORMATION")"
rates=(); backlogs=()
for _ in $(seq 1 "$DRAIN_ROUNDS"); do d=$(drain); rates+=("${d% *}"); backlogs+=("${d#* }"); done
rows+=("| drain a backlog, 10 endpoints, warm, each with a JSONata transformation | $(median "${rates[@]}") deliveries/s | | median of $DRAIN_ROUNDS drains: ${rates[*]}/s of ${backlogs[*]}; a Slack-shaped body built from the ~1.1 KB order, signed as sent |")
set_transformations null

# 4. Sustained end to end: offered at a fixed rate (median of SUSTAINED_ROUNDS runs), then closed loop.
sustained() { # sustained CONNECTIONS [RATE] -> "in out latency..."; the backlog left is drained before it returns
  local before r accepted seconds out left
  reset_receiver
  before=$(delivered)
  r=$(wrk_post "$BENCH_PORT" "$KEY" "$1" "$SECONDS_PER_RUN" "${2:-}")
  accepted=$(( $(field "$r" requests) - $(field "$r" non2xx) ))
  seconds=$(field "$r" seconds)
  out=$(( $(delivered) - before ))
  left=$(undelivered)
  wait_drained 300
  echo "$(calc "round($accepted / $seconds)") $(calc "round($out / $seconds)") left=$left ingest_p99_ms=$(field "$r" p99_ms) $(latency)"
}
ins=(); outs=(); runs=()
for _ in $(seq 1 "$SUSTAINED_ROUNDS"); do
  s=$(sustained 32 "$SUSTAINED_RATE"); runs+=("$s")
  ins+=("$(echo "$s" | cut -d' ' -f1)"); outs+=("$(echo "$s" | cut -d' ' -f2)")
done
sustained_out=$(median "${outs[@]}")
rows+=("| sustained, $SUSTAINED_RATE events/s offered, ingest + delivery together | $(median "${ins[@]}") events/s in, $sustained_out deliveries/s out | $(for s in "${runs[@]}"; do echo "$s" | grep -o 'p50_ms=[0-9.]* p99_ms=[0-9.]*'; done | paste -sd';' | sed 's/;/; /g') | median of $SUSTAINED_ROUNDS runs of ${SECONDS_PER_RUN} s (in/out: ${ins[*]} / ${outs[*]}); left undelivered at each run's end: $(for s in "${runs[@]}"; do field "$s" left; done | paste -sd' ') |")
s=$(sustained 16)
rows+=("| sustained, closed loop (16 connections), ingest + delivery together | $(echo "$s" | cut -d' ' -f1) events/s in, $(echo "$s" | cut -d' ' -f2) deliveries/s out | $(echo "$s" | grep -o 'p50_ms=[0-9.]* p99_ms=[0-9.]*') | left undelivered at the end: $(field "$s" left); ingest p99 $(field "$s" ingest_p99_ms) ms |")

# 5. End-to-end latency at 200 events/s.
reset_receiver
r=$(wrk_post "$BENCH_PORT" "$KEY" 8 "$SECONDS_PER_RUN" 200)
wait_drained 60
in_rate=$(calc "round(($(field "$r" requests) - $(field "$r" non2xx)) / $(field "$r" seconds))")
rows+=("| fixed rate, 200 events/s offered, 10 endpoints | $in_rate events/s | $(latency) | commit-to-receiver |")

# 6. Isolation: 20 healthy endpoints (types t0..t19) and one that never answers (t20); events rotate.
for i in $(seq 0 19); do
  bench_endpoint "$BENCH_PORT" "$KEY" "$R/ok/iso-b$i" "[\"isob.t$i\"]"
  bench_endpoint "$BENCH_PORT" "$KEY" "$R/ok/iso-h$i" "[\"isoh.t$i\"]"
done
bench_endpoint "$BENCH_PORT" "$KEY" "http://127.0.0.1:$((RECEIVER_PORT + 1))/hang/iso" '["isoh.t20"]'
iso_run() { # iso_run TYPE_PREFIX TYPES -> latency of the healthy receivers
  reset_receiver
  WRK_TYPE_PREFIX=$1 WRK_TYPES=$2 wrk_post "$BENCH_PORT" "$KEY" 8 "$SECONDS_PER_RUN" 210 >/dev/null
  sleep 3
  latency
}
without=$(iso_run isob.t 20)
with=$(iso_run isoh.t 21)
ratio=$(calc "round($(field "$with" p99_ms) / max($(field "$without" p99_ms), 0.001), 2)")
rows+=("| isolation: 20 healthy endpoints, 210 events/s | | $without | healthy endpoints, no hanging endpoint |")
rows+=("| isolation: same + 1 endpoint that never answers | | $with | healthy endpoints; p99 ratio with/without = $ratio |")

bench_stop_relays
LIMIT_SECONDS="$SECONDS_PER_RUN"
read -r mq_in mq_out <<< "$(limit_rabbitmq)"
read -r pg_tps pg_lat <<< "$(limit_postgres pgbench-ingest.sql)"
rows+=("| limits of this run: PerfTest (quorum queue, confirms, acks, relay-sized messages); pgbench (the ingest transaction, 16 clients) | $mq_in msg/s published, $mq_out consumed; $pg_tps tps | avg $pg_lat ms (pgbench) | warm drain = $(ratio "$warm_drain" "$mq_out") of PerfTest's consumed rate; sustained out = $(ratio "$sustained_out" "$pg_tps") of pgbench, $(ratio "$sustained_out" "$mq_out") of PerfTest |")

table=$(printf '%s\n' "| run | rate | latency | notes |" "|---|---|---|---|" "${rows[@]}")
bench_print_and_record Delivery "$(machine)" "bash bench/delivery.sh" \
  "relay, PostgreSQL, RabbitMQ, wrk and the receiver on the same machine" "$table" "${1:-}"
