"""A Python development server in front of a target, dropping some requests.

`python3 dropping_proxy.py PORT UPSTREAM_URL DROP_FRACTION SEED` serves on 127.0.0.1:PORT with
the standard library's ThreadingHTTPServer (as Python emulators such as moto do) and forwards
every request (any method and path: the API and the fixture protocol) to UPSTREAM_URL. A
fraction of the requests, drawn from SEED, is read and then dropped: the connection closes
without an answer, as a development server does under load. On SIGTERM it prints how many it
forwarded and dropped, as JSON, and exits.

`cargo xtask soak` runs the suite through it (issue 30: a flaky connection never flips a
verdict).
"""

import http.client
import http.server
import json
import random
import signal
import socket
import sys
import threading
import urllib.parse

PORT = int(sys.argv[1])
UPSTREAM = urllib.parse.urlsplit(sys.argv[2])
DROP = float(sys.argv[3])
RANDOM = random.Random(int(sys.argv[4]))
LOCK = threading.Lock()
COUNTS = {"forwarded": 0, "dropped": 0}


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def relay(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with LOCK:
            drop = RANDOM.random() < DROP
            COUNTS["dropped" if drop else "forwarded"] += 1
        if drop:
            # Read, then gone: no status line, no body.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        upstream = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        upstream.request(self.command, self.path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for k, v in answer.getheaders():
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = relay


def stop(*_):
    print(json.dumps(COUNTS), flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Proxy)
server.daemon_threads = True
print(f"listening on 127.0.0.1:{PORT}", flush=True)
server.serve_forever()
