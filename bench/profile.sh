#!/usr/bin/env bash
# Where the relay's time goes (issue 16). One relay warmed by WARMUP_EVENTS events, 10 endpoints (one
# event type each, so one delivery per event), the Java receiver, then ROUNDS rounds of three phases, each measured alone:
#  - ingest: PHASE_SECONDS of closed-loop ingest (16 connections), work-queue consumers stopped
#  - drain: the consumers started on that backlog, until every delivery reached the receiver
#  - sustained: SUSTAINED_RATE events/s offered open-loop with delivery running, until all delivered
# Per phase, divided by its events (or deliveries): the relay's CPU from /proc (utime+stime, also per
# thread kind) and its RSS; PostgreSQL statements (pg_stat_statements, the relay's role only), commits
# (pg_stat_database) and index entries written (inserts and non-HOT updates times the table's
# indexes); RabbitMQ publishes, confirms, deliveries and acks of the relay's vhost (management API);
# and a JFR recording of the phase, its samples sorted into the relay's stages. Then the limits of
# this run (bench/limits.sh): PerfTest and pgbench, and each rate as a ratio of them. JFR=off leaves
# the recordings out (an A/B comparison of CPU per event without the profiler's own cost). --record
# appends the tables to bench/RESULTS.md.
source "$(dirname "$0")/lib.sh"
source "$ROOT/bench/limits.sh"
ROUNDS="${ROUNDS:-3}"
PHASE_SECONDS="${PHASE_SECONDS:-15}"
# Warm-up by count, not time: the JIT has compiled the hot paths after some tens of thousands of
# events, however loaded the machine is.
WARMUP_EVENTS="${WARMUP_EVENTS:-30000}"
SUSTAINED_RATE="${SUSTAINED_RATE:-1000}"
# PostgreSQL backends report their counters after up to 10 s idle, RabbitMQ its every 5 s.
SETTLE_SECONDS="${SETTLE_SECONDS:-11}"
RECEIVER_PORT="${RECEIVER_PORT:-18099}"
R="http://127.0.0.1:$RECEIVER_PORT"
CONSOLE_PASSWORD=bench-console
JDK_BIN="$(dirname "$(readlink -f "$BENCH_JAVA")")"
P="$OUT/profile"
rm -rf "$P" && mkdir -p "$P"
trap 'bench_stop_relays; [ -z "${RECEIVER_PID:-}" ] || kill "$RECEIVER_PID" 2>/dev/null || true' EXIT

monitor_sql() { su postgres -s /bin/sh -c 'psql -qtAX -d "$0" -c "$1"' "$BENCH_DB" "$1"; }
received() { curl -fsS "$R/stats" | grep -o 'received=[0-9]*' | cut -d= -f2; }
undelivered() { monitor_sql "SELECT count(*) FROM deliveries WHERE status <> 'DELIVERED'"; }
wait_received() { # wait_received COUNT TIMEOUT_S: the receiver has COUNT requests, and nothing is left pending
  for _ in $(seq 1 $(( $2 * 10 ))); do
    [ "$(received)" -ge "$1" ] && [ "$(undelivered)" -eq 0 ] && return
    sleep 0.1
  done
  echo "deliveries still pending after $2 s" >&2; exit 1
}
snap() { python3 "$ROOT/bench/profile.py" snapshot "$P/$1.json" "$PID" "$BENCH_DB" "$BENCH_VHOST"; }
JFR="${JFR:-on}"
jfr_start() { [ "$JFR" = off ] || "$JDK_BIN/jcmd" "$PID" JFR.start name="$1" settings=profile filename="$P/$1.jfr" >/dev/null; }
jfr_stop() { [ "$JFR" = off ] || "$JDK_BIN/jcmd" "$PID" JFR.stop name="$1" >/dev/null; }
median() { python3 -c "import statistics,sys; print(round(statistics.median(map(float, sys.argv[1:]))))" "$@"; }

# phase_end NAME EVENTS LABEL RATE UNIT: closes the phase begun by snapshot NAME-a (CPU at once, the
# counters after they settled) and adds it to phases.jsonl.
phase_end() {
  snap "$1-b"
  jfr_stop "$1"
  sleep "$SETTLE_SECONDS"
  snap "$1-c"
  local d j
  python3 "$ROOT/bench/profile.py" diff "$P/$1-a.json" "$P/$1-b.json" "$P/$1-c.json" "$2" "$3" > "$P/$1-diff.json"
  d=$(cat "$P/$1-diff.json")
  j=null
  [ "$JFR" = off ] || j=$(python3 "$ROOT/bench/profile.py" jfr "$P/$1.jfr" "$JDK_BIN/jfr" "$P/$1-diff.json")
  python3 -c 'import json,sys; print(json.dumps({"label": sys.argv[1], "rate": sys.argv[2], "unit": sys.argv[3],
    "diff": json.loads(sys.argv[4]), "jfr": json.loads(sys.argv[5])}))' "$3" "$4" "$5" "$d" "$j" >> "$P/phases.jsonl"
  cp "$P/$1-c.json" "$P/next-a.json"
}

# One function, read whole before it runs: the script can be edited while a run is under way.
main() {
bench_prepare
monitor_sql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
"$BENCH_JAVA" -Xmx64m "$ROOT/bench/Receiver.java" "$RECEIVER_PORT" > "$OUT/receiver.log" 2>&1 &
RECEIVER_PID=$!
export WRK_TYPES=10 WRK_TYPE_PREFIX=order.t
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

bench_start_relay profile "$BENCH_PORT" --relay.console.password="$CONSOLE_PASSWORD"
PID=$(cat "$OUT/relay-profile.pid")
KEY=$(bench_tenant "$BENCH_PORT")
for i in $(seq 0 9); do bench_endpoint "$BENCH_PORT" "$KEY" "$R/ok/e-$i" "[\"order.t$i\"]"; done
consumers() { bench_consumers "$BENCH_PORT" "$CONSOLE_PASSWORD" "$1"; }

# Warm-up, not recorded: the JIT compiles the hot paths of ingest and delivery.
warmed=0
while [ "$warmed" -lt "$WARMUP_EVENTS" ]; do
  r=$(wrk_post "$BENCH_PORT" "$KEY" 16 10)
  warmed=$(( warmed + $(field "$r" requests) - $(field "$r" non2xx) ))
done
wait_received "$warmed" 600
sleep "$SETTLE_SECONDS"
snap next-a

ingest_rates=(); drain_rates=(); sustained_in=(); sustained_out=(); sustained_latency=()
for round in $(seq 1 "$ROUNDS"); do
  # Ingest alone.
  consumers stop
  cp "$P/next-a.json" "$P/ingest$round-a.json"
  jfr_start "ingest$round"
  r=$(wrk_post "$BENCH_PORT" "$KEY" 16 "$PHASE_SECONDS")
  accepted=$(( $(field "$r" requests) - $(field "$r" non2xx) ))
  rate=$(calc "round($accepted / $(field "$r" seconds))")
  ingest_rates+=("$rate")
  phase_end "ingest$round" "$accepted" "ingest #$round (closed loop, 16 connections)" "$rate events/s, p99 $(field "$r" p99_ms) ms" events

  # Drain of that backlog.
  backlog=$(undelivered)
  start_received=$(received)
  cp "$P/next-a.json" "$P/drain$round-a.json"
  jfr_start "drain$round"
  start=$(now)
  consumers start
  wait_received $(( start_received + backlog )) 600
  rate=$(calc "round($backlog / ($(now) - $start))")
  drain_rates+=("$rate")
  phase_end "drain$round" "$backlog" "drain #$round ($backlog deliveries)" "$rate deliveries/s" deliveries

  # Sustained: offered open-loop, delivery running; the phase ends when all are delivered.
  curl -fsS -X POST "$R/reset" >/dev/null
  cp "$P/next-a.json" "$P/sustained$round-a.json"
  jfr_start "sustained$round"
  r=$(wrk_post "$BENCH_PORT" "$KEY" 32 "$PHASE_SECONDS" "$SUSTAINED_RATE")
  out_during=$(received)
  accepted=$(( $(field "$r" requests) - $(field "$r" non2xx) ))
  wait_received "$accepted" 600
  seconds=$(field "$r" seconds)
  in_rate=$(calc "round($accepted / $seconds)"); out_rate=$(calc "round($out_during / $seconds)")
  latency=$(curl -fsS "$R/stats" | grep -o 'p50_ms=[0-9.]* p99_ms=[0-9.]*')
  sustained_in+=("$in_rate"); sustained_out+=("$out_rate"); sustained_latency+=("$latency")
  phase_end "sustained$round" "$accepted" "sustained #$round ($SUSTAINED_RATE/s offered)" \
    "$in_rate in, $out_rate out events/s; commit-to-receiver $latency" events
done
peak_rss=$(awk '/VmHWM/{print int($2 / 1024)}' "/proc/$PID/status")
bench_stop_relays

# The limits, in the same run, with the relay stopped (LIMITS=off: not measured, for two relays
# compared side by side, whose ratio to each other is what counts).
mq_in=0 mq_out=0 pg_tps=0 pg_lat=0
if [ "${LIMITS:-on}" != off ]; then
  read -r mq_in mq_out <<< "$(limit_rabbitmq)"
  read -r pg_tps pg_lat <<< "$(limit_postgres pgbench-ingest.sql)"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 -c 'import json,sys; print(json.dumps([json.loads(l) for l in open(sys.argv[1])]))' "$P/phases.jsonl" > "$P/phases.json"
ingest=$(median "${ingest_rates[@]}"); drain=$(median "${drain_rates[@]}")
s_in=$(median "${sustained_in[@]}"); s_out=$(median "${sustained_out[@]}")
summary="| rate (median of $ROUNDS) | value | ratio to the limit of this run |
|---|---|---|
| ingest, closed loop 16 connections | $ingest events/s | $(ratio "$ingest" "$pg_tps") of pgbench ($pg_tps tps, same rows, 16 clients, avg $pg_lat ms) |
| drain | $drain deliveries/s | $(ratio "$drain" "$mq_out") of PerfTest's consumed rate ($mq_out msg/s; published $mq_in msg/s) |
| sustained, $SUSTAINED_RATE/s offered | $s_in in, $s_out out events/s | $(ratio "$s_out" "$pg_tps") of pgbench, $(ratio "$s_out" "$mq_out") of PerfTest; commit-to-receiver ${sustained_latency[*]} |
| relay peak RSS | $peak_rss MB | JVM options: those of .ci/relay.jvm-options, then: ${BENCH_JAVA_OPTS:-nothing} |"
table="$summary

$(python3 "$ROOT/bench/profile.py" table "$P/phases.json")"
bench_print_and_record "Profile" "$(machine)" "bash bench/profile.sh" \
  "ROUNDS=$ROUNDS PHASE_SECONDS=$PHASE_SECONDS SUSTAINED_RATE=$SUSTAINED_RATE; load average $load_before before, $load_after after; per-event values are per delivery in the drain phases" \
  "$table" "${1:-}"
}
main "$@"; exit
