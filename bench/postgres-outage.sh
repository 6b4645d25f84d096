#!/usr/bin/env bash
# PostgreSQL outage, the issue's long version: PostgreSQL unreachable for OUTAGE_SECONDS (60) with
# DELIVERIES (500) accepted and not yet delivered. Runs DeliveryWaitsOutPostgresOutagesTest with those
# sizes and production's claim lease margin, 30 s (the suite runs it with 10 s, 100 and a 15 s margin),
# and prints its result line:
#   postgres outage 60 s: accepted=500 delivered=500 duplicates=N (... requeued M messages)
# Passes only if nothing was dead-lettered, every delivery was delivered, and no message was requeued
# more than once.
set -euo pipefail
cd "$(dirname "$0")/.."
OUTAGE_SECONDS="${OUTAGE_SECONDS:-60}"
DELIVERIES="${DELIVERIES:-500}"
log="target/postgres-outage-$(date +%Y%m%d%H%M%S).log"
mkdir -p target
mvn -B -ntp -q test -Dtest=DeliveryWaitsOutPostgresOutagesTest \
    -Drelay.outage.seconds="$OUTAGE_SECONDS" -Drelay.outage.deliveries="$DELIVERIES" \
    -Drelay.delivery.claim-lease-margin=30s >"$log" 2>&1 \
    && status=passed || status=FAILED
grep -h "postgres outage" "$log" || true
echo "$status (log: $log)"
[ "$status" = passed ]
