#!/usr/bin/env bash
# Hostile receivers benchmark (issue: hostile input). One relay, a Java receiver (bench/Receiver.java)
# for a tenant's 20 healthy endpoints, and another tenant's endpoints at one always-hostile receiver per behaviour of the test suite's
# HostileReceiver (1 GiB body at full speed, gzip bomb, a byte every 300 ms in the body and in the
# headers, 10,000 headers, NUL and invalid UTF-8). Events rotate over the endpoints' types at
# RATE events/s; the healthy endpoints' commit-to-receiver latency is measured without and with the
# hostile endpoints taking their share, and the relay's peak RSS (VmHWM) is read from /proc.
# Prints a Markdown table; --record appends it to bench/RESULTS.md.
source "$(dirname "$0")/lib.sh"
RATE="${RATE:-210}"
# Events/s the hostile tenant posts over all 26 types: 6/26 of them reach its hostile endpoints.
HOSTILE_RATE="${HOSTILE_RATE:-60}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-30}"
RECEIVER_PORT=18099
HOSTILE_PORT=18120
R="http://127.0.0.1:$RECEIVER_PORT"
trap 'bench_stop_relays; kill $RECEIVER_PID $HOSTILE_PID 2>/dev/null || true' EXIT

stats() { curl -fsS "$R/stats"; }
latency() { stats | sed 's/received=[0-9]* distinct=[0-9]* //; s/ refused=[0-9]*//'; }
field() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }
relay_rss_peak_mb() { awk '/VmHWM/{print int($2/1024)}' "/proc/$(pgrep -f "server.port=$BENCH_PORT" | head -1)/status"; }

bench_prepare
java "$ROOT/bench/Receiver.java" "$RECEIVER_PORT" > "$OUT/receiver.log" 2>&1 &
RECEIVER_PID=$!
java -cp "$ROOT/target/test-classes" dev.webhookrelay.support.HostileReceiver "$HOSTILE_PORT" > "$OUT/hostile.log" 2>&1 &
HOSTILE_PID=$!
bench_start_relay hostile "$BENCH_PORT"
KEY=$(bench_tenant "$BENCH_PORT")
sleep 1
mapfile -t HOSTILE < <(cut -d' ' -f1 "$OUT/hostile.log")
[ "${#HOSTILE[@]}" -eq 6 ] || { echo "hostile receivers did not start: $OUT/hostile.log" >&2; exit 1; }

# Healthy endpoints take types t0..t19 in both runs; the hostile ones t20..t25 in the second.
for i in $(seq 0 19); do
  bench_endpoint "$BENCH_PORT" "$KEY" "$R/ok/calm-$i" "[\"calm.t$i\"]"
  bench_endpoint "$BENCH_PORT" "$KEY" "$R/ok/mixed-$i" "[\"mixed.t$i\"]"
done
# The hostile endpoints belong to a tenant of their own: a tenant's own slow endpoints share its
# in-flight cap (relay.quotas.max-in-flight-per-tenant) with its healthy ones by design.
HOSTILE_KEY=$(bench_tenant "$BENCH_PORT")
for i in "${!HOSTILE[@]}"; do
  bench_endpoint "$BENCH_PORT" "$HOSTILE_KEY" "${HOSTILE[$i]}" "[\"mixed.t$((20 + i))\"]"
done
run() { # run TYPE_PREFIX [HOSTILE_RATE] -> latency of the healthy endpoints; the hostile tenant posts alongside
  curl -fsS -X POST "$R/reset"
  if [ -n "${2:-}" ]; then
    WRK_TYPE_PREFIX=mixed.t WRK_TYPES=26 wrk_post "$BENCH_PORT" "$HOSTILE_KEY" 4 "$SECONDS_PER_RUN" "$2" >/dev/null &
  fi
  WRK_TYPE_PREFIX=$1 WRK_TYPES=20 wrk_post "$BENCH_PORT" "$KEY" 8 "$SECONDS_PER_RUN" "$RATE" >/dev/null
  wait
  sleep 3
  latency
}
without=$(run calm.t)
with=$(run mixed.t "$HOSTILE_RATE")
ratio=$(calc "round($(field "$with" p99_ms) / max($(field "$without" p99_ms), 0.001), 2)")
rows=("| 20 healthy endpoints, $RATE events/s | $without | no hostile endpoint |"
      "| same + another tenant's 6 hostile endpoints ($HOSTILE_RATE events/s over 26 types) | $with | healthy endpoints' p99 ratio with/without = $ratio; relay peak RSS $(relay_rss_peak_mb) MB (heap -Xmx1g) |")
table=$(printf '%s\n' "| run | healthy endpoints' latency | notes |" "|---|---|---|" "${rows[@]}")
bench_print_and_record "Hostile receivers" "$(machine)" "bash bench/hostile.sh" \
  "relay, PostgreSQL, RabbitMQ, wrk and the receivers on the same machine" "$table" "${1:-}"
