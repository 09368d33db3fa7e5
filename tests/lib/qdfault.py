# SPDX-License-Identifier: GPL-3.0-or-later
"""A fault-injecting HTTP proxy in front of the real qd-gateway.

Requests pass through to the gateway unchanged, except those a rule
matches: the rule then answers 500 or 503, stalls, cuts the body short,
sends JSON of the wrong shape, drops the connection, rewrites the Link
header, or runs a callback
(say, SIGKILL the gateway) before the request would have gone on.

    with FaultProxy(lambda: gateway.url) as proxy:
        proxy.fault("GET", "/api/v1/messages", "500", nth=2)
        run("qdesk", "--gateway", proxy.url, ...)
"""

from __future__ import annotations

import http.client
import http.server
import socketserver
import sys
import threading
import time
import urllib.parse
from typing import Callable


# What a rule does to an answer's Link header (RFC 8288): take it out, point
# it at another resource, or give the next page a cursor the gateway never made.
LINK_REWRITES = {
    "strip-link": None,
    "foreign-link": '</api/v1/senders?cursor=elsewhere>; rel="next"',
    "bad-link": '</api/v1/messages?folder=quarantine&cursor=bogus>; rel="next"',
}


class _Rule:
    def __init__(self, method: str, path: str, kind: str, nth: int, times: int,
                 seconds: float, before: Callable[[], None] | None):
        self.method, self.path, self.kind = method, path, kind
        self.nth, self.times, self.seconds, self.before = nth, times, seconds, before
        self.seen = 0
        self.fired = 0


class FaultProxy:
    def __init__(self, upstream: Callable[[], str]):
        """UPSTREAM gives the gateway's current base URL (it may restart)."""
        self.upstream = upstream
        self.rules: list[_Rule] = []
        self.requests: list[tuple[str, str]] = []       # method, path
        self.full_requests: list[tuple[str, str]] = []  # method, path with query
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy._serve(self, body)

            do_GET = do_POST = do_DELETE = do_PUT = _handle

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

            def handle_error(self, request, client_address):
                # A client that hangs up before the answer is whole (qdesk
                # stopping after an error, say) is not the proxy's problem.
                if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FaultProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fault(self, method: str, path: str, kind: str, nth: int = 1, times: int = 1,
              seconds: float = 0, before: Callable[[], None] | None = None) -> None:
        """From the NTH request of METHOD on a path starting with PATH, TIMES
        requests get KIND: "500", "503", "stall" (SECONDS, then forward),
        "truncate", "wrong-shape", "drop", or one of LINK_REWRITES. BEFORE
        runs first, if given."""
        with self.lock:
            self.rules.append(_Rule(method, path, kind, nth, times, seconds, before))

    def clear(self) -> None:
        with self.lock:
            self.rules.clear()

    def _match(self, method: str, path: str) -> _Rule | None:
        with self.lock:
            self.requests.append((method, path))
            for rule in self.rules:
                if rule.method == method and path.startswith(rule.path):
                    rule.seen += 1
                    if rule.seen >= rule.nth and rule.fired < rule.times:
                        rule.fired += 1
                        return rule
        return None

    @staticmethod
    def _answer(handler, status: int, body: bytes, length: int | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body) if length is None else length))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()

    def _forward(self, handler, body: bytes) -> tuple[int, list, bytes]:
        base = urllib.parse.urlsplit(self.upstream())
        conn = http.client.HTTPConnection(base.hostname, base.port, timeout=60)
        headers = {k: v for k, v in handler.headers.items()
                   if k.lower() not in ("host", "connection", "content-length")}
        conn.request(handler.command, handler.path, body=body or None, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        result = (response.status, response.getheaders(), payload)
        conn.close()
        return result

    def _serve(self, handler, body: bytes) -> None:
        path = urllib.parse.urlsplit(handler.path).path
        with self.lock:
            self.full_requests.append((handler.command, handler.path))
        rule = self._match(handler.command, path)
        if rule is not None and rule.before is not None:
            rule.before()
        kind = rule.kind if rule is not None else None
        if kind == "drop":
            handler.close_connection = True
            handler.connection.close()
            return
        if kind in ("500", "503"):
            self._answer(handler, int(kind),
                         b'{"error": {"code": "internal", "message": "injected"}}')
            return
        if kind == "wrong-shape":
            self._answer(handler, 200, b'{"items": 5, "total": "many", "next_cursor": []}')
            return
        if kind == "stall":
            time.sleep(rule.seconds)
        try:
            status, headers, payload = self._forward(handler, body)
        except OSError:
            handler.close_connection = True
            handler.connection.close()
            return
        if kind == "truncate":
            # Promise the whole body, send half, hang up.
            self._answer(handler, status, payload[: len(payload) // 2], length=len(payload))
            handler.close_connection = True
            handler.connection.close()
            return
        if kind in LINK_REWRITES:
            headers = [(n, v) for n, v in headers if n.lower() != "link"]
            if LINK_REWRITES[kind] is not None:
                headers.append(("Link", LINK_REWRITES[kind]))
        handler.send_response(status)
        for name, value in headers:
            if name.lower() not in ("connection", "transfer-encoding", "content-length",
                                    "server", "date"):
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
