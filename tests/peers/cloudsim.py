#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""cloudsim — a simulator of the cloud Email Quarantine API (issue 18), for tests.

Written from the interface specification alone ("the spec" below:
``../shared/specs/symantec-email-quarantine-api.md`` beside the checkout, not
in the tree); standard library only, plus the ``openssl`` command for a
loopback certificate. The service itself (Broadcom/Symantec Email
Security.cloud) cannot run here.

Start, seed, call, inspect (in-process)::

    from cloudsim import CloudSim, EU_HOST
    with CloudSim() as sim:               # HTTPS on 127.0.0.1, OS-chosen port
        sim.add_user("alice@example.com", "secret")
        mid = sim.add_mail("alice@example.com", type="SPAM", subject="Last chance",
                           sender="news@shop.example.net", sender_name="Shop Team",
                           received_ms=sim.now_ms - 3600_000, size=18342,
                           attachments=[{"name": "offer.pdf", "type": "application/pdf"}])
        sim.base_url, sim.ca_file         # give these to the client under test
        ...                               # the client calls the API
        sim.mail("alice@example.com", mid)["released"]     # state after the calls
        sim.requests[-1].headers["accept"]                 # what the client sent

``sim.request(method, path, user=..., password=..., query=..., body=...)`` is
a small verifying client for Python tests; ``sim.connection(host=EU_HOST)``
an ``http.client`` connection that sends a regional host name (TLS server name
and Host header) while connecting to 127.0.0.1.

As a process (thin over the class)::

    python3 tests/peers/cloudsim.py serve --state STATE.json [--port N] [--save FILE]

prints one JSON line ``{"url": …, "ca_file": …, "port": …, "hosts": {…}}``
and serves until SIGTERM/SIGINT; ``--save`` writes the state (same format as
``--state``, see ``CloudSim.load_state``) when it stops. STATE.json::

    {"now_ms": 1728206441148, "switches": {"numbers_as_strings": true},
     "users": [{"username": "alice@example.com", "password": "secret",
                "mails": [{"id": "000", "type": "SPAM", "subject": "Hi"}],
                "whitelist": [{"value": "partner.example", "description": "supplier"}],
                "blacklist": []}],
     "faults": [{"kind": 503, "path": "/v1/mails", "times": 1, "retry_after": 1}]}

Regions (spec §2, §9.1): the simulator cannot own ``api.eu.quarantine.symantec.com``
or ``api.us.quarantine.symantec.com``, but its certificate names both (and
127.0.0.1, localhost). A client under test is expected to take an override
of its base URL (for instance an environment variable; the C client decides
its name) and is given ``sim.base_url``; or it resolves the regional name to
127.0.0.1 (``sim.resolve_entry("eu")`` is a libcurl CURLOPT_RESOLVE entry) and
uses ``sim.region_url("eu")``. The simulator answers whatever Host it is called
with, unless ``switches.region`` is set: then only that region's Host is
served and any other Host gets ``switches.wrong_region_status`` (404, like a
wrong base URL, §7).

Switches (``sim.set(name=value, …)``, ``CloudSim(switches={…})`` or the state
file's ``"switches"``): class ``Switches`` below lists each with the spec
question (§9.n, or the § of an Unknown) it answers; defaults follow the
spec's known behaviour. One-shot faults: ``sim.add_fault(kind, …)`` — an HTTP
status (429/503 with Retry-After, other 5xx), ``"failure"`` (HTTP 200 with
``status`` ≠ SUCCESS), ``"delay"`` (slow answer) or ``"drop"`` (connection
closed without an answer) for the next matching request(s).

Each request goes: ``delay`` switch → Host check (``region``) → route (404
for an unknown path, 405 with Allow for a wrong method) → the next matching
fault → ``rate_limit`` (429) → Basic auth (401; 403 without API access) →
the endpoint. A request the endpoint refuses (bad parameter, unknown id,
forbidden action, conflict) is answered per ``Switches.rejection``: HTTP 200
with ``{"status": "FAILURE", "message": …}``, or HTTP 400/403/404/409 with
the ``error_body`` variant (JSON ``{"status", "code", "message"}``, HTML or
empty) — the same bodies as 401, 404, 429 and 5xx.

State to inspect after calls: ``sim.mail(user, id)`` (a dict of class Mail's
fields: ``released``, ``released_to``, ``release_count``, ``deleted``,
``deleted_ms``, ``viewed``…), ``sim.list_items(user, "whitelist")``,
``sim.deliveries`` (one dict per released mail: recipient, headers, encrypt),
``sim.requests`` (class Seen: method, path, query, lower-case headers, body,
Host, authenticated user, status), ``sim.user(name).locked``. One server can
serve many tests: ``sim.reset()`` forgets everything but the port and
certificate (``CloudSim(cert=make_certificate(dir))`` shares one).

The clock is controlled: ``sim.now_ms`` stands still (it starts at the real
time, or ``CloudSim(now_ms=…)``) until ``sim.advance(seconds)``; the time
filters, retention, list-item dates and rate-limit windows all read it.

Checklist of spec §10 → code:

* Basic auth on every request, 401 body variants → ``_Handler._authenticate``,
  ``Switches.error_body`` (``empty``/``json``/``html``), ``_error``.
* Base paths, anything else 404 → ``ROUTES``, ``_Handler._dispatch``.
* List parameters and counts → ``CloudSim._list_mails`` (sort, paging,
  ``start``/``end``/``total``, counts, ``filter_type``, ``include_deleted``,
  ``after``/``before`` in ms) and ``parse_q`` (``(field:value)`` with AND/OR).
* Per-item ``actions`` (compliance items whose preview/release is forbidden)
  → ``add_mail(actions=…)``, enforced in ``_preview``/``_release``/``_delete``.
* Preview shape → ``CloudSim._preview``.
* Release body and state changes → ``CloudSim._release`` (``sim.deliveries``).
* Delete with a bare array → ``CloudSim._delete``.
* SUDULS lists → ``CloudSim._list_items``, ``CloudSim._change_items``.
* Switches: numbers as strings (``numbers_as_strings``, ``booleans_as``),
  FAILURE with 200 (``rejection``, ``add_fault("failure")``), 429 with
  Retry-After (``rate_limit``, ``add_fault(429)``), 5xx (``add_fault(503)``),
  slow responses (``delay``, ``add_fault("delay")``), US/EU host names
  (``region``, ``wrong_region_status``); the rest of §9 in ``Switches``.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import dataclasses
import datetime
import email.utils
import fnmatch
import hmac
import http.client
import http.server
import json
import math
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any, Callable

EU_HOST = "api.eu.quarantine.symantec.com"
US_HOST = "api.us.quarantine.symantec.com"
REGION_HOSTS = {"eu": EU_HOST, "us": US_HOST}

MAX_PAGE_SIZE = 10000

# quarantine types (spec §6) and what each filter_type value selects
COMPLIANCE_TYPES = ("CI", "CO", "II", "IO", "DLP")
QUARANTINE_TYPES = ("SPAM", "NEWSLETTER") + COMPLIANCE_TYPES
FILTER_TYPES = {t: {t} for t in QUARANTINE_TYPES}
FILTER_TYPES["COMPLIANCE"] = set(COMPLIANCE_TYPES)

# per-type counts of the list answer, in the order of the spec's example
COUNT_FIELDS = (("spam_count", {"SPAM"}),
                ("newsletter_count", {"NEWSLETTER"}),
                ("dataprotection_count", {"CI", "CO"}),
                ("imagecontrol_count", {"II", "IO"}),
                ("dlp_count", {"DLP"}),
                ("compliance_count", set(COMPLIANCE_TYPES)))

# illustrative reason codes: the real list is Unknown (§5.1); "CC" is the fixture's for CI
DEFAULT_REASONS = {"SPAM": "SS", "NEWSLETTER": "NL", "CI": "CC", "CO": "CC",
                   "II": "IC", "IO": "IC", "DLP": "DL"}

# fields q may name (§5.1 "Search syntax"); .raw variants match the exact value
Q_FIELDS = ("dlp_message_id", "email_envelope_sender", "email_sender",
            "email_envelope_recipient", "email_subject")
Q_RAW_FIELDS = ("email_envelope_sender", "email_envelope_recipient", "email_subject")

# sort_column values of GET /v1/mails, and the mail attribute each sorts by
SORT_COLUMNS = {"email_date_received": "received_ms", "email_subject": "subject",
                "email_sender": "email_sender", "email_size": "size",
                "email_envelope_sender": "envelope_sender",
                "email_envelope_recipient": "envelope_recipient",
                "quarantine_type": "type"}

ACTION_NAMES = ("view_subject", "delete_message", "preview_message", "release_message")

# (method, path) → handler name; paths are relative to the base URL
ROUTES = {
    "/v1/mails": {"GET": "_list_mails"},
    "/v1/mails/preview": {"GET": "_preview"},
    "/v1/mails/release": {"POST": "_release"},
    "/v1/mails/delete": {"POST": "_delete"},
    "/v1/users/whitelist": {"GET": "_list_items", "POST": "_change_items"},
    "/v1/users/blacklist": {"GET": "_list_items", "POST": "_change_items"},
}


@dataclasses.dataclass
class Switches:
    """Every Unknown of the spec as a switch; each comment names its question."""

    # §9.1 US host name / §2: serve only this region's Host ("eu", "us"); None = any Host
    region: str | None = None
    # §9.1, §7: status for another Host while `region` is set (404 = wrong base, 401 = no account)
    wrong_region_status: int = 404
    # §9.1 custom base URL: a path the API lives under ("" = the root, as on the real hosts)
    path_prefix: str = ""
    # §9.2 end-user access: status for a user whose API access is not enabled (403 or 401)
    no_api_access_status: int = 403
    # §9.3 authentication variants: lock an account after this many failed attempts; None = never
    lockout_after: int | None = None
    # §9.3: a 401 carries `WWW-Authenticate: Basic` (off: clients must send credentials unasked)
    www_authenticate: bool = False
    # §9.4 error body shapes (and §3's 401 body): "empty", "json" or "html"
    error_body: str = "json"
    # §9.4 / §7: a request understood but refused: "failure" = HTTP 200 with `status`
    # ≠ SUCCESS; "http" = 400 (bad input), 403 (forbidden), 404 (unknown id), 409 (conflict)
    rejection: str = "failure"
    # §9.4 status values other than SUCCESS: the one the simulator says
    failure_status: str = "FAILURE"
    # §9.5 numbers vs strings: numeric fields as numeric strings
    numbers_as_strings: bool = False
    # §9.5: booleans as "bool" (true/false), "string" ("true"/"false") or "int" (1/0)
    booleans_as: str = "bool"
    # §9.6 missing fields: leave `actions` out of list items
    omit_actions: bool = False
    # §9.6: metadata fields to leave out of list items (names as in the answer)
    omit_metadata: tuple = ()
    # §9.6 extra fields: add unknown fields to the answer, items, metadata and preview
    extra_fields: bool = False
    # §5.1 / §9.7 paging: page size when the request names none (server default Unknown)
    default_page_size: int = 50
    # §9.7: page_size over 10000: "clamp" to 10000 or "reject"
    oversize_page: str = "clamp"
    # §9.7 `end` of an empty page: "before_start" (start − 1), "start", "zero" or "absent"
    empty_page_end: str = "before_start"
    # §5.1 sort_order when absent (the integration always sends one; server default Unknown)
    default_sort_order: str = "desc"
    # §9.7 items changing between pages: new mails that arrive after each list page served
    insert_between_pages: int = 0
    # §9.8 time units / bounds: after/before (ms) "exclusive" or "inclusive"
    time_bounds: str = "exclusive"
    # §9.8: unit of the list items' from_date/to_date: "ms" or "s"
    suduls_date_unit: str = "ms"
    # §9.9 retention: mail older than this many days is gone; None = kept forever
    retention_days: float | None = None
    # §9.9: deleted-marked mail is gone this many days after deletion; None = kept forever
    deleted_retention_days: float | None = None
    # §5.4 / §9.6: deleted items listed with include_deleted=YES carry `email_is_deleted`
    show_deleted_flag: bool = False
    # §5.1 per-type counts: "filtered" (the matching items) or "whole" (the whole quarantine)
    counts_scope: str = "filtered"
    # §9.10 q syntax: "double-quoted values" allowed
    q_quotes: bool = True
    # §9.10: backslash escapes characters in values (\) \( \: \" \\)
    q_escapes: bool = True
    # §9.10: `*` is a wildcard in values
    q_wildcards: bool = False
    # §9.11 batches: most ids in one release/delete; None = no limit
    batch_limit: int | None = None
    # §9.11 partial failures: unknown ids are "ignore"d, "reject"ed (nothing done) or
    # "partial" (the known ones done, status ≠ SUCCESS with `failed_ids`)
    unknown_ids: str = "ignore"
    # §5.3 / §9.11 idempotence: releasing a released mail again: "allow" or "reject"
    rerelease: str = "allow"
    # §5.3: release `options` from an end user: "accept", "ignore" or "reject"
    release_options: str = "accept"
    # §5.1 email_released_to: "keyword" ("recipient", as the fixture, or the other
    # address given in options.recipient) or "address" (always the address)
    released_to: str = "keyword"
    # §9.12 preview content: HTML body parts "raw" or "sanitized" (scripts, on* removed)
    preview_html: str = "raw"
    # §9.12: body part content cut to this many characters; None = whole
    preview_truncate: int | None = None
    # §9.12 charsets: "as_seeded" (text decoded, type unchanged), "utf8" (type's charset
    # rewritten to UTF-8) or "undecoded" (the bytes in the declared charset as Latin-1 text)
    preview_charset: str = "as_seeded"
    # §9.12 repeated headers: "last", "first", "join" (newline-separated) or "array"
    repeated_headers: str = "last"
    # §5.2: previewing sets email_is_viewed
    preview_marks_viewed: bool = True
    # §9.13 allow/block rules: suduls_user naming another user: "reject" or "allow"
    suduls_other_user: str = "reject"
    # §9.13: MERGE without suduls_user is refused (off: it means the caller)
    suduls_user_required: bool = True
    # §5.6: MERGE without description is refused
    suduls_description_required: bool = False
    # §9.13 duplicates: MERGE adding a value already listed: "update", "duplicate" or "reject"
    suduls_duplicates: str = "update"
    # §9.13: a value on both lists: "allow", "reject" or "move" (off the other list)
    suduls_both_lists: str = "allow"
    # §9.13 wildcards: values like *@example.com or *.example.com accepted
    suduls_wildcards: bool = False
    # §9.13 limits: most entries in one list; None = no limit
    suduls_max_items: int | None = None
    # §5.6: the answer to an adding MERGE carries the new item's `id`
    suduls_return_id: bool = False
    # §9.13 date format of date_created/date_amended: "iso", "text", "ms" or "s"
    suduls_date_format: str = "iso"
    # §9.14 rate limits: (requests, seconds) per window, then 429; None = no limit
    rate_limit: tuple | None = None
    # §9.14: Retry-After of a 429/503 in seconds, "seconds" or "http-date"
    retry_after: int = 30
    retry_after_format: str = "seconds"
    # slow responses (§10): seconds to wait before answering each request
    delay: float = 0.0
    # §4 ids: "simple" (m000001) or "base64" (with + / = that need URL-encoding)
    id_style: str = "simple"
    # §4: POST bodies without Content-Type: application/json get 415
    strict_content_type: bool = False
    # §5.1 administrator parameters user/admin_domain from an ordinary user: "ignore" or "reject"
    admin_params: str = "ignore"


CHOICES = {
    "region": (None, "eu", "us"),
    "error_body": ("empty", "json", "html"),
    "rejection": ("failure", "http"),
    "booleans_as": ("bool", "string", "int"),
    "oversize_page": ("clamp", "reject"),
    "empty_page_end": ("before_start", "start", "zero", "absent"),
    "default_sort_order": ("asc", "desc"),
    "time_bounds": ("exclusive", "inclusive"),
    "suduls_date_unit": ("ms", "s"),
    "counts_scope": ("filtered", "whole"),
    "unknown_ids": ("ignore", "reject", "partial"),
    "rerelease": ("allow", "reject"),
    "release_options": ("accept", "ignore", "reject"),
    "released_to": ("keyword", "address"),
    "preview_html": ("raw", "sanitized"),
    "preview_charset": ("as_seeded", "utf8", "undecoded"),
    "repeated_headers": ("last", "first", "join", "array"),
    "suduls_other_user": ("reject", "allow"),
    "suduls_duplicates": ("update", "duplicate", "reject"),
    "suduls_both_lists": ("allow", "reject", "move"),
    "suduls_date_format": ("iso", "text", "ms", "s"),
    "retry_after_format": ("seconds", "http-date"),
    "id_style": ("simple", "base64"),
    "admin_params": ("ignore", "reject"),
}


@dataclasses.dataclass
class User:
    username: str
    password: str | None
    address: str
    user_id: int
    api_access: bool = True
    admin: bool = False
    failed_logins: int = 0
    locked: bool = False
    mails: dict = dataclasses.field(default_factory=dict)
    lists: dict = dataclasses.field(default_factory=lambda: {"whitelist": [], "blacklist": []})


@dataclasses.dataclass
class Mail:
    id: str
    type: str
    sender: str
    sender_name: str
    subject: str
    received_ms: int
    size: int
    envelope_sender: str
    envelope_recipient: str
    master_recipient: str
    direction: str
    reason: str
    rules: list
    dlp_message_id: str
    actions: dict
    headers: list
    attachments: list
    bodyparts: list
    viewed: bool = False
    released: bool = False
    released_to: str | None = None
    release_count: int = 0
    deleted: bool = False
    deleted_ms: int | None = None

    @property
    def email_sender(self) -> str:
        # the fixture's form, "Name (address)"
        return f"{self.sender_name} ({self.sender})" if self.sender_name else self.sender


@dataclasses.dataclass
class Seen:
    """One request as the simulator received it (headers with lower-case names)."""
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    host: str
    user: str | None = None
    status: int | None = None

    def json(self) -> Any:
        return json.loads(self.body)


@dataclasses.dataclass
class Fault:
    kind: Any            # an HTTP status (int), "failure", "delay" or "drop"
    path: str | None
    method: str | None
    times: int | None
    retry_after: Any
    delay: float
    status_value: str | None


class Response:
    """What CloudSim.request () got back."""

    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.body[:200]!r}>"


class Rejected(Exception):
    """A request the service understands but refuses (answered per Switches.rejection)."""

    def __init__(self, http_status: int, message: str, extra: dict | None = None):
        super().__init__(message)
        self.http_status, self.message, self.extra = http_status, message, extra or {}


class QueryError(ValueError):
    pass


# ---------------------------------------------------------------------------
# The q search expression (spec §5.1, §9.10)

_FIELD_RE = re.compile(r"\s*([a-z_]+(?:\.raw)?)\s*:")


def parse_q(text: str, switches: Switches) -> Callable[[dict], bool]:
    """A predicate over a dict of q field values, from `(field:value)` terms
    joined by AND / OR (AND binds tighter; parentheses group). Raises
    QueryError on anything else."""
    pos = 0

    def skip() -> None:
        nonlocal pos
        while pos < len(text) and text[pos].isspace():
            pos += 1

    def keyword(word: str) -> bool:
        nonlocal pos
        skip()
        end = pos + len(word)
        if text.startswith(word, pos) and (end == len(text) or text[end] in " \t(\n"):
            pos = end
            return True
        return False

    def value() -> str:
        nonlocal pos
        skip()
        out = []
        if switches.q_quotes and text.startswith('"', pos):
            pos += 1
            while pos < len(text) and text[pos] != '"':
                if text[pos] == "\\" and switches.q_escapes and pos + 1 < len(text):
                    pos += 1
                out.append(text[pos])
                pos += 1
            if pos >= len(text):
                raise QueryError("unterminated quoted value")
            pos += 1
            skip()
            if not text.startswith(")", pos):
                raise QueryError("text after a quoted value")
            return "".join(out)
        while pos < len(text) and text[pos] != ")":
            if text[pos] == "\\" and switches.q_escapes and pos + 1 < len(text):
                pos += 1
            elif text[pos] in "(":
                raise QueryError("'(' in a value")
            out.append(text[pos])
            pos += 1
        return "".join(out).strip()

    def primary() -> Callable[[dict], bool]:
        nonlocal pos
        skip()
        if not text.startswith("(", pos):
            raise QueryError(f"expected '(' at {pos}")
        pos += 1
        m = _FIELD_RE.match(text, pos)
        if m:
            field = m.group(1)
            raw = field.endswith(".raw")
            base = field[:-4] if raw else field
            if base not in Q_FIELDS or (raw and base not in Q_RAW_FIELDS):
                raise QueryError(f"unknown field {field}")
            pos = m.end()
            wanted = value()
            if not wanted:
                raise QueryError(f"empty value for {field}")
            node = _q_term(base, raw, wanted, switches.q_wildcards)
        else:
            node = disjunction()
            skip()
        if not text.startswith(")", pos):
            raise QueryError(f"expected ')' at {pos}")
        pos += 1
        return node

    def conjunction() -> Callable[[dict], bool]:
        nodes = [primary()]
        while keyword("AND"):
            nodes.append(primary())
        return lambda f: all(n(f) for n in nodes)

    def disjunction() -> Callable[[dict], bool]:
        nodes = [conjunction()]
        while keyword("OR"):
            nodes.append(conjunction())
        return lambda f: any(n(f) for n in nodes)

    result = disjunction()
    skip()
    if pos != len(text):
        raise QueryError(f"unexpected text at {pos}: {text[pos:]!r}")
    return result


def _q_term(field: str, raw: bool, wanted: str, wildcards: bool) -> Callable[[dict], bool]:
    if raw:
        # the exact, unanalysed value (search-engine style, spec §5.1 Inferred)
        if wildcards and "*" in wanted:
            return lambda f: fnmatch.fnmatchcase(f.get(field, ""), wanted)
        return lambda f: f.get(field, "") == wanted
    # analysed: every word of the value is a word of the field, ignoring case
    word = r"[\w*]+" if wildcards else r"\w+"
    wanted_words = re.findall(word, wanted.lower())
    if not wanted_words:
        raise QueryError(f"no word in value {wanted!r}")

    def match(f: dict) -> bool:
        words = re.findall(r"\w+", f.get(field, "").lower())
        return all(any(fnmatch.fnmatchcase(w, ww) if "*" in ww else w == ww for w in words)
                   for ww in wanted_words)
    return match


# ---------------------------------------------------------------------------
# Certificate

def make_certificate(directory: str | os.PathLike) -> tuple[Path, Path]:
    """A self-signed certificate (openssl CLI) for 127.0.0.1, localhost and the
    two regional API hosts; it doubles as its own CA file. Returns (cert, key)."""
    if not shutil.which("openssl"):
        raise RuntimeError("the openssl command is not installed")
    directory = Path(directory)
    cert, key = directory / "cloudsim-cert.pem", directory / "cloudsim-key.pem"
    names = ",".join(["IP:127.0.0.1", "DNS:localhost"]
                     + [f"DNS:{h}" for h in REGION_HOSTS.values()])
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-sha256", "-days", "2",
                    "-subj", "/CN=cloudsim", "-addext", f"subjectAltName={names}",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


# ---------------------------------------------------------------------------
# HTTP server

class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, handler, sim: "CloudSim", context: ssl.SSLContext):
        self.sim, self.context = sim, context
        super().__init__(address, handler)

    def finish_request(self, request, client_address):
        # the TLS handshake runs in the connection's own thread, not the accepting one
        request.settimeout(30)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            tls.close()

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ssl.SSLError, OSError)):
            super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "cloudsim"

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = lambda self: self._dispatch()

    def _dispatch(self) -> None:
        sim: CloudSim = self.server.sim
        body = self._read_body()
        url = urllib.parse.urlsplit(self.path)
        host = (self.headers.get("Host") or "").strip()
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        seen = Seen(self.command, url.path, query,
                    {k.lower(): v for k, v in self.headers.items()}, body, host)
        with sim._lock:
            sim.requests.append(seen)
            sw = dataclasses.replace(sim.switches)
        if sw.delay > 0:
            time.sleep(sw.delay)
        status, headers, payload = self._answer(sim, sw, seen, url)
        seen.status = status
        if status is None:  # a "drop" fault
            self.close_connection = True
            return
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _answer(self, sim: "CloudSim", sw: Switches, seen: Seen, url):
        # region: the Host header without its port
        if sw.region is not None:
            hostname = re.sub(r":\d+$", "", seen.host).lower()
            if hostname != REGION_HOSTS[sw.region]:
                return sim._error(sw, sw.wrong_region_status,
                                  http.client.responses[sw.wrong_region_status])
        path = url.path
        prefix = sw.path_prefix.rstrip("/")
        if prefix:
            if not path.startswith(prefix + "/"):
                return sim._error(sw, 404, "Not Found")
            path = path[len(prefix):]
        route = ROUTES.get(path)
        if route is None:
            return sim._error(sw, 404, "Not Found")
        if seen.method not in route:
            status, headers, payload = sim._error(sw, 405, "Method Not Allowed")
            return status, headers + [("Allow", ", ".join(route))], payload
        fault = sim._take_fault(path, seen.method)
        if fault is not None:
            if fault.kind == "delay":
                time.sleep(fault.delay)
            elif fault.kind == "drop":
                return None, [], b""
            elif fault.kind == "failure":
                return sim._json(200, {"status": fault.status_value or sw.failure_status,
                                       "message": "simulated failure"})
            else:
                status, headers, payload = sim._error(sw, fault.kind, "simulated fault")
                if fault.retry_after is not None:
                    headers.append(("Retry-After", sim._retry_after(sw, fault.retry_after)))
                return status, headers, payload
        limited = sim._rate_limited(sw)
        if limited is not None:
            status, headers, payload = sim._error(sw, 429, "Too Many Requests")
            return status, headers + [("Retry-After", sim._retry_after(sw, limited))], payload
        with sim._lock:
            user, failure = self._authenticate(sim, sw)
            if failure is not None:
                return failure
            seen.user = user.username
            try:
                if seen.method == "POST" and sw.strict_content_type:
                    ctype = seen.headers.get("content-type", "").split(";")[0].strip().lower()
                    if ctype != "application/json":
                        return sim._error(sw, 415, "Unsupported Media Type")
                handler = getattr(sim, route[seen.method])
                answer = handler(sw, user, path, seen)
            except Rejected as r:
                if sw.rejection == "http":
                    return sim._error(sw, r.http_status, r.message, r.extra)
                return sim._json(200, {"status": sw.failure_status, "message": r.message,
                                       **r.extra})
            return sim._json(200, answer)

    def _authenticate(self, sim: "CloudSim", sw: Switches):
        """(user, None) or (None, answer): Basic auth on every request (spec §3)."""
        def unauthorized():
            status, headers, payload = sim._error(sw, 401, "Unauthorized")
            if sw.www_authenticate:
                headers.append(("WWW-Authenticate", 'Basic realm="Email Quarantine"'))
            return None, (status, headers, payload)

        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "basic":
            return unauthorized()
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return unauthorized()
        name, colon, password = decoded.partition(":")
        user = sim.users.get(name)
        if not colon or user is None:
            return unauthorized()
        if user.password is None or not hmac.compare_digest(password.encode(),
                                                            user.password.encode()):
            user.failed_logins += 1
            if sw.lockout_after is not None and user.failed_logins >= sw.lockout_after:
                user.locked = True
            return unauthorized()
        if user.locked:
            return unauthorized()
        user.failed_logins = 0
        if not user.api_access:
            if sw.no_api_access_status == 401:
                return unauthorized()
            return None, sim._error(sw, sw.no_api_access_status, "Forbidden")
        return user, None


# ---------------------------------------------------------------------------
# The simulator

class CloudSim:
    """The Email Quarantine API over HTTPS on 127.0.0.1 (see the module docstring)."""

    def __init__(self, *, port: int = 0, now_ms: int | None = None,
                 switches: dict | None = None, state: dict | None = None,
                 cert: tuple[str | os.PathLike, str | os.PathLike] | None = None):
        """PORT 0 lets the system choose; CERT (cert, key) reuses a certificate
        made by make_certificate () instead of making one at start ()."""
        self._lock = threading.RLock()
        self._port_wanted = port
        self._cert = cert
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._initial_now = now_ms
        self.reset()
        if switches:
            self.set(**switches)
        if state:
            self.load_state(state)

    # -- life cycle -----------------------------------------------------------

    def start(self) -> "CloudSim":
        if self._cert is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="cloudsim-")
            self._cert = make_certificate(self._tmp.name)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self._cert[0]), str(self._cert[1]))
        self._server = _Server(("127.0.0.1", self._port_wanted), _Handler, self, context)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
            self._server = self._thread = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
            self._cert = None

    def __enter__(self) -> "CloudSim":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget users, mails, switches, faults, requests; the clock restarts."""
        with self._lock:
            self.switches = Switches()
            self.users: dict[str, User] = {}
            self.requests: list[Seen] = []
            self.deliveries: list[dict] = []
            self.faults: list[Fault] = []
            self._rate_hits: list[int] = []
            self._serial = 0
            self._next_user_id = 1001
            self.now_ms = (self._initial_now if self._initial_now is not None
                           else int(time.time() * 1000))

    # -- addresses ------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}{self.switches.path_prefix.rstrip('/')}"

    @property
    def ca_file(self) -> str:
        return str(self._cert[0])

    def region_url(self, region: str) -> str:
        """The base URL under the region's real host name, on the simulator's
        port: for a client that resolves that name to 127.0.0.1."""
        return f"https://{REGION_HOSTS[region]}:{self.port}{self.switches.path_prefix.rstrip('/')}"

    def resolve_entry(self, region: str) -> str:
        """A libcurl CURLOPT_RESOLVE entry sending REGION's host to the simulator."""
        return f"{REGION_HOSTS[region]}:{self.port}:127.0.0.1"

    # -- switches, faults, clock ----------------------------------------------

    def set(self, **switches) -> None:
        """Change switches (names and values of class Switches)."""
        with self._lock:
            for name, value in switches.items():
                if not hasattr(self.switches, name):
                    raise ValueError(f"no switch named {name!r}")
                if name in CHOICES and value not in CHOICES[name]:
                    raise ValueError(f"switch {name}: {value!r} is not one of {CHOICES[name]}")
                if name in ("omit_metadata", "rate_limit") and value is not None:
                    value = tuple(value)
                setattr(self.switches, name, value)

    def add_fault(self, kind, *, path: str | None = None, method: str | None = None,
                  times: int | None = 1, retry_after: Any = "default", delay: float = 0.0,
                  status_value: str | None = None) -> None:
        """The next TIMES matching requests (None: all) meet KIND: an HTTP status
        (e.g. 429, 500, 503; 429 and 503 carry Retry-After unless RETRY_AFTER is
        None), "failure" (HTTP 200 with status STATUS_VALUE or the failure_status
        switch), "delay" (DELAY seconds, then the normal answer) or "drop" (the
        connection closes unanswered). PATH (relative to the base) and METHOD
        narrow the match. Faults come after routing, before auth."""
        if not (isinstance(kind, int) or kind in ("failure", "delay", "drop")):
            raise ValueError(f"unknown fault {kind!r}")
        if retry_after == "default":
            retry_after = self.switches.retry_after if kind in (429, 503) else None
        with self._lock:
            self.faults.append(Fault(kind, path, method, times, retry_after, delay, status_value))

    def _take_fault(self, path: str, method: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if (fault.path in (None, path)) and (fault.method in (None, method)):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                    return fault
        return None

    def advance(self, seconds: float) -> int:
        """Move the clock forward; returns the new now_ms."""
        with self._lock:
            self.now_ms += int(round(seconds * 1000))
            return self.now_ms

    def _rate_limited(self, sw: Switches) -> int | None:
        """Seconds to wait, or None: (requests, seconds) windows on the clock."""
        if not sw.rate_limit:
            return None
        count, window = sw.rate_limit
        with self._lock:
            start = self.now_ms - int(window * 1000)
            self._rate_hits = [t for t in self._rate_hits if t > start]
            if len(self._rate_hits) >= count:
                return max(1, math.ceil((self._rate_hits[0] - start) / 1000))
            self._rate_hits.append(self.now_ms)
        return None

    def _retry_after(self, sw: Switches, seconds: Any) -> str:
        if isinstance(seconds, str):
            return seconds
        if sw.retry_after_format == "http-date":
            return email.utils.formatdate(self.now_ms / 1000 + seconds, usegmt=True)
        return str(int(seconds))

    # -- seeding --------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        self._serial += 1
        if self.switches.id_style == "base64":
            raw = b"\xfb\xff" + prefix.encode() + self._serial.to_bytes(4, "big")
            return base64.b64encode(raw).decode()
        return f"{prefix}{self._serial:06d}"

    def add_user(self, username: str, password: str | None, *, address: str | None = None,
                 user_id: int | None = None, api_access: bool = True,
                 admin: bool = False) -> User:
        """A portal account. PASSWORD None: an account Basic auth cannot open
        (SSO/federated, §9.3). API_ACCESS False: see no_api_access_status (§9.2).
        ADMIN: may use the user/admin_domain list parameters."""
        with self._lock:
            if user_id is None:
                user_id = self._next_user_id
            self._next_user_id = max(self._next_user_id, user_id) + 1
            user = User(username, password, address or username, user_id, api_access, admin)
            self.users[username] = user
            return user

    def add_mail(self, username: str, *, id: str | None = None,  # noqa: A002 (the API's name)
                 type: str = "SPAM", sender: str = "sender@example.net",  # noqa: A002
                 sender_name: str = "", subject: str = "", received_ms: int | None = None,
                 size: int = 1024, envelope_sender: str | None = None,
                 envelope_recipient: str | None = None, master_recipient: str | None = None,
                 direction: str | None = None, reason: str | None = None, rules=(),
                 dlp_message_id: str = "", actions: dict | None = None,
                 headers=None, attachments=(), bodyparts=None, viewed: bool = False,
                 released: bool = False, released_to: str | None = None,
                 deleted: bool = False, deleted_ms: int | None = None) -> str:
        """One quarantined mail of USERNAME; returns its id. ACTIONS overrides
        the four flags (all true by default), e.g. {"preview_message": False}.
        HEADERS (a dict or (name, value) pairs, repeated names allowed) default
        to ones made from the other fields; BODYPARTS [{type, content}] to one
        text/plain part; ATTACHMENTS [{name, type}]."""
        if type not in QUARANTINE_TYPES:
            raise ValueError(f"unknown quarantine type {type!r}")
        with self._lock:
            user = self.users[username]
            mid = id if id is not None else self._new_id("m")
            received = self.now_ms if received_ms is None else int(received_ms)
            envelope_sender = envelope_sender if envelope_sender is not None else sender
            recipient = envelope_recipient or user.address
            flags = {name: True for name in ACTION_NAMES}
            flags.update(actions or {})
            if headers is None:
                headers = [("date", email.utils.formatdate(received / 1000, usegmt=True)),
                           ("from", email.utils.formataddr((sender_name, sender))),
                           ("to", recipient), ("subject", subject),
                           ("message-id", f"<{mid}@cloudsim.invalid>"),
                           ("content-type", "text/plain; charset=\"UTF-8\"")]
            elif isinstance(headers, dict):
                headers = list(headers.items())
            if bodyparts is None:
                bodyparts = [{"type": "text/plain; charset=\"UTF-8\"",
                              "content": f"{subject}\n"}]
            mail = Mail(mid, type, sender, sender_name, subject, received, size,
                        envelope_sender, recipient, master_recipient or user.address,
                        direction or ("outbound" if type in ("CO", "IO") else "inbound"),
                        reason or DEFAULT_REASONS[type], list(rules), dlp_message_id, flags,
                        [(str(k), str(v)) for k, v in headers], [dict(a) for a in attachments],
                        [dict(b) for b in bodyparts], viewed, released, released_to,
                        1 if released else 0, deleted,
                        (deleted_ms if deleted_ms is not None else received) if deleted else None)
            user.mails[mid] = mail
            return mid

    def add_list_item(self, username: str, which: str, value: str, description: str = "", *,
                      id: str | None = None,  # noqa: A002 (the API's name)
                      date_created: int | None = None, date_amended: int | None = None) -> str:
        """An entry of USERNAME's "whitelist" or "blacklist"; returns its id.
        Dates in epoch ms (default now)."""
        with self._lock:
            user = self.users[username]
            created = self.now_ms if date_created is None else int(date_created)
            item = {"id": id if id is not None else self._new_id("s"), "value": value,
                    "type": _item_type(value), "description": description,
                    "date_created": created,
                    "date_amended": created if date_amended is None else int(date_amended)}
            user.lists[which].append(item)
            return item["id"]

    # -- inspection -----------------------------------------------------------

    def mail(self, username: str, mid: str) -> dict | None:
        """A copy of a mail's state (None once gone); keys are Mail's fields."""
        with self._lock:
            self._purge(self.users[username])
            mail = self.users[username].mails.get(mid)
            return dataclasses.asdict(mail) if mail else None

    def list_items(self, username: str, which: str) -> list[dict]:
        """A copy of a user's list ("whitelist"/"blacklist"), dates in epoch ms."""
        with self._lock:
            return [dict(item) for item in self.users[username].lists[which]]

    def user(self, username: str) -> User:
        return self.users[username]

    def unlock(self, username: str) -> None:
        with self._lock:
            self.users[username].locked = False
            self.users[username].failed_logins = 0

    # -- state files ----------------------------------------------------------

    def load_state(self, state: dict) -> None:
        """Seed from a dict: {"now_ms", "switches", "users": [{"username",
        "password", "address", "user_id", "api_access", "admin", "mails": [add_mail
        keywords], "whitelist"/"blacklist": [add_list_item keywords]}], "faults":
        [add_fault keywords]}. Faults are one-shot: dump_state () does not keep them."""
        with self._lock:
            if "now_ms" in state:
                self.now_ms = int(state["now_ms"])
            self.set(**state.get("switches", {}))
            for fault in state.get("faults", []):
                self.add_fault(**fault)
            for u in state.get("users", []):
                self.add_user(u["username"], u.get("password"), address=u.get("address"),
                              user_id=u.get("user_id"), api_access=u.get("api_access", True),
                              admin=u.get("admin", False))
                for m in u.get("mails", []):
                    m = dict(m)
                    if "headers" in m and isinstance(m["headers"], list):
                        m["headers"] = [tuple(h) for h in m["headers"]]
                    m.pop("release_count", None)
                    self.add_mail(u["username"], **m)
                for which in ("whitelist", "blacklist"):
                    for item in u.get(which, []):
                        item = dict(item)
                        item.pop("type", None)
                        self.add_list_item(u["username"], which, **item)

    def dump_state(self) -> dict:
        """The current state in load_state ()'s format."""
        with self._lock:
            users = []
            for u in self.users.values():
                self._purge(u)
                mails = [dataclasses.asdict(m) for m in u.mails.values()]
                users.append({"username": u.username, "password": u.password,
                              "address": u.address, "user_id": u.user_id,
                              "api_access": u.api_access, "admin": u.admin, "mails": mails,
                              "whitelist": [dict(i) for i in u.lists["whitelist"]],
                              "blacklist": [dict(i) for i in u.lists["blacklist"]]})
            state = {"now_ms": self.now_ms, "switches": dataclasses.asdict(self.switches),
                     "users": users}
            return json.loads(json.dumps(state))  # tuples as lists: what the file holds

    # -- a client for Python tests -------------------------------------------

    def connection(self, host: str | None = None, timeout: float = 10.0
                   ) -> http.client.HTTPSConnection:
        """An http.client connection to the simulator verifying its certificate
        against ca_file; HOST (e.g. EU_HOST) is the TLS server name and Host
        header while the socket goes to 127.0.0.1."""
        context = ssl.create_default_context(cafile=self.ca_file)
        return _PinnedConnection(host or "127.0.0.1", self.port, timeout=timeout,
                                 context=context)

    def request(self, method: str, path: str, *, user: str | None = None,
                password: str | None = None, query: dict | list | None = None,
                body: Any = None, host: str | None = None,
                headers: dict | None = None, timeout: float = 10.0) -> Response:
        """One request; PATH relative to base_url; BODY is sent as JSON unless bytes."""
        target = self.switches.path_prefix.rstrip("/") + path
        if query:
            target += "?" + urllib.parse.urlencode(query)
        all_headers = {"Accept": "application/json"}
        if user is not None:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            all_headers["Authorization"] = f"Basic {token}"
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        conn = self.connection(host, timeout)
        try:
            conn.request(method, target, body=body, headers=all_headers)
            r = conn.getresponse()
            return Response(r.status, r.headers, r.read())
        finally:
            conn.close()

    # -- answers --------------------------------------------------------------

    def _n(self, sw: Switches, value):
        return str(value) if sw.numbers_as_strings and value is not None else value

    def _b(self, sw: Switches, value: bool):
        if sw.booleans_as == "string":
            return "true" if value else "false"
        if sw.booleans_as == "int":
            return 1 if value else 0
        return bool(value)

    @staticmethod
    def _json(status: int, obj) -> tuple[int, list, bytes]:
        return status, [("Content-Type", "application/json")], json.dumps(obj).encode()

    def _error(self, sw: Switches, status: int, message: str,
               extra: dict | None = None) -> tuple[int, list, bytes]:
        if sw.error_body == "json":
            return self._json(status, {"status": sw.failure_status, "code": status,
                                       "message": message, **(extra or {})})
        if sw.error_body == "html":
            text = (f"<!DOCTYPE html>\n<html><head><title>{status} {message}</title></head>"
                    f"<body><h1>{status} {message}</h1></body></html>\n")
            return status, [("Content-Type", "text/html; charset=UTF-8")], text.encode()
        return status, [], b""

    # -- mails ----------------------------------------------------------------

    def _purge(self, user: User) -> None:
        """Retention (§9.9): mails past their time are gone."""
        sw, now = self.switches, self.now_ms
        for mid, m in list(user.mails.items()):
            if sw.retention_days is not None and m.received_ms < now - sw.retention_days * 86400e3:
                del user.mails[mid]
            elif (m.deleted and sw.deleted_retention_days is not None
                  and m.deleted_ms < now - sw.deleted_retention_days * 86400e3):
                del user.mails[mid]

    def _sources(self, sw: Switches, user: User, seen: Seen) -> list[User]:
        """Whose mail a list shows: the caller's, or for an administrator the
        user / admin_domain parameters' (§5.1)."""
        wanted_user = _param(seen, "user")
        domain = _param(seen, "admin_domain")
        if not wanted_user and not domain:
            return [user]
        if not user.admin:
            if sw.admin_params == "reject":
                raise Rejected(403, "administrator parameters are not allowed")
            return [user]
        if wanted_user:
            return [u for u in self.users.values() if u.address == wanted_user]
        return [u for u in self.users.values()
                if domain == "ALL" or u.address.rpartition("@")[2] == domain]

    def _list_mails(self, sw: Switches, user: User, path: str, seen: Seen) -> dict:
        sources = self._sources(sw, user, seen)
        mails = []
        for u in sources:
            self._purge(u)
            mails.extend(u.mails.values())
        include_deleted = _param(seen, "include_deleted") or "NO"
        if include_deleted not in ("YES", "NO"):
            raise Rejected(400, "include_deleted must be YES or NO")
        if include_deleted == "NO":
            mails = [m for m in mails if not m.deleted]
        whole = list(mails)
        filter_type = _param(seen, "filter_type")
        if filter_type:
            if filter_type not in FILTER_TYPES:
                raise Rejected(400, f"unknown filter_type {filter_type}")
            mails = [m for m in mails if m.type in FILTER_TYPES[filter_type]]
        inclusive = sw.time_bounds == "inclusive"
        after, before = _int_param(seen, "after"), _int_param(seen, "before")
        if after is not None:
            mails = [m for m in mails
                     if m.received_ms > after or (inclusive and m.received_ms == after)]
        if before is not None:
            mails = [m for m in mails
                     if m.received_ms < before or (inclusive and m.received_ms == before)]
        q = _param(seen, "q")
        if q:
            try:
                predicate = parse_q(q, sw)
            except QueryError as e:
                raise Rejected(400, f"bad q: {e}") from None
            mails = [m for m in mails if predicate(_q_fields(m))]
        column = _param(seen, "sort_column") or "email_date_received"
        if column not in SORT_COLUMNS:
            raise Rejected(400, f"unknown sort_column {column}")
        order = _param(seen, "sort_order") or sw.default_sort_order
        if order not in ("asc", "desc"):
            raise Rejected(400, "sort_order must be asc or desc")
        attr = SORT_COLUMNS[column]
        mails.sort(key=lambda m: (getattr(m, attr), m.id), reverse=order == "desc")
        start, size = self._paging(sw, seen)
        page = mails[start:start + size]

        counted = mails if sw.counts_scope == "filtered" else whole
        answer = {"status": "SUCCESS", "start": self._n(sw, start)}
        answer.update(self._end(sw, start, len(page)))
        answer["total"] = self._n(sw, len(mails))
        for name, types in COUNT_FIELDS:
            answer[name] = self._n(sw, sum(1 for m in counted if m.type in types))
        answer["mail_list"] = [self._mail_item(sw, m) for m in page]
        if sw.extra_fields:
            answer["x_cloudsim_extra"] = {"unknown": True}
        for _ in range(sw.insert_between_pages):
            self.add_mail(user.username, type="SPAM", subject="Arrived between pages",
                          received_ms=self.now_ms)
        return answer

    def _paging(self, sw: Switches, seen: Seen) -> tuple[int, int]:
        start = _int_param(seen, "start_index")
        size = _int_param(seen, "page_size")
        start = 0 if start is None else start
        size = sw.default_page_size if size is None else size
        if start < 0 or size < 1:
            raise Rejected(400, "start_index must be ≥ 0 and page_size ≥ 1")
        if size > MAX_PAGE_SIZE:
            if sw.oversize_page == "reject":
                raise Rejected(400, f"page_size is at most {MAX_PAGE_SIZE}")
            size = MAX_PAGE_SIZE
        return start, size

    def _end(self, sw: Switches, start: int, count: int) -> dict:
        """`end`: the index of the last item returned (inclusive, §5.1)."""
        if count:
            return {"end": self._n(sw, start + count - 1)}
        if sw.empty_page_end == "absent":
            return {}
        end = {"before_start": start - 1, "start": start, "zero": 0}[sw.empty_page_end]
        return {"end": self._n(sw, end)}

    def _mail_item(self, sw: Switches, m: Mail) -> dict:
        md = {"email_date_received": self._n(sw, m.received_ms),
              "quarantine_info": {"rules": list(m.rules), "direction": m.direction,
                                  "quarantine_type": m.type},
              "email_is_viewed": self._b(sw, m.viewed),
              "email_is_released": self._b(sw, m.released)}
        if m.released:
            if sw.released_to == "address" or (m.released_to not in (None, m.envelope_recipient)):
                md["email_released_to"] = m.released_to or m.envelope_recipient
            else:
                md["email_released_to"] = "recipient"
        owner = next(u for u in self.users.values() if m.id in u.mails and u.mails[m.id] is m)
        md.update({"quarantine_reason": m.reason, "email_sender": m.email_sender,
                   "service_type": "ess", "master_recipient": m.master_recipient,
                   "user_id": self._n(sw, owner.user_id),
                   "email_envelope_sender": m.envelope_sender, "email_subject": m.subject,
                   "email_size": self._n(sw, m.size),
                   "email_envelope_recipient": m.envelope_recipient})
        if not m.actions.get("view_subject", True):
            del md["email_subject"]
        if m.dlp_message_id:
            md["dlp_message_id"] = m.dlp_message_id
        if sw.show_deleted_flag and m.deleted:
            md["email_is_deleted"] = self._b(sw, True)
        for name in sw.omit_metadata:
            md.pop(name, None)
        if sw.extra_fields:
            md["x_cloudsim_extra"] = "unknown field"
        item = {"id": m.id, "metadata": md}
        if not sw.omit_actions:
            item["actions"] = {name: self._b(sw, m.actions[name]) for name in ACTION_NAMES}
        if sw.extra_fields:
            item["x_cloudsim_extra"] = 1
        return item

    def _find(self, user: User, mid: str) -> Mail | None:
        self._purge(user)
        return user.mails.get(mid)

    def _preview(self, sw: Switches, user: User, path: str, seen: Seen) -> dict:
        mid = _param(seen, "q")
        if not mid:
            raise Rejected(400, "q (the mail id) is required")
        m = self._find(user, mid)
        if m is None:
            raise Rejected(404, f"no mail {mid}")
        if not m.actions["preview_message"]:
            raise Rejected(403, "the policy does not allow a preview of this mail")
        headers: dict = {}
        for name, value in m.headers:
            name = name.lower()
            if name not in headers:
                headers[name] = [value]
            else:
                headers[name].append(value)
        if "mailfrom" not in headers:
            headers["mailfrom"] = [m.envelope_sender]
        pick = {"first": lambda v: v[0], "last": lambda v: v[-1],
                "join": lambda v: "\n".join(v), "array": lambda v: v if len(v) > 1 else v[0]}
        out_headers = {k: pick[sw.repeated_headers](v) for k, v in headers.items()}
        parts = []
        for part in m.bodyparts:
            ptype, content = part["type"], part["content"]
            if sw.preview_html == "sanitized" and ptype.lower().startswith("text/html"):
                content = _sanitize_html(content)
            charset = _charset(ptype)
            if sw.preview_charset == "utf8" and charset and charset.lower() != "utf-8":
                ptype = re.sub(r"(?i)charset=\"?[^\";]+\"?", 'charset="UTF-8"', ptype)
            elif sw.preview_charset == "undecoded" and charset:
                try:
                    content = content.encode(charset, "replace").decode("latin-1")
                except LookupError:
                    pass
            if sw.preview_truncate is not None:
                content = content[:sw.preview_truncate]
            parts.append({"type": ptype, "content": content})
        details = {"headers": out_headers,
                   "attachments": [{"name": a["name"], "type": a["type"]} for a in m.attachments],
                   "bodypart": parts}
        if sw.extra_fields:
            details["x_cloudsim_extra"] = []
        if sw.preview_marks_viewed:
            m.viewed = True
        return {"status": "SUCCESS", "details": details}

    def _batch(self, sw: Switches, user: User, ids, action: str) -> tuple[list, list]:
        """(mails, unknown ids) of a release/delete batch, or Rejected."""
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise Rejected(400, "a non-empty array of mail ids is required")
        if sw.batch_limit is not None and len(ids) > sw.batch_limit:
            raise Rejected(400, f"at most {sw.batch_limit} ids per request")
        mails, unknown = [], []
        for mid in ids:
            m = self._find(user, mid)
            # a deleted mail can be deleted again (harmless) but not released
            if m is None or (m.deleted and action == "release_message"):
                unknown.append(mid)
            else:
                mails.append(m)
        if unknown and sw.unknown_ids == "reject":
            raise Rejected(404, f"unknown mail ids: {', '.join(unknown)}",
                           {"failed_ids": unknown})
        for m in mails:
            if not m.actions[action]:
                raise Rejected(403, f"the policy does not allow this for mail {m.id}")
        return mails, unknown

    def _done(self, sw: Switches, unknown: list) -> dict:
        if unknown and sw.unknown_ids == "partial":
            return {"status": sw.failure_status, "message": "some ids were not found",
                    "failed_ids": unknown}
        return {"status": "SUCCESS"}

    def _release(self, sw: Switches, user: User, path: str, seen: Seen) -> dict:
        body = _json_body(seen)
        if not isinstance(body, dict):
            raise Rejected(400, "the body must be an object with mail_list")
        options = body.get("options", {})
        options = {} if options is None else options
        if not isinstance(options, dict):
            raise Rejected(400, "options must be an object")
        if options and sw.release_options == "reject":
            raise Rejected(403, "release options are not allowed")
        if sw.release_options == "ignore":
            options = {}
        recipient = options.get("recipient") or None
        if recipient is not None and not isinstance(recipient, str):
            raise Rejected(400, "options.recipient must be a string")
        extra = options.get("headers") or {}
        if not isinstance(extra, dict) or not all(re.fullmatch(r"x-header-\d+", k) for k in extra):
            raise Rejected(400, "options.headers keys are x-header-1, x-header-2, …")
        mails, unknown = self._batch(sw, user, body.get("mail_list"), "release_message")
        if sw.rerelease == "reject":
            again = [m.id for m in mails if m.released]
            if again:
                raise Rejected(409, f"already released: {', '.join(again)}")
        for m in mails:
            m.released = True
            m.released_to = recipient or m.envelope_recipient
            m.release_count += 1
            self.deliveries.append({"user": user.username, "id": m.id,
                                    "recipient": m.released_to, "headers": dict(extra),
                                    "encrypt": bool(options.get("encrypt", False))})
        return self._done(sw, unknown)

    def _delete(self, sw: Switches, user: User, path: str, seen: Seen) -> dict:
        body = _json_body(seen)
        if not isinstance(body, list):
            raise Rejected(400, "the body must be a bare array of mail ids")
        mails, unknown = self._batch(sw, user, body, "delete_message")
        for m in mails:
            if not m.deleted:
                m.deleted, m.deleted_ms = True, self.now_ms
        return self._done(sw, unknown)

    # -- allow/block lists (SUDULS) --------------------------------------------

    def _date(self, sw: Switches, ms: int):
        when = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
        if sw.suduls_date_format == "iso":
            return when.strftime("%Y-%m-%dT%H:%M:%SZ")
        if sw.suduls_date_format == "text":
            return when.strftime("%Y-%m-%d %H:%M:%S")
        return self._n(sw, ms if sw.suduls_date_format == "ms" else ms // 1000)

    def _list_items(self, sw: Switches, user: User, path: str, seen: Seen) -> dict:
        which = path.rsplit("/", 1)[1]
        items = list(user.lists[which])
        q = _param(seen, "q")
        if q:
            items = [i for i in items if q.lower() in i["value"].lower()]
        scale = 1 if sw.suduls_date_unit == "ms" else 1000
        from_date, to_date = _int_param(seen, "from_date"), _int_param(seen, "to_date")
        if from_date is not None:
            items = [i for i in items if i["date_created"] >= from_date * scale]
        if to_date is not None:
            items = [i for i in items if i["date_created"] <= to_date * scale]
        column = _param(seen, "sort_column") or "date"
        keys = {"date": "date_created", "type": "type", "description": "description"}
        if column not in keys:
            raise Rejected(400, "sort_column must be date, type or description")
        order = _param(seen, "sort_order") or sw.default_sort_order
        if order not in ("asc", "desc"):
            raise Rejected(400, "sort_order must be asc or desc")
        items.sort(key=lambda i: (i[keys[column]], i["id"]), reverse=order == "desc")
        start, size = self._paging(sw, seen)
        page = items[start:start + size]
        answer = {"status": "SUCCESS", "total": self._n(sw, len(items)),
                  "start": self._n(sw, start)}
        answer.update(self._end(sw, start, len(page)))
        answer["items"] = [{"id": i["id"], "value": i["value"], "type": i["type"],
                            "description": i["description"],
                            "date_created": self._date(sw, i["date_created"]),
                            "date_amended": self._date(sw, i["date_amended"])} for i in page]
        if sw.extra_fields:
            answer["x_cloudsim_extra"] = None
        return answer

    def _change_items(self, sw: Switches, user: User, path: str, seen: Seen) -> dict:
        which = path.rsplit("/", 1)[1]
        other = "blacklist" if which == "whitelist" else "whitelist"
        body = _json_body(seen)
        if not isinstance(body, dict):
            raise Rejected(400, "the body must be an object")
        action = body.get("action")
        item_id = body.get("suduls_itemId")
        if action == "DELETE":
            if not item_id:
                raise Rejected(400, "suduls_itemId is required")
            kept = [i for i in user.lists[which] if i["id"] != item_id]
            if len(kept) == len(user.lists[which]):
                raise Rejected(404, f"no item {item_id}")
            user.lists[which] = kept
            return {"status": "SUCCESS"}
        if action != "MERGE":
            raise Rejected(400, "action must be MERGE or DELETE")
        owner = user
        suduls_user = body.get("suduls_user")
        if not suduls_user:
            if sw.suduls_user_required:
                raise Rejected(400, "suduls_user is required")
        elif suduls_user != user.address:
            target = next((u for u in self.users.values() if u.address == suduls_user), None)
            if sw.suduls_other_user == "reject" or target is None:
                raise Rejected(403, "suduls_user must be the caller")
            owner = target
        value = body.get("email_or_domain")
        if not isinstance(value, str) or not _valid_item(value, sw.suduls_wildcards):
            raise Rejected(400, "email_or_domain must be an address or a domain")
        description = body.get("description")
        if description is None:
            if sw.suduls_description_required:
                raise Rejected(400, "description is required")
            description = ""
        if not isinstance(description, str):
            raise Rejected(400, "description must be a string")
        items = owner.lists[which]
        clash = [i for i in owner.lists[other] if i["value"].lower() == value.lower()]
        if clash and sw.suduls_both_lists == "reject":
            raise Rejected(409, f"{value} is on the {other}")
        if item_id:
            item = next((i for i in items if i["id"] == item_id), None)
            if item is None:
                raise Rejected(404, f"no item {item_id}")
        else:
            same = [i for i in items if i["value"].lower() == value.lower()]
            item = None
            if same and sw.suduls_duplicates == "update":
                item = same[0]
            elif same and sw.suduls_duplicates == "reject":
                raise Rejected(409, f"{value} is already listed")
        if clash and sw.suduls_both_lists == "move":
            owner.lists[other] = [i for i in owner.lists[other] if i not in clash]
        if item is not None:
            item.update(value=value, type=_item_type(value), description=description,
                        date_amended=self.now_ms)
            return {"status": "SUCCESS"}
        if sw.suduls_max_items is not None and len(items) >= sw.suduls_max_items:
            raise Rejected(400, f"the list holds at most {sw.suduls_max_items} entries")
        new_id = self.add_list_item(owner.username, which, value, description)
        answer = {"status": "SUCCESS"}
        if sw.suduls_return_id:
            answer["id"] = new_id
        return answer


class _PinnedConnection(http.client.HTTPSConnection):
    """Connects to 127.0.0.1 whatever its host name (see CloudSim.connection)."""

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


# ---------------------------------------------------------------------------
# Helpers

def _param(seen: Seen, name: str) -> str | None:
    values = seen.query.get(name)
    return values[-1] if values else None


def _int_param(seen: Seen, name: str) -> int | None:
    value = _param(seen, name)
    if value is None or value == "":
        return None
    if not re.fullmatch(r"-?\d+", value.strip()):
        raise Rejected(400, f"{name} must be an integer")
    return int(value)


def _json_body(seen: Seen):
    try:
        return json.loads(seen.body)
    except (ValueError, UnicodeDecodeError):
        raise Rejected(400, "the body is not JSON") from None


def _q_fields(m: Mail) -> dict:
    return {"dlp_message_id": m.dlp_message_id, "email_envelope_sender": m.envelope_sender,
            "email_sender": m.email_sender, "email_envelope_recipient": m.envelope_recipient,
            "email_subject": m.subject}


def _item_type(value: str) -> str:
    return "email" if "@" in value else "domain"


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN_RE = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")
_LOCAL_RE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}")


def _valid_item(value: str, wildcards: bool) -> bool:
    if len(value) > 254:
        return False
    local, at, domain = value.rpartition("@")
    if wildcards and domain.startswith("*."):
        domain = domain[2:]
    if not _DOMAIN_RE.fullmatch(domain):
        return False
    if not at:
        return True
    if local == "*":
        return wildcards
    return bool(_LOCAL_RE.fullmatch(local)) and (wildcards or "*" not in local)


def _charset(ctype: str) -> str | None:
    m = re.search(r"(?i)charset=\"?([^\";\s]+)", ctype)
    return m.group(1) if m else None


def _sanitize_html(text: str) -> str:
    text = re.sub(r"(?is)<script\b.*?</script\s*>", "", text)
    text = re.sub(r"(?i)\s+on[a-z]+\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", "", text)
    return text


# ---------------------------------------------------------------------------
# Command line

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The Email Quarantine API simulator.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve until SIGTERM/SIGINT")
    serve.add_argument("--state", required=True, help="a JSON state file (CloudSim.load_state)")
    serve.add_argument("--port", type=int, default=0)
    serve.add_argument("--save", help="write the state here when stopping")
    args = parser.parse_args(argv)

    state = json.loads(Path(args.state).read_text(encoding="utf-8"))
    sim = CloudSim(port=args.port, state=state)
    # Waited for with sigwait, blocked in every thread from here: an
    # Event set by a signal handler deadlocks when the signal lands while
    # Event.wait () holds the Event's lock (seen as a test hanging on stop).
    stop = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    sim.start()
    try:
        print(json.dumps({"url": sim.base_url, "ca_file": sim.ca_file, "port": sim.port,
                          "hosts": REGION_HOSTS}), flush=True)
        signal.sigwait(stop)
    finally:
        if args.save:
            Path(args.save).write_text(json.dumps(sim.dump_state(), indent=1), encoding="utf-8")
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
