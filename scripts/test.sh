#!/usr/bin/env bash
# The one test command: installs what is missing, starts PostgreSQL and moto on loopback,
# builds, runs every Swift test and the interop test against real requests-cache, and stops
# everything it started. Exits non-zero if anything failed.
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$CW_ROOT"

cw_install
cw_start_services

cw_log "swift build"
swift build --build-tests
cw_log "swift test"
swift test --skip-build

cw_log "CLI contract: messages and exit codes"
scripts/cli-test.sh
cw_log "bad input: hostile origins, jobs, flags and enqueuers"
scripts/bad-input-test.sh
cw_log "queue: PostgreSQL correctness scenarios"
scripts/queue-test.sh
cw_log "interop test: cachewarm writes, real requests-cache reads"
scripts/interop-test.sh
cw_log "fuzz: every parser of outside input, briefly (scripts/fuzz.sh for longer runs)"
scripts/fuzz.sh "${CACHEWARM_FUZZ_SECONDS:-8}"
