# The infrastructure's own limits, measured in the same run as the relay's rates (sourced by the
# benchmarks after lib.sh; `bash bench/limits.sh` alone prints both). On a shared 2-core machine an
# absolute rate says little: each benchmark prints its rates also as a ratio of these.
#  - RabbitMQ: PerfTest (com.rabbitmq:perf-test from Maven Central, bench/perftest/pom.xml) on a quorum
#    queue in a vhost of its own, with the relay's message (a 36-byte body, the delivery id, and its
#    headers), publisher confirms and a manual ack per message.
#  - PostgreSQL: pgbench running the relay's ingest transaction (bench/pgbench-ingest*.sql) in the
#    benchmark's database, 16 clients.
[ -n "${ROOT:-}" ] || source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LIMIT_SECONDS="${LIMIT_SECONDS:-15}"
PERFTEST_VHOST="${PERFTEST_VHOST:-$BENCH_VHOST-perftest}"

PERFTEST_LIB="$ROOT/bench/out/perftest"

perftest_install() {
  ls "$PERFTEST_LIB"/perf-test-*.jar >/dev/null 2>&1 \
    || mvn -B -ntp -q -f "$ROOT/bench/perftest/pom.xml" dependency:copy-dependencies >&2
}

PERFTEST_API=http://127.0.0.1:15672/api

# perftest_vhost: PERFTEST_VHOST, empty; perftest_vhost_drop removes it.
perftest_vhost() {
  perftest_vhost_drop
  curl -fsS -u guest:guest -X PUT "$PERFTEST_API/vhosts/$PERFTEST_VHOST" >/dev/null
  curl -fsS -u guest:guest -X PUT -H 'Content-Type: application/json' -d '{"configure":".*","write":".*","read":".*"}' \
    "$PERFTEST_API/permissions/$PERFTEST_VHOST/guest" >/dev/null
}
perftest_vhost_drop() { curl -sS -u guest:guest -X DELETE "$PERFTEST_API/vhosts/$PERFTEST_VHOST" >/dev/null; }

# perftest QUEUE ARGS...: PerfTest in PERFTEST_VHOST on the quorum queue QUEUE, with the relay's message
# (what ConfirmedPublisher sends for a new delivery: the id as body, these headers, text/plain,
# persistent). Call it in a subshell, $(...) or (...): it becomes PerfTest's JVM, which a kill then reaches.
perftest() {
  local props uuid
  uuid() { cat /proc/sys/kernel/random/uuid; }
  props="relay-delivery-id=$(uuid),relay-endpoint-id=$(uuid),relay-tenant-id=$(uuid),relay-attempt=1"
  props+=",spring_returned_message_correlation=$(uuid),content_type=text/plain,content_encoding=UTF-8"
  exec "$BENCH_JAVA" -Xmx256m -cp "$PERFTEST_LIB/*" com.rabbitmq.perf.PerfTest \
    -h "amqp://guest:guest@127.0.0.1:5672/$PERFTEST_VHOST" --quorum-queue -u "$1" \
    -s 36 -f persistent -mp "$props" "${@:2}"
}

# limit_rabbitmq -> "published_per_s consumed_per_s" (averages over LIMIT_SECONDS). PERFTEST_ARGS
# replaces the shape (default: 2 producers with up to 64 unconfirmed publishes each, 2 consumers with
# prefetch 64 acking every message).
limit_rabbitmq() {
  perftest_install
  local out
  perftest_vhost
  out=$(perftest perftest-quorum -z "$LIMIT_SECONDS" ${PERFTEST_ARGS:--x 2 -y 2 -c 64 -q 64} 2>&1)
  perftest_vhost_drop
  echo "$(echo "$out" | awk '/sending rate avg/{print $(NF-1)}') $(echo "$out" | awk '/receiving rate avg/{print $(NF-1)}')"
}

# limit_postgres FILE -> "tps avg_latency_ms": the transaction in bench/FILE, 16 clients. Its rows go
# to the benchmark's database (it reads a tenant and endpoints there, so run it after they exist).
limit_postgres() {
  local pg
  pg=$(pgbench -n -h 127.0.0.1 -U relay -c 16 -j 2 -T "$LIMIT_SECONDS" -f "$ROOT/bench/$1" "$BENCH_DB" 2>/dev/null)
  echo "$(echo "$pg" | awk '/^tps/{print int($3)}') $(echo "$pg" | awk '/latency average/{print $4}')"
}

# calc_product A B -> A*B, rounded
calc_product() { python3 -c "import sys; print(round(float(sys.argv[1]) * float(sys.argv[2])))" "$1" "$2"; }

# ratio RATE LIMIT -> RATE/LIMIT with two decimals
ratio() { python3 -c "import sys; r, l = float(sys.argv[1]), float(sys.argv[2]); print(f'{r / l:.2f}' if l else 'n/a')" "$1" "$2"; }

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  read -r mq_in mq_out <<< "$(limit_rabbitmq)"
  echo "RabbitMQ (PerfTest, quorum queue, confirms, acks, relay-sized messages): $mq_in msg/s published, $mq_out msg/s consumed"
  if psql -h 127.0.0.1 -U relay -d "$BENCH_DB" -Atc "SELECT 1 FROM endpoints LIMIT 1" 2>/dev/null | grep -q 1; then
    read -r pg_tps pg_lat <<< "$(limit_postgres pgbench-ingest.sql)"
    echo "PostgreSQL (pgbench, the ingest transaction, 16 clients): $pg_tps tps, avg $pg_lat ms"
  else
    echo "PostgreSQL: no endpoint in $BENCH_DB yet (run a benchmark first): pgbench skipped"
  fi
fi
