"""Acme's web service: a greeting page that counts visits, and /health."""
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pkg_resources
import plainhtml
from acme.core.store import Store

GREETING = "Hello from Acme"


def version():
    return pkg_resources.get_distribution("acme.web").version


class Handler(BaseHTTPRequestHandler):
    store = None

    def do_GET(self):
        if self.path == "/health":
            body = "ok\n"
        else:
            visits = self.store.record_visit()
            body = plainhtml.page(GREETING, "acme.web %s, visit %d" % (version(), visits))
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Acme-Version", version())
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        # an access log line per request, as a real instance writes (var/acme.log: ctl logs --app)
        sys.stderr.write("%s [%s] %s\n" % (self.address_string(), self.log_date_time_string(), format % args))


def main():
    Handler.store = Store(os.environ.get("ACME_DB", "var/acme.db"))
    host = os.environ.get("ACME_HOST", "127.0.0.1")
    port = int(os.environ.get("ACME_PORT", "8080"))
    server = ThreadingHTTPServer((host, port), Handler)
    server.serve_forever()
