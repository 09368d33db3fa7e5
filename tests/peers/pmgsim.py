#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""pmgsim — a Proxmox Mail Gateway quarantine-user API simulator for tests.

Written from ``shared/specs/pmg-quarantine-api.md`` alone ("the spec"; § below
are its sections). Standard library only; ``openssl`` makes the certificate.

In a Python test::

    sim = PmgSim(version="9.1.0", auth_fail_delay=0.2)
    sim.start()                       # HTTPS on 127.0.0.1, port from the OS
    sim.add_user("alice@example.com", "pw", aliases=["Alice.Smith@example.com"])
    mail = sim.add_mail(raw_bytes, "Alice.Smith@example.com", spamlevel=9,
                        spaminfo=[{"name": "BAYES_99", "score": 3.5, "desc": "x"}])
    sim.base_url, sim.fingerprint     # "https://127.0.0.1:N", "AB:CD:…"
    sim.mails[mail.id].state          # "new" / "delivered" / "deleted"
    sim.lists["alice@example.com"]    # {"WL": [...], "BL": [...]} as stored
    sim.advance(7200); sim.purge(); sim.swap_certificate(); sim.stop()

As a process (the C client's tests, manual runs)::

    python3 tests/peers/pmgsim.py serve --state FILE.json [--port N] [--version 9.1]

prints one JSON line {"url", "fingerprint", "port", "version", "links"} (links:
a PMGQUAR "manage" link per user) and serves until SIGTERM/SIGINT. FILE.json
seeds the simulator (see ``PmgSim.load_state``) and is rewritten after every
change, so a test can read the outcome:

    {"users": [{"pmail": "a@example.com", "password": "pw", "aliases": []}],
     "mails": [{"receiver": "a@example.com", "raw": "From: …\\n\\nbody\\n",
                "age": 3600, "spamlevel": 7, "spaminfo": []}],
     "lists": {"a@example.com": {"WL": [], "BL": []}},
     "options": {"sendlink": true, "lifetime": 7, "auth_fail_delay": 3.0}}

Switches (keyword arguments, also attributes): ``version`` ("8.2.3",
"9.0.1", "9.0.7", "9.0.8", "9.0.9", "9.0.10", "9.1.0"…; "9.1" means "9.1.0"),
``body_limit`` (512 KiB, or 64 KiB as before lib 5.2.1), ``auth_fail_delay``
(3.0 s), ``sendlink`` and ``sendlink_delay`` / ``sendlink_min_time``,
``lifetime`` (days), ``view_images`` ("on", "off", "on-demand"), ``node``
(the certificate's CN), ``relay_domains``, ``idle_timeout`` (5 s),
``refuse_connections`` (close without any response, as a host access list).
The clock is ``sim.now`` (real time plus an offset: ``advance``/``set_now``).
Where the spec says **Unknown** the simulator offers a switch:
``sendlink_count_rejected`` (does a rejected sendlink request restart the
5-second window; default yes).

Helpers: ``mint_ticket``, ``mint_quarantine_ticket`` (valid, ``expired=True``
or ``forged=True``), ``mint_csrf``, ``report_link`` (manage / per-mail /
action links, ``double_encoded=True``). ``add_user(..., tfa=True)`` makes a
login answer ``NeedTFA``; ``mail.deliver_error = "…"`` makes delivery fail.
What happened is kept in ``sim.delivered``, ``sim.sent_links`` (the link
mails sendlink "sent") and ``sim.requests`` (method, target, status).

Stand-ins: tickets are signed with HMAC-SHA512 blocks of the length and
base64 form of an RSA-4096 signature (the client treats them as opaque);
the certificate's key has ``key_bits`` (2048, to spare the CPU; 4096 works).

Checklist of §11 → code (tests: test_pmgsim.py, classes Transport,
Authentication + AuthDelay, Quarantine + SendLink, ProcessMode):
  TLS, CN, swap ............................ _make_certificate, swap_certificate
  /api2 paths, 501 not implemented ......... _Handler._api, PmgSim.route
  methods/chunked/size/body/content type ... _Handler._one_request, _read_body
  form decoding, JSON, _dc, duplicates ..... parse_form, _Handler._params
  strict validation, §5.4 texts ............ validate, Param
  reason = first line, close on >= 400 ..... _Handler._respond
  /access/ticket, realms, LDAP aliases ..... PmgSim._login, _resolve_username
  PMG / PMGQUAR tickets, lifetime .......... mint_*, verify_ticket, verify_quarantine_ticket
  cookie / Authorization, CSRF ............. _Handler._ticket, _authenticate
  auth-stage failures, 3 s delay ........... _Handler._auth_fail
  records, ids ............................. Mail, add_mail
  /quarantine/spam, fields per version ..... _spam, Mail.item
  content, htmlmail ........................ _content_get, htmlmail
  listattachments, download, 304 ........... _listattachments, _download
  actions, batches ......................... _content_post, _act
  sender lists ............................. _list_get, _list_post, _list_delete
  forbidden endpoints ...................... FORBIDDEN
  sendlink ................................. _sendlink
  /version, GET /access/ticket ............. _version, route table
  purge .................................... purge

Not in the spec, so chosen here: transport-level errors (501/506 before any
handler) carry their message as a text/plain body; paths outside /api2 answer
``404 Not found``; too many or too large header lines answer ``431``; unknown
formats answer ``501 Method '…' not implemented`` like unknown paths; a
malformed JSON body answers ``500 malformed JSON string: <Python's words>``;
responses say ``Connection: Keep-Alive`` or ``close``; a list action on a
mail without any usable sender address changes no list; ``/access/auth-realm``
lists pam and pmg. The purge runs when a test calls ``sim.purge()``.
"""

from __future__ import annotations

import argparse
import base64
import calendar
import copy
import email
import email.policy
import email.utils
import gzip
import hashlib
import hmac
import html
import http.server
import json
import os
import random
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
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# ---------------------------------------------------------------------------
# Constants from the spec

SERVER_HEADER = "pve-api-daemon/3.0"            # §2.2
JSON_TYPE = "application/json;charset=UTF-8"    # §5.1
MAX_REQUESTS = 100                              # §2.2 requests per connection
MAX_HEADER_LINES = 64                           # §2.2
MAX_HEADER_BYTES = 8192
TICKET_LIFE = 7200                              # §4.3, §4.5
TICKET_SKEW = 300
QUAR_SKEW = 20                                  # §4.7
TRUNCATE_AT = 4096                              # §6.3
TRUNCATE_MARK = "\n... mail truncated (> 4096 bytes)\n"
LIST_ENTRY_MAX = 512                            # §6.8
LIST_BYTES_MAX = 200000
LIST_READBACK = re.compile(r"[^\s\\@]+(?:@[^\s/\\@]+)?")
SPOOL = "/var/spool/pmg/"

ADDRESS_PATTERN = r"(?:[^\s\\@]+\@[^\s\/\\@]+)"
ID_PATTERN = r"C\d+R\d+T\d+"
IDS_PATTERN = r"C\d+R\d+T\d+(;C\d+R\d+T\d+)*"
LIST_PATTERN = r"(?:[^\s\/\\;,]+)(?:,[^\s\/\\;,]+)*"

MSG_UNKNOWN = ("property is not defined in schema and the schema does not allow "
               "additional properties")
MSG_MISSING = "property is missing and it is not optional"
MSG_PMAIL = "parameter not allowed with role 'quser'"

# Paths a quser may not use (§6.0): GET answers 403.
FORBIDDEN = ("/quarantine/virus", "/quarantine/attachment", "/quarantine/spamusers",
             "/quarantine/spamstatus", "/quarantine/virusstatus", "/quarantine/quarusers")

INDEX_9 = ["welcomelist", "blocklist", "content", "spam", "spamusers", "spamstatus",
           "virus", "virusstatus", "quarusers", "attachment", "listattachments",
           "download", "sendlink", "link"]


def parse_version(text: str) -> tuple[int, int, int]:
    """"9.1" → (9, 1, 0); "8.2.3" → (8, 2, 3); "8" / "8.x" → (8, 2, 3)."""
    parts = [p for p in text.split(".") if p.isdigit()]
    if len(parts) == 1 and parts[0] == "8":
        return (8, 2, 3)
    nums = [int(p) for p in parts] + [0, 0, 0]
    return (nums[0], nums[1], nums[2])


def fingerprint_of(der: bytes) -> str:
    """SHA-256 in the Proxmox notation of §2.3: AB:CD:… (32 pairs)."""
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def hex_time(t: float) -> str:
    return f"{int(t):08X}"


def first_line(message: str) -> str:
    return message.split("\n", 1)[0]


# ---------------------------------------------------------------------------
# Errors

class ApiError(Exception):
    """An error raised by a handler (§5.3): status, message, optional errors."""

    def __init__(self, code: int, message: str, errors: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors


def param_error(errors: dict) -> ApiError:
    return ApiError(400, "Parameter verification failed.\n", errors)


def perm_error(detail: str | None = None) -> ApiError:
    text = "Permission check failed" + (f" ({detail})" if detail else "")
    return ApiError(403, text + "\n")


# ---------------------------------------------------------------------------
# Parameters: decoding (§3) and validation (§3, §5.4)

def parse_form(text: bytes) -> dict[str, Any]:
    """Decode a query string or form body as §3 says: pairs split on & and ;,
    + is a space, %XX decoded, values UTF-8, a repeated key becomes a list."""
    params: dict[str, Any] = {}
    for pair in re.split(rb"[&;]", text):
        if not pair:
            continue
        key_b, _, value_b = pair.partition(b"=")
        key = urllib.parse.unquote_to_bytes(key_b.replace(b"+", b" ")).decode("latin-1")
        value = urllib.parse.unquote_to_bytes(value_b.replace(b"+", b" ")).decode(
            "utf-8", "replace")
        if key in params:
            old = params[key]
            params[key] = (old if isinstance(old, list) else [old]) + [value]
        else:
            params[key] = value
    return params


@dataclass
class Param:
    type: str = "string"            # string | integer | boolean
    optional: bool = True
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    enum: list[str] | None = None


def _type_name(value: Any) -> str:
    return "ARRAY" if isinstance(value, list) else "HASH"


def check_param(p: Param, value: Any) -> tuple[list[str], Any]:
    """Problems with one value, in the order PVE::JSONSchema checks them,
    and the value converted to its type."""
    if isinstance(value, (list, dict)):
        return [f"type check ('{p.type}') failed - got {_type_name(value)}"], None
    if p.type == "boolean":
        if value is True or value is False:
            return [], bool(value)
        if isinstance(value, str) and value in ("0", "1"):
            return [], value == "1"
        if isinstance(value, int) and value in (0, 1):
            return [], bool(value)
        return [f"type check ('boolean') failed - got '{_scalar(value)}'"], None
    text = _scalar(value)
    if p.type == "integer":
        if not re.search(r"^[+-]?\d+$", text):
            return [f"type check ('integer') failed - got '{text}'"], None
        number = int(text)
        problems = []
        if p.minimum is not None and number < p.minimum:
            problems.append(f"value must have a minimum value of {p.minimum}")
        if p.maximum is not None and number > p.maximum:
            problems.append(f"value must have a maximum value of {p.maximum}")
        return problems, number
    problems = []
    # anchored as Perl's ^(?:…)$, whose $ also matches before a final newline
    if p.pattern is not None and not re.search(f"^(?:{p.pattern})$", text):
        problems.append("value does not match the regex pattern")
    if p.max_length is not None and len(text) > p.max_length:
        problems.append(f"value may only be {p.max_length} characters long")
    if p.min_length is not None and len(text) < p.min_length:
        problems.append(f"value must be at least {p.min_length} characters long")
    if p.enum is not None and text not in p.enum:
        problems.append(f"value '{text}' does not have a value in the enumeration "
                        f"'{', '.join(p.enum)}'")
    return problems, text


def _scalar(value: Any) -> str:
    if value is True:
        return "1"
    if value is False:
        return "0"
    return str(value)


def validate(schema: dict[str, Param], params: dict[str, Any]) -> dict[str, Any]:
    """Strict validation (additionalProperties => 0); raises 400 with errors."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, value in params.items():
        if name not in schema:
            errors[name] = MSG_UNKNOWN
            continue
        problems, converted = check_param(schema[name], value)
        if problems:
            errors[name] = "\\n".join(problems)   # literal backslash + n (§5.3)
        else:
            values[name] = converted
    for name, p in schema.items():
        if not p.optional and name not in params:
            errors[name] = MSG_MISSING
    if errors:
        raise param_error(errors)
    return values


# ---------------------------------------------------------------------------
# State

@dataclass
class User:
    pmail: str                      # primary address, lower case
    password: str
    aliases: list[str] = field(default_factory=list)
    tfa: bool = False               # a second factor is configured (§4.2)


@dataclass
class Mail:
    """One quarantine record: one mail for one receiver (§1, §7)."""
    cid: int
    rid: int
    tid: int
    pmail: str
    receiver: str
    envelope_sender: str
    raw: bytes
    time: int
    spamlevel: int = 0
    spaminfo: list[dict] = field(default_factory=list)
    state: str = "new"              # new | delivered | deleted
    seen: int = 0
    deliver_error: str | None = None   # set to make "deliver" fail (500)
    overrides: dict[str, str] = field(default_factory=dict)   # from/sender/subject

    @property
    def id(self) -> str:
        return f"C{self.cid}R{self.rid}T{self.tid}"

    @property
    def file(self) -> str:
        return f"spam/{self.rid % 256:02X}/{self.rid:016X}"

    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)

    def header_fields(self) -> dict[str, str]:
        msg = self.message()
        from_ = str(msg["From"]) if msg["From"] is not None else self.envelope_sender
        fields = {"from": from_, "subject": str(msg["Subject"] or "")}
        if msg["Sender"] is not None:
            fields["sender"] = str(msg["Sender"])
        fields.update(self.overrides)
        if fields.get("sender") in (None, fields["from"]):
            fields.pop("sender", None)
        return fields

    def item(self, version: tuple[int, int, int]) -> dict[str, Any]:
        """The list item of §6.2 with the fields of the emulated version."""
        item: dict[str, Any] = {"id": self.id, "time": self.time, "bytes": len(self.raw),
                                "envelope_sender": self.envelope_sender}
        item.update(self.header_fields())
        item["receiver"] = self.receiver
        if version >= (9, 0, 10):
            item["pmail"] = self.pmail
        item["spamlevel"] = self.spamlevel
        positive = round(sum(r["score"] for r in self.spaminfo if r["score"] > 0), 3)
        negative = round(sum(r["score"] for r in self.spaminfo if r["score"] < 0), 3)
        if version >= (9, 0, 9):
            item["score-positive"], item["score-negative"] = positive, negative
        elif version >= (9, 0, 8):
            item["spamlevel_positive"], item["spamlevel_negative"] = positive, negative
        if version >= (9, 0, 8):
            item["seen"] = self.seen
        return item

    def header_and_body(self) -> tuple[bytes, bytes]:
        m = re.search(rb"\r?\n\r?\n", self.raw)
        if m is None:
            return self.raw, b""
        return self.raw[:m.end()], self.raw[m.end():]


def _split_addresses(text: str) -> list[str]:
    return [a for _, a in email.utils.getaddresses([text]) if a]


def _plain_address(text: str | None) -> str | None:
    """§6.7: the last whitespace-separated token without angle brackets,
    when it looks like local@domain.tld."""
    if not text:
        return None
    tokens = text.split()
    if not tokens:
        return None
    address = tokens[-1].strip("<>")
    return address if re.fullmatch(r"[^\s@<>]+@[^\s@<>]+\.[^\s@<>.]+", address) else None


# ---------------------------------------------------------------------------
# Certificates

def _make_certificate(directory: Path, node: str, bits: int) -> tuple[Path, Path]:
    """A self-signed certificate with subject CN=<node> and no subjectAltName,
    valid 3650 days, as PMG's default (§2.3)."""
    stamp = f"{time.monotonic_ns()}"
    cert, key = directory / f"cert-{stamp}.pem", directory / f"key-{stamp}.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", f"rsa:{bits}", "-nodes", "-sha256",
                    "-days", "3650", "-subj", f"/CN={node}", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True, timeout=120)
    return cert, key


# ---------------------------------------------------------------------------
# The simulator

class PmgSim:
    """State, tickets and the API of one simulated PMG node."""

    def __init__(self, version: str = "9.1.0", *, body_limit: int = 512 * 1024,
                 auth_fail_delay: float = 3.0, sendlink: bool = False,
                 sendlink_delay: float = 3.0, sendlink_min_time: float = 1.0,
                 sendlink_count_rejected: bool = True, lifetime: int = 7,
                 view_images: str = "on", node: str = "pmg",
                 relay_domains: list[str] | None = None, idle_timeout: float = 5.0,
                 refuse_connections: bool = False, key_bits: int = 2048, cid: int = 0,
                 port: int = 0, host: str = "127.0.0.1", state_file: str | None = None):
        self.version = version
        self.body_limit = body_limit
        self.auth_fail_delay = auth_fail_delay
        self.sendlink = sendlink
        self.sendlink_delay = sendlink_delay
        self.sendlink_min_time = sendlink_min_time
        self.sendlink_count_rejected = sendlink_count_rejected
        self.lifetime = lifetime
        self.view_images = view_images
        self.node = node
        self.relay_domains = relay_domains
        self.idle_timeout = idle_timeout
        self.key_bits = key_bits
        self.refuse_connections = refuse_connections
        self.cid = cid
        self.host = host
        self.port = port
        self.state_file = state_file
        self.repoid = "09158948b956"

        self.lock = threading.RLock()
        self.users: dict[str, User] = {}            # pmail → user
        self.mails: dict[str, Mail] = {}            # id → record
        self.lists: dict[str, dict[str, list[str]]] = {}   # pmail → {"WL", "BL"}
        self.delivered: list[tuple[str, str, bytes]] = []  # (id, receiver, raw)
        self.sent_links: list[tuple[str, str]] = []        # (address, link)
        self.requests: list[tuple[str, str, int]] = []     # (method, target, status)
        self._offset = 0.0
        self._next_rid = 1
        self._secret = os.urandom(32)
        self._forged_secret = os.urandom(32)
        self._csrf_secret = os.urandom(32)
        self._sendlink_last: float | None = None
        self._sendlink_by_mail: dict[str, float] = {}
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.context: ssl.SSLContext | None = None
        self.cert_path: Path | None = None
        self.fingerprint = ""

    # -- version -------------------------------------------------------------

    @property
    def version(self) -> tuple[int, int, int]:
        return parse_version(self.version_text)

    @version.setter
    def version(self, text: str) -> None:
        """Emulate pmg-api version TEXT ("9.1", "9.0.8", "8.2.3", "8.x")."""
        self.version_text = ".".join(str(n) for n in parse_version(text))

    # -- clock ---------------------------------------------------------------

    @property
    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        self._offset += seconds

    def set_now(self, when: float) -> None:
        self._offset = when - time.time()

    # -- life cycle ----------------------------------------------------------

    def start(self) -> "PmgSim":
        if shutil.which("openssl") is None:
            raise RuntimeError("pmgsim needs the openssl command")
        self._tmp = tempfile.TemporaryDirectory(prefix="pmgsim-")
        self.swap_certificate()
        self._server = _Server((self.host, self.port), _Handler, self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True,
                                        name="pmgsim")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "PmgSim":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"https://{self.host}:{self.port}"

    def swap_certificate(self) -> str:
        """A new self-signed certificate for new connections; its fingerprint."""
        assert self._tmp is not None, "start() first"
        cert, key = _make_certificate(Path(self._tmp.name), self.node, self.key_bits)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(cert, key)
        self.cert_path = cert
        self.fingerprint = fingerprint_of(ssl.PEM_cert_to_DER_cert(cert.read_text()))
        self.context = context
        return self.fingerprint

    # -- seeding -------------------------------------------------------------

    def add_user(self, pmail: str, password: str, aliases: list[str] = (), *,
                 tfa: bool = False) -> User:
        """An LDAP user: primary address PMAIL, ALIASES, one password; TFA: a
        second factor is configured, so a login answers NeedTFA."""
        user = User(pmail.lower(), password, list(aliases), tfa)
        with self.lock:
            self.users[user.pmail] = user
            self._changed()
        return user

    def pmail_for(self, address: str) -> str:
        """The pmail a receiver is filed under: LDAP primary, else lower case."""
        user = self._ldap_lookup(address)
        return user.pmail if user else address.lower()

    def add_mail(self, raw: bytes | str, receiver: str, **kw) -> Mail:
        return self.add_mail_for(raw, [receiver], **kw)[0]

    def add_mail_for(self, raw: bytes | str, receivers: list[str], *,
                     envelope_sender: str | None = None, time: int | None = None,
                     age: float | None = None, spamlevel: int = 5,
                     spaminfo: list[dict] | None = None, pmail: str | None = None,
                     tid: int | None = None, state: str = "new", seen: int = 0,
                     from_: str | None = None, sender: str | None = None,
                     subject: str | None = None) -> list[Mail]:
        """One mail for several RECEIVERS: one record each, same rid, the
        ticket id counting up from a random 28-bit number (§7). From, Sender
        and Subject come from RAW's header unless FROM_, SENDER, SUBJECT say."""
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        if time is None:                   # a minute ago unless told
            time = int(self.now - (60 if age is None else age))
        if envelope_sender is None:
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            found = _split_addresses(str(msg["From"] or ""))
            envelope_sender = found[0] if found else ""
        rules = [dict(r) for r in (spaminfo or [])]
        for rule in rules:
            rule.setdefault("desc", "-")
        with self.lock:
            rid = self._next_rid
            self._next_rid += 1
            base = tid if tid is not None else random.randrange(0, 1 << 28)
            made = []
            for n, receiver in enumerate(receivers):
                mail = Mail(self.cid, rid, base + n, pmail or self.pmail_for(receiver),
                            receiver, envelope_sender, raw, time, spamlevel,
                            copy.deepcopy(rules), state, seen)
                mail.overrides = {k: v for k, v in (("from", from_), ("sender", sender),
                                                    ("subject", subject)) if v is not None}
                self.mails[mail.id] = mail
                made.append(mail)
            self._changed()
        return made

    def list_of(self, pmail: str, name: str) -> list[str]:
        """What GET would return for list NAME ("WL"/"BL") of PMAIL."""
        with self.lock:
            stored = self.lists.get(pmail, {}).get(name, [])
            return sorted((e for e in stored if LIST_READBACK.fullmatch(e)),
                          key=lambda e: e.encode("utf-8"))

    def purge(self) -> list[str]:
        """The nightly purge: records older than local midnight − lifetime days
        disappear; returns their ids."""
        local = time.localtime(self.now)
        midnight = time.mktime((local.tm_year, local.tm_mon, local.tm_mday, 0, 0, 0,
                                0, 0, -1))
        cutoff = midnight - self.lifetime * 86400
        with self.lock:
            gone = [i for i, m in self.mails.items() if m.time < cutoff]
            for i in gone:
                del self.mails[i]
            self._changed()
        return gone

    # -- tickets (§4.3, §4.5, §4.7) ------------------------------------------

    def _signature(self, plain: str, secret: bytes) -> str:
        # stands in for the RSA-4096 signature: 512 bytes, base64 with padding
        blocks = [hmac.new(secret, bytes([i]) + plain.encode(), "sha512").digest()
                  for i in range(8)]
        return base64.b64encode(b"".join(blocks)).decode()

    def mint_ticket(self, userid: str, issued: float | None = None, *,
                    forged: bool = False) -> str:
        """A PMG ticket PMG:<userid>:<hex time>::<sig>."""
        stamp = hex_time(self.now if issued is None else issued)
        plain = f"PMG:{userid.replace(':', '%3A')}:{stamp}"
        return f"{plain}::{self._signature(plain, self._forged_secret if forged else self._secret)}"

    def mint_quarantine_ticket(self, pmail: str, issued: float | None = None, *,
                               expired: bool = False, forged: bool = False) -> str:
        """A PMGQUAR ticket for PMAIL, as in a report mail generated at ISSUED."""
        if issued is None:
            issued = self.now - (self.lifetime * 86400 + 60 if expired else 0)
        plain = f"PMGQUAR:{pmail.replace(':', '%3A')}:{hex_time(issued)}"
        return f"{plain}::{self._signature(plain, self._forged_secret if forged else self._secret)}"

    def mint_csrf(self, userid: str, issued: float | None = None) -> str:
        stamp = hex_time(self.now if issued is None else issued)
        digest = hmac.new(self._csrf_secret, f"{stamp}:{userid}".encode(), "sha256").digest()
        return f"{stamp}:{base64.b64encode(digest).decode().rstrip('=')}"

    def _verify_signed(self, prefix: str, ticket: str, min_age: float,
                       max_age: float) -> str | None:
        m = re.fullmatch(rf"({re.escape(prefix)}:\S+)::([^:\s]+)", ticket or "")
        if not m:
            return None
        plain, sig = m.groups()
        if not hmac.compare_digest(sig, self._signature(plain, self._secret)):
            return None
        m = re.fullmatch(rf"{re.escape(prefix)}:(\S+):([A-Z0-9]{{8}})", plain)
        if not m:
            return None
        age = self.now - int(m.group(2), 16)
        if not min_age < age < max_age:
            return None
        return m.group(1).replace("%3A", ":")

    def verify_ticket(self, ticket: str) -> str | None:
        """The userid of a valid PMG ticket; a PMG:!tfa! ticket is no login."""
        userid = self._verify_signed("PMG", ticket, -TICKET_SKEW, TICKET_LIFE)
        return None if userid is None or userid.startswith("!tfa!") else userid

    def verify_quarantine_ticket(self, ticket: str) -> str | None:
        """The userid (<pmail>@quarantine) of a valid PMGQUAR ticket."""
        pmail = self._verify_signed("PMGQUAR", ticket, -QUAR_SKEW, self.lifetime * 86400)
        return None if pmail is None else f"{pmail}@quarantine"

    def verify_csrf(self, userid: str | None, token: str | None) -> bool:
        m = re.fullmatch(r"([A-Z0-9]{8}):(\S+)", token or "")
        if not m or userid is None:
            return False
        digest = hmac.new(self._csrf_secret, f"{m.group(1)}:{userid}".encode(),
                          "sha256").digest()
        if not hmac.compare_digest(m.group(2), base64.b64encode(digest).decode().rstrip("=")):
            return False
        age = self.now - int(m.group(1), 16)
        return -TICKET_SKEW < age < TICKET_LIFE

    def report_link(self, pmail: str, mail: Mail | str | None = None, *,
                    action: str | None = None, issued: float | None = None,
                    ticket: str | None = None, base: str | None = None,
                    double_encoded: bool = False) -> str:
        """A spam-report link (§4.7): manage, per-mail (cselect/date) and
        one-click action forms; DOUBLE_ENCODED as the HTML template may make it."""
        ticket = ticket or self.mint_quarantine_ticket(pmail, issued)
        value = urllib.parse.quote(ticket, safe="")
        if double_encoded:
            value = value.replace("%", "%25")
        link = f"{base or self.base_url}/quarantine?ticket={value}"
        if mail is not None:
            record = self.mails[mail] if isinstance(mail, str) else mail
            day = time.strftime("%Y-%m-%d", time.localtime(record.time))
            link += f"&cselect={record.id}&date={day}"
        if action is not None:
            link += f"&action={action}"
        return link

    # -- persistence (process mode) -------------------------------------------

    def load_state(self, data: dict) -> None:
        """Seed from a JSON object: users, mails, lists, options (see module doc).
        A mail may give "time" or "age" (seconds before now), "raw" (text) or
        "raw_base64", "receiver" or "receivers", optionally "id", "from",
        "sender", "subject" (instead of the header's) and "deliver_error"."""
        for key, value in data.get("options", {}).items():
            if key == "version":
                self.version = value
            elif hasattr(self, key) and not key.startswith("_"):
                setattr(self, key, value)
        for u in data.get("users", []):
            self.add_user(u["pmail"], u["password"], u.get("aliases", []),
                          tfa=u.get("tfa", False))
        for name, lists in data.get("lists", {}).items():
            self.lists[name] = {"WL": list(lists.get("WL", [])), "BL": list(lists.get("BL", []))}
        for m in data.get("mails", []):
            raw = (base64.b64decode(m["raw_base64"]) if "raw_base64" in m
                   else m["raw"].encode("utf-8"))
            kw = {k: m[k] for k in ("envelope_sender", "time", "age", "spamlevel",
                                    "spaminfo", "pmail", "state", "seen", "sender",
                                    "subject") if k in m}
            if "from" in m:
                kw["from_"] = m["from"]
            mid = re.fullmatch(r"C(\d+)R(\d+)T(\d+)", m.get("id", ""))
            if mid:
                saved, self.cid, self._next_rid = self.cid, int(mid[1]), int(mid[2])
                kw["tid"] = int(mid[3])
            made = self.add_mail_for(raw, m.get("receivers") or [m["receiver"]], **kw)
            if mid:
                self.cid, self._next_rid = saved, max(self._next_rid, int(mid[2]) + 1)
            for record in made:
                record.deliver_error = m.get("deliver_error")

    def dump_state(self) -> dict:
        with self.lock:
            return {
                "users": [{"pmail": u.pmail, "password": u.password, "aliases": u.aliases,
                           "tfa": u.tfa} for u in self.users.values()],
                "mails": [{"id": m.id, "receiver": m.receiver, "pmail": m.pmail,
                           "envelope_sender": m.envelope_sender, "time": m.time,
                           "spamlevel": m.spamlevel, "spaminfo": m.spaminfo,
                           "state": m.state, "seen": m.seen,
                           "raw_base64": base64.b64encode(m.raw).decode(), **m.overrides}
                          for m in self.mails.values()],
                "lists": copy.deepcopy(self.lists),
                "delivered": [i for i, _, _ in self.delivered],
                "sent_links": [{"mail": a, "link": link} for a, link in self.sent_links],
            }

    def _changed(self) -> None:
        if self.state_file and self._server is not None:
            tmp = f"{self.state_file}.tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(self.dump_state(), f, indent=1)
            os.replace(tmp, self.state_file)

    # -- authentication (§4) ---------------------------------------------------

    def _ldap_lookup(self, address: str) -> User | None:
        wanted = address.lower()
        for user in self.users.values():
            if wanted == user.pmail or wanted in (a.lower() for a in user.aliases):
                return user
        return None

    @staticmethod
    def _resolve_username(username: str, realm: str | None) -> str:
        """§4.2 realm handling: keep a known realm suffix, else append REALM."""
        m = re.search(r"@([^@]+)$", username)
        if m and m.group(1) in ("pam", "pmg", "quarantine"):
            return username
        return f"{username}@{realm or 'quarantine'}"

    def _login(self, params: dict) -> dict:
        username = self._resolve_username(params["username"], params.get("realm"))
        password = params["password"]
        if password.startswith("PMGQUAR:"):
            if self.verify_quarantine_ticket(password) == username:
                return self._login_answer(username, password)
        elif self.verify_ticket(password) == username:        # renewal (§4.6)
            return self._login_answer(username, self.mint_ticket(username))
        if username.endswith("@quarantine"):
            user = self._ldap_lookup(username[:-len("@quarantine")])
            if user is not None and user.password == password:
                userid = f"{user.pmail}@quarantine"
                if user.tfa:
                    answer = self._login_answer(userid, self.mint_ticket(
                        "!tfa!" + urllib.parse.quote(json.dumps({"totp": True}), safe="")))
                    answer["NeedTFA"] = 1
                    return answer
                return self._login_answer(userid, self.mint_ticket(userid))
        raise ApiError(401, "authentication failure\n")

    def _login_answer(self, userid: str, ticket: str) -> dict:
        return {"username": userid, "ticket": ticket,
                "CSRFPreventionToken": self.mint_csrf(userid), "role": "quser"}

    # -- routing ---------------------------------------------------------------

    def route(self, method: str, path: str):
        """(handler, schema) for METHOD PATH, or raise the 403/501 of §5.4."""
        v = self.version
        lists = {"/quarantine/whitelist": "WL", "/quarantine/blacklist": "BL"}
        if v >= (9, 0, 0):
            lists.update({"/quarantine/welcomelist": "WL", "/quarantine/blocklist": "BL"})
        pmail = Param(pattern=ADDRESS_PATTERN, min_length=3, max_length=512)
        ident = Param(optional=False, pattern=ID_PATTERN, max_length=60)
        content_get = {"id": ident, "raw": Param("boolean")}
        if v >= (9, 0, 8):
            content_get["images"] = Param("boolean")
        actions = ["whitelist", "blacklist", "deliver", "delete"]
        if v >= (9, 0, 0):
            actions = ["welcomelist", "blocklist"] + actions
        if v >= (9, 0, 8):
            actions += ["mark-seen", "mark-unseen"]
        table = {
            ("GET", "/access/ticket"): (lambda s, p: None, {}),
            ("POST", "/access/ticket"): (PmgSim._login, {
                "username": Param(optional=False, max_length=64),
                "password": Param(optional=False), "realm": Param(max_length=32),
                "otp": Param(), "tfa-challenge": Param(), "path": Param()}),
            ("GET", "/access/auth-realm"): (PmgSim._realms, {}),
            ("GET", "/version"): (PmgSim._version, {}),
            ("GET", "/quarantine"): (PmgSim._index, {}),
            ("GET", "/quarantine/spam"): (PmgSim._spam, {
                "starttime": Param("integer", minimum=0),
                "endtime": Param("integer", minimum=1), "pmail": pmail}),
            ("GET", "/quarantine/content"): (PmgSim._content_get, content_get),
            ("POST", "/quarantine/content"): (PmgSim._content_post, {
                "id": Param(optional=False, pattern=IDS_PATTERN),
                "action": Param(optional=False, enum=actions)}),
            ("GET", "/quarantine/listattachments"): (PmgSim._listattachments, {"id": ident}),
            ("GET", "/quarantine/download"): (PmgSim._download, {
                "mailid": ident, "attachmentid": Param("integer")}),
            ("POST", "/quarantine/sendlink"): (PmgSim._sendlink, {
                "mail": Param(optional=False, pattern=ADDRESS_PATTERN, min_length=3,
                              max_length=512)}),
        }
        for lpath, name in lists.items():
            table[("GET", lpath)] = (lambda s, p, n=name: s._list_get(p, n), {"pmail": pmail})
            table[("POST", lpath)] = (lambda s, p, n=name: s._list_post(p, n), {
                "address": Param(optional=False, pattern=LIST_PATTERN, min_length=3),
                "pmail": pmail})
            table[("DELETE", lpath)] = (lambda s, p, n=name: s._list_delete(p, n), {
                "address": Param(optional=False, min_length=3), "pmail": pmail})
        if (method, path) in table:
            return table[(method, path)]
        if method == "GET" and (path in FORBIDDEN or
                                (path == "/quarantine/link" and v >= (9, 0, 10))):
            raise perm_error()
        raise ApiError(501, f"Method '{method} {path}' not implemented\n")

    def call(self, userid: str | None, method: str, path: str, params: dict,
             handler=None) -> Any:
        """Route, validate and run one API call as USERID (None: no login)."""
        routed, schema = self.route(method, path)
        values = validate(schema, params)
        with self.lock:
            self._userid = userid
            return (handler or routed)(self, values)

    # -- handlers ------------------------------------------------------------

    @property
    def _own_pmail(self) -> str:
        return re.sub(r"@quarantine$", "", self._userid or "")

    def _check_pmail(self, params: dict) -> str:
        own = self._own_pmail
        if "pmail" in params and params["pmail"] != own:
            raise param_error({"pmail": MSG_PMAIL})
        return own

    def _realms(self, params: dict) -> list:
        return [{"realm": "pam", "type": "pam", "comment": "Linux PAM standard authentication"},
                {"realm": "pmg", "type": "pmg",
                 "comment": "Proxmox Mail Gateway authentication server", "default": 1}]

    def _version(self, params: dict) -> dict:
        return {"version": self.version_text, "release": self.version_text[:3],
                "repoid": self.repoid}

    def _index(self, params: dict) -> list:
        names = list(INDEX_9)
        if self.version < (9, 0, 0):
            names[0:2] = ["whitelist", "blacklist"]
        if self.version < (9, 0, 10):
            names.remove("link")
        return [{"name": n} for n in names]

    def _spam(self, params: dict) -> list:
        own = self._check_pmail(params)
        now = int(self.now)
        start = params.get("starttime", now - 86400)
        end = params.get("endtime", start + 86400)
        found = [m for m in self.mails.values()
                 if m.pmail == own and m.state == "new" and start <= m.time < end]
        found.sort(key=lambda m: (m.time, m.receiver))
        return [m.item(self.version) for m in found]

    def _load(self, mail_id: str) -> Mail:
        """Load one record and check its owner (§6.3, §5.4)."""
        m = re.search(r"^C(\d+)R(\d+)T(\d+)$", mail_id)
        mail = self.mails.get(f"C{int(m[1])}R{int(m[2])}T{int(m[3])}") if m else None
        if mail is None:
            raise ApiError(500, f"no such mail ({mail_id})\n")
        if f"{mail.pmail}@quarantine" != self._userid:
            raise perm_error(f"mail does not belong to user '{self._userid}' ({mail.pmail})")
        return mail

    def _content_get(self, params: dict) -> dict:
        mail = self._load(params["id"])
        data = mail.item(self.version)
        data["file"] = mail.file
        data["spaminfo"] = [dict(r) for r in mail.spaminfo]
        header, body = mail.header_and_body()
        data["header"] = header.decode("utf-8", "replace")
        data["content"] = self._content_text(mail, body, params.get("raw", False))
        if self.version >= (9, 0, 8) and self.view_images == "on-demand":
            data["external_images"] = int(bool(re.search(
                rb"<img[^>]+src=[\"']?https?:", mail.raw, re.I)))
        return data

    @staticmethod
    def _content_text(mail: Mail, body: bytes, whole: bool) -> str:
        read, total = [], 0
        truncated = False
        lines = body.splitlines(keepends=True)
        for n, line in enumerate(lines):
            read.append(line)
            total += len(line)
            if not whole and total >= TRUNCATE_AT and n + 1 < len(lines):
                truncated = True
                break
        charset = mail.message().get_content_charset()
        try:
            text = b"".join(read).decode(charset or "latin-1", "replace")
        except LookupError:
            text = b"".join(read).decode("latin-1")
        return text + (TRUNCATE_MARK if truncated else "")

    def htmlmail(self, params: dict) -> str:
        """The htmlmail rendering of §6.4 (a simple sanitiser)."""
        mail = self._load(params["id"])
        if params.get("raw"):
            return "<pre>" + html.escape(mail.raw.decode("utf-8", "replace")) + "</pre>"
        msg = mail.message()
        part = msg.get_body(preferencelist=("html", "plain"))
        if part is None:
            return "<html><body></body></html>"
        text = part.get_content()
        if part.get_content_type() == "text/plain":
            return f"<html><body><pre>{html.escape(text)}</pre></body></html>"
        text = re.sub(r"(?is)<script.*?</script>", "", text)
        text = re.sub(r"(?i)\son\w+=(\"[^\"]*\"|'[^']*'|\S+)", "", text)
        load = self.view_images == "on" or (self.view_images == "on-demand"
                                            and params.get("images"))
        if not load:
            text = re.sub(r"(?i)(<img[^>]*?)\ssrc=(\"https?:[^\"]*\"|'https?:[^']*')", r"\1", text)
        return text

    def _parts(self, mail: Mail) -> list:
        return [p for p in mail.message().walk() if not p.is_multipart()]

    def _listattachments(self, params: dict) -> list:
        mail = self._load(params["id"])
        out = []
        for n, part in enumerate(self._parts(mail)):
            payload = part.get_payload(decode=True) or b""
            out.append({"id": n, "name": part.get_filename() or f"part-{n}",
                        "size": len(payload), "content-type": part.get_content_type(),
                        "content-disposition": part.get_content_disposition()})
        return out

    def _download(self, params: dict):
        mail = self._load(params["mailid"])
        n = params.get("attachmentid")
        if not n:
            return Download(mail.raw, "message/rfc822", mail.time)
        parts = self._parts(mail)
        if not 0 < n < len(parts):
            raise param_error({"attachmentid": "Invalid Attachment ID for Mail."})
        part = parts[n]
        return Download(part.get_payload(decode=True) or b"", part.get_content_type(), mail.time)

    def _content_post(self, params: dict) -> None:
        try:
            for mail_id in params["id"].split(";"):
                self._act(self._load(mail_id), params["action"])
        finally:
            self._changed()
        return None

    def _act(self, mail: Mail, action: str) -> None:
        v = self.version
        if action == "whitelist" and (9, 0, 0) <= v < (9, 0, 2):
            raise ApiError(500, "internal error, unknown action 'whitelist' at "
                           "/usr/share/perl5/PMG/API2/Quarantine.pm line 1543.\n")
        if action in ("welcomelist", "whitelist", "blocklist", "blacklist"):
            name = "WL" if action in ("welcomelist", "whitelist") else "BL"
            sender = self._list_sender(mail)
            if sender is not None:
                self._list_add(mail.pmail, name, [sender])
            action = "deliver" if name == "WL" else "delete"
        if action == "mark-seen":
            mail.seen = 1
        elif action == "mark-unseen":
            mail.seen = 0
        elif mail.state != "new" and self.version >= (8, 1, 7):
            return                               # handled already: a no-op (§6.7, §8)
        elif action == "deliver":
            if mail.deliver_error is not None:
                raise ApiError(500, f"deliver quarantined mail '{mail.id}' ({SPOOL}{mail.file}) "
                               f"to {mail.receiver} failed: {mail.deliver_error}\n")
            mail.state = "delivered"
            self.delivered.append((mail.id, mail.receiver, mail.raw))
        elif action == "delete":
            mail.state = "deleted"

    @staticmethod
    def _list_sender(mail: Mail) -> str | None:
        msg = mail.message()
        if msg["Sender"] is not None:
            found = _split_addresses(str(msg["Sender"]))
            if len(found) == 1 and _plain_address(str(msg["Sender"])):
                return _plain_address(str(msg["Sender"]))
        first = _split_addresses(str(msg["From"] or ""))[:1]
        if first and _plain_address(first[0]):
            return _plain_address(first[0])
        return _plain_address(mail.envelope_sender)

    def _list_names(self, name: str) -> str:
        if self.version >= (9, 0, 0):
            return "welcomelist" if name == "WL" else "blocklist"
        return "whitelist" if name == "WL" else "blacklist"

    def _list_get(self, params: dict, name: str) -> list:
        own = self._check_pmail(params)
        return [{"address": a} for a in self.list_of(own, name)]

    def _list_add(self, pmail: str, name: str, entries: list[str]) -> None:
        for entry in entries:
            if len(entry) > LIST_ENTRY_MAX:
                raise ApiError(500, f"email address '{entry}' is too long (> 512 characters)\n")
        other = "BL" if name == "WL" else "WL"
        stored = {n: [e for e in self.lists.get(pmail, {}).get(n, [])
                      if LIST_READBACK.fullmatch(e)] for n in ("WL", "BL")}
        for entry in entries:
            if entry not in stored[name]:
                stored[name].append(entry)
            if entry in stored[other]:
                stored[other].remove(entry)
        if len(",".join(stored[name]).encode("utf-8")) > LIST_BYTES_MAX:
            raise ApiError(500, f"{self._list_names(name)} size exceeds limit "
                           f"(> {LIST_BYTES_MAX} bytes)\n")
        self.lists[pmail] = stored

    def _list_post(self, params: dict, name: str) -> None:
        own = self._check_pmail(params)
        self._list_add(own, name, params["address"].split(","))
        self._changed()

    def _list_delete(self, params: dict, name: str) -> None:
        own = self._check_pmail(params)
        gone = params["address"].split(",")
        stored = self.lists.setdefault(own, {"WL": [], "BL": []})
        stored[name] = [e for e in stored.get(name, [])
                        if e not in gone and LIST_READBACK.fullmatch(e)]
        self._changed()

    def _sendlink(self, params: dict):
        """§6.9; returns a SendLink the handler waits on (delays outside the lock)."""
        if not self.sendlink:
            raise ApiError(500, "This feature is not enabled\n")
        now = self.now
        last, address = self._sendlink_last, params["mail"]
        if last is not None and now - last < 5:
            if self.sendlink_count_rejected:
                self._sendlink_last = now
            return SendLink(self.sendlink_delay,
                            ApiError(500, "Too many requests. Please try again later\n"))
        self._sendlink_last = now
        domain = address.rsplit("@", 1)[-1].lower()
        relay = self.relay_domains
        if relay is None:
            relay = {u.split("@", 1)[1].lower() for user in self.users.values()
                     for u in [user.pmail, *user.aliases]}
        if domain not in relay:
            return SendLink(self.sendlink_delay, None)
        key = address.lower()
        previous = self._sendlink_by_mail.get(key)
        if previous is not None and now - previous < 3600:
            return SendLink(self.sendlink_delay, ApiError(
                500, f"Too many requests for '{address}', only one request perhour is "
                "permitted. Please try again later\n"))
        self._sendlink_by_mail[key] = now
        pmail = self.pmail_for(address)
        self.sent_links.append((address, self.report_link(pmail)))
        self._changed()
        return SendLink(self.sendlink_min_time, None)


@dataclass
class Download:
    data: bytes
    content_type: str
    mtime: int


@dataclass
class SendLink:
    wait: float
    error: ApiError | None


# ---------------------------------------------------------------------------
# HTTP

class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address, handler, sim: PmgSim):
        self.sim = sim
        super().__init__(address, handler)

    def handle_error(self, request, client_address):
        pass            # a client that hangs up or refuses the certificate


class _Close(Exception):
    """End the connection without (another) response."""


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def setup(self) -> None:
        sim = self.server.sim
        raw = self.raw = self.request
        raw.settimeout(sim.idle_timeout)
        self.plain = False
        if sim.refuse_connections:      # a host access list denying the peer (§2.2)
            raw.close()
            raise _Close()
        try:
            first = raw.recv(1, socket.MSG_PEEK)
        except OSError:
            first = b""
        if first and first != b"\x16":
            self.plain = True           # plain HTTP to the TLS port (§2.1)
        elif first:
            self.request = sim.context.wrap_socket(raw, server_side=True)
        self.connection = self.request
        super().setup()

    def handle(self) -> None:
        self.count = 0                   # requests on this connection (§2.2)
        try:
            while self._one_request():
                pass
        except (_Close, OSError, ssl.SSLError):
            pass

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        if self.request is not self.raw:
            self.request.close()

    # -- output ------------------------------------------------------------

    def _respond(self, code: int, message: str | None, body: bytes = b"",
                 headers: list[tuple[str, str]] = (), api: bool = False,
                 keep: bool = True) -> bool:
        """Write one response. The reason phrase is the first line of MESSAGE
        (§2.2); any status >= 400 closes the connection. Returns keep-alive."""
        reason = first_line(message) if message else http.HTTPStatus(code).phrase
        keep = keep and code < 400 and self.keep_alive
        lines = [f"{self.proto} {code} {reason}", f"Server: {SERVER_HEADER}",
                 f"Date: {email.utils.formatdate(usegmt=True)}"]
        if api:
            lines += [f"Expires: {email.utils.formatdate(usegmt=True)}",
                      "Cache-Control: max-age=0", "Pragma: no-cache"]
        lines += [f"{k}: {v}" for k, v in headers]
        if body and len(body) > 1024 and api:
            accept = self.req_headers.get("accept-encoding", "") if self.req_headers else ""
            if "gzip" in accept:
                body = gzip.compress(body)
                lines.append("Content-Encoding: gzip")
            elif "deflate" in accept:
                body = zlib.compress(body)
                lines.append("Content-Encoding: deflate")
        lines.append(f"Content-Length: {len(body)}")
        lines.append("Connection: " + ("Keep-Alive" if keep else "close"))
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body)
        self.wfile.flush()
        sim = self.server.sim
        sim.requests.append((self.method, self.target, code))
        return keep

    def _text_error(self, code: int, message: str) -> bool:
        return self._respond(code, message, message.encode("utf-8"),
                             [("Content-Type", "text/plain;charset=UTF-8")])

    def _json(self, code: int, payload: dict, message: str | None = None) -> bool:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return self._respond(code, message, body, [("Content-Type", JSON_TYPE)], api=True)

    def _api_error(self, err: ApiError) -> bool:
        if self.format == "htmlmail":
            body = f"Error {err.code}: {err.message}".encode("utf-8")
            return self._respond(err.code, err.message, body,
                                 [("Content-Type", "text/plain;charset=UTF-8")], api=True)
        payload: dict[str, Any] = {"data": None}
        if err.errors:
            payload["errors"] = err.errors
        payload["message"] = err.message
        return self._json(err.code, payload, err.message)

    # -- input -------------------------------------------------------------

    def _one_request(self) -> bool:
        self.proto, self.method, self.target, self.req_headers = "HTTP/1.0", "", "", {}
        self.keep_alive = True
        self.format = "json"
        try:
            line = self.rfile.readline(MAX_HEADER_BYTES + 1)
        except (TimeoutError, socket.timeout):
            return False                 # idle timeout: close quietly
        if not line:
            return False
        if line in (b"\r\n", b"\n"):
            return True                  # empty lines before a request are ignored
        self.start = time.monotonic()
        m = re.match(rb"(\S+) (\S+) HTTP/(\d+)\.(\d+)", line)
        if not m:
            return self._text_error(400, "bad request")
        method, target = m.group(1).decode("latin-1"), m.group(2).decode("latin-1")
        self.method, self.target = method, target
        major, minor = int(m.group(3)), int(m.group(4))
        if major != 1:
            return self._text_error(506, f"http protocol version {major}.{minor} not supported")
        self.proto = f"HTTP/{major}.{minor}"
        self.count += 1
        if self.count >= MAX_REQUESTS:
            self.keep_alive = False
        headers, count, size = {}, 0, len(line)
        while True:
            hline = self.rfile.readline(MAX_HEADER_BYTES + 1)
            if not hline:
                raise _Close()
            if hline in (b"\r\n", b"\n"):
                break
            count += 1
            size += len(hline)
            if count >= MAX_HEADER_LINES or size >= MAX_HEADER_BYTES:
                return self._text_error(431, "Request Header Fields Too Large")
            name, _, value = hline.decode("latin-1").partition(":")
            name = name.strip().lower()
            value = value.strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        self.req_headers = headers
        conn = headers.get("connection", "").lower()
        if not self.keep_alive or "close" in conn or (minor == 0 and "keep-alive" not in conn):
            self.keep_alive = False
        if self.plain:
            return self._redirect(method, target, headers)
        if method not in ("GET", "POST", "PUT", "DELETE"):
            return self._text_error(501, f"method '{method}' not available")
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return self._text_error(501, "chunked transfer encoding not supported")
        path, _, query = target.partition("?")
        m = re.fullmatch(r"/api2/([a-z][a-z0-9]+)(/.*)?", path)
        if not m:
            if method == "GET" and path in ("/", "/quarantine"):
                body = b"<!DOCTYPE html><html><body>PMG (simulated)</body></html>"
                return self._respond(200, None, body, [("Content-Type", "text/html;charset=UTF-8")])
            return self._text_error(404, "Not found")
        return self._api(method, m.group(1), (m.group(2) or "/").rstrip("/") or "/",
                         query, headers)

    def _redirect(self, method: str, target: str, headers: dict) -> bool:
        host = headers.get("host") or f"{self.server.sim.host}:{self.server.sim.port}"
        code = 301 if method in ("GET", "HEAD") else 308
        self._respond(code, None, b"", [("Location", f"https://{host}{target}")], keep=False)
        return False

    def _ticket(self, headers: dict) -> str | None:
        """§4.4: the PMGAuthCookie cookie (percent-decoded), else Authorization."""
        cookie = headers.get("cookie")
        if cookie:
            m = re.search(r"(?:^|\s|;)PMGAuthCookie=([^;]*)", cookie)
            if m:
                return urllib.parse.unquote(m.group(1))
        auth = headers.get("authorization")
        if auth:
            m = re.fullmatch(r"PMGAuthCookie[=\s](\S+)", auth)
            if m:
                return m.group(1)
        return None

    def _auth_fail(self, message: str) -> None:
        """§5.2: the status and reason only, empty body, after a fixed delay."""
        time.sleep(self.server.sim.auth_fail_delay)
        self._respond(401, message)
        raise _Close()

    def _authenticate(self, method: str, rel: str, headers: dict) -> str | None:
        """The auth stage (§4.4, §4.5): the userid, None for the exempt paths;
        a failure is answered here and ends the connection (_Close)."""
        sim = self.server.sim
        exempt = ((rel in ("/access/ticket", "/quarantine/sendlink") and method in ("GET", "POST"))
                  or (rel == "/access/auth-realm" and method == "GET"))
        if exempt:
            return None
        ticket = self._ticket(headers)
        if not ticket:
            self._auth_fail("No ticket")
        if ticket.startswith("PMGQUAR:"):
            userid = sim.verify_quarantine_ticket(ticket)
            if userid is None:
                self._auth_fail("permission denied - invalid PMGQUAR ticket")
        else:
            userid = sim.verify_ticket(ticket)
            if userid is None:
                self._auth_fail("permission denied - invalid PMG ticket")
        if method != "GET" and not sim.verify_csrf(userid, headers.get("csrfpreventiontoken")):
            self._auth_fail("Permission denied - invalid csrf token")
        return userid

    def _read_body(self, method: str, headers: dict) -> bytes | None:
        length_text = headers.get("content-length", "0") or "0"
        if not length_text.isdigit():
            self._text_error(400, "bad request")
            return None
        length = int(length_text)
        if length and method not in ("POST", "PUT"):
            self._text_error(501, f"Unexpected content for method '{method}'")
            return None
        if length > self.server.sim.body_limit:
            self._text_error(501, "for data too large")
            return None
        if length:
            ctype = headers.get("content-type", "application/x-www-form-urlencoded")
            base = ctype.split(";", 1)[0].strip().lower()
            if base not in ("application/x-www-form-urlencoded", "application/json"):
                self._text_error(506, f"upload 'Content-Type '{base}' not implemented")
                return None
        data = b""
        while len(data) < length:
            chunk = self.rfile.read(length - len(data))
            if not chunk:
                raise _Close()
            data += chunk
        return data

    def _params(self, query: str, body: bytes, headers: dict) -> dict | None:
        """§3: body parameters, overridden by query parameters; _dc dropped."""
        params: dict[str, Any] = {}
        if body:
            ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if ctype == "application/json":
                try:
                    decoded = json.loads(body.decode("utf-8"))
                    if not isinstance(decoded, dict):
                        raise ValueError("JSON text is not an object")
                except ValueError as e:
                    self._text_error(500, f"malformed JSON string: {e}")
                    return None
                params = {k: v for k, v in decoded.items() if v is not None}
            else:
                params = parse_form(body)
        params.update(parse_form(query.encode("latin-1")))
        params.pop("_dc", None)
        return params

    def _api(self, method: str, fmt: str, rel: str, query: str, headers: dict) -> bool:
        sim = self.server.sim
        userid = self._authenticate(method, rel, headers)
        body = self._read_body(method, headers)
        if body is None:
            return False
        params = self._params(query, body, headers)
        if params is None:
            return False
        if fmt == "htmlmail" and method == "GET" and rel == "/quarantine/content":
            self.format = "htmlmail"
        elif fmt != "json":
            return self._api_error(ApiError(501, f"Method '{method} {rel}' not implemented\n"))
        try:
            if self.format == "htmlmail":
                page = sim.call(userid, method, rel, params, PmgSim.htmlmail)
                return self._respond(200, None, page.encode("utf-8"),
                                     [("Content-Type", "text/html;charset=UTF-8")], api=True)
            result = sim.call(userid, method, rel, params)
        except ApiError as err:
            if err.code == 401:          # padded to the delay after the start (§4.2)
                time.sleep(max(0.0, sim.auth_fail_delay - (time.monotonic() - self.start)))
            return self._api_error(err)
        if isinstance(result, SendLink):
            time.sleep(max(0.0, result.wait - (time.monotonic() - self.start)))
            if result.error:
                return self._api_error(result.error)
            result = None
        if isinstance(result, Download):
            return self._download(result, headers)
        return self._json(200, {"data": result})

    def _download(self, d: Download, headers: dict) -> bool:
        modified = email.utils.formatdate(d.mtime, usegmt=True)
        since = headers.get("if-modified-since")
        if since:
            try:
                when = calendar.timegm(email.utils.parsedate_to_datetime(since).utctimetuple())
            except (TypeError, ValueError):
                when = None
            if when is not None and d.mtime <= when:
                return self._respond(304, None, b"", [("Last-Modified", modified)])
        return self._respond(200, None, d.data, [("Content-Type", d.content_type),
                                                 ("Last-Modified", modified)])


# ---------------------------------------------------------------------------
# Process mode

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Proxmox Mail Gateway quarantine simulator")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve HTTPS until SIGTERM")
    serve.add_argument("--state", required=True, help="JSON seed, rewritten after changes")
    serve.add_argument("--port", type=int, default=0)
    serve.add_argument("--version", default=None, help="emulated pmg-api version")
    serve.add_argument("--auth-fail-delay", type=float, default=None)
    args = parser.parse_args(argv)

    data = {}
    if os.path.exists(args.state):
        with open(args.state, encoding="utf-8") as f:
            data = json.load(f)
    sim = PmgSim(port=args.port)
    sim.load_state(data)
    if args.version:
        sim.version = args.version
    if args.auth_fail_delay is not None:
        sim.auth_fail_delay = args.auth_fail_delay
    sim.state_file = args.state
    # Waited for with sigwait, blocked in every thread from here: an
    # Event set by a signal handler deadlocks when the signal lands while
    # Event.wait () holds the Event's lock (seen as a test hanging on stop).
    stop = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    sim.start()
    sim._changed()
    print(json.dumps({"url": sim.base_url, "port": sim.port, "fingerprint": sim.fingerprint,
                      "version": sim.version_text,
                      "links": {p: sim.report_link(p) for p in sim.users}}), flush=True)
    signal.sigwait(stop)
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
