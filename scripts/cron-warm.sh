#!/usr/bin/env bash
# A cron warm-up: enqueue a URL list with the reader's settings, drain the queue, keep the JSON
# report, exit with cachewarm's code (0 ok, 1 some URL failed, 2 bad input, 3 DynamoDB, 4 PostgreSQL).
#
#   # m h dom mon dow  command
#   15 5 * * *  CACHEWARM_DATABASE_URL=postgresql://warm@db/cache AWS_REGION=eu-west-1 \
#               /opt/cachewarm/scripts/cron-warm.sh /opt/cachewarm/jobs/example.urls >>/var/log/cachewarm.log 2>&1
#
# Several machines may run it at once against the same database and table: the queue
# deduplicates the URLs and the workers share the jobs.
set -euo pipefail
URLS=${1:?usage: cron-warm.sh URL-FILE [extra enqueue flags...]}
shift
BIN=${CACHEWARM_BIN:-cachewarm}
RUN_ID=cron-$(date -u +%Y%m%dT%H%M%SZ)
REPORTS=${CACHEWARM_REPORTS:-/tmp}

"$BIN" enqueue --file "$URLS" --run-id "$RUN_ID" --cache-control "$@"
set +e
"$BIN" work --drain --json >"$REPORTS/$RUN_ID.json"
status=$?
set -e
echo "$RUN_ID: exit $status, report $REPORTS/$RUN_ID.json"
exit "$status"
