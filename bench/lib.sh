# Shared by the benchmark scripts: a relay of its own (database relay_bench, vhost relay-bench; set
# BENCH_DB, BENCH_VHOST and BENCH_PORT to run beside another benchmark on a shared machine). BENCH_JAR
# runs another build of the relay (default: this tree's, built when stale), and RELAY_ROUTES_DIR
# other route files: two relays side by side compare two versions under the same load (each with its
# own BENCH_OUT for logs and results).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DB="${BENCH_DB:-relay_bench}"
BENCH_VHOST="${BENCH_VHOST:-relay-bench}"
BENCH_PORT="${BENCH_PORT:-18080}"
ADMIN_TOKEN=bench-admin-token
OUT="${BENCH_OUT:-$ROOT/bench/out}"
BENCH_JAR="${BENCH_JAR:-$ROOT/target/webhook-relay-0.1.0-SNAPSHOT.jar}"
mkdir -p "$OUT"

bench_prepare() {
  bash "$ROOT/.ci/services" >/dev/null
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  bench_jar
  bench_database
  local api=http://127.0.0.1:15672/api
  curl -sS -u guest:guest -X DELETE "$api/vhosts/$BENCH_VHOST" >/dev/null
  curl -fsS -u guest:guest -X PUT "$api/vhosts/$BENCH_VHOST" >/dev/null
  curl -fsS -u guest:guest -X PUT -H 'Content-Type: application/json' -d '{"configure":".*","write":".*","read":".*"}' \
    "$api/permissions/$BENCH_VHOST/guest" >/dev/null
}

# This tree's jar, rebuilt when a source is newer than it (unless BENCH_JAR names another build).
bench_jar() {
  local jar="$ROOT/target/webhook-relay-0.1.0-SNAPSHOT.jar"
  if [ "$BENCH_JAR" = "$jar" ] && { [ ! -f "$jar" ] || [ -n "$(find "$ROOT/src" "$ROOT/pom.xml" -newer "$jar" -print -quit)" ]; }; then
    (cd "$ROOT" && mvn -B -ntp -q -DskipTests package)
  fi
}

# psql on BENCH_DB, stopping at the first error.
db() { psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -U relay -d "$BENCH_DB" "$@"; }
# Arithmetic in Python: calc "round(1.0 / 3, 3)".
calc() { python3 -c "print($1)"; }
# One value from BENCH_DB, unaligned: sql "SELECT count(*) FROM deliveries".
sql() { psql -h 127.0.0.1 -U relay -d "$BENCH_DB" -Atc "$1"; }
# Wall-clock seconds with nanoseconds, for rates: calc "$n / ($(now) - $start)".
now() { date +%s.%N; }

# An empty database BENCH_DB.
bench_database() {
  psql -q -h 127.0.0.1 -U relay -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" -c "CREATE DATABASE $BENCH_DB" >/dev/null
}

# The relay runs as .ci/relay runs it: on the newest JDK installed, 17 or later (.ci/java; BENCH_JAVA
# names another), with .ci/relay.jvm-options (BENCH_JVM_OPTIONS replaces them, e.g. to run an older
# build as it ran), then BENCH_JAVA_OPTS, and glibc's malloc arenas capped.
BENCH_JAVA="${BENCH_JAVA:-$(RELAY_JAVA="" bash "$ROOT/.ci/java")}"
BENCH_JVM_OPTIONS="${BENCH_JVM_OPTIONS:-@$ROOT/.ci/relay.jvm-options}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

# bench_start_relay NAME PORT [extra spring args...]
# The benchmarks measure one tenant against the relay's capacity: the tenant quotas are lifted.
bench_start_relay() {
  local name=$1 port=$2; shift 2
  # A fixed key of the benchmarks' own, so a relay restarted on the same database opens what it sealed.
  (cd "$ROOT" && RELAY_SECRETS_MASTER_KEY="${RELAY_SECRETS_MASTER_KEY:-YmVuY2htYXJrIG1hc3RlciBrZXksIG5vdCBzZWNyZXQ=}" exec "$BENCH_JAVA" $BENCH_JVM_OPTIONS $BENCH_JAVA_OPTS -jar "$BENCH_JAR" \
    --server.port="$port" \
    --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$BENCH_DB" \
    --spring.rabbitmq.virtual-host="$BENCH_VHOST" \
    --relay.admin-token="$ADMIN_TOKEN" \
    --relay.delivery.allowed-networks=127.0.0.1/32 \
    --logging.level.dev.webhookrelay=WARN \
    --relay.quotas.ingest-rate-per-second=1000000 --relay.quotas.ingest-burst=1000000 \
    --relay.quotas.max-in-flight-per-tenant=1000 \
    "$@" > "$OUT/relay-$name.log" 2>&1) &
  echo $! > "$OUT/relay-$name.pid"
  # A loaded shared machine can take minutes to start a JVM: BENCH_START_SECONDS (default 60) bounds it.
  for _ in $(seq 1 $((2 * ${BENCH_START_SECONDS:-60}))); do
    curl -fsS "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1 && return
    sleep 0.5
  done
  echo "relay $name did not start; see $OUT/relay-$name.log" >&2; exit 1
}

bench_stop_relays() {
  for pid in "$OUT"/relay-*.pid; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
    rm -f "$pid"
  done
  sleep 2
}

# bench_tenant PORT -> api key
bench_tenant() {
  curl -fsS -X POST "http://127.0.0.1:$1/v1/admin/tenants" -H "Authorization: Bearer $ADMIN_TOKEN" \
    -H 'Content-Type: application/json' -d '{"name":"bench"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["apiKey"])'
}

# bench_endpoint PORT KEY URL [eventTypesJson] [filterJsonString]
bench_endpoint() {
  curl -fsS -X POST "http://127.0.0.1:$1/v1/endpoints" -H "Authorization: Bearer $2" \
    -H 'Content-Type: application/json' -d "{\"url\":\"$3\",\"eventTypes\":${4:-[]},\"filter\":${5:-null}}" >/dev/null
}

# wrk_post PORT KEY CONNECTIONS SECONDS [RATE] -> "RESULT ..." line. RATE: events/s paced open-loop
# (default: closed loop). WRK_TYPES and WRK_TYPE_PREFIX pass through (bench/post-event.lua).
wrk_post() {
  RELAY_API_KEY=$2 WRK_RATE=${5:-0} WRK_THREADS=2 wrk -t2 -c"$3" -d"$4"s -s "$ROOT/bench/post-event.lua" \
    "http://127.0.0.1:$1" | grep '^RESULT'
}

field() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }

# bench_consumers PORT CONSOLE_PASSWORD start|stop: the consume-work-queue route, over Jolokia, as an
# operator would in Hawtio.
bench_consumers() {
  curl -fsS -u "admin:$2" \
    "http://127.0.0.1:$1/actuator/jolokia/exec/org.apache.camel:context=webhook-relay,type=routes,name=%22consume-work-queue%22/$3()" \
    | grep -q '"status":200' || { echo "could not $3 the consumers" >&2; exit 1; }
}

# bench_day_addressed DAY_SUFFIX < SCRIPT: the script with its {day} marks filled in as the relay's
# HistoryDays fills them: _pYYYYMMDD names that day's partitions, an empty suffix the parents.
bench_day_addressed() { sed "s/{day}/$1/g"; }
# The suffix of today's partitions (UTC) by PostgreSQL's clock, which dates the rows: _pYYYYMMDD.
bench_today_suffix() {
  psql -qtAX -h 127.0.0.1 -U relay -d "$BENCH_DB" -c "SELECT to_char(now() AT TIME ZONE 'UTC', '\"_p\"YYYYMMDD')"
}

machine() { echo "$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), relay on $("$BENCH_JAVA" -version 2>&1 | head -1)"; }

# bench_print_and_record TITLE MACHINE COMMAND NOTE TABLE [--record]: prints the table; with --record
# also appends it to bench/RESULTS.md under a dated heading with the machine, command and commit.
bench_print_and_record() {
  echo "$5"
  [ "${6:-}" = "--record" ] || return 0
  { echo; echo "## $1, $(date -u '+%Y-%m-%d %H:%M UTC') (commit $(git -C "$ROOT" rev-parse --short HEAD))"; echo;
    echo "Machine: $2. Command: \`$3\`"; echo "($4)"; echo; echo "$5"; } >> "$ROOT/bench/RESULTS.md"
}
