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

CW_VENV=$CW_VENV CW_SHARED=$CW_SHARED BIN=$BIN ORIGIN_PORT=$ORIGIN_PORT MAX_ITEM=$MAX_ITEM \
  "$CW_VENV/bin/python" - "$WORK" "$TABLE" <<'PY'
import json, os, subprocess, sys, urllib.request
work, table = sys.argv[1], sys.argv[2]
manifest = json.load(open(os.path.join(work, 'manifest.json')))
origin = f"http://127.0.0.1:{os.environ['ORIGIN_PORT']}"
failures = []

def path(url):
    return '/' + url.split('/', 3)[3]

def counts():
    return json.load(urllib.request.urlopen(origin + '/__counts'))

def rc_check(stage):
    check = subprocess.run([os.path.join(os.environ['CW_VENV'], 'bin', 'python'), os.path.join(os.environ['CW_SHARED'], 'compat', 'rc_check.py'),
                            '--endpoint-url', os.environ['AWS_ENDPOINT_URL_DYNAMODB'], '--table', table, '--region', os.environ['AWS_REGION'],
                            '--json', *manifest], capture_output=True, text=True)
    if check.returncode == 2:
        sys.exit(f'rc_check failed: {check.stderr}')
    results = {r['url']: r for r in json.loads(check.stdout)['results']}
    for url, want in manifest.items():
        got = results[url]
        if want['kind'] == 'hit':
            if got['outcome'] != 'fresh_hit' or got['body_sha256'] != want['sha256']:
                failures.append(f"{url}: {stage}: {got['outcome']} sha256 {got['body_sha256']} (want fresh_hit {want['sha256']}) {got.get('detail')}")
        elif got['outcome'] != 'miss':
            failures.append(f"{url}: {stage}: {got['outcome']}, expected miss")

def expect_outcomes(report, expected, stage):
    outcomes = {u['url']: u['outcome'] for u in report['urls']}
    for url in manifest:
        if outcomes.get(url) != expected(path(url)):
            failures.append(f'{url}: {stage}: warm outcome {outcomes.get(url)}, expected {expected(path(url))}')

# Run 1 (already done by the shell): everything is fetched and written.
special = {'/status/404': 'uncacheable', '/no-store': 'uncacheable', '/big/over': 'oversize-skipped'}
expect_outcomes(json.load(open(os.path.join(work, 'report.json'))), lambda p: special.get(p, 'filled'), 'run 1')
rc_check('after run 1')

# Run 2 with a one-hour refresh lead: what stays fresh longer is a hit and is not fetched; what
# expires sooner is refreshed, by a conditional request when it has a validator (304 -> revalidated).
before = counts()
run = subprocess.run([os.environ['BIN'], 'warm', '--table', table, '--file', os.path.join(work, 'urls.txt'), '--allow-loopback', '--cache-control',
                      '--max-item-bytes', os.environ['MAX_ITEM'], '--refresh-before', '3600', '--json'], capture_output=True, text=True)
if run.returncode != 0:
    failures.append(f'run 2 exited {run.returncode}: {run.stderr[-500:]}')
else:
    second = {**special, '/etag': 'revalidated', '/json/strings': 'filled'}
    expect_outcomes(json.loads(run.stdout), lambda p: second.get(p, 'hit'), 'run 2')
    after = counts()
    fetched = {p for p in after if after[p] != before.get(p, 0)}
    for url in manifest:
        p = path(url)
        if (p in fetched) != (second.get(p, 'hit') != 'hit'):
            failures.append(f'{url}: run 2: fetched={p in fetched}')
    if after.get('304 /etag') != 1 or after['/etag'] != 2:
        failures.append(f"{origin}/etag: run 2: expected one full response then one 304, got {after.get('/etag')} requests, {after.get('304 /etag')} 304s")
    rc_check('after run 2')

for f in failures:
    print('FAIL', f)
failed_urls = {f.split(': ', 1)[0] for f in failures}
print(f"interop: {len(manifest) - len(failed_urls)} passed, {len(failed_urls)} failed")
sys.exit(1 if failures else 0)
PY
