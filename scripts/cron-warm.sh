#!/usr/bin/env bash
# A cron warm-up: enqueue a URL list (extra flags: the reader's settings), drain the queue, keep the JSON
# report, exit with cachewarm's code (0 ok, 1 some URL failed, 2 bad input, 3 DynamoDB, 4 PostgreSQL).
#
#   # m h dom mon dow  command
#   15 5 * * *  CACHEWARM_DATABASE_URL=postgresql://warm@db/cache AWS_REGION=eu-west-1 \
#               /opt/cachewarm/scripts/cron-warm.sh /opt/cachewarm/jobs/example.urls >>/var/log/cachewarm.log 2>&1
#
# Flags for the worker go in CACHEWARM_WORK_FLAGS. Several machines may run it at once against the same database and table: the queue
# deduplicates the URLs and the workers share the jobs.
set -euo pipefail
URLS=${1:?usage: cron-warm.sh URL-FILE [extra enqueue flags...]}
shift
BIN=${CACHEWARM_BIN:-cachewarm}
RUN_ID=cron-$(date -u +%Y%m%dT%H%M%SZ)
REPORTS=${CACHEWARM_REPORTS:-/tmp}

"$BIN" enqueue --file "$URLS" --run-id "$RUN_ID" "$@"
set +e
# shellcheck disable=SC2086  # CACHEWARM_WORK_FLAGS holds several flags, e.g. "--concurrency 32 --per-host 4"
"$BIN" work --drain --json ${CACHEWARM_WORK_FLAGS:-} >"$REPORTS/$RUN_ID.json"
status=$?
set -e
echo "$RUN_ID: exit $status, report $REPORTS/$RUN_ID.json"
exit "$status"
