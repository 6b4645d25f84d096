#!/usr/bin/env bash
# Broker node loss under load, for minutes (RelaysRideOutBrokerNodeLossIT is the suite's short
# version): two relays on a 3-node RabbitMQ cluster (.ci/rabbit-cluster, quorum queues on all three
# nodes, spring.rabbitmq.addresses listing them), CLUSTER_RATE events/s offered for CLUSTER_SECONDS
# with wrk. A fifth of the deliveries go to flaky endpoints (bench/Receiver.java /flaky/N): 3 in 20
# fail once and wait in a wait queue, 1 in 20 fail four times and are dead-lettered, then replayed
# through the API. Every CLUSTER_KILL_EVERY seconds one node is killed with SIGKILL (the one with the
# most relay connections, never the last one killed) and restarted CLUSTER_DOWN seconds later. Then: every committed event delivered, duplicates at the
# receiver, reconnections, publishes the broker refused. Needs PostgreSQL running (bash .ci/services)
# and wrk. Prints a Markdown table; --record appends it to bench/RESULTS.md.
BENCH_DB="${BENCH_DB:-relay_bench_cluster}"
BENCH_VHOST="${BENCH_VHOST:-relay-bench-cluster}"
source "$(dirname "$0")/lib.sh"
CLUSTER_RATE="${CLUSTER_RATE:-100}"
CLUSTER_SECONDS="${CLUSTER_SECONDS:-180}"
CLUSTER_KILL_EVERY="${CLUSTER_KILL_EVERY:-45}"
CLUSTER_DOWN="${CLUSTER_DOWN:-15}"
CLUSTER_DIR="$OUT/rabbit-cluster"
export RABBIT_CLUSTER_NAME=bench-c RABBIT_CLUSTER_PORT_BASE=5731
RECEIVER_PORT=18398
R="http://127.0.0.1:$RECEIVER_PORT"
PORT_A=18381
PORT_B=18382
trap 'bench_stop_relays; kill $RECEIVER_PID $WRK_PIDS 2>/dev/null || true; bash "$ROOT/.ci/rabbit-cluster" stop "$CLUSTER_DIR"' EXIT

# Whole seconds: the script's arithmetic is bash's, in integers (lib.sh's now has nanoseconds).
epoch() { date +%s; }
management() { curl -fsS -u guest:guest -H 'Content-Type: application/json' "$@"; }
api() { echo "http://127.0.0.1:$((RABBIT_CLUSTER_PORT_BASE + 10000 + $1 - 1))/api"; }
# The relays' connections, as a running node of the cluster lists them.
relay_connections() {
  management "$(api "$1")/connections" | python3 -c "
import json, sys
print(sum(1 for c in json.load(sys.stdin) if c['vhost'] == '$BENCH_VHOST'))"
}
# The node (1-3) with the most relay connections, the last one killed aside: each kill cuts relays off.
busiest_node() {
  local asked=$(( $1 % 3 + 1 ))
  management "$(api "$asked")/connections" | python3 -c "
import json, sys
counts = {n: 0 for n in (1, 2, 3) if n != $1}
for c in json.load(sys.stdin):
    n = int(c['node'].split('@')[0][-1])
    if c['vhost'] == '$BENCH_VHOST' and n in counts:
        counts[n] += 1
print(max(sorted(counts), key=lambda n: counts[n]))"
}
pending() { sql "SELECT count(*) FROM deliveries WHERE status NOT IN ('DELIVERED', 'DEAD_LETTERED')"; }
await_sql_zero() {
  local query=$1 what=$2
  for _ in $(seq 1 600); do [ "$(sql "$query")" = 0 ] && return; sleep 1; done
  echo "$what: not done after 10 minutes" >&2; exit 1
}

pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL is not running: bash .ci/services" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
bench_jar
bench_database
bash "$ROOT/.ci/rabbit-cluster" stop "$CLUSTER_DIR"
rm -rf "$CLUSTER_DIR"
bash "$ROOT/.ci/rabbit-cluster" start "$CLUSTER_DIR" >/dev/null
ADDRESSES=$(bash "$ROOT/.ci/rabbit-cluster" addresses "$CLUSTER_DIR")
management -X PUT "$(api 1)/vhosts/$BENCH_VHOST" >/dev/null
management -X PUT -d '{"configure":".*","write":".*","read":".*"}' "$(api 1)/permissions/$BENCH_VHOST/guest" >/dev/null

"$BENCH_JAVA" -Xmx256m "$ROOT/bench/Receiver.java" "$RECEIVER_PORT" > "$OUT/receiver.log" 2>&1 &
RECEIVER_PID=$!
# A short reconcile grace: RabbitMQ 3.10 can strand dead-lettered messages after a node loss (see the
# README's "A RabbitMQ cluster"); the reconciler republishes those deliveries, counted below.
relay_args=(--spring.rabbitmq.addresses="$ADDRESSES" --relay.rabbitmq.quorum-initial-group-size=3
  --relay.delivery.retry-schedule=1s,2s,4s --relay.outbox.min-age=2s
  --relay.reconcile.grace=30s --relay.reconcile.interval=10s)
bench_start_relay cluster-a "$PORT_A" "${relay_args[@]}"
bench_start_relay cluster-b "$PORT_B" "${relay_args[@]}"
KEY=$(bench_tenant "$PORT_A")
endpoint() {
  curl -fsS -X POST "http://127.0.0.1:$PORT_A/v1/endpoints" -H "Authorization: Bearer $KEY" \
    -H 'Content-Type: application/json' -d "{\"url\":\"$R$1\",\"eventTypes\":$2}" \
    | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])'
}
# wrk spreads events over order.t0 .. order.t19.
DOOMED_ID=$(endpoint /flaky/4/doomed '["order.t0"]')
endpoint /flaky/1/once '["order.t1","order.t2","order.t3"]' >/dev/null
endpoint /ok/steady "[$(seq 4 19 | sed 's/.*/"order.t&"/' | paste -sd,)]" >/dev/null

# Half the load on each relay.
WRK_PIDS=""
for port in $PORT_A $PORT_B; do
  RELAY_API_KEY=$KEY WRK_RATE=$((CLUSTER_RATE / 2)) WRK_THREADS=2 WRK_TYPES=20 WRK_KEY_PREFIX="bench-$port" wrk -t2 -c8 -d"${CLUSTER_SECONDS}s" \
    -s "$ROOT/bench/post-event.lua" "http://127.0.0.1:$port" > "$OUT/wrk-$port.log" 2>&1 &
  WRK_PIDS="$WRK_PIDS $!"
done
load_start=$(epoch)
load_end=$((load_start + CLUSTER_SECONDS))
kills=()
node=0
while [ $(( $(epoch) + CLUSTER_KILL_EVERY )) -le "$load_end" ]; do
  sleep $((CLUSTER_KILL_EVERY - CLUSTER_DOWN))
  node=$(busiest_node "$node")
  before=$(relay_connections "$node")
  killed_at=$(epoch)
  bash "$ROOT/.ci/rabbit-cluster" kill "$node" "$CLUSTER_DIR" 2>/dev/null
  asked=$(( node % 3 + 1 ))
  reconnected=""
  for _ in $(seq 1 $((CLUSTER_DOWN * 10))); do
    if [ -z "$reconnected" ] && [ "$(relay_connections "$asked")" -ge "$before" ]; then reconnected=$(( $(epoch) - killed_at )); fi
    [ $(( $(epoch) - killed_at )) -ge "$CLUSTER_DOWN" ] && break
    sleep 0.1
  done
  restart_at=$(epoch)
  bash "$ROOT/.ci/rabbit-cluster" restart "$node" "$CLUSTER_DIR" 2>/dev/null
  kills+=("c$node at $((killed_at - load_start)) s (relays connected again after ${reconnected:->$CLUSTER_DOWN} s, back with its replicas $(( $(epoch) - restart_at )) s after its restart)")
done
# shellcheck disable=SC2086
wait $WRK_PIDS
WRK_PIDS=""
drain_start=$(epoch)
await_sql_zero "SELECT count(*) FROM deliveries WHERE status NOT IN ('DELIVERED', 'DEAD_LETTERED')" "deliveries settling"
dead=$(sql "SELECT count(*) FROM deliveries WHERE status = 'DEAD_LETTERED'")
replayed=$(curl -fsS -X POST "http://127.0.0.1:$PORT_B/v1/dlq/replay" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' -d "{\"endpointId\":\"$DOOMED_ID\"}" | python3 -c 'import json,sys;print(json.load(sys.stdin)["count"])')
await_sql_zero "SELECT count(*) FROM deliveries WHERE status <> 'DELIVERED'" "the replay"
drained=$(( $(epoch) - drain_start ))

events=$(sql "SELECT count(*) FROM events")
delivered=$(sql "SELECT count(*) FROM deliveries WHERE status = 'DELIVERED'")
reconciled=$(sql "SELECT count(*) FROM deliveries WHERE reconciled_at IS NOT NULL")
stats=$(curl -fsS "$R/stats")
requests=0; non2xx=0
for port in $PORT_A $PORT_B; do
  r=$(grep '^RESULT' "$OUT/wrk-$port.log")
  requests=$((requests + $(field "$r" requests))); non2xx=$((non2xx + $(field "$r" non2xx)))
done
connections() { grep -c "Created new connection" "$OUT/relay-$1.log" || true; }
refusals() { grep -c "$2" "$OUT/relay-$1.log" || true; }
table="| measure | result |
|---|---|
| load | $CLUSTER_RATE events/s offered for $CLUSTER_SECONDS s, half to each relay; 4 in 20 deliveries to flaky endpoints |
| node kills (SIGKILL) | $(printf '%s\n' "${kills[@]}" | paste -sd';' | sed 's/;/; /g') |
| events committed | $events ($requests posts answered, $non2xx of them not 2xx) |
| delivered | $delivered of $events deliveries ($(field "$stats" distinct) distinct webhook-ids at the receiver) |
| duplicates at the receiver | $(( $(field "$stats" received) - $(field "$stats" distinct) )) |
| flaky answers (503) | $(field "$stats" refused), retried through wait queues; $dead dead-lettered, $replayed replayed through the API |
| publishes not confirmed (refused or lost with a node) | relay a $(refusals cluster-a 'not confirmed by the broker'), relay b $(refusals cluster-b 'not confirmed by the broker'); of them refused (nack): $(refusals cluster-a 'refused the message') and $(refusals cluster-b 'refused the message'); each republished by the outbox sweeper or retried by its consumer |
| reconnections | relay a $(( $(connections cluster-a) - 1 )), relay b $(( $(connections cluster-b) - 1 )); relays restarted: none |
| republished by the reconciler (stranded by the broker) | $reconciled |
| drain and replay after the load | $drained s |"
bench_print_and_record "Broker node loss (bench/cluster.sh)" "$(machine)" "bash bench/cluster.sh $*" \
  "a 3-node RabbitMQ cluster, both relays, PostgreSQL, wrk and the receiver on the same machine" "$table" "${1:-}"
