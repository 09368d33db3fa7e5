# SPDX-License-Identifier: GPL-3.0-or-later
"""qdharness — real components for Quarantine Desk's integration tests.

Starts the real ``qd-gateway`` and a private ``rspamd`` on 127.0.0.1 with free
ports and temporary directories, talks to the gateway's HTTP API with a tiny
urllib client, and builds test messages. Standard library only.

Rules every user of this module follows:

* ``require(component)`` before starting anything: a missing real component
  fails the test when ``CI=true`` and skips it (exit status 77) otherwise.
* every process is started through this module, so it is killed at the end,
  even when a test fails, times out (SIGTERM from meson) or the interpreter
  exits early.
* every wait has a deadline (``wait_for``).
* nothing but 127.0.0.1 is ever contacted (proxies are ignored).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import datetime as _dt
import email.header
import email.utils
import errno
import fcntl
import grp
import hashlib
import http.client
import importlib.util
import json
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple, Sequence

# ---------------------------------------------------------------------------
# Locations

HERE = Path(__file__).resolve().parent


def source_root() -> Path:
    env = os.environ.get("QD_SOURCE_ROOT")
    return Path(env) if env else HERE.parent.parent


def build_root() -> Path:
    """The meson build directory (meson's test environment sets QD_BUILD_ROOT)."""
    env = os.environ.get("QD_BUILD_ROOT")
    if not env:
        sys.stderr.write("FAIL: set QD_BUILD_ROOT to the meson build directory "
                         "(and QD_SOURCE_ROOT to the source tree)\n")
        sys.exit(1)
    return Path(env)


def application_id() -> str:
    """The application id the build was configured with (config.h): it is also
    the GSettings schema id, and -Ddevelopment=true adds ``.Devel`` to it."""
    config_h = build_root() / "config.h"
    match = re.search(r'^#define APPLICATION_ID "([^"]+)"$',
                      config_h.read_text(encoding="utf-8"), re.MULTILINE)
    if not match:
        sys.stderr.write(f"FAIL: no APPLICATION_ID in {config_h}\n")
        sys.exit(1)
    return match.group(1)


def gateway_binary() -> Path:
    return build_root() / "src" / "gateway" / "qd-gateway"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


# ---------------------------------------------------------------------------
# Requirements: fail in CI, skip (77) elsewhere

SKIP_EXIT_STATUS = 77


def _component_missing(component: str) -> str | None:
    """Why COMPONENT is unusable here, or None when it is available."""
    if component == "rspamd":
        return None if shutil.which("rspamd") else "the rspamd binary is not installed (Debian: rspamd)"
    if component == "openssl":
        return None if shutil.which("openssl") else "the openssl command is not installed"
    if component == "aiosmtpd":
        if importlib.util.find_spec("aiosmtpd") is not None:
            return None
        return "python3-aiosmtpd is not importable by " + sys.executable
    if component == "postfix":
        return (None if os.access("/usr/lib/postfix/sbin/master", os.X_OK)
                else "Postfix is not installed (Debian: postfix)")
    if component == "dovecot":
        missing = [pkg for path, pkg in (("/usr/sbin/dovecot", "dovecot-core"),
                                         ("/usr/lib/dovecot/imap", "dovecot-imapd"),
                                         ("/usr/lib/dovecot/lmtp", "dovecot-lmtpd"),
                                         ("/usr/bin/sievec", "dovecot-sieve"))
                   if not os.access(path, os.X_OK)]
        return f"Dovecot is incomplete (Debian: {', '.join(missing)})" if missing else None
    if component == "qd-gateway":
        path = gateway_binary()
        return None if os.access(path, os.X_OK) else f"{path} is not built"
    raise ValueError(f"unknown component {component!r}")


def require(component: str) -> None:
    """Make sure a real component is here before any test runs.

    Call it at module level or from ``main()``, before anything is started.
    A missing component exits the process: with status 1 when ``CI`` is
    ``true`` (the CI image must have it), else with 77, meson's "skipped".
    The gateway binary is the thing under test: it missing is always a failure.
    """
    why = _component_missing(component)
    if why is None:
        return
    if component == "qd-gateway":
        sys.stderr.write(f"FAIL: {why}: build it first (meson compile qd-gateway)\n")
        sys.exit(1)
    if in_ci():
        sys.stderr.write(f"FAIL: {why}; CI=true, so a missing component is an error\n")
        sys.exit(1)
    sys.stderr.write(f"SKIP: {why}\n")
    sys.exit(SKIP_EXIT_STATUS)


def main(requires: Sequence[str] = ()) -> None:
    """Entry point of a test file: check requirements, then run unittest."""
    require("qd-gateway")
    for component in requires:
        require(component)
    unittest.main(verbosity=2)


# ---------------------------------------------------------------------------
# Waiting

class WaitTimeout(AssertionError):
    pass


def wait_for(predicate: Callable[[], Any], timeout: float, what: str,
             interval: float = 0.02) -> Any:
    """Poll PREDICATE until it returns something true; return that value.

    Raises WaitTimeout (an AssertionError, so it reads as a test failure)
    after TIMEOUT seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise WaitTimeout(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------
# Child processes: always killed

_PR_SET_PDEATHSIG = 1
try:
    _libc = ctypes.CDLL(None, use_errno=True)
except OSError:  # pragma: no cover
    _libc = None


def _child_setup() -> None:
    # Runs in the child between fork and exec: be told to stop when the test
    # process dies, even SIGKILLed (meson's timeout), so nothing outlives a
    # test. SIGTERM rather than SIGKILL: rspamd's main process then stops its
    # workers too.
    if _libc is not None:
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


_children: set[subprocess.Popen] = set()


def _kill_child(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def _kill_all_children() -> None:
    for proc in list(_children):
        _kill_child(proc)
        _children.discard(proc)


def _on_sigterm(signum, frame):  # pragma: no cover - meson's timeout
    _kill_all_children()
    os._exit(128 + signum)


atexit.register(_kill_all_children)
with contextlib.suppress(ValueError):  # imported outside the main thread
    signal.signal(signal.SIGTERM, _on_sigterm)


def spawn(args: Sequence[str | os.PathLike], *, log: Path | None = None,
          env: dict | None = None, cwd: str | os.PathLike | None = None) -> subprocess.Popen:
    """Start a long-running child in its own process group, registered for killing."""
    out = open(log, "ab") if log is not None else subprocess.DEVNULL
    try:
        proc = subprocess.Popen([str(a) for a in args], stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                start_new_session=True, preexec_fn=_child_setup)
    finally:
        if log is not None:
            out.close()
    _children.add(proc)
    return proc


def stop_process(proc: subprocess.Popen, timeout: float = 10.0,
                 sig: int = signal.SIGTERM) -> int:
    """Send SIG to the process group, wait up to TIMEOUT, then SIGKILL it."""
    try:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        # Workers of a group leader that exited may linger: kill the group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        _kill_child(proc)
    finally:
        _children.discard(proc)
    return proc.returncode


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return "(no log)"
    return data[-limit:].decode("utf-8", "replace")


# ---------------------------------------------------------------------------
# Times

def utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)


def iso_z(when: _dt.datetime) -> str:
    """2026-06-07T10:12:44Z (how the gateway answers)."""
    return when.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_offset(when: _dt.datetime, hours: int = 9, minutes: int = 0) -> str:
    """The same instant written with another offset: 2026-06-07T19:12:44+09:00."""
    tz = _dt.timezone(_dt.timedelta(hours=hours, minutes=minutes))
    return when.astimezone(tz).isoformat(timespec="seconds")


def parse_iso(text: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


ISO_Z_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


# ---------------------------------------------------------------------------
# Messages

GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

_msg_counter = 0


def _encode_header(value: str) -> str:
    try:
        value.encode("ascii")
        return value
    except UnicodeEncodeError:
        return email.header.Header(value, "utf-8").encode()


def _encode_address(value: str) -> str:
    name, addr = email.utils.parseaddr(value)
    if not name:
        return value
    try:
        name.encode("ascii")
        return value
    except UnicodeEncodeError:
        return email.utils.formataddr((name, addr), charset="utf-8")


def make_message(from_: str, to: str, subject: str, body: str, *,
                 date: _dt.datetime | None = None,
                 received: _dt.datetime | Sequence[_dt.datetime] | None = None,
                 extra_headers: Sequence[tuple[str, str]] | dict | None = None,
                 message_id: str | None = None,
                 crlf: bool = False) -> bytes:
    """A plain-text mail message as bytes (LF line ends unless CRLF).

    RECEIVED adds a Received header per time (topmost first). Non-ASCII
    subjects and display names are RFC 2047 encoded; the body is UTF-8, 8bit.
    """
    global _msg_counter
    _msg_counter += 1
    if date is None:
        date = utcnow()
    if message_id is None:
        domain = email.utils.parseaddr(from_)[1].rpartition("@")[2] or "example.org"
        message_id = f"<qd-test-{os.getpid()}-{_msg_counter}-{time.time_ns()}@{domain}>"
    lines: list[str] = []
    if received is not None:
        times = [received] if isinstance(received, _dt.datetime) else list(received)
        for i, when in enumerate(times):
            lines.append(
                f"Received: from relay{i}.example.net (relay{i}.example.net [192.0.2.{10 + i}])\n"
                f"\tby mx.example.com with ESMTP id QD{_msg_counter}R{i};\n"
                f"\t{email.utils.format_datetime(when)}")
    lines += [
        f"From: {_encode_address(from_)}",
        f"To: {_encode_address(to)}",
        f"Subject: {_encode_header(subject)}",
        f"Date: {email.utils.format_datetime(date)}",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    items = extra_headers.items() if isinstance(extra_headers, dict) else (extra_headers or ())
    for name, value in items:
        lines.append(f"{name}: {value}")
    text = "\n".join(lines) + "\n\n" + body
    if not text.endswith("\n"):
        text += "\n"
    data = text.encode("utf-8")
    return to_crlf(data) if crlf else data


def personal_message(from_: str = "Alice Example <alice@example.org>",
                     to: str = "bob@example.com", subject: str = "Notes from the garden club",
                     body: str | None = None, **kw) -> bytes:
    """A short personal message that rspamd does not call spam."""
    if body is None:
        body = ("Hi Bob,\n\nthanks for the seedlings you brought on Saturday. The tomatoes\n"
                "are doing well and the beans have started to climb the fence.\n\n"
                "See you at the next meeting,\nAlice\n")
    return make_message(from_, to, subject, body, **kw)


def gtube_message(from_: str = "Spammer <offers@spam.example>", to: str = "bob@example.com",
                  subject: str = "Cheap watches", **kw) -> bytes:
    body = f"Buy now!\n\n{GTUBE}\n"
    return make_message(from_, to, subject, body, **kw)


def newsletter_message(from_: str = "Garden Weekly <news@garden-weekly.example>",
                       to: str = "bob@example.com", subject: str = "This week in the garden",
                       precedence: str | None = None, list_unsubscribe: bool = True,
                       **kw) -> bytes:
    headers = list(kw.pop("extra_headers", None) or [])
    if list_unsubscribe:
        headers.append(("List-Unsubscribe", "<mailto:unsubscribe@garden-weekly.example>"))
    if precedence:
        headers.append(("Precedence", precedence))
    body = ("This week: planting garlic, pruning roses and the autumn seed swap.\n"
            "Read more on our web site.\n")
    return make_message(from_, to, subject, body, extra_headers=headers, **kw)


def to_crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def to_lf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n")


def sample_digests(sample: bytes) -> set[str]:
    """SHA-256 of a sample as the gateway learns it (line ends -> LF, trailing
    blank lines removed). The contract does not say whether the last line's
    own newline survives, so both readings are returned."""
    text = to_lf(sample)
    keep_last_newline = text.rstrip(b"\n") + b"\n"
    no_newline = text.rstrip(b"\n")
    return {hashlib.sha256(keep_last_newline).hexdigest(),
            hashlib.sha256(no_newline).hexdigest()}


def make_submission(samples: Sequence[bytes], *, from_: str = "reporter@example.com",
                    to: str = "spam-submissions@gateway.example",
                    subject: str = "Missed spam", encoding: str = "7bit",
                    text: str = "These messages were not detected as spam.\n") -> bytes:
    """A missed-spam report: multipart/mixed, a text part and one
    message/rfc822 part per sample, CRLF line ends (as on the wire).

    ENCODING is the Content-Transfer-Encoding of the sample parts; with
    "base64" the sample is base64-encoded (which the rules forbid).
    """
    import base64
    boundary = f"=_qd_{time.time_ns()}"
    out = [
        f"From: {from_}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Date: {email.utils.format_datetime(utcnow())}",
        f"Message-ID: <qd-sub-{time.time_ns()}@example.com>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "",
        "This is a multi-part message in MIME format.",
        f"--{boundary}",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 7bit",
        "",
        text.rstrip("\n"),
    ]
    head = ("\r\n".join(out) + "\r\n").encode("utf-8")
    parts = [head]
    for i, sample in enumerate(samples):
        part_head = (f"--{boundary}\r\n"
                     "Content-Type: message/rfc822\r\n"
                     f'Content-Disposition: attachment; filename="sample-{i + 1}.eml"\r\n'
                     f"Content-Transfer-Encoding: {encoding}\r\n\r\n").encode("ascii")
        if encoding.lower() == "base64":
            payload = base64.encodebytes(sample).replace(b"\n", b"\r\n")
        else:
            payload = to_crlf(sample)
            if not payload.endswith(b"\r\n"):
                payload += b"\r\n"
        # The CRLF before the next delimiter belongs to the delimiter.
        parts.append(part_head + payload + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode("ascii"))
    return b"".join(parts)


# ---------------------------------------------------------------------------
# TLS

def make_self_signed_cert(directory: str | os.PathLike,
                          expired: bool = False) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (openssl CLI);
    EXPIRED: one whose validity ended a day before it began.

    Returns (cert_path, key_path); the certificate doubles as its own CA file.
    """
    directory = Path(directory)
    cert, key = directory / "cert.pem", directory / "key.pem"
    subject = ["-subj", "/CN=localhost",
               "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
               "-addext", "basicConstraints=critical,CA:TRUE"]
    if not expired:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
             "-days", "2", *subject, "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True, timeout=60)
        return cert, key
    request = directory / "cert.csr"
    subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256",
                    *subject, "-keyout", str(key), "-out", str(request)],
                   check=True, capture_output=True, timeout=60)
    subprocess.run(["openssl", "x509", "-req", "-in", str(request), "-signkey", str(key),
                    "-days", "-1", "-copy_extensions", "copy", "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


# ---------------------------------------------------------------------------
# rspamd

_RSPAMD_DISABLED = ("rbl fuzzy_check dkim spf dmarc asn neural url_reputation reputation "
                    "phishing emails greylist ratelimit replies dcc multimap history_redis").split()

_RSPAMD_CONF = """\
.include "$CONFDIR/common.conf"
options {
  pidfile = "$RUNDIR/rspamd.pid";
  .include "$CONFDIR/options.inc"
  dns { timeout = 0.2s; retransmits = 0; nameserver = ["127.0.0.1:1"]; }
  control_socket = "$DBDIR/rspamd.sock mode=0600";
  hs_cache_dir = "$DBDIR/";
  .include(try=true; priority=1,duplicate=merge) "$LOCAL_CONFDIR/local.d/options.inc"
}
logging { type = "file"; filename = "$LOGDIR/rspamd.log"; level = "warning"; }
worker "normal" {
  bind_socket = "127.0.0.1:%(port)d";
  .include "$CONFDIR/worker-normal.inc"
  count = 1;
}
"""

_CACHE_FILE_RE = re.compile(r"^[0-9a-f]{16,128}\.(hs|hs\.unser|hsmp|hsmc)$")


def rspamd_cache_dir() -> Path:
    env = os.environ.get("QD_BUILD_ROOT")
    if env:
        path = Path(env) / "tests" / "rspamd-cache"
    else:
        path = Path(tempfile.gettempdir()) / f"qd-rspamd-cache-{os.getuid()}"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def _locked(path: Path):
    with open(path, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError as e:
        if e.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.EEXIST):
            raise
        if e.errno != errno.EEXIST:
            shutil.copy2(src, dst)


class Rspamd:
    """A private rspamd on 127.0.0.1 (context manager).

    Each instance has its own config, run, log and DBDIR; compiled hyperscan
    databases are shared through a cache directory (copied in under a lock
    before start, copied back atomically after stop), so only the very first
    start in a build tree pays for compiling them.
    """

    def __init__(self, start_timeout: float = 90.0):
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None

    # paths
    @property
    def root(self) -> Path:
        assert self._tmp is not None
        return Path(self._tmp.name)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.root / "log" / "rspamd.log"

    def __enter__(self) -> "Rspamd":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
        self.cleanup()

    def _write_config(self, port: int) -> Path:
        conf = self.root / "conf"
        (conf / "local.d").mkdir(parents=True, exist_ok=True)
        (conf / "rspamd.conf").write_text(_RSPAMD_CONF % {"port": port})
        for module in _RSPAMD_DISABLED:
            (conf / "local.d" / f"{module}.conf").write_text("enabled = false;\n")
        return conf

    def _command(self, conf: Path) -> list[str]:
        user = pwd.getpwuid(os.getuid()).pw_name
        group = grp.getgrgid(os.getgid()).gr_name
        cmd = ["rspamd", "-f", "-c", str(conf / "rspamd.conf"),
               "--var", f"LOCAL_CONFDIR={conf}",
               "--var", f"DBDIR={self.root / 'db'}",
               "--var", f"RUNDIR={self.root / 'run'}",
               "--var", f"LOGDIR={self.root / 'log'}",
               "-u", user, "-g", group]
        if os.getuid() == 0:
            cmd.append("-i")
        return cmd

    def _ping(self) -> bool:
        try:
            with _no_proxy_opener().open(self.url + "/ping", timeout=1) as r:
                return r.status == 200 and r.read().strip() == b"pong"
        except (OSError, http.client.HTTPException):
            return False

    def start(self) -> None:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="qd-rspamd-")
        for d in ("db", "run", "log"):
            (self.root / d).mkdir(exist_ok=True)
        cache = rspamd_cache_dir()
        lock = cache / ".lock"
        last_error = ""
        for attempt in range(4):
            self.port = free_port()
            conf = self._write_config(self.port)
            with _locked(lock):
                cached = [p for p in cache.iterdir() if _CACHE_FILE_RE.match(p.name)]
                for p in cached:
                    _link_or_copy(p, self.root / "db" / p.name)
                cold = not any(p.name.endswith(".hsmp") for p in cached)
                if cold:
                    # First start in this tree: compile while holding the lock,
                    # so a parallel test reuses the result instead of racing.
                    ok = self._start_once(conf)
                    self._save_cache(cache)
            if not cold:
                ok = self._start_once(conf)
            if ok:
                return
            last_error = _tail(self.log_path)
            stop_process(self.proc, timeout=5)
            self.proc = None
        raise RuntimeError(f"rspamd did not start on 127.0.0.1; log:\n{last_error}")

    def _start_once(self, conf: Path) -> bool:
        self.proc = spawn(self._command(conf), log=self.root / "log" / "stdout.log")
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False  # e.g. the port was taken meanwhile: retry
            if self._ping():
                return self.proc.poll() is None
            time.sleep(0.05)
        raise WaitTimeout(f"rspamd did not answer /ping within {self.start_timeout:g} s; log:\n"
                          + _tail(self.log_path))

    def _save_cache(self, cache: Path) -> None:
        db = self.root / "db"
        if not db.is_dir():
            return
        for p in db.iterdir():
            if not _CACHE_FILE_RE.match(p.name) or (cache / p.name).exists():
                continue
            tmp = cache / f".tmp-{os.getpid()}-{p.name}"
            try:
                shutil.copy2(p, tmp)
                os.replace(tmp, cache / p.name)
            except OSError:
                with contextlib.suppress(OSError):
                    tmp.unlink()

    def stop(self) -> None:
        if self.proc is None:
            return
        stop_process(self.proc, timeout=10)
        self.proc = None
        if self._tmp is not None:
            cache = rspamd_cache_dir()
            with _locked(cache / ".lock"):
                self._save_cache(cache)

    def cleanup(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


# ---------------------------------------------------------------------------
# HTTP client

def _no_proxy_opener(context: ssl.SSLContext | None = None) -> urllib.request.OpenerDirector:
    handlers: list = [urllib.request.ProxyHandler({})]
    if context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=context))
    return urllib.request.build_opener(*handlers)


class Response(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    body: Any  # parsed JSON, or bytes for other content types (b"" when empty)

    @property
    def error_code(self) -> str | None:
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"].get("code")
        return None


_DEFAULT = object()


class Api:
    """A tiny client of the gateway API (urllib, proxies ignored)."""

    def __init__(self, base_url: str, token: str | None = None, *,
                 cafile: str | os.PathLike | None = None,
                 context: ssl.SSLContext | None = None, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        if context is None and base_url.startswith("https:"):
            context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
        self.context = context
        self._opener = _no_proxy_opener(context)

    def url_for(self, path: str, params: dict | Sequence | None = None) -> str:
        if path.startswith("http://") or path.startswith("https://"):
            url = path
        elif path.startswith("/api/") or path == "/" or path.startswith("/api?"):
            url = self.base_url + path
        else:
            url = self.base_url + "/api/v1" + path
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        return url

    def request(self, method: str, path: str, body: Any = None, token: Any = _DEFAULT,
                raw: bytes | None = None, headers: dict | None = None,
                params: dict | Sequence | None = None) -> Response:
        """Send a request; answer (status, headers, JSON-or-bytes).

        BODY is sent as JSON; RAW as bytes (Content-Type message/rfc822
        unless HEADERS say otherwise). TOKEN defaults to self.token; pass None
        to send no Authorization header.
        """
        hdrs = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            hdrs["Content-Type"] = "application/json; charset=utf-8"
        elif raw is not None:
            data = raw
            hdrs["Content-Type"] = "message/rfc822"
        tok = self.token if token is _DEFAULT else token
        if tok is not None:
            hdrs["Authorization"] = f"Bearer {tok}"
        if headers:
            for k, v in headers.items():
                if v is None:
                    hdrs.pop(k, None)
                else:
                    hdrs[k] = v
        req = urllib.request.Request(self.url_for(path, params), data=data, headers=hdrs,
                                     method=method)
        try:
            with self._opener.open(req, timeout=self.timeout) as r:
                return _response(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            with e:
                payload = e.read()
            return _response(e.code, e.headers, payload)

    def get(self, path: str, params=None, **kw) -> Response:
        return self.request("GET", path, params=params, **kw)

    def post(self, path: str, body: Any = None, **kw) -> Response:
        return self.request("POST", path, body=body, **kw)

    def delete(self, path: str, **kw) -> Response:
        return self.request("DELETE", path, **kw)

    def login(self, username: str, password: str) -> str:
        """Sign in; remember and return the token. Fails loudly on anything but 200."""
        r = self.request("POST", "/session", {"username": username, "password": password},
                         token=None)
        if r.status != 200:
            raise AssertionError(f"sign-in as {username!r} answered {r.status}: {r.body!r}")
        self.token = r.body["token"]
        return self.token

    def as_user(self, username: str, password: str) -> "Api":
        """A new client signed in as USERNAME."""
        other = Api(self.base_url, context=self.context, timeout=self.timeout)
        other.login(username, password)
        return other

    # convenience over GET /messages
    def list(self, **params) -> Response:
        return self.get("/messages", params={k: v for k, v in params.items() if v is not None})

    def list_all(self, limit: int = 500, **params) -> list[dict]:
        """Every item of a listing, following next_cursor (bounded)."""
        items: list[dict] = []
        cursor = None
        for _ in range(10000):
            r = self.list(limit=limit, cursor=cursor, **params)
            if r.status != 200:
                raise AssertionError(f"GET /messages {params} answered {r.status}: {r.body!r}")
            items += r.body["items"]
            cursor = r.body.get("next_cursor")
            if not cursor:
                return items
        raise AssertionError("listing never ended")

    def act(self, action: str, ids: Sequence[str], **extra) -> Response:
        return self.post(f"/messages/{action}", {"ids": list(ids), **extra})

    def raw_exchange(self, method: str, path: str, headers: dict, body: bytes,
                     chunk: int = 65536) -> Response:
        """Send a request over a bare socket and read the answer even when the
        server answers and stops reading before the body is complete (413)."""
        parsed = urllib.parse.urlsplit(self.url_for(path))
        sock = socket.create_connection((parsed.hostname, parsed.port), timeout=self.timeout)
        if parsed.scheme == "https":
            sock = self.context.wrap_socket(sock, server_hostname=parsed.hostname)
        try:
            hdrs = {"Host": parsed.netloc, "Content-Length": str(len(body)),
                    "Connection": "close"}
            if self.token:
                hdrs["Authorization"] = f"Bearer {self.token}"
            hdrs.update(headers)
            target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            head = f"{method} {target} HTTP/1.1\r\n" + "".join(
                f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
            sock.sendall(head.encode("latin-1"))
            try:
                for i in range(0, len(body), chunk):
                    sock.sendall(body[i:i + chunk])
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                pass  # the server refused the rest: its answer is waiting
            resp = http.client.HTTPResponse(sock, method=method)
            resp.begin()
            payload = resp.read()
            return _response(resp.status, resp.headers, payload)
        finally:
            sock.close()


def _response(status: int, headers, payload: bytes) -> Response:
    ctype = (headers.get("Content-Type") or "").lower()
    body: Any = payload
    if "json" in ctype and payload:
        try:
            body = json.loads(payload)
        except ValueError:
            body = payload
    return Response(status, headers, body)


# ---------------------------------------------------------------------------
# qd-gateway

class CommandFailed(AssertionError):
    pass


class Gateway:
    """The real qd-gateway with a data directory (context manager).

    The data directory is a fresh temporary one unless DATA_DIR is given.
    ``start()`` runs ``serve`` on 127.0.0.1 port 0 and waits for its ready
    file; the sub-commands (``add_user``, ``ingest``, ``submissions``…) run
    the binary against the same data directory, also while it serves.
    """

    def __init__(self, data_dir: str | os.PathLike | None = None):
        self.binary = gateway_binary()
        self._tmp = tempfile.TemporaryDirectory(prefix="qd-gateway-")
        self.work = Path(self._tmp.name)
        self.data_dir = Path(data_dir) if data_dir is not None else self.work / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None
        self.ready: dict | None = None
        self.url: str | None = None
        self.http_port: int | None = None
        self.smtp_port: int | None = None
        self.ingest_port: int | None = None
        self.ingest_url: str | None = None
        self.scheme = "http"
        self.cafile: Path | None = None
        self.log_path = self.work / "gateway.log"
        self._files = 0

    def __enter__(self) -> "Gateway":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
        self._tmp.cleanup()

    # --- sub-commands -----------------------------------------------------

    def run(self, *args: str | os.PathLike, input: bytes | str | None = None,
            check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run ``qd-gateway ARGS…``; raise CommandFailed on a non-zero exit when CHECK."""
        if isinstance(input, str):
            input = input.encode("utf-8")
        cmd = [str(self.binary)] + [str(a) for a in args]
        proc = subprocess.run(cmd, input=input if input is not None else b"",
                              capture_output=True, timeout=timeout,
                              preexec_fn=_child_setup)
        if check and proc.returncode != 0:
            raise CommandFailed(
                f"{' '.join(cmd)} exited with {proc.returncode}\nstdout: "
                f"{proc.stdout.decode(errors='replace')}\nstderr: "
                f"{proc.stderr.decode(errors='replace')}")
        return proc

    def add_user(self, name: str, password: str, address: str | None = None,
                 display_name: str | None = None) -> None:
        address = address or f"{name}@example.com"
        args = ["user", "add", "--data", self.data_dir, name, "--address", address]
        if display_name is not None:
            args += ["--display-name", display_name]
        self.run(*args, input=password + "\n")

    _user_serial = 0

    def new_user(self, prefix: str = "user", password: str | None = None,
                 address: str | None = None, display_name: str | None = None
                 ) -> tuple[str, str, str]:
        """Add a user with a unique name; (name, password, address)."""
        Gateway._user_serial += 1
        name = f"{prefix}{Gateway._user_serial}"
        password = password or f"pw-{name}-Secret!"
        address = address or f"{name}@example.com"
        self.add_user(name, password, address, display_name)
        return name, password, address

    def write_file(self, data: bytes, suffix: str = ".eml") -> Path:
        self._files += 1
        d = self.work / "files"
        d.mkdir(exist_ok=True)
        path = d / f"msg-{self._files:05d}{suffix}"
        path.write_bytes(data)
        return path

    def ingest(self, user: str, folder: str, reason: str,
               files: Iterable[bytes | str | os.PathLike], category: str | None = None,
               received: _dt.datetime | str | None = None, policy_rule: str | None = None,
               score: float | None = None, extra_args: Sequence[str] = ()) -> list[str]:
        """Ingest FILES (paths, or message bytes written to files); return
        what the command printed for each: an id, "discarded" or "delivered"."""
        paths = [self.write_file(f) if isinstance(f, (bytes, bytearray)) else Path(f)
                 for f in files]
        args: list = ["ingest", "--data", self.data_dir, "--user", user,
                      "--folder", folder, "--reason", reason]
        if category is not None:
            args += ["--category", category]
        if received is not None:
            args += ["--received", received if isinstance(received, str) else iso_z(received)]
        if policy_rule is not None:
            args += ["--policy-rule", policy_rule]
        if score is not None:
            args += ["--score", repr(float(score))]
        args += list(extra_args)
        args += paths
        out = self.run(*args).stdout.decode("utf-8").split()
        if len(out) != len(paths):
            raise CommandFailed(f"ingest printed {len(out)} lines for {len(paths)} files: {out}")
        return out

    def submissions(self) -> list[dict]:
        out = self.run("submissions", "--data", self.data_dir, "--json").stdout
        return json.loads(out)

    # --- serve --------------------------------------------------------------

    def start(self, rspamd_url: str | None = None, tls: tuple | None = None,
              smtp: bool = False, name: str | None = None,
              submission_address: str | None = None, session_ttl: int | None = None,
              max_batch: int | None = None, spam_threshold: float | None = None,
              ingest_secret: str | None = None, max_ingest_bytes: int | None = None,
              extra_args: Sequence[str] = (), timeout: float = 30.0) -> "Gateway":
        """Serve on 127.0.0.1:0 (and an SMTP intake on 127.0.0.1:0 when SMTP).

        TLS is (cert_file, key_file): the API is then HTTPS and ``api()``
        trusts that certificate. INGEST_SECRET adds rspamd's ingest listener
        on 127.0.0.1:0 (``ingest_url``), the secret in a file of mode 600.
        """
        if self.proc is not None:
            raise RuntimeError("gateway already running")
        ready_file = self.work / "ready.json"
        with contextlib.suppress(FileNotFoundError):
            ready_file.unlink()
        args: list = ["serve", "--data", self.data_dir, "--listen", "127.0.0.1:0",
                      "--ready-file", ready_file]
        if smtp:
            args += ["--smtp-listen", "127.0.0.1:0"]
        if rspamd_url:
            args += ["--rspamd", rspamd_url]
        if tls:
            cert, key = tls
            args += ["--tls-cert", cert, "--tls-key", key]
            self.cafile = Path(cert)
        if ingest_secret is not None:
            secret_file = self.work / "ingest-secret"
            with contextlib.suppress(FileNotFoundError):
                secret_file.unlink()
            fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(ingest_secret + "\n")
            args += ["--ingest-listen", "127.0.0.1:0", "--ingest-secret-file", secret_file]
        for flag, value in (("--name", name), ("--submission-address", submission_address),
                            ("--session-ttl", session_ttl), ("--max-batch", max_batch),
                            ("--spam-threshold", spam_threshold),
                            ("--max-ingest-bytes", max_ingest_bytes)):
            if value is not None:
                args += [flag, str(value)]
        args += list(extra_args)
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== {' '.join(map(str, args))}\n".encode())
        self.proc = spawn([self.binary, *args], log=self.log_path)

        def ready():
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"qd-gateway serve exited with {self.proc.returncode}:\n" + self.log_tail())
            try:
                return json.loads(ready_file.read_text())
            except (FileNotFoundError, ValueError):
                return None

        try:
            self.ready = wait_for(ready, timeout, "qd-gateway's ready file")
        except BaseException:
            self.kill()
            raise
        self.http_port = int(self.ready["http_port"])
        self.smtp_port = self.ready.get("smtp_port")
        self.ingest_port = self.ready.get("ingest_port")
        self.ingest_url = f"http://127.0.0.1:{self.ingest_port}" if self.ingest_port else None
        self.scheme = "https" if tls else "http"
        self.url = f"{self.scheme}://127.0.0.1:{self.http_port}"
        return self

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM, wait (bounded), SIGKILL if needed; the exit status."""
        if self.proc is None:
            return None
        code = stop_process(self.proc, timeout=timeout)
        self.proc = None
        return code

    def kill(self) -> None:
        if self.proc is None:
            return
        stop_process(self.proc, timeout=5, sig=signal.SIGKILL)
        self.proc = None

    def log_tail(self, limit: int = 4000) -> str:
        return _tail(self.log_path, limit)

    def api(self, token: str | None = None) -> Api:
        assert self.url, "gateway not started"
        return Api(self.url, token, cafile=self.cafile)

    def login(self, username: str, password: str) -> Api:
        api = self.api()
        api.login(username, password)
        return api

    # --- the data directory -------------------------------------------------

    def maildir(self, user: str, folder: str = "INBOX") -> Path:
        base = self.data_dir / "mail" / user
        return base if folder == "INBOX" else base / f".{folder}"

    def maildir_files(self, user: str, folder: str = "INBOX",
                      subdirs: Sequence[str] = ("new", "cur")) -> list[Path]:
        files: list[Path] = []
        for sub in subdirs:
            d = self.maildir(user, folder) / sub
            if d.is_dir():
                files += sorted(p for p in d.iterdir() if p.is_file())
        return files

    def stored_originals(self) -> list[Path]:
        d = self.data_dir / "messages"
        return sorted(p for p in d.rglob("*") if p.is_file()) if d.is_dir() else []


# ---------------------------------------------------------------------------
# unittest support

class QdeskTestCase(unittest.TestCase):
    """Runs qdesk in a private desktop session of its own (qdsession.DesktopSession: home,
    settings, and a gnome-keyring that self.session.secret () reads), one a test."""

    qdesk_timeout = 120

    def setUp(self):
        # Here, not at the top: qdsession imports this module.
        from qdsession import DesktopSession

        self.session = DesktopSession()
        self.session.__enter__()
        self.addCleanup(self.session.close)

    def qdesk(self, *args, input=None, expect: int | None = 0, env=None):
        """qdesk ARGS in the session; it exits with EXPECT (None: any status), and whatever
        happened, people read a sentence, not a trace or raw JSON."""
        proc = self.session.run_qdesk(*args, input=input, env=env, timeout=self.qdesk_timeout)
        err = proc.stderr.decode()
        if expect is not None:
            self.assertEqual(proc.returncode, expect,
                             f"qdesk {' '.join(map(str, args))} exited {proc.returncode}\n"
                             f"stdout: {proc.stdout.decode()[:2000]}\nstderr: {err}")
        self.assertNotIn("Traceback", err)
        self.assertNotIn("CRITICAL", err)
        self.assertNotIn("(null)", proc.stdout.decode() + err)
        return proc

    def listed_ids(self, *args) -> list[str]:
        """The ids `qdesk list --all --json ARGS` lists, in its order."""
        out = self.qdesk("list", "--all", "--json", *args).stdout.decode()
        return [item["id"] for item in json.loads(out)["items"]]


class PeerQdeskTestCase(QdeskTestCase):
    """qdesk against a gateway simulator of tests/peers (qdpeerproc.PeerProcess of PEER_KIND,
    with PEER_OPTIONS and PEER_SEED run in it): one for the class's tests, or one a test with
    PEER_PER_TEST, for the tests that break it."""

    peer_kind = ""
    peer_options: dict = {}
    peer_seed = ""
    peer_per_test = False
    qdesk_timeout = 60

    @classmethod
    def start_peer(cls):
        from qdpeerproc import PeerProcess

        peer = PeerProcess(cls.peer_kind, **cls.peer_options)
        peer.start()
        peer.run(cls.peer_seed)
        return peer

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.peer_per_test:
            cls.peer = cls.start_peer()
            cls.addClassCleanup(cls.peer.stop)

    def setUp(self):
        if self.peer_per_test:
            self.peer = self.start_peer()
            self.addCleanup(self.peer.stop)
        super().setUp()

    @property
    def url(self) -> str:
        return self.peer.info["url"]


class GatewayTestCase(unittest.TestCase):
    """Assertions about API answers shared by the test files."""

    maxDiff = 4000

    @classmethod
    def start_gateway(cls, **options) -> Gateway:
        """A gateway for the class's tests, started with OPTIONS (see
        Gateway.start), stopped and removed after them."""
        gw = cls.enterClassContext(Gateway())
        gw.start(**options)
        return gw

    def assertError(self, r: Response, status: int, code: str | None = None, msg: str = "") -> dict:
        """R is the documented error: STATUS and {"error": {"code": CODE, "message": …}}."""
        ctx = f"{msg} answered {r.status} {r.body!r}" if msg else f"answered {r.status} {r.body!r}"
        self.assertEqual(r.status, status, ctx)
        ctype = (r.headers.get("Content-Type") or "").lower()
        self.assertIn("application/json", ctype, f"error content type; {ctx}")
        self.assertIsInstance(r.body, dict, ctx)
        err = r.body.get("error")
        self.assertIsInstance(err, dict, ctx)
        self.assertIsInstance(err.get("message"), str, ctx)
        self.assertTrue(err.get("message"), ctx)
        if code is not None:
            self.assertEqual(err.get("code"), code, ctx)
        return err

    def assertOk(self, r: Response, status: int = 200, msg: str = "") -> Any:
        self.assertEqual(r.status, status, f"{msg} answered {r.status} {r.body!r}")
        return r.body

    def assertNot500(self, r: Response, msg: str = "") -> None:
        self.assertLess(r.status, 500, f"{msg}: server fault {r.status} {r.body!r}")

    def ids(self, r: Response) -> list[str]:
        self.assertEqual(r.status, 200, f"listing answered {r.status} {r.body!r}")
        return [item["id"] for item in r.body["items"]]

    def results_by_id(self, r: Response) -> dict[str, dict]:
        self.assertEqual(r.status, 200, f"action answered {r.status} {r.body!r}")
        return {res["id"]: res for res in r.body["results"]}
