#!/usr/bin/env bash
# Queue correctness against the real PostgreSQL server and moto (not timed): many workers drain
# one queue exactly once, a SIGKILLed worker's jobs are rescued, workers survive a PostgreSQL
# restart, SIGTERM lets in-flight jobs finish and exits 0, duplicates from the CLI and from SQL
# collapse, and a malformed URL enqueued through SQL fails without stopping the worker.
# Needs the services of scripts/test.sh and a built cachewarm.
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$CW_ROOT"
export CACHEWARM_BIN=${CACHEWARM_BIN:-$CW_ROOT/.build/debug/cachewarm}
exec "$CW_VENV/bin/python" scripts/queue_test.py
