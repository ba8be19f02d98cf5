#!/usr/bin/env bash
# The bad-input catalogue: every hostile input of the hardening work (origin headers, flags,
# job rows and settings, host spellings, redirects, secrets in URLs, the enqueue boundary and a
# least-privilege role) against the real binary, PostgreSQL, moto and a local origin, with the
# expected exit code and message or job state; one serving worker must survive all of it.
# Needs the services of scripts/test.sh and a built cachewarm.
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$CW_ROOT"
export CACHEWARM_BIN=${CACHEWARM_BIN:-$CW_ROOT/.build/debug/cachewarm}
WORK=$(mktemp -d /tmp/cachewarm-bad.XXXXXX)
ORIGIN_PORT=$(cw_free_port)
TABLE=bad_$RANDOM
python3 scripts/origin/origin.py --port "$ORIGIN_PORT" >"$WORK/origin.log" 2>&1 &
ORIGIN_PID=$!
trap 'kill $ORIGIN_PID 2>/dev/null; rm -rf "$WORK"' EXIT
cw_wait_for "origin" curl -sf "http://127.0.0.1:$ORIGIN_PORT/__counts"
"$CACHEWARM_BIN" table create --table "$TABLE" >/dev/null
"$CW_VENV/bin/python" scripts/bad_input_test.py "http://127.0.0.1:$ORIGIN_PORT" "$ORIGIN_PORT" "$TABLE"
