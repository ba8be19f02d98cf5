# Shared by scripts/test.sh, scripts/demo.sh and scripts/bench.sh: install what is missing,
# start a throwaway PostgreSQL 15 cluster and moto's DynamoDB server on free loopback ports,
# and stop them again. Source it; call `cw_install`, `cw_start_services`; `cw_stop_services`
# runs from the EXIT trap that cw_start_services installs.

CW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CW_SHARED=${CACHEWARM_SHARED_DIR:-$(cd "$CW_ROOT/.." && pwd)/shared}
CW_VENV=${CACHEWARM_VENV:-$CW_ROOT/.venv}
CW_PGBIN=/usr/lib/postgresql/15/bin
export CACHEWARM_SHARED_DIR=$CW_SHARED CW_SHARED CW_VENV

cw_log() { printf '==> %s\n' "$*" >&2; }

cw_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# apt packages and the Python venv (requests-cache, boto3, moto) of compat/requirements.txt.
cw_install() {
  local missing=()
  for pkg in curl libpq-dev postgresql-15 "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    cw_log "installing ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  local stamp="$CW_VENV/.requirements.sha256"
  local want; want=$(sha256sum "$CW_SHARED/compat/requirements.txt" | cut -d' ' -f1)
  if [ ! -x "$CW_VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    cw_log "creating the Python venv $CW_VENV"
    python3 -m venv "$CW_VENV"
    "$CW_VENV/bin/pip" install -q --disable-pip-version-check -r "$CW_SHARED/compat/requirements.txt"
    echo "$want" >"$stamp"
  fi
}

cw_stop_services() {
  local status=$?
  set +e
  [ -n "${CW_ORIGIN_PID:-}" ] && kill "$CW_ORIGIN_PID" 2>/dev/null
  [ -n "${CW_MOTO_PID:-}" ] && kill "$CW_MOTO_PID" 2>/dev/null
  if [ -n "${CW_PGROOT:-}" ] && [ -d "$CW_PGROOT/data" ]; then
    runuser -u postgres -- "$CW_PGBIN/pg_ctl" -D "$CW_PGROOT/data" -m fast -w stop >/dev/null 2>&1
  fi
  [ -n "${CW_RUNDIR:-}" ] && [ "$status" -eq 0 ] && rm -rf "$CW_RUNDIR" "${CW_PGROOT:-}"
  [ "$status" -ne 0 ] && [ -n "${CW_RUNDIR:-}" ] && cw_log "logs kept in $CW_RUNDIR and ${CW_PGROOT:-}"
  exit "$status"
}

cw_wait_for() {  # cw_wait_for DESCRIPTION COMMAND...
  local what=$1; shift
  for _ in $(seq 1 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  cw_log "$what did not start"; return 1
}

# Exports CACHEWARM_TEST_DATABASE_URL, AWS_ENDPOINT_URL_DYNAMODB and fake AWS credentials.
cw_start_services() {
  trap cw_stop_services EXIT
  trap 'exit 130' INT TERM
  CW_RUNDIR=$(mktemp -d /tmp/cachewarm-run.XXXXXX)
  CW_PGROOT=$(mktemp -d /tmp/cachewarm-pg.XXXXXX)
  chown postgres:postgres "$CW_PGROOT"
  CW_PGPORT=$(cw_free_port)
  runuser -u postgres -- "$CW_PGBIN/initdb" -D "$CW_PGROOT/data" -U postgres -A trust -E UTF8 \
    --no-sync --no-instructions >"$CW_PGROOT/initdb.log" 2>&1
  # Tests restart the server with the same options (CW_PGOPTS).
  CW_PGOPTS="-c listen_addresses=127.0.0.1 -p $CW_PGPORT -k $CW_PGROOT -c fsync=off -c max_connections=200"
  runuser -u postgres -- "$CW_PGBIN/pg_ctl" -D "$CW_PGROOT/data" -l "$CW_PGROOT/server.log" -w -t 60 -o "$CW_PGOPTS" start >/dev/null
  export CACHEWARM_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$CW_PGPORT/postgres"
  export CW_PGBIN CW_PGROOT CW_PGPORT CW_PGOPTS

  CW_MOTO_PORT=$(cw_free_port)
  "$CW_VENV/bin/moto_server" -H 127.0.0.1 -p "$CW_MOTO_PORT" >"$CW_RUNDIR/moto.log" 2>&1 &
  CW_MOTO_PID=$!
  cw_wait_for "moto" curl -sf "http://127.0.0.1:$CW_MOTO_PORT/moto-api/"
  export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$CW_MOTO_PORT"
  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
  unset AWS_SESSION_TOKEN AWS_PROFILE
  cw_log "PostgreSQL on 127.0.0.1:$CW_PGPORT, moto on 127.0.0.1:$CW_MOTO_PORT"
}
