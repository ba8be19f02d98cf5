#!/usr/bin/env bash
# The demo: builds cachewarm, starts a throwaway PostgreSQL, moto and a local origin serving
# jobs/demo-origin/, creates the table and the queue schema, enqueues the URLs of
# jobs/demo.urls, drains the queue with a worker, runs the job again (all hits), shows the
# stats, and proves the hits by asking the real requests-cache (../shared/compat/rc_check.py).
# Then the guard rails: what a hostile job or spelling of a host cannot make the worker do.
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$CW_ROOT"

cw_install
cw_log "building cachewarm"
swift build --product cachewarm
BIN=$CW_ROOT/.build/debug/cachewarm
cw_start_services
export CACHEWARM_DATABASE_URL=$CACHEWARM_TEST_DATABASE_URL

ORIGIN_PORT=$(cw_free_port)
python3 scripts/origin/origin.py --port "$ORIGIN_PORT" --root jobs/demo-origin >"$CW_RUNDIR/origin.log" 2>&1 &
CW_ORIGIN_PID=$!
cw_wait_for "demo origin" curl -sf "http://127.0.0.1:$ORIGIN_PORT/index.html"
ORIGIN="http://127.0.0.1:$ORIGIN_PORT"
grep -v '^\s*#' jobs/demo.urls | grep -v '^\s*$' | sed "s|\${ORIGIN}|$ORIGIN|g" >"$CW_RUNDIR/demo.urls"

cw_log "cachewarm table create; cachewarm migrate"
"$BIN" table create --table http_cache
"$BIN" migrate
cw_log "cachewarm enqueue (the reader uses cache_control=True), and one more through SQL"
"$BIN" enqueue --file "$CW_RUNDIR/demo.urls" --cache-control --run-id demo
psql "$CACHEWARM_DATABASE_URL" -qAtX -c \
  "SELECT 'enqueued through SQL: job ' || cachewarm.enqueue('$ORIGIN/index.html', settings => '{\"cache_control\": true}')"
cw_log "cachewarm work --drain (loopback allowed for the local origin)"
"$BIN" work --drain --allow-loopback

cw_log "the queue afterwards:"
psql "$CACHEWARM_DATABASE_URL" -qX -c "SELECT id, state, outcome, status_code AS status, item_bytes, url FROM cachewarm.jobs ORDER BY id"
cw_log "a second run of the same job: everything is still fresh, so nothing is fetched"
"$BIN" enqueue --file "$CW_RUNDIR/demo.urls" --cache-control --run-id demo-again
"$BIN" work --drain --allow-loopback
cw_log "cachewarm stats --by run"
"$BIN" stats --by run
cw_log "requests-cache reads them (network disabled):"
mapfile -t urls <"$CW_RUNDIR/demo.urls"
"$CW_VENV/bin/python" "$CW_SHARED/compat/rc_check.py" --endpoint-url "$AWS_ENDPOINT_URL_DYNAMODB" \
  --table http_cache --region "$AWS_REGION" "${urls[@]}"
cw_log "every demo URL is a fresh hit in requests-cache"

cw_log "safety: 0177.0.0.1 is loopback as the connection reads it, refused without --allow-loopback (exit 1 expected)"
"$BIN" warm --table http_cache "http://0177.0.0.1:$ORIGIN_PORT/index.html" || true
cw_log "safety: the enqueue function refuses a CR/LF method with a clear error"
psql "$CACHEWARM_DATABASE_URL" -qAtX -c "SELECT cachewarm.enqueue('$ORIGIN/x', method => E'GET\r\nX-Injected: 1')" 2>&1 || true
cw_log "safety: credentials and secret parameters never reach the output"
"$BIN" warm --table http_cache --allow-loopback "http://user:s3cret@127.0.0.1:$ORIGIN_PORT/index.html?api_key=TOPSECRET"
