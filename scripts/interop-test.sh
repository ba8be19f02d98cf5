#!/usr/bin/env bash
# Interop: `cachewarm warm` writes the origin's responses to moto, then the real requests-cache
# (../shared/compat/rc_check.py) must read every cacheable URL as a fresh hit with the origin's
# body bytes, and the uncacheable and oversize ones as misses. Needs the services of
# scripts/test.sh (AWS_ENDPOINT_URL_DYNAMODB, the venv) and a built cachewarm.
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$CW_ROOT"
BIN=${CACHEWARM_BIN:-$CW_ROOT/.build/debug/cachewarm}
WORK=$(mktemp -d /tmp/cachewarm-interop.XXXXXX)
ORIGIN_PORT=$(cw_free_port)
TABLE=interop_$RANDOM
# moto rejects items above 405,000 bytes by its own count: the limit here stays below it.
MAX_ITEM=400000

python3 scripts/origin/origin.py --port "$ORIGIN_PORT" --manifest "$WORK/manifest.json" \
  --big-under 395000 --big-over 402000 >"$WORK/origin.log" 2>&1 &
ORIGIN_PID=$!
trap 'kill $ORIGIN_PID 2>/dev/null; rm -rf "$WORK"' EXIT
cw_wait_for "origin" curl -sf "http://127.0.0.1:$ORIGIN_PORT/__counts"

"$BIN" table create --table "$TABLE"
python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))))' "$WORK/manifest.json" >"$WORK/urls.txt"

set +e
"$BIN" warm --table "$TABLE" --file "$WORK/urls.txt" --allow-loopback --cache-control \
  --max-item-bytes "$MAX_ITEM" --concurrency 8 --json >"$WORK/report.json"
status=$?
set -e
# The 404 and no-store URLs are uncacheable, /big/over is oversize: none of them fails.
[ "$status" -eq 0 ] || { cat "$WORK/report.json"; cw_log "warm exited $status"; exit 1; }

CW_VENV=$CW_VENV CW_SHARED=$CW_SHARED "$CW_VENV/bin/python" - "$WORK" "$TABLE" <<'PY'
import json, os, subprocess, sys
work, table = sys.argv[1], sys.argv[2]
manifest = json.load(open(os.path.join(work, 'manifest.json')))
report = json.load(open(os.path.join(work, 'report.json')))
outcomes = {u['url']: u['outcome'] for u in report['urls']}
special = {'/status/404': 'uncacheable', '/no-store': 'uncacheable', '/big/over': 'oversize-skipped'}
expected_outcome = lambda url: special.get('/' + url.split('/', 3)[3], 'filled')
failures = []
for url in manifest:
    if outcomes.get(url) != expected_outcome(url):
        failures.append(f'{url}: warm outcome {outcomes.get(url)}, expected {expected_outcome(url)}')
check = subprocess.run([os.path.join(os.environ['CW_VENV'], 'bin', 'python'), os.path.join(os.environ['CW_SHARED'], 'compat', 'rc_check.py'),
                        '--endpoint-url', os.environ['AWS_ENDPOINT_URL_DYNAMODB'], '--table', table, '--region', os.environ['AWS_REGION'],
                        '--json', *manifest], capture_output=True, text=True)
if check.returncode == 2:
    sys.exit(f'rc_check failed: {check.stderr}')
results = {r['url']: r for r in json.loads(check.stdout)['results']}
hits = 0
for url, want in manifest.items():
    got = results[url]
    if want['kind'] == 'hit':
        if got['outcome'] != 'fresh_hit' or got['body_sha256'] != want['sha256']:
            failures.append(f"{url}: {got['outcome']} sha256 {got['body_sha256']} (want fresh_hit {want['sha256']}) {got.get('detail')}")
        hits += 1
    elif got['outcome'] != 'miss':
        failures.append(f"{url}: {got['outcome']}, expected miss")
for f in failures:
    print('FAIL', f)
print(f"{hits} URLs are fresh hits with the origin's bytes, {len(manifest) - hits} are misses as expected" if not failures else '')
failed_urls = {f.split(': ', 1)[0] for f in failures}
print(f'interop: {len(manifest) - len(failed_urls)} passed, {len(failed_urls)} failed')
sys.exit(1 if failures else 0)
PY
