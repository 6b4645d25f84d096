#!/usr/bin/env bash
# Delivery benchmark (issue: delivery). Everything on this machine: relay, PostgreSQL, RabbitMQ, wrk
# and a Java receiver (bench/Receiver.java).
#  1. backlog drain: N events over 10 endpoints ingested with consumers paused, then drained: deliveries/s
#     (10 endpoints because one endpoint is capped at relay.delivery.max-in-flight-per-endpoint by design)
#  2. sustained end to end: ingest (wrk, closed loop) and delivery together: events/s both ways
#  3. end-to-end latency (commit to receiver) p50/p99 at ~200 events/s
#  4. isolation: 20 healthy endpoints plus one that never answers, healthy p99 vs run 3's p99 setup
# Prints a Markdown table; --record appends it to bench/RESULTS.md.
source "$(dirname "$0")/lib.sh"
BACKLOG="${BACKLOG:-20000}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-20}"
RECEIVER_PORT=18099
R="http://127.0.0.1:$RECEIVER_PORT"
trap 'bench_stop_relays; kill $RECEIVER_PID 2>/dev/null || true' EXIT

sql() { psql -h 127.0.0.1 -U relay -d "$BENCH_DB" -Atc "$1"; }
stats() { curl -fsS "$R/stats"; }
reset_receiver() { curl -fsS -X POST "$R/reset"; }
wait_delivered() { # wait_delivered COUNT TIMEOUT_S -> seconds taken
  local start=$(date +%s.%N)
  for _ in $(seq 1 $(( $2 * 5 ))); do
    [ "$(sql "SELECT count(*) FROM deliveries WHERE status = 'DELIVERED'")" -ge "$1" ] && break
    sleep 0.2
  done
  python3 -c "print(round($(date +%s.%N) - $start, 2))"
}

bench_prepare
java bench/Receiver.java $RECEIVER_PORT > "$OUT/receiver.log" 2>&1 &
RECEIVER_PID=$!
rows=()

# 1. Backlog drain.
bench_start_relay ingest "$BENCH_PORT" --relay.delivery.enabled=false
KEY=$(bench_tenant "$BENCH_PORT")
for i in $(seq 0 9); do bench_endpoint "$BENCH_PORT" "$KEY" "$R/ok/drain-$i" "[\"drain.t$i\"]"; done
python3 - "$BENCH_PORT" "$KEY" "$BACKLOG" <<'PY'
import sys, json, urllib.request, concurrent.futures
port, key, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def post(i):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/events", method="POST",
        data=json.dumps({"type": f"drain.t{i % 10}", "payload": {"i": i}}).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + key})
    urllib.request.urlopen(req).read()
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    list(pool.map(post, range(n)))
PY
sleep 3
bench_stop_relays
reset_receiver
start=$(date +%s.%N)
bench_start_relay drain "$BENCH_PORT"
taken=$(wait_delivered "$BACKLOG" 300)
total=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
rate=$(python3 -c "print(round($BACKLOG / $taken))")
rows+=("| drain a backlog of $BACKLOG deliveries (10 endpoints) | $rate deliveries/s | | $(stats | cut -d' ' -f2) received; ${total}s incl. relay start |")

# 2. Sustained end to end: closed-loop ingest with delivery running, events over 10 endpoints.
for i in $(seq 0 9); do bench_endpoint "$BENCH_PORT" "$KEY" "$R/ok/e2e-$i" "[\"order.t$i\"]"; done
export WRK_TYPES=10
before=$(sql "SELECT count(*) FROM deliveries WHERE status = 'DELIVERED'")
reset_receiver
r=$(wrk_post "$BENCH_PORT" "$KEY" 16 "$SECONDS_PER_RUN")
accepted=$(( $(field "$r" requests) - $(field "$r" non2xx) ))
in_rate=$(python3 -c "print(round($accepted / $(field "$r" seconds)))")
delivered_during=$(( $(sql "SELECT count(*) FROM deliveries WHERE status = 'DELIVERED'") - before ))
out_rate=$(python3 -c "print(round($delivered_during / $(field "$r" seconds)))")
wait_delivered $(( before + accepted )) 120 >/dev/null
rows+=("| sustained, ingest + delivery together (16 connections, 10 endpoints) | $in_rate events/s in, $out_rate deliveries/s out | $(stats | sed 's/received=[0-9]* distinct=[0-9]* //') | p50/p99 commit-to-receiver under full load |")

# 3. End-to-end latency at ~200 events/s.
reset_receiver
r=$(wrk_post "$BENCH_PORT" "$KEY" 4 "$SECONDS_PER_RUN" 19)
sleep 2
base=$(stats)
in_rate=$(python3 -c "print(round(($(field "$r" requests) - $(field "$r" non2xx)) / $(field "$r" seconds)))")
rows+=("| fixed rate ~200 events/s, 10 endpoints | $in_rate events/s | $(echo "$base" | sed 's/received=[0-9]* distinct=[0-9]* //') | commit-to-receiver |")

# 4. Isolation: 20 healthy endpoints (types t0..t19) and one that never answers (t20); events rotate.
iso_run() { # iso_run LABEL -> stats of the healthy receivers
  reset_receiver
  python3 - "$BENCH_PORT" "$KEY" "$SECONDS_PER_RUN" "$1" <<'PY'
import sys, json, time, urllib.request, concurrent.futures
port, key, seconds, with_hang = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "hang"
types = 21 if with_hang else 20
def post(i):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/events", method="POST",
        data=json.dumps({"type": f"iso{'h' if with_hang else 'b'}.t{i % types}", "payload": {"i": i}}).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + key})
    urllib.request.urlopen(req).read()
rate, start = 210, time.time()
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    for i in range(rate * seconds):
        target = start + i / rate
        delay = target - time.time()
        if delay > 0:
            time.sleep(delay)
        pool.submit(post, i)
PY
  sleep 3
  stats
}
for i in $(seq 0 19); do
  bench_endpoint "$BENCH_PORT" "$KEY" "$R/ok/iso-b$i" "[\"isob.t$i\"]"
  bench_endpoint "$BENCH_PORT" "$KEY" "$R/ok/iso-h$i" "[\"isoh.t$i\"]"
done
bench_endpoint "$BENCH_PORT" "$KEY" "$R/hang/iso" '["isoh.t20"]'
without=$(iso_run baseline)
with=$(iso_run hang)
p99_without=$(field "$without" p99_ms); p99_with=$(field "$with" p99_ms)
ratio=$(python3 -c "print(round($p99_with / max($p99_without, 0.001), 2))")
rows+=("| isolation: 20 healthy endpoints, 210 events/s | | $(echo "$without" | sed 's/received=[0-9]* distinct=[0-9]* //') | healthy endpoints, no hanging endpoint |")
rows+=("| isolation: same + 1 endpoint that never answers | | $(echo "$with" | sed 's/received=[0-9]* distinct=[0-9]* //') | healthy endpoints; p99 ratio with/without = $ratio |")

table=$(printf '%s\n' "| run | rate | latency | notes |" "|---|---|---|---|" "${rows[@]}")
echo "$table"
if [ "${1:-}" = "--record" ]; then
  { echo; echo "## Delivery, $(date -u +%Y-%m-%d)"; echo; echo "Machine: $(machine). Command: \`bash bench/delivery.sh\`";
    echo "(relay, PostgreSQL, RabbitMQ, wrk and the receiver on the same machine)"; echo; echo "$table"; } >> "$ROOT/bench/RESULTS.md"
fi
