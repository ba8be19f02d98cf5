"""The queue scenarios of scripts/queue-test.sh. Each scenario uses its own schema and table."""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

BIN = os.environ['CACHEWARM_BIN']
DB = os.environ['CACHEWARM_TEST_DATABASE_URL']
PGBIN, PGROOT = os.environ['CW_PGBIN'], os.environ['CW_PGROOT']
results = []


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def sql(query):
    out = subprocess.run(['psql', DB, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', query], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def cachewarm(*args, **kwargs):
    return subprocess.run([BIN, *args], capture_output=True, text=True, **kwargs)


class Worker:
    """A `cachewarm work` process whose output goes to files (a full pipe would block it)."""

    def __init__(self, schema, table, *extra):
        self.out, self.err = tempfile.TemporaryFile('w+'), tempfile.TemporaryFile('w+')
        self.process = subprocess.Popen(
            [BIN, 'work', '--schema', schema, '--table', table, '--allow-loopback', '--database-url', DB, '--lease-seconds', '3',
             '--rescue-interval', '1', '--poll-interval-ms', '200', '--retry-base-seconds', '0.2', *extra],
            stdout=self.out, stderr=self.err, text=True)

    def wait(self, timeout=None):
        return self.process.wait(timeout=timeout)

    def send_signal(self, sig):
        self.process.send_signal(sig)

    def stdout(self):
        self.out.seek(0)
        return self.out.read()

    def stderr(self):
        self.err.seek(0)
        return self.err.read()


def worker(schema, table, *extra):
    return Worker(schema, table, *extra)


def check(name, condition, detail=''):
    results.append((name, bool(condition)))
    print(('PASS ' if condition else 'FAIL ') + name + ('' if condition else f': {detail}'), flush=True)


def setup(name):
    schema, table = f'q_{name}', f'q_{name}'
    subprocess.run([BIN, 'migrate', '--schema', schema, '--database-url', DB], check=True, capture_output=True)
    subprocess.run([BIN, 'table', 'create', '--table', table], check=True, capture_output=True)
    return schema, table


def enqueue(schema, urls, *extra):
    out = cachewarm('enqueue', '--schema', schema, '--database-url', DB, '--file', '-', *extra, input='\n'.join(urls))
    assert out.returncode == 0, out.stderr
    return out.stdout


def states(schema):
    return dict(line.split('|') for line in sql(f'SELECT state, count(*) FROM {schema}.jobs GROUP BY state').splitlines() if line)


def counts(origin):
    return json.load(urllib.request.urlopen(f'{origin}/__counts'))


def wait_until(query, timeout=20):
    """Polls a count query with a deadline until it is non-zero."""
    deadline = time.time() + timeout
    while sql(query) in ('', '0') and time.time() < deadline:
        time.sleep(0.05)


def many_workers_drain_exactly_once(origin):
    schema, table = setup('many')
    urls = [f'{origin}/item?n={i}' for i in range(5000)]
    print(enqueue(schema, urls).strip())
    workers = [worker(schema, table, '--drain', '--concurrency', '16') for _ in range(4)]
    codes = [w.wait(timeout=600) for w in workers]
    seen = counts(origin)
    fetched = [seen.get(u[len(origin):], 0) for u in urls]
    check('4 workers drain 5,000 jobs: every worker exits 0', codes == [0] * 4, f'{codes} {[w.stderr()[-500:] for w in workers]}')
    check('every job completed, none left running', states(schema) == {'completed': '5000'}, states(schema))
    check('every URL fetched exactly once (origin counts)', fetched.count(1) == 5000, f'{sum(1 for f in fetched if f != 1)} URLs fetched not once')
    check('each worker took a share', all('filled' in w.stdout() for w in workers))
    stats = json.loads(cachewarm('stats', '--schema', schema, '--database-url', DB, '--by', 'host', '--json').stdout)
    check('stats count the 5,000 fills for the host', stats.get('127.0.0.1', {}).get('filled') == 5000, stats)


def killed_worker_jobs_are_rescued(origin):
    schema, table = setup('kill')
    urls = [f'{origin}/slow?ms=400&n={i}' for i in range(120)]
    enqueue(schema, urls)
    victim = worker(schema, table, '--concurrency', '16', '--worker-id', 'victim')
    wait_until(f"SELECT count(*) FROM {schema}.jobs WHERE lease_owner = 'victim'")
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    held = int(sql(f"SELECT count(*) FROM {schema}.jobs WHERE lease_owner = 'victim' AND state = 'running'"))
    rescuer = worker(schema, table, '--drain', '--concurrency', '16', '--worker-id', 'rescuer')
    code = rescuer.wait(timeout=300)
    rescued = int(sql(f"SELECT count(*) FROM {schema}.jobs WHERE errors::text LIKE '%lease expired: worker victim%'"))
    check('SIGKILL mid-batch leaves jobs leased to the dead worker', held > 0, held)
    check('another worker rescues and completes all of them', code == 0 and states(schema) == {'completed': '120'}, (code, states(schema)))
    check('the rescued jobs carry the lease-expired error and a counted attempt', rescued >= held and
          sql(f"SELECT min(attempt) FROM {schema}.jobs WHERE errors::text LIKE '%lease expired%'") == '2', (rescued, held))


def postgres_restart_mid_run(origin):
    schema, table = setup('restart')
    urls = [f'{origin}/slow?ms=100&n={i}' for i in range(600)]
    enqueue(schema, urls)
    workers = [worker(schema, table, '--drain', '--concurrency', '8') for _ in range(2)]
    time.sleep(1.5)
    pg = ['runuser', '-u', 'postgres', '--', f'{PGBIN}/pg_ctl', '-D', f'{PGROOT}/data', '-w', '-t', '60']
    subprocess.run(pg + ['-m', 'fast', 'stop'], check=True, capture_output=True)
    time.sleep(2)
    subprocess.run(pg + ['-l', f'{PGROOT}/server.log', '-o', os.environ['CW_PGOPTS'], 'start'], check=True, capture_output=True)
    codes = [w.wait(timeout=300) for w in workers]
    check('workers reconnect after a PostgreSQL restart and finish', codes == [0, 0], (codes, [w.stderr()[-300:] for w in workers]))
    check('no job lost or left running', states(schema) == {'completed': '600'}, states(schema))


def sigterm_lets_in_flight_jobs_finish(origin):
    schema, table = setup('term')
    urls = [f'{origin}/slow?ms=1500&n={i}' for i in range(40)]
    enqueue(schema, urls)
    w = worker(schema, table, '--concurrency', '4', '--grace-seconds', '10')
    wait_until(f"SELECT count(*) FROM {schema}.jobs WHERE state = 'running'")
    time.sleep(0.3)
    w.send_signal(signal.SIGTERM)
    code = w.wait(timeout=60)
    s = states(schema)
    check('SIGTERM: exit 0', code == 0, (code, w.stderr()[-500:]))
    check('in-flight jobs finished, nothing left running', s.get('running') is None and s.get('completed') == '4', s)
    check('unstarted jobs stay available with no attempt spent',
          sql(f"SELECT count(*) FROM {schema}.jobs WHERE state = 'available' AND attempt = 0") == '36', s)


def duplicates_collapse_and_bad_sql_urls_fail(origin):
    schema, table = setup('dup')
    a, a_reordered, b = f'{origin}/item?x=1&y=2', f'{origin}/item?y=2&x=1', f'{origin}/item?only=sql'
    out = enqueue(schema, [a, a_reordered, a])
    sql(f"SELECT {schema}.enqueue('{a_reordered}')")
    sql(f"SELECT {schema}.enqueue('{b}')")
    sql(f"SELECT {schema}.enqueue('{b}', priority => 3)")
    # The function refuses what is no http(s) URL at all; a URL that is malformed in a subtler way reaches a worker.
    refused = subprocess.run(['psql', DB, '-qAtX', '-c', f"SELECT {schema}.enqueue('not a url')"], capture_output=True, text=True)
    check('SQL enqueue refuses a non-URL with a clear error', refused.returncode != 0 and 'url must be an http(s) URL' in refused.stderr, refused.stderr)
    sql(f"SELECT {schema}.enqueue('http://bad host/')")
    out2 = enqueue(schema, [f'{origin}/item?only=sql'])
    w = worker(schema, table, '--drain')
    code = w.wait(timeout=120)
    seen = counts(origin)
    check('CLI duplicates collapse on enqueue', '1 new, 2 deduplicated' in out, out)
    check('a CLI enqueue after a SQL one is a new row until keyed', '1 new' in out2, out2)
    check('CLI and SQL duplicates end as one fetch each', seen.get('/item?x=1&y=2', 0) + seen.get('/item?y=2&x=1', 0) == 1
          and seen.get('/item?only=sql') == 1, seen)
    check('duplicates are cancelled, one job per key completed',
          sql(f"SELECT count(*) FROM {schema}.jobs WHERE state = 'completed'") == '2' and
          sql(f"SELECT count(*) FROM {schema}.jobs WHERE outcome = 'duplicate'") == '3', sql(f'SELECT id, url, state, outcome FROM {schema}.jobs'))
    bad = sql(f"SELECT state || ' ' || (errors->0->>'error') FROM {schema}.jobs WHERE url = 'http://bad host/'")
    check('a malformed URL from SQL fails with a clear error and the worker goes on', code == 0 and bad.startswith('failed invalid job: url: invalid host'), (code, bad))
    stats = json.loads(cachewarm('stats', '--schema', schema, '--database-url', DB, '--json').stdout)
    check('stats: 2 filled, 1 failed (the malformed URL)', stats.get('all', {}).get('filled') == 2 and stats['all'].get('failed') == 1, stats)


def keep_warm_jobs_come_back_before_expiry(origin):
    schema, table = setup('keep')
    enqueue(schema, [f'{origin}/etag'], '--keep-warm', '--cache-control')
    sql(f"SELECT {schema}.enqueue('http://127.0.0.1:9/down', keep_warm => true, max_attempts => 1)")
    code = worker(schema, table, '--drain', '--refresh-before', '120', '--keep-warm-max-interval', '3600').wait(timeout=120)
    rows = dict(line.split('|', 1) for line in sql(
        f"SELECT url, state || ' ' || coalesce(outcome, '') || ' ' || attempt || ' ' || round(extract(epoch from run_at - now()))::int "
        f"FROM {schema}.jobs").splitlines())
    state, outcome, attempt, due = rows[f'{origin}/etag'].split()
    # Exit 1: the unreachable URL failed in this run (it is rescheduled all the same).
    check('keep-warm: the drain ends; the job is filled and rescheduled, not finished',
          code == 1 and (state, outcome, attempt) == ('available', 'filled', '0'), (code, rows))
    # max-age=600, refresh lead 120 s, up to 60 s of jitter: due in 420...480 s.
    check('keep-warm: due one refresh lead before expiry, with jitter', 415 <= int(due) <= 481, due)
    down = rows['http://127.0.0.1:9/down'].split()
    check('keep-warm: a failed refresh comes back later instead of failing for good',
          down[0] == 'available' and down[2] == '0' and 1700 <= int(down[3]) <= 3601, down)


def dry_run_work_writes_nothing(origin):
    schema, table = setup('dry')
    enqueue(schema, [f'{origin}/item?dry={i}' for i in range(3)])
    code = worker(schema, table, '--drain', '--dry-run').wait(timeout=60)
    items = subprocess.run([os.path.join(os.environ['CW_VENV'], 'bin', 'python'), '-c',
                            "import boto3, os; print(boto3.client('dynamodb', endpoint_url=os.environ['AWS_ENDPOINT_URL_DYNAMODB'], "
                            f"region_name=os.environ['AWS_REGION']).scan(TableName='{table}')['Count'])"], capture_output=True, text=True).stdout.strip()
    check('work --dry-run: jobs end as would-fill and nothing is written', code == 0 and items == '0' and
          sql(f"SELECT count(*) FROM {schema}.jobs WHERE state = 'completed' AND outcome = 'would-fill'") == '3', (code, items))


def unmigrated_database_is_refused():
    out = cachewarm('work', '--schema', 'never_migrated', '--database-url', DB, '--drain')
    check('an unmigrated schema is refused with exit 4 and the fix', out.returncode == 4 and 'cachewarm migrate' in out.stderr, out.stderr)
    out = cachewarm('enqueue', '--database-url', 'postgresql://postgres@127.0.0.1:9/x', 'http://example.com/')
    check('an unreachable database is exit 4', out.returncode == 4 and 'cannot connect' in out.stderr, out.stderr)


def main():
    port = free_port()
    origin_process = subprocess.Popen([sys.executable, 'scripts/origin/origin.py', '--port', str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    origin = f'http://127.0.0.1:{port}'
    try:
        for _ in range(100):
            try:
                counts(origin)
                break
            except OSError:
                time.sleep(0.1)
        unmigrated_database_is_refused()
        duplicates_collapse_and_bad_sql_urls_fail(origin)
        sigterm_lets_in_flight_jobs_finish(origin)
        killed_worker_jobs_are_rescued(origin)
        many_workers_drain_exactly_once(origin)
        postgres_restart_mid_run(origin)
        keep_warm_jobs_come_back_before_expiry(origin)
        dry_run_work_writes_nothing(origin)
    finally:
        origin_process.kill()
    failed = sum(1 for _, ok in results if not ok)
    print(f'queue: {len(results) - failed} passed, {failed} failed')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
