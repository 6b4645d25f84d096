#!/usr/bin/env bash
# The infrastructure's floor (issue 16): the CPU that PostgreSQL and RabbitMQ themselves spend on one
# event when they are made to do exactly the relay's work for it, with no relay. Their sum per event,
# against the machine's cores, is the ceiling of any relay built on these two servers and this design
# (the event and its delivery committed before the answer, a claim and a record per attempt, one
# confirmed work message per delivery, consumed with prefetch 1), even one that cost no CPU of its own,
# with no receiver and no load generator on the same cores.
#  - PostgreSQL, by pgbench (16 clients): EVENTS ingest transactions (bench/pgbench-ingest.sql: the
#    idempotency key, the 1.1 KB event, its delivery; one commit), then every delivery claimed and
#    recorded as delivered, each its own commit as in the relay (bench/claim/claim.sql and record.sql,
#    committed, on today's partitions as the relay names them; the delivery to claim is read from a
#    numbered list, a primary-key lookup the relay does not make). PARENTS=1 names the partitioned
#    parents instead, as the relay did before HistoryDays.
#  - RabbitMQ, by PerfTest on a quorum queue declared as relay.work is, with the relay's message (as bench/limits.sh): EVENTS
#    publishes by 16 producers that each wait for their confirm, as the ingest does, then 32 consumers
#    with prefetch 1 that ack each message, until the queue is empty.
# The servers' CPU comes from /proc (bench/profile.py servers), so nothing else should run meanwhile.
# Prints a Markdown table; --record appends it to bench/RESULTS.md.
source "$(dirname "$0")/lib.sh"
source "$ROOT/bench/limits.sh"
EVENTS="${EVENTS:-20000}"
# PostgreSQL's plan cache mode for pgbench's sessions: auto (its default, the relay's) or another to compare.
PLAN_CACHE_MODE="${PLAN_CACHE_MODE:-auto}"
HISTORY_DAYS="${HISTORY_DAYS:-30}"
# PerfTest's queue is declared as the relay declares relay.work (RabbitTopology); QUEUE_ARGS= (empty)
# measures a plain quorum queue instead.
# CONSUME_RATE (msg/s, all consumers together) paces PerfTest's consumers as a relay's drain would be
# paced (default: as fast as they go). The broker's CPU per message grows as its rate falls: fewer
# messages share each of the quorum queue's log writes.
CONSUME_RATE="${CONSUME_RATE:-}"
# CLAIM_RATE (transactions/s, all clients together) paces pgbench's claims and records the same way
# (default: as fast as they go). PostgreSQL's CPU per commit grows as its rate falls too: fewer
# commits share each WAL flush, and idle backends wake for each statement.
CLAIM_RATE="${CLAIM_RATE:-}"
QUEUE_ARGS="${QUEUE_ARGS-x-dead-letter-exchange=relay.dead-letter-exchange,x-dead-letter-routing-key=dead-letter,x-dead-letter-strategy=at-least-once,x-delivery-limit=20,x-overflow=reject-publish}"
QUEUE=floor-quorum
trap 'bench_stop_relays; [ -z "${PERFTEST_PID:-}" ] || kill "$PERFTEST_PID" 2>/dev/null || true' EXIT

servers() { python3 "$ROOT/bench/profile.py" servers; }

# measure NAME COMMAND...: runs the command, then keeps "seconds beam_ms postgres_ms" of it in M_NAME.
declare -A M
measure() {
  local name=$1 start before after; shift
  before=$(servers); start=$(now)
  "$@"
  after=$(servers)
  read -r b0 p0 <<< "$before"; read -r b1 p1 <<< "$after"
  M[$name]="$(calc "$(now) - $start") $((b1 - b0)) $((p1 - p0))"
}

bench_prepare
bench_start_relay floor "$BENCH_PORT"
KEY=$(bench_tenant "$BENCH_PORT")
bench_endpoint "$BENCH_PORT" "$KEY" http://127.0.0.1:9/
bench_stop_relays
ENDPOINT=$(db -tAc "SELECT id FROM endpoints LIMIT 1")
# The history's shape in production: a partition per day of relay.retention.max-age (30 days) before
# today, beside the relay's own (today and the days ahead). A statement planned for the whole
# partitioned table locks every partition it may touch.
db -tAc "SELECT count(relay_create_history_partitions((now() AT TIME ZONE 'UTC')::date - g)) FROM generate_series(1, $HISTORY_DAYS) g" >/dev/null
PARTITIONS=$(db -tAc "SELECT count(*) FROM pg_inherits WHERE inhparent = 'deliveries'::regclass")

SCRIPTS="$OUT/floor-scripts" && mkdir -p "$SCRIPTS"
pgbench_run() { # pgbench_run SCRIPT [PGBENCH OPTION...]: EVENTS transactions over 16 clients
  local script=$1; shift
  PGOPTIONS="-c plan_cache_mode=$PLAN_CACHE_MODE" pgbench -n -h 127.0.0.1 -U relay -M prepared -c 16 -j 2 -t $((EVENTS / 16)) -D endpoint="$ENDPOINT" -f "$script" "$@" \
    "$BENCH_DB" > "$OUT/floor-pgbench.log" 2>&1 || { cat "$OUT/floor-pgbench.log" >&2; exit 1; }
}
measure pg_ingest pgbench_run "$ROOT/bench/pgbench-ingest.sql"
DAY=$(db -tAc "SELECT min(to_char(created_at AT TIME ZONE 'UTC', '\"_p\"YYYYMMDD')) FROM deliveries HAVING count(DISTINCT (created_at AT TIME ZONE 'UTC')::date) = 1")
[ -n "$DAY" ] || { echo "the ingest crossed midnight (UTC): its deliveries are in two days' partitions; run again" >&2; exit 1; }
{ echo "SELECT did, ts FROM floor_queue WHERE n = (SELECT nextval('floor_seq')) \\gset"
  # The claim, then the record, each committed on its own: without their random pick and rollback.
  sed -e '/^\\set n/d' -e '/claim_ids/d' -e '/^BEGIN;/d' -e '/^ROLLBACK;/d' "$ROOT"/bench/claim/{claim,record}.sql
} | bench_day_addressed "$([ "${PARENTS:-0}" != 0 ] || echo "$DAY")" > "$SCRIPTS/drain.sql"
db -c "CREATE TABLE floor_queue AS SELECT row_number() OVER (ORDER BY created_at) AS n, id AS did, created_at AS ts FROM deliveries;
       CREATE UNIQUE INDEX ON floor_queue (n); CREATE SEQUENCE floor_seq; ANALYZE floor_queue" >/dev/null
measure pg_drain pgbench_run "$SCRIPTS/drain.sql" ${CLAIM_RATE:+-R "$CLAIM_RATE"}
CLAIMED=$(db -tAc "SELECT count(*) FROM deliveries WHERE status = 'DELIVERED'")
[ "$CLAIMED" -eq "$((EVENTS / 16 * 16))" ] || { echo "only $CLAIMED deliveries were claimed and recorded" >&2; exit 1; }

perftest_install
perftest_vhost
queued() { curl -fsS -u guest:guest "$PERFTEST_API/queues/$PERFTEST_VHOST/$QUEUE" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("messages", -1))'; }
# Run it in a subshell, (...) or &: it becomes PerfTest's JVM, which a kill then reaches.
in_perftest() { exec > "$OUT/floor-perftest.log" 2>&1; perftest "$QUEUE" -ad false ${QUEUE_ARGS:+-qa "$QUEUE_ARGS"} "$@"; }
publish() { (in_perftest -x 16 -y 0 -c 1 -C $((EVENTS / 16))); }
consume() { # until the queue is empty (the management API's count lags by up to 5 s: read it twice)
  in_perftest -x 0 -y 32 -q 1 -p -z 600 ${CONSUME_RATE:+-R $(( (CONSUME_RATE + 31) / 32 ))} &
  PERFTEST_PID=$!
  for _ in $(seq 1 6000); do [ "$(queued)" -eq 0 ] && sleep 0.2 && [ "$(queued)" -eq 0 ] && break; sleep 0.1; done
  kill "$PERFTEST_PID"; wait "$PERFTEST_PID" 2>/dev/null || true; PERFTEST_PID=
}
measure mq_publish publish
for _ in $(seq 1 60); do [ "$(queued)" -eq "$((EVENTS / 16 * 16))" ] && break; sleep 0.5; done
PUBLISHED=$(queued)
[ "$PUBLISHED" -eq "$((EVENTS / 16 * 16))" ] || { echo "the queue holds $PUBLISHED messages" >&2; exit 1; }
measure mq_consume consume
perftest_vhost_drop

N=$((EVENTS / 16 * 16))
CORES=$(nproc)
read -r pi_s _ pi_pg <<< "${M[pg_ingest]}"; read -r pd_s _ pd_pg <<< "${M[pg_drain]}"
read -r mp_s mp_mq _ <<< "${M[mq_publish]}"; read -r mc_s mc_mq _ <<< "${M[mq_consume]}"
ms() { calc "round($1 / $N, 3)"; }
row() { # row LABEL TARGET PG_MS MQ_MS RATES
  local sum ceiling
  sum=$(calc "round($3 + $4, 3)")
  ceiling=$(calc "int($CORES * 1000 / $sum)")
  echo "| $1 | $3 | $4 | $sum | $ceiling | $2 | $5 |"
}
TABLE="| per event, the relay's work without the relay | PostgreSQL CPU ms | RabbitMQ CPU ms | both | ceiling on $CORES cores, events/s | issue 16's target | the servers' own rates here |
|---|---|---|---|---|---|---|
$(row "ingest: 1 commit (idempotency key, event, delivery) + 1 publish, confirmed" "1,000/s end to end; ingest 0.8x pgbench" "$(ms "$pi_pg")" "$(ms "$mp_mq")" "pgbench $(calc "int($N / $pi_s)") tps, PerfTest $(calc "int($N / $mp_s)") msg/s")
$(row "drain: 2 commits (claim, record) + 1 deliver and ack, prefetch 1" "2,000 deliveries/s" "$(ms "$pd_pg")" "$(ms "$mc_mq")" "pgbench $(calc "int($N / $pd_s)") tps, PerfTest $(calc "int($N / $mc_s)") msg/s")
$(row "end to end: both" "1,000 events/s" "$(ms "$((pi_pg + pd_pg))")" "$(ms "$((mp_mq + mc_mq))")" "")"
bench_print_and_record "The infrastructure's floor per event (bench/floor.sh)" "$(machine)" "bash bench/floor.sh (EVENTS=$EVENTS PARENTS=${PARENTS:-} PLAN_CACHE_MODE=$PLAN_CACHE_MODE HISTORY_DAYS=$HISTORY_DAYS QUEUE_ARGS=${QUEUE_ARGS:-none} CONSUME_RATE=${CONSUME_RATE:-unpaced} CLAIM_RATE=${CLAIM_RATE:-unpaced})" \
  "pgbench and PerfTest alone, one after the other; $PARTITIONS partitions of each history table; the servers' CPU from /proc; the ceiling is the cores' time over both servers' CPU per event, for a relay, receiver and load generator costing nothing; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)" \
  "$TABLE" "${1:-}"
psql -q -h 127.0.0.1 -U relay -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)"
