#!/usr/bin/env bash
# Retention and history size (issue 16, "History that scales"). Everything on this machine.
#  1. Retention of ATTEMPT_ROWS attempt rows (default 10 million: ATTEMPT_ROWS/10 events with one
#     delivery each and 10 attempts per delivery, 0.1% of the deliveries PAUSED), all of one expired day:
#     a. main's retention (before V51): its batched DELETE of expired events (1,000 per transaction,
#        ON DELETE CASCADE to deliveries and attempts), on a twin database at V49, not partitioned;
#     b. the partition drop (V51): the statements of HistoryPartitions.drop in one transaction (lock
#        the three parents, detach the day, move its unfinished events to DEFAULT, drop the day).
#     Reported: the time until the day is gone, and how long the tables were locked: for (a) the
#     longest batch (row locks on the rows it deletes; nothing else waits on the table), for (b) the
#     ACCESS EXCLUSIVE hold of the three tables (everything waits).
#  2. Ingest and drain rates with PREFILL_ROWS (default "1000000"; e.g. "1000000 10000000") events
#     already in the history (each with a delivered delivery and one attempt, over the last 10 days),
#     against an empty database: ROUNDS rounds (median) of SECONDS_PER_RUN s of ingest (16
#     connections, consumers stopped), then the drain of that backlog to bench/Receiver.java.
# The load average is printed beside the numbers: the machine may be shared. --record appends the
# table to bench/RESULTS.md. ONLY=1 or ONLY=2 runs one part; ONLY=3 runs instead the database's share
# of part 2 alone (pgbench, empty against PREFILL_ROWS of history, rounds alternating), which a loaded
# shared machine disturbs less than the relay's end-to-end rates.
source "$(dirname "$0")/lib.sh"
ATTEMPT_ROWS="${ATTEMPT_ROWS:-10000000}"
PREFILL_ROWS="${PREFILL_ROWS:-1000000}"
ROUNDS="${ROUNDS:-3}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
ONLY="${ONLY:-}"
TWIN_DB="${BENCH_DB}_retention_v49"
PART_DB="${BENCH_DB}_retention_v51"
RECEIVER_PORT=18098
R="http://127.0.0.1:$RECEIVER_PORT"
CONSOLE_PASSWORD=bench-console
MIGRATIONS="$ROOT/src/main/resources/db/migration"
trap 'bench_stop_relays; [ -n "${RECEIVER_PID:-}" ] && kill $RECEIVER_PID 2>/dev/null; drop_retention_databases' EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
median() { python3 -c "import statistics,sys; print(round(statistics.median(map(float, sys.argv[1:]))))" "$@"; }
psql_db() { local db=$1; shift; psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -U relay -d "$db" "$@"; }
drop_retention_databases() {
  psql -q -h 127.0.0.1 -U relay -d postgres -c "DROP DATABASE IF EXISTS $TWIN_DB WITH (FORCE)" \
    -c "DROP DATABASE IF EXISTS $PART_DB WITH (FORCE)" >/dev/null 2>&1 || true
}

# migrate DB LAST: the project's migrations V1..LAST, in order, as Flyway would run them.
migrate() {
  psql -q -h 127.0.0.1 -U relay -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
  local f
  for f in $(ls "$MIGRATIONS" | sed 's/^V\([0-9]*\)__.*/\1 &/' | sort -n | awk -v last="$2" '$1 <= last {print $2}'); do
    psql_db "$1" -f "$MIGRATIONS/$f" >/dev/null
  done
}

# seed_day DB PARTITIONED(0|1): ATTEMPT_ROWS/10 events of the day 40 days ago, one delivery each, 10 attempts per delivery.
seed_day() {
  local events=$((ATTEMPT_ROWS / 10)) partition_column="" partition_value=""
  [ "$2" = 1 ] && { partition_column=", event_created_at"; partition_value=", d.created_at"; }
  psql_db "$1" <<SQL >/dev/null
INSERT INTO tenants (id, name) VALUES ('00000000-0000-4000-8000-00000000be0c', 'bench');
INSERT INTO endpoints (id, tenant_id, url, enabled) VALUES ('00000000-0000-4000-8000-00000000e0e0', '00000000-0000-4000-8000-00000000be0c', 'http://127.0.0.1:9/x', false);
$([ "$2" = 1 ] && echo "SELECT relay_create_history_partitions(current_date - 40);")
INSERT INTO events (id, tenant_id, type, payload, body_hash, created_at)
SELECT gen_random_uuid(), '00000000-0000-4000-8000-00000000be0c', 'order.created', '{"orderId": 1, "amount": 10}', md5(g::text),
       (current_date - 40)::timestamp AT TIME ZONE 'UTC' + g * (interval '86000 seconds' / $events)
  FROM generate_series(1, $events) g;
INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, status, paused_reason, attempt_count, last_status, created_at, updated_at)
SELECT gen_random_uuid(), id, '00000000-0000-4000-8000-00000000e0e0', tenant_id,
       CASE WHEN random() < 0.001 THEN 'PAUSED' ELSE 'DELIVERED' END, NULL, 10, 200, created_at, created_at
  FROM events;
INSERT INTO attempts (delivery_id, attempt_number, url, request_headers, response_status, duration_ms, outcome, created_at$partition_column)
SELECT d.id, a, 'http://127.0.0.1:9/x', '{"webhook-id": "msg", "content-type": "application/json"}', 200, 12, 'DELIVERED',
       d.created_at + a * interval '1 second'$partition_value
  FROM deliveries d CROSS JOIN generate_series(1, 10) a;
ANALYZE events; ANALYZE deliveries; ANALYZE attempts;
SQL
}

# prefill_db DB N: N delivered events with one attempt each over the last 10 days, each day in its
# partition (in a relay's database, the relay stopped).
prefill_db() {
  psql_db "$1" <<SQL >/dev/null
SELECT relay_create_history_partitions(current_date - d) FROM generate_series(0, 9) d;
INSERT INTO tenants (id, name) VALUES ('00000000-0000-4000-8000-00000000be0c', 'history');
INSERT INTO endpoints (id, tenant_id, url, enabled) VALUES ('00000000-0000-4000-8000-00000000e0e0', '00000000-0000-4000-8000-00000000be0c', 'http://127.0.0.1:9/x', false);
INSERT INTO events (id, tenant_id, type, payload, body_hash, created_at)
SELECT gen_random_uuid(), '00000000-0000-4000-8000-00000000be0c', 'order.created', '{"orderId": 1, "amount": 10}', md5(g::text),
       now() - interval '10 days' + g * (interval '10 days' / $2) - interval '1 hour'
  FROM generate_series(1, $2) g;
INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, status, attempt_count, last_status, created_at, updated_at)
SELECT gen_random_uuid(), id, '00000000-0000-4000-8000-00000000e0e0', tenant_id, 'DELIVERED', 1, 200, created_at, created_at
  FROM events WHERE tenant_id = '00000000-0000-4000-8000-00000000be0c';
INSERT INTO attempts (delivery_id, attempt_number, url, request_headers, response_status, duration_ms, outcome, created_at, event_created_at)
SELECT id, 1, 'http://127.0.0.1:9/x', '{"webhook-id": "msg"}', 200, 12, 'DELIVERED', created_at, created_at
  FROM deliveries WHERE tenant_id = '00000000-0000-4000-8000-00000000be0c';
VACUUM ANALYZE events, deliveries, attempts;
SQL
}

rows=()
# emit ROW: a row of the table, also printed at once (a long run that fails later keeps what it measured).
emit() { rows+=("$1"); echo "$1" >&2; }
if [ -z "$ONLY" ] || [ "$ONLY" = 1 ]; then
  bash "$ROOT/.ci/services" >/dev/null
  echo "1. seeding $ATTEMPT_ROWS attempt rows twice (V49 twin, V51 partitioned), load $(load)" >&2
  migrate "$TWIN_DB" 49
  migrate "$PART_DB" 51
  seed_day "$TWIN_DB" 0
  seed_day "$PART_DB" 1
  twin_size=$(psql_db "$TWIN_DB" -Atc "SELECT pg_size_pretty(pg_total_relation_size('attempts'))")

  # a. main's retention: DataRetention.purgeExpiredEvents before V51, one batch per transaction.
  load_a=$(load)
  start=$(now)
  longest=$(psql_db "$TWIN_DB" -Atc "SET client_min_messages = notice" -c "
DO \$\$
DECLARE
  deleted int; longest interval := '0'; t timestamptz; batches int := 0;
BEGIN
  LOOP
    t := clock_timestamp();
    DELETE FROM events WHERE id = ANY (ARRAY(
        SELECT e.id FROM events e
        WHERE e.created_at < now() - 2592000000 * interval '1 millisecond'
          AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id
                          AND d.status IN ('RECEIVED', 'DISPATCHING', 'RETRY_SCHEDULED', 'PAUSED'))
        LIMIT 1000));
    GET DIAGNOSTICS deleted = ROW_COUNT;
    COMMIT;
    longest := greatest(longest, clock_timestamp() - t);
    batches := batches + 1;
    EXIT WHEN deleted = 0;
  END LOOP;
  RAISE NOTICE 'longest=% batches=%', round(extract(epoch FROM longest) * 1000), batches;
END \$\$;" 2>&1 | sed -n 's/.*longest=\([0-9]*\) batches=\([0-9]*\).*/\1 \2/p')
  delete_s=$(calc "round($(now) - $start, 1)")
  left_a=$(psql_db "$TWIN_DB" -Atc "SELECT count(*) FROM attempts")
  emit "| 1a. main's retention: batched DELETE (1,000 events per transaction, cascading), V49 twin | $delete_s s | longest batch ${longest% *} ms (row locks only), ${longest#* } batches | attempts left: $left_a (of unfinished events); attempts table $twin_size; load $load_a |"

  # b. the partition drop, as HistoryPartitions.drop does it.
  day=$(psql_db "$PART_DB" -Atc "SELECT to_char(current_date - 40, 'YYYYMMDD')")
  load_b=$(load)
  start=$(now)
  locked=$(psql_db "$PART_DB" -Atc "SET client_min_messages = notice" -c "
BEGIN;
SET LOCAL lock_timeout = '500ms';
SELECT pg_advisory_xact_lock(hashtext('relay-history-partitions'));
DO \$\$
DECLARE t timestamptz := clock_timestamp(); kept int;
BEGIN
  LOCK TABLE attempts, deliveries, events IN ACCESS EXCLUSIVE MODE;
  ALTER TABLE attempts DETACH PARTITION attempts_p$day;
  ALTER TABLE deliveries DETACH PARTITION deliveries_p$day;
  ALTER TABLE events DETACH PARTITION events_p$day;
  WITH unfinished AS (SELECT DISTINCT event_id FROM deliveries_p$day WHERE status IN ('RECEIVED', 'DISPATCHING', 'RETRY_SCHEDULED', 'PAUSED')),
  kept_events AS (INSERT INTO events SELECT * FROM events_p$day WHERE id IN (SELECT event_id FROM unfinished) RETURNING id),
  kept_deliveries AS (INSERT INTO deliveries SELECT * FROM deliveries_p$day WHERE event_id IN (SELECT event_id FROM unfinished) RETURNING id),
  kept_attempts AS (INSERT INTO attempts SELECT * FROM attempts_p$day WHERE delivery_id IN (SELECT id FROM kept_deliveries))
  SELECT count(*) INTO kept FROM kept_events;
  DROP TABLE attempts_p$day, deliveries_p$day, events_p$day;
  RAISE NOTICE 'locked=% kept=%', round(extract(epoch FROM clock_timestamp() - t) * 1000), kept;
END \$\$;
COMMIT;" 2>&1 | sed -n 's/.*locked=\([0-9]*\).*/\1/p')
  drop_s=$(calc "round($(now) - $start, 2)")
  left_b=$(psql_db "$PART_DB" -Atc "SELECT count(*) FROM attempts")
  emit "| 1b. partition drop (V51): lock, detach, move unfinished to DEFAULT, drop, one transaction | $drop_s s | ACCESS EXCLUSIVE on events, deliveries, attempts: ${locked:-?} ms before commit | attempts left: $left_b (of unfinished events, now in DEFAULT); load $load_b |"
  drop_retention_databases
fi

if [ -z "$ONLY" ] || [ "$ONLY" = 2 ]; then
  consumers() { bench_consumers "$BENCH_PORT" "$CONSOLE_PASSWORD" "$1"; }
  # The backlog of this benchmark's receiver only: on a shared machine another benchmark's relay
  # port can be taken by mistake.
  backlog() { psql_db "$BENCH_DB" -Atc "SELECT count(*) FROM deliveries WHERE status IN ('RECEIVED', 'DISPATCHING', 'RETRY_SCHEDULED')
                                         AND endpoint_id IN (SELECT id FROM endpoints WHERE url LIKE '$R/%')"; }
  wait_drained() {
    for _ in $(seq 1 1500); do [ "$(backlog)" -eq 0 ] && return; sleep 0.2; done
    echo "deliveries still pending after 300 s" >&2; exit 1
  }
  # round -> "ingest/s drain/s": ingest with consumers stopped, then drain that backlog.
  round() {
    consumers stop
    local r accepted start n
    r=$(wrk_post "$BENCH_PORT" "$KEY" 16 "$SECONDS_PER_RUN")
    accepted=$(calc "round(($(field "$r" requests) - $(field "$r" non2xx)) / $(field "$r" seconds))")
    n=$(backlog); start=$(now)
    consumers start
    wait_drained
    echo "$accepted $(calc "round($n / ($(now) - $start))")"
  }
  # measure LABEL: a relay on BENCH_DB as it is, a tenant with one endpoint at the receiver, a
  # warm-up round, then ROUNDS rounds.
  measure() {
    bench_start_relay retention "$BENCH_PORT" --relay.console.password="$CONSOLE_PASSWORD"
    KEY=$(bench_tenant "$BENCH_PORT")
    bench_endpoint "$BENCH_PORT" "$KEY" "$R/ok/e" '["order.*"]'
    round >/dev/null
    local ingest=() drain=() r l
    l=$(load)
    for _ in $(seq 1 "$ROUNDS"); do r=$(round); ingest+=("${r% *}"); drain+=("${r#* }"); done
    bench_stop_relays
    emit "| 2. $1 | $(median "${ingest[@]}") events/s ingested | $(median "${drain[@]}") deliveries/s drained | rounds: ingest ${ingest[*]}, drain ${drain[*]}; load before $l, after $(load) |"
  }
  prefill() { prefill_db "$BENCH_DB" "$1"; }

  bench_prepare
  java "$ROOT/bench/Receiver.java" $RECEIVER_PORT > "$OUT/receiver-retention.log" 2>&1 &
  RECEIVER_PID=$!
  measure "empty database"
  for n in $PREFILL_ROWS; do
    bench_database
    # The relay's Flyway creates the schema; the history is added while it is stopped.
    bench_start_relay retention "$BENCH_PORT" --relay.console.password="$CONSOLE_PASSWORD"
    bench_stop_relays
    echo "2. prefilling $n events, deliveries and attempts, load $(load)" >&2
    start=$(now)
    prefill "$n"
    echo "   prefilled in $(calc "round($(now) - $start)") s" >&2
    measure "$n events, $n deliveries and $n attempts already in the history (10 days)"
  done
fi

if [ "$ONLY" = 3 ]; then
  # 3. PostgreSQL alone, the relay's ingest transaction (bench/pgbench-ingest.sql, 16 clients) on an
  # empty V51 database and on one with PREFILL_ROWS of history, alternating ROUNDS times so that the
  # shared machine's drift hits both alike; the ratio of the medians.
  bash "$ROOT/.ci/services" >/dev/null
  n="${PREFILL_ROWS%% *}"
  for db in "$TWIN_DB" "$PART_DB"; do
    migrate "$db" 51
    psql_db "$db" -c "INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), 'pgbench')" \
      -c "INSERT INTO endpoints (id, tenant_id, url) SELECT gen_random_uuid(), id, 'http://127.0.0.1:9/x' FROM tenants" >/dev/null
  done
  prefill_db "$PART_DB" "$n"
  empty=(); full=(); l=$(load)
  for _ in $(seq 1 "$ROUNDS"); do
    for db in "$TWIN_DB" "$PART_DB"; do
      tps=$(pgbench -n -h 127.0.0.1 -U relay -c 16 -j 2 -T "$SECONDS_PER_RUN" -f "$ROOT/bench/pgbench-ingest.sql" "$db" 2>/dev/null | awk '/^tps/{print int($3)}')
      if [ "$db" = "$TWIN_DB" ]; then empty+=("$tps"); else full+=("$tps"); fi
    done
  done
  e=$(median "${empty[@]}"); f=$(median "${full[@]}")
  emit "| 3. pgbench, the ingest transaction, 16 clients: empty V51 database against $n events, deliveries and attempts of history | $e tps empty | $f tps with history: $(calc "round($f / $e, 2)")x | alternating rounds: empty ${empty[*]}, with history ${full[*]}; load before $l, after $(load) |"
  drop_retention_databases
fi

table=$(printf '%s\n' "| run | time / ingest | locks / drain | notes |" "|---|---|---|---|" "${rows[@]}")
bench_print_and_record "Retention and history size" "$(machine)" "bash bench/retention.sh (ATTEMPT_ROWS=$ATTEMPT_ROWS PREFILL_ROWS=\"$PREFILL_ROWS\" ROUNDS=$ROUNDS SECONDS_PER_RUN=$SECONDS_PER_RUN ONLY=$ONLY)" \
  "PostgreSQL 15, RabbitMQ, relay, wrk and receiver on the same machine; part 1 generates its rows with INSERT ... SELECT generate_series (small payloads and attempts), part 2 ingests through the API" \
  "$table" "${1:-}"
