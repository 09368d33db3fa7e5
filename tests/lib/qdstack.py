# SPDX-License-Identifier: GPL-3.0-or-later
"""qdstack — a private mail system: Postfix, rspamd, Dovecot and qd-gateway.

    sender --SMTP--> Postfix --milter--> rspamd --HTTP--> qd-gateway (quarantine)
                        |                                      |
                        +--LMTP--> Dovecot <--SMTP (no milter)-+ release

Everything listens on 127.0.0.1 on free ports and lives under one directory;
nothing system-wide is touched. The configuration of rspamd is the one the
project ships (data/rspamd/), that of Postfix and Dovecot is written here from
the snippets in data/postfix and data/dovecot. ``build-aux/stack`` runs it in
the foreground; the stack tests start it in-process:

    with Stack(directory) as stack:
        stack.send(message, rcpt=["demo@example.com"])
        stack.imap("demo").select("INBOX")
"""

from __future__ import annotations

import contextlib
import imaplib
import json
import os
import pwd
import re
import secrets
import shutil
import smtplib
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Sequence

import qdharness as h

DOMAIN = "example.com"
USERS = [
    {"username": "demo", "password": "demo", "address": f"demo@{DOMAIN}",
     "display_name": "Demo User"},
    {"username": "sato", "password": "sato", "address": f"sato@{DOMAIN}",
     "display_name": "佐藤 花子"},
]

# The graymail categories and where each goes: "hold" in qd-gateway, or
# "junk", delivered with X-QD-Graymail and filed by Sieve.
CATEGORIES = ("marketing", "social", "forum", "bulk")


class StackError(RuntimeError):
    """One part of the stack did not start; the message says which and why."""


def _mail_ids() -> tuple[int, int]:
    """The uid and gid mailboxes are kept as: Dovecot never serves mail as
    root, so a root run uses Debian's ``mail`` account."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    entry = pwd.getpwnam("mail")
    return entry.pw_uid, entry.pw_gid


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError):
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    return False


@contextlib.contextmanager
def _part(name: str, log: Path):
    """Turn whatever starting NAME raised into one StackError sentence."""
    try:
        yield
    except StackError:
        raise
    except (AssertionError, RuntimeError, OSError, subprocess.SubprocessError) as e:
        # The log's last line usually says why; the exception says what waited.
        lines = [line for line in h._tail(log, 2000).splitlines() if line.strip()]
        telling = [line for line in lines
                   if re.search(r"fatal|error|unknown|cannot|can't|failed|refused", line, re.I)]
        why = ((telling or lines)[-1].strip() if lines
               else (str(e).strip().splitlines() or [type(e).__name__])[0])
        raise StackError(f"{name} did not start: {why} (log: {log})") from e


class _Directory:
    """A fixed directory where qdharness expects a TemporaryDirectory: the
    stack keeps every file under its own directory, and leaves it there."""

    def __init__(self, path: Path):
        path.mkdir(parents=True, exist_ok=True)
        self.name = str(path)

    def cleanup(self) -> None:
        pass


def _need(path: str, package: str) -> None:
    if not (shutil.which(path) or os.path.exists(path)):
        raise StackError(f"{path} is missing: install Debian's {package} (build-aux/setup does)")


@contextlib.contextmanager
def temporary_directory(prefix: str):
    """A temporary directory for a stack: Postfix and Dovecot drop root and
    must pass through it (0711: they can, nobody else can list it)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        os.chmod(tmp, 0o711)
        yield Path(tmp)


class Postfix:
    """A private Postfix: the public port runs rspamd as a milter, the relay
    port (for qd-gateway's releases) runs none."""

    MASTER = "/usr/lib/postfix/sbin/master"

    def __init__(self, root: Path, *, smtp: int, relay: int, milter: int, lmtp: int,
                 addresses: Sequence[str]):
        self.root, self.smtp, self.relay = root, smtp, relay
        self.milter, self.lmtp, self.addresses = milter, lmtp, addresses
        self.proc = None

    @property
    def log_path(self) -> Path:
        return self.root / "log" / "postfix.log"

    def configure(self) -> None:
        conf = self.root / "conf"
        for d in (conf, self.root / "spool", self.root / "data", self.root / "log"):
            d.mkdir(parents=True, exist_ok=True)
        src = h.source_root() / "data" / "postfix"
        values = {"ROOT": str(self.root), "DOMAIN": DOMAIN, "SMTP_PORT": self.smtp,
                  "RELAY_PORT": self.relay, "MILTER_PORT": self.milter,
                  "LMTP_PORT": self.lmtp}
        for name in ("main.cf", "master.cf"):
            text = (src / f"{name}.in").read_text()
            for key, value in values.items():
                text = text.replace(f"@{key}@", str(value))
            (conf / name).write_text(text)
        shutil.copy(src / "public_header_checks", conf / "public_header_checks")
        (conf / "mailboxes").write_text("".join(f"{a} ok\n" for a in self.addresses))
        if os.getuid() == 0:
            postfix = pwd.getpwnam("postfix")
            os.chown(self.root / "data", postfix.pw_uid, postfix.pw_gid)

    def start(self, attempts: int = 4) -> None:
        """Start master; its SMTP ports are picked here, again on each
        attempt: a port that was free a moment ago may have been taken."""
        _need(self.MASTER, "postfix")
        conf = self.root / "conf"
        for attempt in range(attempts):
            if attempt > 0:
                self.smtp, self.relay = h.free_port(), h.free_port()
            self.configure()
            # "postfix check" creates the queue's directories with their owners.
            check = subprocess.run(["postfix", "-c", str(conf), "check"],
                                   capture_output=True, text=True, timeout=60)
            if check.returncode != 0:
                raise StackError("Postfix refused its configuration: "
                                 + (h._tail(self.log_path, 600).strip() or check.stderr.strip()))
            self.proc = h.spawn([self.MASTER, "-c", conf, "-d"],
                                log=self.root / "log" / "master.out")
            h.wait_for(lambda: self._answers(self.smtp) and self._answers(self.relay)
                       or self._died(), 30, "Postfix's SMTP ports")
            if not self._died():
                return
            # Fatal errors before its log daemon runs (a port in use) reach
            # only syslog, which these machines lack: try other ports.
            code = self.proc.returncode
            h.stop_process(self.proc, timeout=5)
            self.proc = None
        raise StackError(f"Postfix stopped as it started ({attempts} times, exit status "
                         f"{code}): " + (h._tail(self.log_path, 600)
                                         + h._tail(self.root / "log" / "master.out", 600)).strip())

    def use_milter(self, port: int) -> None:
        """Point the running Postfix at rspamd's milter on PORT."""
        self.milter = port
        conf = str(self.root / "conf")
        subprocess.run(["postconf", "-c", conf, "-e", f"smtpd_milters = inet:127.0.0.1:{port}"],
                       check=True, capture_output=True, timeout=30)
        subprocess.run(["postfix", "-c", conf, "reload"], check=True, capture_output=True,
                       timeout=30)

    def _died(self) -> bool:
        return self.proc.poll() is not None

    @staticmethod
    def _answers(port: int) -> bool:
        with contextlib.suppress(OSError):
            with smtplib.SMTP("127.0.0.1", port, timeout=2) as s:
                return s.noop()[0] == 250
        return False

    def stop(self) -> None:
        if self.proc is not None:
            h.stop_process(self.proc, timeout=10)
            self.proc = None

    def queue_empty(self) -> bool:
        """Nothing waits in Postfix's queue (everything delivered or bounced)."""
        out = subprocess.run(["postqueue", "-c", str(self.root / "conf"), "-j"],
                             capture_output=True, text=True, timeout=30)
        return out.returncode == 0 and not out.stdout.strip()


class Dovecot:
    """A private Dovecot: IMAP for the user, LMTP for Postfix, Sieve on
    delivery (the project's script files Junk and drops a release's copy)."""

    def __init__(self, root: Path, *, imap: int, lmtp: int, users: Sequence[dict],
                 junk_name: str | None = "Junk", imap_capability: str | None = None,
                 tls: tuple[Path, Path] | None = None):
        """JUNK_NAME renames the folder marked \\Junk, or (None) leaves it out,
        so a client must find Junk by a name of its own; IMAP_CAPABILITY
        replaces what Dovecot announces after LOGIN (a server without MOVE);
        TLS, a (certificate, key) pair of files, offers STARTTLS with them.
        The defaults are the stack's own configuration."""
        self.root, self.imap, self.lmtp, self.users = root, imap, lmtp, users
        self.junk_name, self.imap_capability, self.tls = junk_name, imap_capability, tls
        self.proc = None

    @property
    def log_path(self) -> Path:
        return self.root / "log" / "dovecot.log"

    def configure(self) -> Path:
        for d in ("conf", "run", "log", "mail", "sieve"):
            (self.root / d).mkdir(parents=True, exist_ok=True)
        uid, gid = _mail_ids()
        src = h.source_root() / "data" / "dovecot"
        values = {"ROOT": str(self.root), "IMAP_PORT": self.imap, "LMTP_PORT": self.lmtp,
                  "MAIL_UID": uid, "MAIL_GID": gid,
                  "LOGIN_USER": "dovenull" if os.getuid() == 0 else pwd.getpwuid(uid).pw_name,
                  "INTERNAL_USER": "dovecot" if os.getuid() == 0 else pwd.getpwuid(uid).pw_name}
        text = (src / "dovecot.conf.in").read_text()
        for key, value in values.items():
            text = text.replace(f"@{key}@", str(value))
        junk = "  mailbox Junk {\n    special_use = \\Junk\n    auto = subscribe\n  }\n"
        if self.junk_name is None:
            text = text.replace(junk, "")
        elif self.junk_name != "Junk":
            text = text.replace(junk, junk.replace("mailbox Junk", f'mailbox "{self.junk_name}"'))
        if self.imap_capability is not None:
            text += f"imap_capability = {self.imap_capability}\n"
        if self.tls is not None:
            text = text.replace("\nssl = no\n", f"\nssl = yes\nssl_cert = <{self.tls[0]}\n"
                                f"ssl_key = <{self.tls[1]}\n")
        conf = self.root / "conf" / "dovecot.conf"
        conf.write_text(text)
        shutil.copy(src / "before.sieve", self.root / "sieve" / "before.sieve")
        # Passwords in a file only this user reads; "{PLAIN}" because they are
        # test accounts, printed in stack.json anyway.
        users = self.root / "conf" / "users"
        users.write_text("".join(f"{u['username']}:{{PLAIN}}{u['password']}::::::\n"
                                 for u in self.users))
        if os.getuid() == 0:
            os.chown(users, 0, pwd.getpwnam("dovecot").pw_gid)
            users.chmod(0o640)
            os.chown(self.root / "mail", uid, gid)
        # Compile the global script now: the mail user may not write there.
        subprocess.run(["sievec", "-c", str(conf), str(self.root / "sieve" / "before.sieve")],
                       check=True, capture_output=True, timeout=60)
        return conf

    def start(self) -> None:
        _need("dovecot", "dovecot-core")
        _need("/usr/lib/dovecot/lmtp", "dovecot-lmtpd")
        _need("/usr/lib/dovecot/imap", "dovecot-imapd")
        _need("sievec", "dovecot-sieve")
        conf = self.configure()
        self.proc = h.spawn(["dovecot", "-F", "-c", conf], log=self.root / "log" / "dovecot.out")
        h.wait_for(lambda: self._answers() or self.proc.poll() is not None, 30,
                   "Dovecot's IMAP port")
        if self.proc.poll() is not None:
            raise StackError("Dovecot stopped as it started: "
                             + (h._tail(self.log_path, 600)
                                + h._tail(self.root / "log" / "dovecot.out", 600)).strip())

    def _answers(self) -> bool:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            with imaplib.IMAP4("127.0.0.1", self.imap, timeout=2) as m:
                return m.noop()[0] == "OK"
        return False

    def stop(self) -> None:
        if self.proc is not None:
            h.stop_process(self.proc, timeout=10)
            self.proc = None


class StackRspamd(h.Rspamd):
    """rspamd with the project's configuration (data/rspamd), a milter proxy
    for Postfix and a controller (it is the worker that fetches HTTP maps)."""

    def __init__(self, root: Path, ingest_url: str, secret: str, *, milter: int,
                 policy: dict[str, str], test_rules: bool = True):
        super().__init__()
        self._tmp = _Directory(root)
        self.ingest_url, self.secret, self.milter = ingest_url, secret, milter
        self.policy, self.test_rules = policy, test_rules

    def _write_config(self, port: int) -> Path:
        conf = super()._write_config(port)
        src = h.source_root() / "data" / "rspamd"
        shutil.copytree(src, conf, dirs_exist_ok=True)
        # Turn back on what the shipped configuration needs and the plain test
        # rspamd leaves off.
        (conf / "local.d" / "multimap.conf").write_text(
            (src / "local.d" / "multimap.conf").read_text()
            + (self._test_rules() if self.test_rules else ""))
        site = conf / "qd-gateway.inc"
        site.write_text(f'url = "{self.ingest_url}/rspamd/ingest";\n'
                        f'user = "rspamd";\npassword = "{self.secret}";\n')
        site.chmod(0o600)
        # Sender lists are re-read every second here (the tests change them and
        # send at once); a real system does well with tens of seconds.
        (conf / "local.d" / "options.inc").write_text("map_watch_interval = 1s;\n")
        (conf / "local.d" / "qd_graymail_policy.map").write_text(
            "".join(f"{c} {self.policy.get(c, 'hold')}\n" for c in CATEGORIES))
        with open(conf / "rspamd.conf", "a") as f:
            f.write('worker "controller" {\n'
                    f'  bind_socket = "127.0.0.1:{h.free_port()}";\n'
                    '  .include "$CONFDIR/worker-controller.inc"\n  count = 1;\n}\n'
                    # The milter Postfix talks to; it passes each message to
                    # the normal worker above.
                    'worker "rspamd_proxy" {\n'
                    f'  bind_socket = "127.0.0.1:{self.milter}";\n'
                    '  milter = yes;\n  timeout = 120s;\n  count = 1;\n'
                    f'  upstream "local" {{ default = yes; hosts = "127.0.0.1:{port}"; }}\n'
                    '  spam_header = "X-Spam";\n  reject_message = "Spam message rejected";\n'
                    '}\n')
        return conf

    @staticmethod
    def _test_rules() -> str:
        # Scores by a header, so a test message is spam, phishing or merely
        # suspicious on purpose (GTUBE would skip the exporter).
        return """
# Test rules (build-aux/stack only): X-QD-Test decides what rspamd thinks.
QD_TEST_SPAM { type = "header"; header = "X-QD-Test"; regexp = true;
  map = ["/^spam$/"]; score = 20.0; description = "Test message: reject-level spam"; }
QD_PHISHING { type = "header"; header = "X-QD-Test"; regexp = true;
  map = ["/^phishing$/"]; score = 20.0; description = "Test message: phishing"; }
QD_TEST_SUSPECT { type = "header"; header = "X-QD-Test"; regexp = true;
  map = ["/^suspect$/"]; score = 8.0; description = "Test message: add-header spam"; }
"""


class Stack:
    """The whole mail system under DIRECTORY (context manager)."""

    def __init__(self, directory: str | os.PathLike, *, policy: dict[str, str] | None = None,
                 users: Sequence[dict] = USERS, test_rules: bool = True):
        self.dir = Path(directory).resolve()
        self.policy = dict(policy or {})
        self.users = list(users)
        self.test_rules = test_rules
        self.ports = {k: h.free_port() for k in
                      ("smtp", "relay", "milter", "lmtp", "imap")}
        self.secret = secrets.token_urlsafe(24)
        self.gateway: h.Gateway | None = None
        self.rspamd: StackRspamd | None = None
        self.postfix: Postfix | None = None
        self.dovecot: Dovecot | None = None

    def __enter__(self) -> "Stack":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- starting and stopping ------------------------------------------------

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        # Postfix and Dovecot drop root: they must reach every file below.
        self.dir.chmod(0o755)
        if os.getuid() == 0:
            for parent in self.dir.parents:
                if not parent.stat().st_mode & 0o001:
                    raise StackError(f"{parent} is closed to other users, and Postfix and "
                                     f"Dovecot, which drop root, must pass through it: choose "
                                     f"a directory elsewhere or run chmod o+x {parent}")
        self.dovecot = Dovecot(self.dir / "dovecot", imap=self.ports["imap"],
                               lmtp=self.ports["lmtp"], users=self.users)
        with _part("Dovecot", self.dovecot.log_path):
            self.dovecot.start()
        # Postfix before the others, so that its ports are bound before
        # anything else picks a free one.
        self.postfix = Postfix(self.dir / "postfix", smtp=self.ports["smtp"],
                               relay=self.ports["relay"], milter=self.ports["milter"],
                               lmtp=self.ports["lmtp"],
                               addresses=[u["address"] for u in self.users])
        with _part("Postfix", self.postfix.log_path):
            self.postfix.start()
        self.ports["smtp"], self.ports["relay"] = self.postfix.smtp, self.postfix.relay
        with _part("qd-gateway", self.dir / "gateway" / "gateway.log"):
            self.start_gateway()
        with _part("rspamd", self.dir / "rspamd" / "log" / "rspamd.log"):
            self.start_rspamd()

    def start_rspamd(self, attempts: int = 3) -> None:
        """rspamd with its milter on the port Postfix was told; if that port
        was taken meanwhile, another one, and Postfix is told again."""
        for attempt in range(attempts):
            if attempt > 0:
                self.rspamd.stop()
                self.ports["milter"] = h.free_port()
                self.postfix.use_milter(self.ports["milter"])
            self.rspamd = StackRspamd(self.dir / "rspamd", self.ingest_url, self.secret,
                                      milter=self.ports["milter"], policy=self.policy,
                                      test_rules=self.test_rules)
            self.rspamd.start()
            with contextlib.suppress(h.WaitTimeout):
                h.wait_for(lambda: _port_open(self.ports["milter"]), 15, "rspamd's milter port")
                return
        raise StackError(f"rspamd's milter never listened ({attempts} ports tried); "
                         f"its log is {self.rspamd.log_path}")

    def start_gateway(self, *, relay_port: int | None = None,
                      ingest_port: int | None = None) -> None:
        """Start (or start again, after a stop or a kill) qd-gateway on the
        same data. Tests may put it behind a proxy: RELAY_PORT instead of
        Postfix's relay port, INGEST_PORT instead of the one rspamd knows."""
        if self.gateway is None:
            self.gateway = h.Gateway(data_dir=self.dir / "gateway" / "data")
            self.gateway.log_path = self.dir / "gateway" / "gateway.log"
            for u in self.users:
                self.gateway.add_user(u["username"], u["password"], u["address"],
                                      u.get("display_name"))
            secret_file = self.dir / "gateway" / "ingest.secret"
            secret_file.write_text(self.secret + "\n")
            secret_file.chmod(0o600)
            self.ports["ingest"] = h.free_port()
        self.gateway.start(extra_args=[
            "--ingest-listen", f"127.0.0.1:{ingest_port or self.ports['ingest']}",
            "--ingest-secret-file", str(self.dir / "gateway" / "ingest.secret"),
            "--relay", f"127.0.0.1:{relay_port or self.ports['relay']}"])

    def stop(self) -> None:
        for part in (self.postfix, self.rspamd, self.gateway, self.dovecot):
            if part is not None:
                with contextlib.suppress(Exception):
                    part.stop()
        if self.rspamd is not None:
            self.rspamd.cleanup()

    @property
    def ingest_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['ingest']}"

    def description(self) -> dict:
        """What DIR/stack.json says: where each service listens, who may sign in."""
        return {
            "gateway": self.gateway.url,
            "smtp": {"host": "127.0.0.1", "port": self.ports["smtp"]},
            "imap": {"host": "127.0.0.1", "port": self.ports["imap"], "security": "none"},
            "users": [{k: u[k] for k in ("username", "password", "address")}
                      for u in self.users],
            "domain": DOMAIN,
        }

    def write_description(self) -> Path:
        path = self.dir / "stack.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.description(), indent=2) + "\n")
        os.replace(tmp, path)
        return path

    # --- using it ---------------------------------------------------------------

    def send(self, message: bytes, rcpt: Sequence[str], sender: str = "sender@outside.example",
             client_ip: str | None = None) -> tuple[int, bytes]:
        """Send MESSAGE through the public port; the final reply (code, text).
        CLIENT_IP pretends, through XCLIENT, that the mail comes from there."""
        with smtplib.SMTP("127.0.0.1", self.ports["smtp"], timeout=60) as s:
            s.ehlo("client.outside.example")
            if client_ip:
                code, text = s.docmd("XCLIENT", f"ADDR={client_ip} NAME=[UNAVAILABLE]")
                assert code == 220, f"XCLIENT answered {code} {text!r}"
                s.ehlo("client.outside.example")
            code, text = s.mail(sender)
            if code != 250:
                return code, text
            for r in rcpt:
                code, text = s.rcpt(r)
                if code not in (250, 251):
                    return code, text
            s.putcmd("data")
            code, text = s.getreply()
            if code != 354:
                return code, text
            # Dot-stuffing only: the bytes are sent as they are, hostile or not.
            data = re.sub(rb"(?m)^\.", b"..", message)
            if not data.endswith(b"\r\n"):
                data += b"\r\n"
            s.send(data + b".\r\n")
            return s.getreply()

    def wait_sender_listed(self, symbol: str, sender: str, rcpt: str,
                           timeout: float = 30) -> None:
        """Until rspamd has re-read the sender maps and answers SYMBOL
        (QD_SENDER_APPROVED or QD_SENDER_BLOCKED) for SENDER to RCPT. A scan
        without a queue id is never held, so asking changes nothing."""
        probe = f"From: <{sender}>\r\nTo: <{rcpt}>\r\nSubject: probe\r\n\r\nprobe\r\n".encode()

        def listed():
            req = urllib.request.Request(self.rspamd.url + "/checkv2", data=probe,
                                         headers={"From": sender, "Rcpt": rcpt})
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                    req, timeout=10) as r:
                return symbol in json.load(r).get("symbols", {})
        h.wait_for(listed, timeout, f"rspamd to read {sender} in the sender maps", interval=0.2)

    def imap(self, user: str = "demo") -> imaplib.IMAP4:
        entry = next(u for u in self.users if u["username"] == user)
        m = imaplib.IMAP4("127.0.0.1", self.ports["imap"], timeout=30)
        m.login(entry["username"], entry["password"])
        return m

    def wait_delivered(self, timeout: float = 60) -> None:
        """Postfix's queue has drained: every accepted message reached
        Dovecot (or was bounced)."""
        h.wait_for(self.postfix.queue_empty, timeout, "Postfix's queue to drain",
                   interval=0.2)
