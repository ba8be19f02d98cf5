"""The bad-input catalogue of scripts/bad-input-test.sh: every hostile input the hardening issue
names, against the real binary, PostgreSQL, moto and a local origin, each with the expected
exit code and message or job state. One worker serves the queue throughout and must still be
alive, and still warming, at the end."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

BIN = os.environ['CACHEWARM_BIN']
DB = os.environ['CACHEWARM_TEST_DATABASE_URL']
TRAPS = {-4, -5, -6, -11, 132, 133, 134, 139}  # SIGILL, SIGTRAP, SIGABRT, SIGSEGV as exit codes or signals
results = []


def check(name, condition, detail=''):
    results.append(bool(condition))
    print(('PASS ' if condition else 'FAIL ') + name + ('' if condition else f': {detail}'), flush=True)


def cachewarm(*args, **kwargs):
    return subprocess.run([BIN, *args], capture_output=True, text=True, errors='replace', **kwargs)


def psql(query, url=DB):
    return subprocess.run(['psql', url, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', query], capture_output=True, text=True)


def sql(query):
    out = psql(query)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def counts(origin):
    with urllib.request.urlopen(origin + '/__counts') as response:
        return json.loads(response.read())


def expect(name, args, code, pattern):
    out = cachewarm(*args)
    text = out.stdout + out.stderr
    check(f'{name}: exit {code}, says "{pattern}"', out.returncode == code and pattern in text, (out.returncode, text[-600:]))
    return out


def cli_cases(origin, port, table):
    warm = ['warm', '--table', table, '--max-item-bytes', '400000']
    expect('an origin Retry-After with non-ASCII digits', warm + ['--allow-loopback', f'{origin}/hostile/retry-after'], 0, 'filled')
    expect('huge max-age, non-ASCII Expires, year-0 Last-Modified', warm + ['--allow-loopback', '--cache-control', f'{origin}/hostile/dates'], 0,
           'expires 9999-12-31T23:59:59')
    expect('--expire-after 20000000000000w', warm + ['--expire-after', '20000000000000w', f'{origin}/json/numbers'], 2, 'expire-after')
    expect('octal 012.0.0.1 is the private 10.0.0.1', warm + [f'http://012.0.0.1:{port}/'], 1, 'private address 10.0.0.1')
    expect('octal 172.037.0.5 is the private 172.31.0.5', warm + [f'http://172.037.0.5:{port}/'], 1, 'private address 172.31.0.5')
    expect('0177.0.0.1 is loopback', warm + [f'http://0177.0.0.1:{port}/json/numbers'], 1, 'loopback address 127.0.0.1')
    expect('0177.0.0.1 reaches loopback when loopback is allowed', warm + ['--allow-loopback', f'http://0177.0.0.1:{port}/json/strings'], 0, 'filled')
    expect('localhost. is loopback by name', warm + [f'http://localhost.:{port}/'], 1, 'loopback by name')
    expect('a.localhost is loopback by name', warm + [f'http://a.localhost:{port}/'], 1, 'loopback by name')
    expect("AWS's IPv6 metadata address needs --allow-link-local", warm + ['--allow-private', 'http://[fd00:ec2::254]/'], 1, 'link-local')
    expect('IPv4-mapped metadata address', warm + ['--allow-private', 'http://[::ffff:169.254.169.254]/'], 1, 'link-local')
    expect('a redirect hop to an octal private address', warm + ['--allow-loopback', f'{origin}/hostile/redirect?to=http://012.0.0.1:{port}/'], 1,
           'private address 10.0.0.1')
    expect('CR/LF in the method', warm + ['--allow-loopback', '--method', 'GET\r\nX-Injected: 1', f'{origin}/json/numbers'], 2, 'method')
    expect('CR in a header value', warm + ['--allow-loopback', '-H', 'X-A: 1\rX-B: 2', f'{origin}/json/numbers'], 2, 'headers')
    expect('a gzip bomb is oversize-skipped, not retried', warm + ['--allow-loopback', '--max-body-bytes', '1000000', f'{origin}/hostile/bomb'], 0,
           'oversize-skipped')
    expect('a URL longer than 8 KiB', warm + ['--allow-loopback', f'{origin}/' + 'a' * 9000], 2, 'over the limit of 8192')
    expect('a 1000-character IDN label', warm + ['--allow-loopback', 'http://' + '\u00fc' * 1000 + '.test/'], 2, 'invalid host')
    deep = cachewarm(*warm, '--allow-loopback', '--method', 'POST', '-H', 'Content-Type: application/json', '--data', '[' * 100_000,
                     '--allowable-methods', 'GET,POST', f'{origin}/json/numbers')
    check('a JSON body nested 100,000 deep neither traps nor hangs', deep.returncode in (0, 1) and deep.returncode not in TRAPS, deep.returncode)
    secret = cachewarm(*warm, '--allow-loopback', '--json', f'http://user:s3cret@127.0.0.1:{port}/json/numbers?api_key=TOPSECRET&x=1')
    text = secret.stdout + secret.stderr
    check('credentials and secret parameters never reach the output', secret.returncode == 0 and 's3cret' not in text and 'TOPSECRET' not in text
          and 'api_key=REDACTED' in text, text[-400:])
    escape = cachewarm(*warm, '--allow-loopback', f'{origin}/esc\x1b[31mred\x07')
    check('control characters in a URL never reach the terminal raw', '\x1b' not in escape.stdout + escape.stderr and '%1B' in escape.stdout,
          repr(escape.stdout[-200:]))


def wait_for(predicate, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


def queue_cases(origin, table):
    schema = 'bad_input'
    subprocess.run([BIN, 'migrate', '--schema', schema, '--database-url', DB], check=True, capture_output=True)
    err = tempfile.TemporaryFile('w+')
    worker = subprocess.Popen([BIN, 'work', '--schema', schema, '--table', table, '--allow-loopback', '--database-url', DB,
                               '--max-item-bytes', '400000', '--poll-interval-ms', '200', '--retry-base-seconds', '0.2',
                               '--allow-job-header', 'X-Ok', '--allow-job-header', 'Content-Type'],
                              stdout=subprocess.DEVNULL, stderr=err, text=True)

    def state(url):
        return sql(f"SELECT state || ' ' || coalesce(errors->-1->>'error', outcome, '') FROM {schema}.jobs WHERE url = '{url}' ORDER BY id DESC LIMIT 1")

    def finished(url):
        return wait_for(lambda: (s := state(url)) and s.split(' ')[0] in ('completed', 'failed', 'cancelled') and s)

    try:
        sql(f"""SELECT {schema}.enqueue('{origin}/huge-expiry', settings => '{{"expire_after": "20000000000000w"}}')""")
        check('settings expire_after "20000000000000w" fails the job alone, naming the field',
              (finished(f'{origin}/huge-expiry') or '').startswith('failed invalid job: settings: expire_after'), state(f'{origin}/huge-expiry'))
        refused = psql(f"""SELECT {schema}.enqueue('{origin}/x', settings => '{{"expire_after": 99999999999999999999}}')""")
        check('SQL enqueue refuses an out-of-range expire_after', 'expire_after must be whole seconds' in refused.stderr, refused.stderr)
        refused = psql(f"SELECT {schema}.enqueue('{origin}/x', method => E'GET\\r\\nX: 1')")
        check('SQL enqueue refuses CR/LF in the method', 'method must be an HTTP method token' in refused.stderr, refused.stderr)
        sql(f"INSERT INTO {schema}.jobs (url, method) VALUES ('{origin}/raw-method', E'GET\\r\\nX: 1')")
        check('a row with CR/LF in its method (written around the function) fails alone',
              'invalid job: method:' in (finished(f'{origin}/raw-method') or ''), state(f'{origin}/raw-method'))
        sql(f"INSERT INTO {schema}.jobs (url, headers) VALUES ('{origin}/raw-headers', '[[1, 2]]')")
        check('a row with malformed headers fails alone', 'headers must be' in (finished(f'{origin}/raw-headers') or ''), state(f'{origin}/raw-headers'))
        sql(f"""SELECT {schema}.enqueue('{origin}/json/numbers?cookie=1', headers => '[["Cookie", "a=1"]]')""")
        check('a header the worker does not allow fails the job (--allow-job-header)',
              'Cookie is not allowed on this worker' in (finished(f'{origin}/json/numbers?cookie=1') or ''), state(f'{origin}/json/numbers?cookie=1'))
        sql(f"""SELECT {schema}.enqueue('{origin}/json/numbers?ok=1', headers => '[["X-Ok", "1"]]')""")
        check('an allowed header is sent', (finished(f'{origin}/json/numbers?ok=1') or '').startswith('completed'), state(f'{origin}/json/numbers?ok=1'))
        sql(f"SELECT {schema}.enqueue('{origin}/hostile/retry-after?queued=1')")
        check('a hostile Retry-After on a queued job: filled, the worker lives',
              (finished(f'{origin}/hostile/retry-after?queued=1') or '') == 'completed filled', state(f'{origin}/hostile/retry-after?queued=1'))
        sql(f"SELECT {schema}.enqueue('{origin}/hostile/429-zero', max_attempts => 2)")
        time.sleep(3)
        fetches = counts(origin).get('/hostile/429-zero', 0)
        check('429 with Retry-After: 0 is no hot loop (at least 1 s between tries)', 1 <= fetches <= 4, fetches)
        check('a 429 refund does not spend the attempt', sql(f"SELECT attempt FROM {schema}.jobs WHERE url = '{origin}/hostile/429-zero'") in ('0', '1'),
              state(f'{origin}/hostile/429-zero'))
        # A least-privilege enqueuer: EXECUTE on the function, no table privilege.
        sql("DROP ROLE IF EXISTS cw_enqueuer; CREATE ROLE cw_enqueuer LOGIN")
        sql(f"GRANT USAGE ON SCHEMA {schema} TO cw_enqueuer; "
            f"GRANT EXECUTE ON FUNCTION {schema}.enqueue(text, text, jsonb, bytea, text, integer, timestamptz, integer, jsonb, text, boolean) TO cw_enqueuer")
        enqueuer = DB.replace('postgres@', 'cw_enqueuer@', 1)
        ok = psql(f"SELECT {schema}.enqueue('{origin}/json/strings?role=1')", enqueuer)
        read = psql(f'SELECT count(*) FROM {schema}.jobs', enqueuer)
        write = psql(f"INSERT INTO {schema}.jobs (url) VALUES ('http://a.test/')", enqueuer)
        check('the least-privilege role enqueues through the function', ok.returncode == 0, ok.stderr)
        check('the least-privilege role can neither read nor write the jobs table',
              'permission denied' in read.stderr and 'permission denied' in write.stderr, (read.stderr, write.stderr))
        check('its job is warmed', (finished(f'{origin}/json/strings?role=1') or '').startswith('completed'), state(f'{origin}/json/strings?role=1'))
        public = psql(f"SELECT {schema}.enqueue('{origin}/x')", DB.replace('postgres@', 'cw_nobody@', 1))
        check('a role without the grant cannot enqueue', public.returncode != 0, public.stderr)
        check('the worker is still alive after all of it', worker.poll() is None, worker.returncode)
        sql(f"SELECT {schema}.enqueue('{origin}/json/strings?last=1')")
        check('and still warms', (finished(f'{origin}/json/strings?last=1') or '') == 'completed filled', state(f'{origin}/json/strings?last=1'))
    finally:
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(timeout=60)
        check('the worker stops on SIGTERM with exit 0', code == 0, code)
        err.seek(0)
        log = err.read()
        check('the worker logged no trap', 'Fatal error' not in log, log[-500:])


def main():
    origin, port, table = sys.argv[1], sys.argv[2], sys.argv[3]
    subprocess.run(['psql', DB, '-qAtX', '-c', 'DROP ROLE IF EXISTS cw_nobody; CREATE ROLE cw_nobody LOGIN'], capture_output=True)
    cli_cases(origin, port, table)
    queue_cases(origin, table)
    failed = results.count(False)
    print(f'bad input: {len(results) - failed} passed, {failed} failed')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
