#!/usr/bin/env bash
# The benchmark (release build), with the rig of ../shared/bench: a fixed corpus on nginx, a
# DynamoDB null sink, moto, and the Python baseline. For the 2 KB, 30 KB and 300 KB corpora, one
# after the other and interleaved within each corpus, it measures:
#   wrk on the origin (fetch ceiling); cachewarm warm --dry-run; cachewarm warm into the null
#   sink (the engine's ceiling); cachewarm warm into moto; moto's own BatchWriteItem ceiling for
#   the same item sizes; the baseline (--mode rc, --mode clever --raw-body) into the null sink.
# and prints URLs/s, CPU ms per URL (start-up excluded: a one-URL run is subtracted), peak RSS,
# and the ratios the goals are stated in. ROUNDS=3 takes medians of three rounds.
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$CW_ROOT"
ROUNDS=${ROUNDS:-1}
CONCURRENCY=${CONCURRENCY:-64}

cw_install nginx wrk bc
cw_log "building cachewarm (release)"
swift build -c release --product cachewarm >/dev/null
BIN=$CW_ROOT/.build/release/cachewarm
cw_start_services

export ORIGIN_DIR=$CW_RUNDIR/origin ORIGIN_PORT=$(cw_free_port) SINK_PORT=$(cw_free_port)
mkdir -p "$ORIGIN_DIR" && chmod 755 "$CW_RUNDIR" "$ORIGIN_DIR"
bash "$CW_SHARED/bench/origin.sh" gen >/dev/null
bash "$CW_SHARED/bench/origin.sh" start >/dev/null
trap 'bash "$CW_SHARED/bench/origin.sh" stop >/dev/null 2>&1; cw_stop_services' EXIT
cw_wait_for "nginx" curl -sf "http://127.0.0.1:$ORIGIN_PORT/s/000000.json"
"$BIN" table create --table bench >/dev/null

# measure NAME KIND N -- COMMAND...: wall seconds, user+sys CPU seconds, peak RSS (KB) to $CW_RUNDIR/NAME.KIND.N
measure() {
  local name=$1 kind=$2 n=$3; shift 4
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%U %S %M" -o "$CW_RUNDIR/time" "$@" >"$CW_RUNDIR/out" 2>"$CW_RUNDIR/err" || { cw_log "$name failed"; tail -5 "$CW_RUNDIR/err"; }
  end=$(date +%s.%N)
  read -r user sys rss < <(tail -1 "$CW_RUNDIR/time")
  echo "$(echo "$end - $start" | bc) $(echo "$user + $sys" | bc) $rss" >>"$CW_RUNDIR/$name.$kind.$n"
}

declare -A COUNT=([s]=2000 [m]=2000 [l]=300)
SINK=http://127.0.0.1:$SINK_PORT
# The null sink answers every call but DescribeTable: it is skipped there (--no-table-check).
WARM=(warm --table bench --allow-loopback --force --concurrency "$CONCURRENCY" --per-host "$CONCURRENCY" --max-item-bytes 400000)
for kind in s m l; do
  n=${COUNT[$kind]}
  bash "$CW_SHARED/bench/origin.sh" urls "$kind" "$n" >"$CW_RUNDIR/urls.$kind"
  head -1 "$CW_RUNDIR/urls.$kind" >"$CW_RUNDIR/url1.$kind"
  cw_log "corpus $kind: $n URLs"
  for round in $(seq 1 "$ROUNDS"); do
    wrk -t2 -c64 -d4s "$(head -1 "$CW_RUNDIR/urls.$kind")" | awk '/Requests\/sec/ {print $2}' >>"$CW_RUNDIR/wrk.$kind"
    for size in 1 "$n"; do
      file=$CW_RUNDIR/urls.$kind; [ "$size" = 1 ] && file=$CW_RUNDIR/url1.$kind
      measure dry "$kind" "$size" -- "$BIN" "${WARM[@]}" --dry-run --file "$file"
      measure sink "$kind" "$size" -- "$BIN" "${WARM[@]}" --endpoint-url "$SINK" --no-table-check --file "$file"
      measure rc "$kind" "$size" -- "$CW_VENV/bin/python" "$CW_SHARED/bench/baseline_rc_warmer.py" --endpoint "$SINK" \
        --base "http://127.0.0.1:$ORIGIN_PORT" --kind "$kind" --n "$size" --workers 32 --mode rc --table bench
      measure clever "$kind" "$size" -- "$CW_VENV/bin/python" "$CW_SHARED/bench/baseline_rc_warmer.py" --endpoint "$SINK" \
        --base "http://127.0.0.1:$ORIGIN_PORT" --kind "$kind" --n "$size" --workers 32 --mode clever --raw-body --table bench
    done
    if [ "$kind" != l ]; then
      measure moto "$kind" "$n" -- "$BIN" "${WARM[@]}" --file "$CW_RUNDIR/urls.$kind"
      # moto's own BatchWriteItem ceiling for items of the same shape and size as cachewarm's
      # (the nested maps cost moto CPU too), written with boto3's batch_writer.
      "$CW_VENV/bin/python" - "$kind" "$n" >>"$CW_RUNDIR/motoceiling.$kind" <<'PY'
import boto3, os, sys, time
kind, n = sys.argv[1], int(sys.argv[2])
size = {'s': 2000, 'm': 30000}[kind]
table = boto3.resource('dynamodb', endpoint_url=os.environ['AWS_ENDPOINT_URL_DYNAMODB'], region_name=os.environ['AWS_REGION']).Table('bench')
from decimal import Decimal
def item(i):
    url = f'http://127.0.0.1:18080/{kind}/{i:06d}'
    headers = {'Server': 'nginx/1.22.1', 'Date': 'Tue, 24 Nov 2026 19:00:00 GMT', 'Content-Type': 'application/json',
               'Content-Length': str(size), 'Last-Modified': 'Tue, 24 Nov 2026 18:00:00 GMT', 'Connection': 'keep-alive',
               'ETag': '"6743a1b0-7d0"', 'Cache-Control': 'max-age=3600', 'Accept-Ranges': 'bytes'}
    request = {'method': 'GET', 'url': url, 'headers': {'Accept': '*/*', 'Accept-Encoding': 'gzip, deflate', 'Connection': 'keep-alive',
                                                        'User-Agent': 'python-requests/2.34.2'}}
    value = {'_content': os.urandom(size), 'created_at': '2026-11-24T19:00:00.123456+00:00', 'elapsed': Decimal('0.001234'),
             'encoding': 'utf-8', 'expires': '2026-11-24T20:00:00.123456+00:00', 'headers': headers, 'reason': 'OK',
             'request': request, 'status_code': 200, 'url': url}
    return {'key': f'ceiling-{kind}-{i}', 'value': value, 'ttl': 1795544714}
items = [item(i) for i in range(n)]
start = time.time()
with table.batch_writer() as writer:
    for item in items:
        writer.put_item(Item=item)
print(n / (time.time() - start))
PY
    fi
  done
done

cw_log "results (median of $ROUNDS round(s)); CPU per URL excludes start-up (a one-URL run is subtracted)"
"$CW_VENV/bin/python" - "$CW_RUNDIR" <<'PY'
import statistics, sys, os
run = sys.argv[1]
count = {'s': 2000, 'm': 2000, 'l': 300}
def rows(name, kind, n):
    path = os.path.join(run, f'{name}.{kind}.{n}')
    return [list(map(float, line.split())) for line in open(path)] if os.path.exists(path) else []
def med(values): return statistics.median(values) if values else float('nan')
def stats(name, kind):
    n = count[kind]
    full, one = rows(name, kind, n), rows(name, kind, 1)
    if not full: return None
    wall, cpu, rss = med([r[0] for r in full]), med([r[1] for r in full]), med([r[2] for r in full])
    cpu1 = med([r[1] for r in one]) if one else 0
    return {'rate': n / wall, 'cpu_ms': max(cpu - cpu1, 0) * 1000 / n, 'rss_mb': rss / 1024}
def single(name, kind):
    path = os.path.join(run, f'{name}.{kind}')
    return med([float(l) for l in open(path) if l.strip()]) if os.path.exists(path) else float('nan')
print(f"{'corpus':7} {'what':34} {'URLs/s':>9} {'CPU ms/URL':>11} {'peak RSS MB':>12}")
for kind, label in (('s', '2 KB'), ('m', '30 KB'), ('l', '300 KB')):
    print(f"{label:7} {'wrk -t2 -c64 (requests/s)':34} {single('wrk', kind):9.0f}")
    table = {}
    for name, what in (('dry', 'cachewarm --dry-run'), ('sink', 'cachewarm -> null sink'), ('moto', 'cachewarm -> moto'),
                       ('rc', 'baseline rc -> null sink'), ('clever', 'baseline clever --raw-body -> sink')):
        s = stats(name, kind)
        if s is None: continue
        table[name] = s
        print(f"{label:7} {what:34} {s['rate']:9.0f} {s['cpu_ms']:11.2f} {s['rss_mb']:12.1f}")
    ceiling = single('motoceiling', kind)
    if ceiling == ceiling:
        print(f"{label:7} {'moto BatchWriteItem ceiling (items/s)':34} {ceiling:9.0f}")
    ratios = []
    if 'sink' in table and 'rc' in table:
        ratios.append(f"sink/rc {table['sink']['rate'] / table['rc']['rate']:.1f}x (goal >= 20x on 2 KB)")
        if table['sink']['cpu_ms'] > 0:
            ratios.append(f"CPU rc/cachewarm {table['rc']['cpu_ms'] / table['sink']['cpu_ms']:.1f}x (goal >= 20x)")
    if 'sink' in table and 'clever' in table:
        ratios.append(f"sink/clever {table['sink']['rate'] / table['clever']['rate']:.1f}x (goal >= 5x on 2 KB)")
    if 'dry' in table:
        ratios.append(f"dry/wrk {table['dry']['rate'] / single('wrk', kind):.2f} (goal >= 0.4 on 2 KB)")
    if 'moto' in table and ceiling == ceiling:
        ratios.append(f"moto/ceiling {table['moto']['rate'] / ceiling:.2f} (goal >= 0.8)")
    print(f"{label:7} ratios: " + '; '.join(ratios))
PY
