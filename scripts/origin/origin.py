#!/usr/bin/env python3
"""A local HTTP origin for cachewarm's interop test and demo (loopback only).

Fixed routes cover the response kinds requests-cache stores differently (JSON with and without
numbers, HTML, UTF-8 and Latin-1 text, PNG, gzip, empty, 404, no-store, a redirect chain, Vary,
bodies just under and over the item limit). With --root DIR it also serves the files of DIR.
--manifest FILE writes, for every fixed route, the sha256 of the body as requests decodes it.
It counts requests per path and query (GET /__counts) so tests can prove what was fetched;
/slow?ms=N answers after N milliseconds, and /item?... answers a small JSON document for any query.
/hostile/... are what a hostile origin sends (scripts/bad-input-test.sh): headers with non-ASCII
digits and huge numbers, a gzip bomb, 429 with Retry-After: 0, a redirect to a private address.
"""
import argparse
import functools
import gzip
import hashlib
import json
import mimetypes
import os
import socket
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PNG = bytes.fromhex('89504e470d0a1a0a0000000d4948445200000001000000010806000000'
                    '1f15c4890000000d4944415478da63f8cfc0f01f0005000201ffa65d6b0000000049454e44ae426082')


def routes(big_under, big_over):
    """path -> (status, headers, body, kind); kind says what the reader should see."""
    json_numbers = b'{"name": "caf\xc3\xa9", "pi": 3.14159, "n": 42, "big": 12345678901234567890}'
    return {
        '/json/numbers': (200, [('Content-Type', 'application/json')], json_numbers, 'hit'),
        '/json/strings': (200, [('Content-Type', 'application/json'), ('Cache-Control', 'max-age=3600')],
                          b'{"a": "x", "ok": true, "none": null}', 'hit'),
        '/html': (200, [('Content-Type', 'text/html; charset=utf-8')], '<p>h\u00e9llo</p>\n'.encode(), 'hit'),
        '/text/utf8': (200, [('Content-Type', 'text/plain; charset=utf-8')], 'plain \u00e9 text\r\nline2\n'.encode(), 'hit'),
        '/text/latin1': (200, [('Content-Type', 'text/plain; charset=iso-8859-1')], 'caf\u00e9 cr\u00e8me'.encode('latin-1'), 'hit'),
        '/png': (200, [('Content-Type', 'image/png'), ('ETag', '"png-v1"')], PNG, 'hit'),
        '/etag': (200, [('Content-Type', 'text/plain'), ('ETag', '"e-v1"'), ('Cache-Control', 'max-age=600')], b'validated body', 'hit'),
        '/gzip-json': (200, [('Content-Type', 'application/json'), ('Content-Encoding', 'gzip')],
                       gzip.compress(b'{"compressed": [1, 2, 3], "x": 1.5e-07}'), 'hit'),
        '/empty': (200, [('Content-Type', 'text/plain')], b'', 'hit'),
        '/status/404': (404, [('Content-Type', 'text/plain')], b'not here', 'miss'),
        '/no-store': (200, [('Content-Type', 'text/plain'), ('Cache-Control', 'no-store')], b'secret', 'miss'),
        '/redirect/1': (301, [('Location', '/redirect/2')], b'', 'hit'),
        # Warmed directly, so a hit too (requests-cache alone would not persist this alias).
        '/redirect/2': (302, [('Location', '/redirect/final')], b'', 'hit'),
        '/redirect/final': (200, [('Content-Type', 'application/json')], b'{"final": true}', 'hit'),
        '/vary': (200, [('Content-Type', 'text/plain'), ('Vary', 'Accept-Encoding')], b'varies', 'hit'),
        '/big/under': (200, [('Content-Type', 'application/octet-stream')], b'u' * big_under, 'hit'),
        '/big/over': (200, [('Content-Type', 'application/octet-stream')], b'o' * big_over, 'miss'),
    }


def hostile(path, query):
    """Raw (status line, headers as bytes, body) for /hostile/... routes, or None."""
    params = dict(p.split('=', 1) for p in query.split('&') if '=' in p)
    if path == '/hostile/retry-after':
        return b'200 OK', [b'Content-Type: text/plain', 'Retry-After: 1 Jan \u0662\u0660\u0662\u0666 00:00:00'.encode()], b'ok'
    if path == '/hostile/dates':
        return b'200 OK', [b'Content-Type: text/plain', b'Cache-Control: max-age=99999999999999999999999999',
                           'Expires: Thu, \u0660\u0661 Jan 2026 00:00:00 GMT'.encode(), b'Last-Modified: Thu, 01 Jan 0000 00:00:00 GMT'], b'dates'
    if path == '/hostile/bomb':
        return b'200 OK', [b'Content-Type: application/json', b'Content-Encoding: gzip'], bomb()
    if path == '/hostile/429-zero':
        return b'429 Too Many Requests', [b'Retry-After: 0'], b''
    if path == '/hostile/redirect':
        return b'302 Found', [b'Location: ' + params.get('to', '/').encode()], b''
    return None


@functools.lru_cache(maxsize=1)
def bomb():
    """64 MiB of zeros, gzipped to about 64 KB."""
    return gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9)


def decoded(headers, body):
    return gzip.decompress(body) if ('Content-Encoding', 'gzip') in headers else body


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--root', help='also serve the files of this folder')
    p.add_argument('--manifest', help='write {url: {kind, sha256, final}} for the fixed routes here')
    p.add_argument('--big-under', type=int, default=390_000)
    p.add_argument('--big-over', type=int, default=420_000)
    args = p.parse_args()
    table = routes(args.big_under, args.big_over)
    counts, lock = {}, threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def log_message(self, *a):
            pass

        def setup(self):
            super().setup()
            # Headers and body go out in two writes: without NODELAY, Nagle + delayed ACK add 40 ms.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def handle(self):
            try:
                super().handle()
            except ConnectionResetError:
                pass

        def send(self, status, headers, body, head=False):
            etag = dict(headers).get('ETag')
            if status == 200 and etag and self.headers.get('If-None-Match') == etag:
                status, body, head = 304, b'', True
                with lock:  # 304s are counted apart from full responses
                    counts['304 ' + self.path] = counts.get('304 ' + self.path, 0) + 1
                headers = [h for h in headers if h[0] in ('ETag', 'Cache-Control', 'Last-Modified')]
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            if status != 304:
                self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def do_GET(self, head=False):
            path, _, query = self.path.partition('?')
            if path == '/__counts':
                with lock:
                    return self.send(200, [('Content-Type', 'application/json')], json.dumps(counts).encode())
            with lock:
                counts[self.path] = counts.get(self.path, 0) + 1
            raw = hostile(path, query)
            if raw:
                status, headers, body = raw
                self.wfile.write(b'HTTP/1.1 ' + status + b'\r\n' + b''.join(h + b'\r\n' for h in headers)
                                 + b'Content-Length: ' + str(len(body)).encode() + b'\r\n\r\n' + body)
                return
            if path in ('/slow', '/item'):
                params = dict(p.split('=', 1) for p in query.split('&') if '=' in p)
                time.sleep(int(params.get('ms', '0')) / 1000 if path == '/slow' else 0)
                return self.send(200, [('Content-Type', 'application/json')], json.dumps({'query': query}).encode(), head)
            if path in table:
                status, headers, body, _ = table[path]
                return self.send(status, headers, body, head)
            if args.root:
                root = os.path.abspath(args.root)
                file = os.path.normpath(os.path.join(root, path.lstrip('/')))
                if file.startswith(root + os.sep) and os.path.isfile(file):
                    with open(file, 'rb') as f:
                        body = f.read()
                    ctype = mimetypes.guess_type(file)[0] or 'application/octet-stream'
                    if ctype.startswith('text/'):
                        ctype += '; charset=utf-8'
                    etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
                    return self.send(200, [('Content-Type', ctype), ('Cache-Control', 'max-age=3600'), ('ETag', etag),
                                           ('Last-Modified', formatdate(os.path.getmtime(file), usegmt=True))], body, head)
            self.send(404, [('Content-Type', 'text/plain')], b'no such path', head)

        def do_HEAD(self):
            self.do_GET(head=True)

    ThreadingHTTPServer.request_queue_size = 512
    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(('127.0.0.1', args.port), Handler)
    if args.manifest:
        base = f'http://127.0.0.1:{args.port}'
        manifest = {}
        for path, (status, headers, body, kind) in table.items():
            final = path
            while table[final][0] in (301, 302):
                final = dict(table[final][1])['Location']
            fstatus, fheaders, fbody, _ = table[final]
            manifest[base + path] = {'kind': kind, 'sha256': hashlib.sha256(decoded(fheaders, fbody)).hexdigest()}
        with open(args.manifest, 'w') as f:
            json.dump(manifest, f, indent=1)
    server.serve_forever()


if __name__ == '__main__':
    main()
