#!/usr/bin/env bash
# Bulk replay, the issue's size: DEAD_LETTERS (10,000) dead letters of one endpoint replayed in the
# background while ten live deliveries of the same tenant are posted and awaited one after the other.
# Runs ReplayRequeuesDeadLettersTest with that size (the suite runs it with 2,000) and prints its
# result line:
#   Bulk replay of 10000: {...progress...}; live delivery latencies during it (ms): [...]
# Passes only if every dead letter was delivered, none failed, and the live deliveries were delivered.
set -euo pipefail
cd "$(dirname "$0")/.."
DEAD_LETTERS="${DEAD_LETTERS:-10000}"
log="target/replay-$(date +%Y%m%d%H%M%S).log"
mkdir -p target
mvn -B -ntp -q test -Dtest='ReplayRequeuesDeadLettersTest#aBulkReplay*' \
    -Drelay.replay.dead-letters="$DEAD_LETTERS" >"$log" 2>&1 \
    && status=passed || status=FAILED
grep -h "Bulk replay of" "$log" || true
echo "$status (log: $log)"
[ "$status" = passed ]
