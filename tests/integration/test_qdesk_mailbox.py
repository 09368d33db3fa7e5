#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qdesk mailbox against a real Dovecot: Junk found, listed to the minute,
searched, paged, moved to INBOX (checked over IMAP with imaplib), and missed
spam reported from INBOX to a real SMTP server (tests/lib/qdsmtp.py)."""

import base64
import contextlib
import datetime as dt
import email.message
import imaplib
import json
import os
import re
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT", Path(__file__).parents[2]))
                       / "tests" / "lib"))

import qdharness as h  # noqa: E402
import qdsmtp  # noqa: E402
from qdsession import DesktopSession  # noqa: E402
from qdfault import FaultProxy  # noqa: E402
from qdharness import Gateway  # noqa: E402
from qdstack import Dovecot, temporary_directory  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from test_qdesk_submit import split_parts  # noqa: E402

EXIT_PARTIAL, EXIT_USAGE, EXIT_SESSION, EXIT_NETWORK = 1, 2, 3, 4
PASSWORD = "mailbox-Secret-1"
USERS = ["alice", "mover", "stale", "hostile", "pager", "refuse", "dropped", "reporter", "rdry",
         "rrules", "rmove", "rgone", "rcopy", "routbox", "nojunk", "copydrop", "approver",
         "fullgw", "nogw", "dropgw"]
# Dovecot 2.3's capabilities after LOGIN, without MOVE.
NO_MOVE = ("IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY "
           "THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL "
           "CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE "
           "QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY "
           "SPECIAL-USE LITERAL+")

servers: dict[str, Dovecot] = {}


def utf7(name: str) -> str:
    """A mailbox name in modified UTF-7 (RFC 3501 §5.1.3), as imaplib wants it."""
    out, run = [], []

    def flush():
        if run:
            data = "".join(run).encode("utf-16-be")
            out.append("&" + base64.b64encode(data).decode().rstrip("=").replace("/", ",") + "-")
            run.clear()
    for c in name:
        if 0x20 <= ord(c) <= 0x7e:
            flush()
            out.append("&-" if c == "&" else c)
        else:
            run.append(c)
    flush()
    wire = "".join(out)
    # imaplib sends names as they are: one with a space must be quoted.
    return f'"{wire}"' if " " in wire else wire


def make_certificate(ip):
    """A self-signed certificate for IP: (certificate, key) files."""
    tmp = Path(tempfile.mkdtemp(prefix="qd-mailbox-tls-"))
    os.chmod(tmp, 0o755)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", f"/CN={ip}", "-addext", f"subjectAltName=IP:{ip}",
                    "-keyout", tmp / "key.pem", "-out", tmp / "cert.pem"],
                   check=True, capture_output=True, timeout=60)
    return tmp / "cert.pem", tmp / "key.pem"


def start_dovecot(key, **kw):
    root = Path(tempfile.mkdtemp(prefix=f"qd-mailbox-{key}-"))
    os.chmod(root, 0o711)
    d = Dovecot(root, imap=h.free_port(), lmtp=h.free_port(),
                users=[{"username": u, "password": PASSWORD} for u in USERS], **kw)
    d.start()
    servers[key] = d
    return d


def setUpModule():
    try:
        start_dovecot("default")
        start_dovecot("renamed", junk_name="Courrier indésirable")
        start_dovecot("japanese", junk_name=None, imap_capability=NO_MOVE)
        start_dovecot("bare", imap_capability=NO_MOVE.replace(" UIDPLUS", ""))
        start_dovecot("starttls", tls=make_certificate("127.0.0.1"))
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    for d in servers.values():
        d.stop()


def message(subject, sender="News <news@shop.example>", extra=None, body="Hello\n"):
    m = email.message.EmailMessage()
    m["From"] = sender
    m["To"] = "alice@example.com"
    m["Subject"] = subject
    m["Message-ID"] = f"<{abs(hash((subject, sender)))}@shop.example>"
    m["Date"] = "Sun, 07 Jun 2026 19:30:00 +0900"
    for k, v in (extra or {}).items():
        m[k] = v
    m.set_content(body)
    return bytes(m)


class Imap:
    """imaplib on one user's mailbox, to fill folders and to check them."""

    def __init__(self, server, user):
        self.m = imaplib.IMAP4("127.0.0.1", server.imap, timeout=30)
        self.m.login(user, PASSWORD)

    def close(self):
        self.m.logout()

    def create(self, name):
        typ, _ = self.m.create(utf7(name))
        assert typ == "OK"

    def append(self, folder, data, when="07-Jun-2026 19:30:00 +0900", flags=""):
        typ, answer = self.m.append(utf7(folder), flags, f'"{when}"', data)
        assert typ == "OK", answer

    def messages(self, folder):
        """{Message-ID: (count, flags)} of FOLDER, examined read-only."""
        typ, _ = self.m.select(utf7(folder), readonly=True)
        assert typ == "OK"
        typ, data = self.m.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        found = {}
        for part in data:
            if not isinstance(part, tuple):
                continue
            flags = set(re.search(rb"FLAGS \(([^)]*)\)", part[0]).group(1).decode().split())
            mid = part[1].decode().split(":", 1)[1].strip() if b":" in part[1] else ""
            count, _ = found.get(mid, (0, None))
            found[mid] = (count + 1, flags)
        return found

    def uidvalidity(self, folder):
        typ, data = self.m.status(utf7(folder), "(UIDVALIDITY)")
        return int(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1))


class DroppingProxy:
    """A TCP proxy to Dovecot that cuts the connection when the client sends
    its DROP_AT-th command containing NEEDLE (which never reaches Dovecot)."""

    def __init__(self, port, needle=b" UID MOVE ", drop_at=0):
        self.upstream, self.needle, self.drop_at, self.seen = port, needle, drop_at, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self.listener.close()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src, dst, from_client):
        try:
            while data := src.recv(65536):
                if from_client and self.needle in data:
                    self.seen += 1
                    if self.seen == self.drop_at:
                        break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


class MailboxTestCase(unittest.TestCase):
    server_key = "default"
    user = "alice"

    @property
    def server(self):
        return servers[self.server_key]

    def setUp(self):
        self.session = DesktopSession()
        self.session.__enter__()
        self.addCleanup(self.session.close)
        self.imap = Imap(self.server, self.user)
        self.addCleanup(self.imap.close)

    def qdesk(self, *args, input=None, expect=0, timeout=300):
        proc = self.session.run_qdesk(*args, input=input, timeout=timeout)
        if expect is not None:
            self.assertEqual(proc.returncode, expect,
                             f"qdesk {' '.join(map(str, args))} exited {proc.returncode}\n"
                             f"stdout: {proc.stdout.decode()[-2000:]}\n"
                             f"stderr: {proc.stderr.decode()}")
        return proc

    def login(self, password=PASSWORD, expect=0):
        return self.qdesk("mailbox", "login", "--imap", f"127.0.0.1:{self.server.imap}",
                          "--security", "none", "--user", self.user, "--password-stdin",
                          input=password + "\n", expect=expect)

    def list_json(self, *args):
        return json.loads(self.qdesk("--json", "mailbox", "list", *args).stdout)


class LoginAndListTests(MailboxTestCase):
    @classmethod
    def setUpClass(cls):
        imap = Imap(servers["default"], "alice")
        times = {"before": "07-Jun-2026 18:59:59 +0900", "start": "07-Jun-2026 19:00:00 +0900",
                 "utc": "07-Jun-2026 11:30:00 +0000", "last": "07-Jun-2026 20:59:00 +0900",
                 "end": "07-Jun-2026 21:00:00 +0900", "next-day": "08-Jun-2026 09:00:00 +0900"}
        for name, when in times.items():
            imap.append("Junk", message(f"Sale {name}", extra={"X-QD-Graymail": "marketing"}),
                        when=when)
        imap.append("Junk", message("Invoice 42", sender="Billing <billing@vendor.example>"))
        imap.append("INBOX", message("Hello from inbox"))
        imap.append("INBOX", message("週末セールのお知らせ", sender="店 <shop@example.jp>"))
        imap.close()

    def test_wrong_password_is_exit_3_with_one_sentence(self):
        proc = self.login(password="wrong", expect=EXIT_SESSION)
        err = proc.stderr.decode().strip()
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn("user name or password", err)
        self.assertIsNone(self.session.secret("imap-password",
                                              f"127.0.0.1:{self.server.imap}", "alice"))

    def test_login_keeps_password_in_keyring_and_lists_junk(self):
        out = self.login().stdout.decode()
        self.assertIn("Junk", out)
        server = f"127.0.0.1:{self.server.imap}"
        self.assertEqual(self.session.secret("imap-password", server, "alice"), PASSWORD)
        self.assertEqual(self.session.setting("imap-host"), "'127.0.0.1'")
        self.assertEqual(self.session.setting("imap-user"), "'alice'")
        self.assertEqual(self.session.files_containing(PASSWORD.encode()), [])

        doc = self.list_json("--all")
        self.assertEqual(doc["folder"], "Junk")
        self.assertEqual(doc["total"], 7)
        self.assertEqual(doc["uidvalidity"], self.imap.uidvalidity("Junk"))
        subjects = [i["subject"] for i in doc["items"]]
        # Newest first.
        self.assertEqual(subjects[0], "Sale next-day")
        item = next(i for i in doc["items"] if i["subject"] == "Invoice 42")
        self.assertEqual(item["from"], "Billing")
        self.assertEqual(item["from_address"], "billing@vendor.example")
        # Maildir keeps the instant, not the sender's zone.
        self.assertEqual(dt.datetime.fromisoformat(item["received_at"]),
                         dt.datetime(2026, 6, 7, 10, 30, tzinfo=dt.timezone.utc))
        self.assertGreater(item["size"], 100)
        self.assertTrue(item["message_id"].endswith("@shop.example"))
        self.assertEqual(item["uidvalidity"], doc["uidvalidity"])
        self.assertEqual(next(i for i in doc["items"] if i["subject"] == "Sale start")["category"],
                         "marketing")
        # The inbox too, and nothing became \Seen by listing.
        self.assertEqual(sorted(i["subject"] for i in self.list_json("--folder", "inbox")["items"]),
                         ["Hello from inbox", "週末セールのお知らせ"])
        for mid, (count, flags) in self.imap.messages("Junk").items():
            self.assertNotIn("\\Seen", flags)

        logout = self.qdesk("mailbox", "logout").stdout.decode()
        self.assertIn("removed", logout)
        self.assertIsNone(self.session.secret("imap-password", server, "alice"))
        self.qdesk("mailbox", "list", expect=EXIT_SESSION)

    def test_time_window_to_the_minute_and_search(self):
        self.login()
        doc = self.list_json("--since", "2026-06-07T19:00:00+09:00",
                             "--until", "2026-06-07T21:00:00+09:00", "--all")
        self.assertEqual(sorted(i["subject"] for i in doc["items"]),
                         ["Invoice 42", "Sale last", "Sale start", "Sale utc"])
        doc = self.list_json("--search", "invoice")
        self.assertEqual([i["subject"] for i in doc["items"]], ["Invoice 42"])
        doc = self.list_json("--search", "vendor.example")
        self.assertEqual([i["subject"] for i in doc["items"]], ["Invoice 42"])
        # Text beyond ASCII is searched as UTF-8 (the header is RFC 2047 on the wire).
        doc = self.list_json("--folder", "inbox", "--search", "セール")
        self.assertEqual([(i["subject"], i["from"]) for i in doc["items"]],
                         [("週末セールのお知らせ", "店")])
        help_text = self.qdesk("--help").stdout.decode()
        for command in ("mailbox login --imap HOST:PORT", "mailbox list [--folder junk|inbox]",
                        "mailbox move-to-inbox", "mailbox logout"):
            self.assertIn(command, help_text)
        # The gateway's verdicts are not in a mailbox; a folder is junk or inbox.
        self.qdesk("mailbox", "list", "--reason", "graymail", expect=EXIT_USAGE)
        self.qdesk("mailbox", "list", "--folder", "quarantine", expect=EXIT_USAGE)
        # The table, with the limit.
        out = self.qdesk("mailbox", "list", "--limit", "2").stdout.decode()
        self.assertIn("Sale next-day", out)
        self.assertIn("2 of 7 messages shown", out)


class FaultTests(MailboxTestCase):
    user = "refuse"

    def login_to(self, port, security="none", expect=EXIT_NETWORK):
        return self.qdesk("mailbox", "login", "--imap", f"127.0.0.1:{port}", "--security",
                          security, "--user", self.user, "--password-stdin",
                          input=PASSWORD + "\n", expect=expect)

    def test_server_down_is_exit_4_with_one_sentence(self):
        err = self.login_to(h.free_port()).stderr.decode().strip()
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn("could not be reached", err)

    def test_self_signed_certificate_is_refused(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*make_certificate("127.0.0.1"))
        listener = socket.create_server(("127.0.0.1", 0))
        self.addCleanup(listener.close)

        def serve():
            conn, _ = listener.accept()
            with contextlib.suppress(OSError, ssl.SSLError):
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.sendall(b"* OK IMAP ready\r\n")
                    tls.recv(1024)
        threading.Thread(target=serve, daemon=True).start()
        err = self.login_to(listener.getsockname()[1], "tls").stderr.decode().strip()
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn("certificate", err)
        self.assertIsNone(self.session.secret("imap-password",
                                              f"127.0.0.1:{listener.getsockname()[1]}", self.user))

    def test_plain_imap_to_another_host_is_refused(self):
        proc = self.qdesk("mailbox", "login", "--imap", "imap.example.com:143", "--security",
                          "none", "--user", self.user, "--password-stdin",
                          input=PASSWORD + "\n", expect=EXIT_NETWORK)
        self.assertIn("without encryption", proc.stderr.decode())


class _MoveBase(MailboxTestCase):
    """Filling Junk and checking what moved (no tests of its own)."""
    junk = "Junk"

    def use_user(self, user):
        self.user = user
        self.imap = Imap(self.server, self.user)
        self.addCleanup(self.imap.close)
        if self.junk != "Junk":
            self.imap.create(self.junk)

    def fill(self, junk, n=30):
        self.ids = []
        for i in range(n):
            data = message(f"Graymail {i}", extra={"X-QD-Graymail": "bulk"})
            self.ids.append(re.search(rb"Message-ID: (\S+)", data).group(1).decode())
            self.imap.append(junk, data, when="07-Jun-2026 19:%02d:00 +0900" % (i % 60),
                             flags="(\\Flagged)" if i % 3 == 0 else "")
        self.imap.append(junk, message("Keep me in Junk", sender="x@spam.example"),
                         when="07-Jun-2026 22:00:00 +0900")

    def check_moved(self, junk, n=30):
        inbox = self.imap.messages("INBOX")
        left = self.imap.messages(junk)
        for i, mid in enumerate(self.ids[:n]):
            self.assertIn(mid, inbox)
            count, flags = inbox[mid]
            self.assertEqual(count, 1, f"{mid} is in INBOX {count} times")
            self.assertNotIn("\\Seen", flags)
            self.assertNotIn("\\Deleted", flags)
            self.assertEqual("\\Flagged" in flags, i % 3 == 0, flags)
            self.assertNotIn(mid, left)
        self.assertEqual(len(left), 1)

    def move_matching(self, expect=0):
        return self.qdesk("mailbox", "move-to-inbox", "--all-matching", "--since",
                          "2026-06-07T19:00:00+09:00", "--until", "2026-06-07T21:00:00+09:00",
                          expect=expect).stdout.decode()

class StaleUidvalidity:
    """Run on every server: a listing whose UIDVALIDITY changed moves nothing."""

    def test_stale_uidvalidity_moves_nothing(self):
        self.use_user("stale")
        self.fill(self.junk, n=3)
        self.login()
        doc = self.list_json("--all")
        uids = [str(i["uid"]) for i in doc["items"]]
        proc = self.qdesk("mailbox", "move-to-inbox", "--uidvalidity",
                          str(doc["uidvalidity"] + 1), *uids, expect=EXIT_PARTIAL)
        err = proc.stderr.decode().strip()
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn("List it again", err)
        self.assertEqual(len(self.imap.messages(self.junk)), 4)
        self.assertEqual(self.imap.messages("INBOX"), {})
        # With the right one, the named UIDs move, and a UID already gone counts so.
        out = self.qdesk("mailbox", "move-to-inbox", "--uidvalidity", str(doc["uidvalidity"]),
                         uids[0], "99999").stdout.decode()
        self.assertIn("Moved to INBOX: 1.", out)
        self.assertIn("(moved or deleted before): 1.", out)
        self.assertEqual(len(self.imap.messages("INBOX")), 1)


class MoveTests(StaleUidvalidity, _MoveBase):
    """Everything matching moves to INBOX: once, flags kept, never \\Seen."""

    def test_move_all_matching_with_move(self):
        self.use_user("mover")
        self.fill(self.junk)
        self.login()
        out = self.qdesk("mailbox", "move-to-inbox", "--all-matching", "--since",
                         "2026-06-07T19:00:00+09:00", "--until",
                         "2026-06-07T21:00:00+09:00").stdout.decode()
        self.assertIn("Moved to INBOX: 30.", out)
        self.check_moved(self.junk)
        # Again: nothing matches any more, nothing is duplicated.
        out = self.qdesk("mailbox", "move-to-inbox", "--all-matching", "--since",
                         "2026-06-07T19:00:00+09:00", "--until",
                         "2026-06-07T21:00:00+09:00").stdout.decode()
        self.assertIn("nothing was moved", out)
        self.check_moved(self.junk)

    def test_hostile_messages_list_without_a_crash(self):
        self.use_user("hostile")
        broken = (b"From: broken@x.example\r\nSubject: broken MIME\r\nMIME-Version: 1.0\r\n"
                  b"Content-Type: multipart/mixed\r\n\r\n--nothing\r\nno end\r\n")
        eight_bit = ("From: J\u00f6rg <j@x.example>\r\nSubject: 8-bit \u8ff7\u60d1 "
                     "\xe9t\xe9\r\n\r\nbody\r\n").encode("utf-8") + b"\xff\xfe raw\r\n"
        latin1 = b"From: \xe9ric <e@x.example>\r\nSubject: caf\xe9\r\n\r\nbody\r\n"
        huge = (b"From: huge@x.example\r\nSubject: " + b"A" * 200_000 + b"\r\n"
                + b"".join(b"X-Filler-%d: %s\r\n" % (i, b"b" * 900) for i in range(200))
                + b"\r\nbody\r\n")
        no_headers = b"\r\njust a body\r\n"
        for data in (broken, eight_bit, latin1, huge, no_headers):
            self.imap.append(self.junk, data)
        self.login()
        doc = self.list_json("--all")
        self.assertEqual(doc["total"], 5)
        self.assertEqual(len(doc["items"]), 5)
        subjects = {i["subject"] for i in doc["items"]}
        self.assertIn("broken MIME", subjects)
        self.assertIn("A" * 200_000, subjects)
        self.qdesk("mailbox", "list", "--all")


class PagingTests(MailboxTestCase):
    user = "pager"
    n = 2500

    def test_dropped_connection_says_which_moved_and_a_retry_finishes(self):
        self.user = "dropped"
        self.imap = Imap(self.server, self.user)
        self.addCleanup(self.imap.close)
        n = 1200  # three batches of 500
        for i in range(n):
            self.imap.append("Junk", message(f"Drop {i}", sender=f"d{i}@bulk.example"))
        proxy = DroppingProxy(self.server.imap, drop_at=2)
        self.addCleanup(proxy.close)
        self.qdesk("mailbox", "login", "--imap", f"127.0.0.1:{proxy.port}", "--security", "none",
                   "--user", self.user, "--password-stdin", input=PASSWORD + "\n")
        doc = self.list_json("--all")
        uids = [str(i["uid"]) for i in doc["items"]]
        proc = self.qdesk("mailbox", "move-to-inbox", "--uidvalidity", str(doc["uidvalidity"]),
                          *uids, expect=EXIT_PARTIAL)
        out, err = proc.stdout.decode(), proc.stderr.decode()
        self.assertIn("Moved to INBOX: 500.", out)
        self.assertIn(f"Not moved: {n - 500}.", out)
        self.assertIn("connection to the mail server", err)
        self.assertEqual(len(self.imap.messages("INBOX")), 500)
        # The retry moves the rest; the 500 already moved count as gone, none twice.
        proxy.drop_at = 0
        out = self.qdesk("mailbox", "move-to-inbox", "--uidvalidity", str(doc["uidvalidity"]),
                         *uids).stdout.decode()
        self.assertIn(f"Moved to INBOX: {n - 500}.", out)
        self.assertIn("(moved or deleted before): 500.", out)
        inbox = self.imap.messages("INBOX")
        self.assertEqual(len(inbox), n)
        self.assertTrue(all(count == 1 for count, _ in inbox.values()))
        self.assertEqual(self.imap.messages("Junk"), {})

    def test_thousands_list_in_pages_and_move(self):
        for i in range(self.n):
            self.imap.append("Junk", message(f"Bulk {i}", sender=f"s{i}@bulk.example"),
                             when="07-Jun-2026 %02d:%02d:%02d +0900" % (19 + i // 3600,
                                                                      (i // 60) % 60, i % 60))
        self.login()
        doc = self.list_json("--all")
        self.assertEqual(doc["total"], self.n)
        self.assertEqual(len({i["uid"] for i in doc["items"]}), self.n)
        self.assertEqual(doc["items"][0]["subject"], f"Bulk {self.n - 1}")
        self.assertEqual(doc["items"][-1]["subject"], "Bulk 0")
        self.assertEqual(len(self.list_json()["items"]), 50)
        out = self.qdesk("mailbox", "move-to-inbox", "--all-matching").stdout.decode()
        self.assertIn(f"Moved to INBOX: {self.n}.", out)
        self.assertEqual(len(self.imap.messages("INBOX")), self.n)
        self.assertEqual(self.imap.messages("Junk"), {})


class RenamedJunkTests(MailboxTestCase):
    """Junk found by \\Junk whatever its name, before a folder called Spam."""
    server_key = "renamed"

    def test_junk_by_special_use_flag(self):
        self.imap.create("Spam")
        self.imap.append("Spam", message("in Spam"))
        self.imap.append("Courrier indésirable", message("in the flagged Junk"))
        out = self.login().stdout.decode()
        self.assertIn("Courrier indésirable", out)
        doc = self.list_json()
        self.assertEqual(doc["folder"], "Courrier indésirable")
        self.assertEqual([i["subject"] for i in doc["items"]], ["in the flagged Junk"])


class JapaneseJunkWithoutMoveTests(StaleUidvalidity, _MoveBase):
    """迷惑メール found by its name (no \\Junk), and a server without MOVE:
    UID COPY, \\Deleted and UID EXPUNGE of exactly those UIDs."""
    server_key = "japanese"
    junk = "迷惑メール"

    def test_copy_expunge_path(self):
        self.use_user("mover")
        self.imap.create("Spam folder of another program")
        self.fill(self.junk)
        # A message already marked \Deleted by another client stays as it is:
        # only the moved UIDs are expunged.
        self.imap.append(self.junk, message("Deleted elsewhere"), when="07-Jun-2026 23:00:00 +0900",
                         flags="(\\Deleted)")
        self.login()
        doc = self.list_json("--all")
        self.assertEqual(doc["folder"], self.junk)
        self.assertEqual(doc["total"], 32)
        out = self.move_matching()
        self.assertIn("Moved to INBOX: 30.", out)
        left = self.imap.messages(self.junk)
        self.assertEqual(len(left), 2)
        self.assertTrue(any("\\Deleted" in flags for _, flags in left.values()))
        inbox = self.imap.messages("INBOX")
        self.assertEqual(len(inbox), 30)
        for i, mid in enumerate(self.ids):
            count, flags = inbox[mid]
            self.assertEqual(count, 1)
            self.assertNotIn("\\Seen", flags)
            self.assertNotIn("\\Deleted", flags)
            self.assertEqual("\\Flagged" in flags, i % 3 == 0, flags)


class CopyPathDropTests(_MoveBase):
    """Without MOVE, a connection lost after COPY and before the EXPUNGE
    leaves a batch in both folders: the retry finds those copies by
    Message-ID and only removes them from Junk, so none is in INBOX twice."""
    server_key = "japanese"
    junk = "迷惑メール"

    def test_retry_after_a_drop_between_copy_and_expunge_duplicates_nothing(self):
        self.use_user("copydrop")
        self.fill(self.junk)
        proxy = DroppingProxy(self.server.imap, needle=b" UID STORE ", drop_at=1)
        self.addCleanup(proxy.close)
        self.qdesk("mailbox", "login", "--imap", f"127.0.0.1:{proxy.port}", "--security", "none",
                   "--user", self.user, "--password-stdin", input=PASSWORD + "\n")
        proc = self.qdesk("mailbox", "move-to-inbox", "--all-matching", "--since",
                          "2026-06-07T19:00:00+09:00", "--until", "2026-06-07T21:00:00+09:00",
                          expect=EXIT_PARTIAL)
        self.assertIn("Not moved: 30.", proc.stdout.decode())
        # The COPY went through: every one is in both folders now.
        self.assertEqual(len(self.imap.messages("INBOX")), 30)
        self.assertEqual(len(self.imap.messages(self.junk)), 31)
        proxy.drop_at = 0
        out = self.move_matching()
        self.assertIn("Moved to INBOX: 30.", out)
        self.check_moved(self.junk)


class ApproveSendersTests(_MoveBase):
    """Moving out of Junk and approving the senders at a real qd-gateway in
    the same step: what the gateway refused stays in Junk, named."""

    @classmethod
    def setUpClass(cls):
        cls.gateway = Gateway()
        cls.gateway.__enter__()
        cls.addClassCleanup(cls.gateway.__exit__, None, None, None)
        for user in ("approver", "fullgw", "dropgw"):
            cls.gateway.add_user(user, PASSWORD, f"{user}@example.com")
        cls.gateway.start()

    def gateway_login(self, url=None):
        self.qdesk("--gateway", url or self.gateway.url, "login", "--user", self.user,
                   "--password-stdin", input=PASSWORD + "\n")

    def move_approving(self):
        """Moves the incident window's Junk, approving; (stdout, stderr)."""
        proc = self.qdesk("mailbox", "move-to-inbox", "--approve-sender", "--all-matching",
                          "--since", "2026-06-07T19:00:00+09:00", "--until",
                          "2026-06-07T21:00:00+09:00", expect=EXIT_PARTIAL)
        return proc.stdout.decode(), proc.stderr.decode()

    def approved(self):
        doc = json.loads(self.qdesk("--json", "senders", "approved").stdout)
        return sorted(s["address"] for s in doc["senders"])

    def test_moves_and_approves_their_senders(self):
        self.use_user("approver")
        self.fill(self.junk)                      # 30 from news@shop.example
        for i, sender in enumerate(["Ann <Ann@Other.example>", "bob@third.example",
                                    "undisclosed-recipients:;"]):
            self.imap.append(self.junk, message(f"From {i}", sender=sender),
                             when="07-Jun-2026 20:30:00 +0900")
        self.gateway_login()
        self.login()
        out, err = self.move_approving()
        self.assertIn("Moved to INBOX: 32. No longer in Junk (moved or deleted before): 0. "
                      "Not moved: 1.", out)
        self.assertIn("approved at the gateway", out)
        self.assertIn("no address that can be approved", err)
        # One address each, in lower case, as the gateway keeps them.
        self.assertEqual(self.approved(), ["ann@other.example", "bob@third.example",
                                           "news@shop.example"])
        inbox = self.imap.messages("INBOX")
        self.assertEqual(len(inbox), 32)
        self.assertTrue(all(count == 1 and "\\Seen" not in flags
                            for count, flags in inbox.values()))
        left = {mid for mid in self.imap.messages(self.junk)}
        self.assertEqual(len(left), 2)            # the addressless one, and "Keep me"

    def test_a_full_list_keeps_the_new_senders_messages_in_junk(self):
        self.use_user("fullgw")
        api = self.gateway.login(self.user, PASSWORD)
        limit = api.get("/info").body["limits"]["max_sender_list"]
        entries = ["news@shop.example"] + [f"filler{i}@list.example" for i in range(limit - 1)]
        for address in entries:
            self.assertIn(api.post("/approved-senders", {"address": address}).status, (200, 201))
        self.fill(self.junk, n=3)
        for i in range(2):
            self.imap.append(self.junk, message(f"New sender {i}", sender="new@sender.example"),
                             when="07-Jun-2026 20:30:00 +0900")
        self.gateway_login()
        self.login()
        out, err = self.move_approving()
        # A sender already approved still passes; the new one's two stay.
        self.assertIn("Moved to INBOX: 3.", out)
        self.assertIn("Not moved: 2.", out)
        self.assertEqual(err.count("list of senders is full"), 1, err)
        self.assertEqual(len(self.imap.messages("INBOX")), 3)
        self.assertEqual(len(self.imap.messages(self.junk)), 3)
        self.assertNotIn("new@sender.example", self.approved())
        # Again: only the refused sender's two match, and stay, named.
        out, err = self.move_approving()
        self.assertIn("Moved to INBOX: 0.", out)
        self.assertIn("Not moved: 2.", out)
        self.assertEqual(err.count("list of senders is full"), 1, err)
        self.assertEqual(len(self.imap.messages(self.junk)), 3)

    def test_gateway_lost_midway_moves_only_what_was_approved(self):
        self.use_user("dropgw")
        for i, (sender, minute) in enumerate([("first@a.example", 50), ("second@b.example", 40),
                                              ("third@c.example", 30)]):
            self.imap.append(self.junk, message(f"Sender {i}", sender=sender),
                             when=f"07-Jun-2026 20:{minute}:00 +0900")
        proxy = FaultProxy(lambda: self.gateway.url)
        proxy.__enter__()
        self.addCleanup(proxy.__exit__, None, None, None)
        self.gateway_login(proxy.url)
        self.login()
        # The first sender is approved; then the gateway stops answering.
        proxy.fault("POST", "/api/v1/approved-senders", "drop", nth=2, times=100)
        proc = self.qdesk("mailbox", "move-to-inbox", "--approve-sender", "--all-matching",
                          expect=EXIT_PARTIAL)
        out, err = proc.stdout.decode(), proc.stderr.decode()
        self.assertIn("Moved to INBOX: 1. No longer in Junk (moved or deleted before): 0. "
                      "Not moved: 2.", out)
        self.assertEqual(len([line for line in err.splitlines() if line.startswith("qdesk:")]),
                         1, err)
        self.assertEqual(list(self.imap.messages("INBOX")), [self.message_id("Sender 0",
                                                                            "first@a.example")])
        self.assertEqual(len(self.imap.messages(self.junk)), 2)
        # The third sender was never asked for.
        posts = [p for m, p in proxy.requests if m == "POST" and "approved-senders" in p]
        self.assertLessEqual(len(posts), 3, posts)
        proxy.clear()
        self.assertEqual(self.approved(), ["first@a.example"])
        # Once the gateway answers again, the same command finishes the rest.
        self.qdesk("mailbox", "move-to-inbox", "--approve-sender", "--all-matching")
        self.assertEqual(len(self.imap.messages("INBOX")), 3)
        self.assertEqual(self.approved(), ["first@a.example", "second@b.example",
                                           "third@c.example"])

    @staticmethod
    def message_id(subject, sender):
        return re.search(rb"Message-ID: (\S+)", message(subject, sender=sender)).group(1).decode()

    def test_without_a_gateway_nothing_moves(self):
        self.use_user("nogw")
        self.fill(self.junk, n=2)
        self.login()
        proc = self.qdesk("mailbox", "move-to-inbox", "--approve-sender", "--all-matching",
                          expect=EXIT_SESSION)
        err = proc.stderr.decode().strip()
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn("Sign in first", err)
        self.assertEqual(self.imap.messages("INBOX"), {})
        self.assertEqual(len(self.imap.messages(self.junk)), 3)


class StartTlsInjection:
    """A hostile server, not Dovecot: it answers STARTTLS and, in the same
    packet, a line meant to be read as if it came over TLS."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self):
        self.listener.close()

    def _serve(self):
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.sendall(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
            data = b""
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
                while b"\r\n" in data:
                    line, data = data.split(b"\r\n", 1)
                    tag, _, command = line.partition(b" ")
                    if command.upper().startswith(b"CAPABILITY"):
                        conn.sendall(b"* CAPABILITY IMAP4rev1 STARTTLS\r\n" + tag +
                                     b" OK done\r\n")
                    elif command.upper().startswith(b"STARTTLS"):
                        conn.sendall(tag + b" OK begin TLS\r\n* CAPABILITY IMAP4rev1 "
                                     b"AUTH=PLAIN\r\n")
                    else:
                        conn.sendall(tag + b" BAD no\r\n")


class StartTlsTests(MailboxTestCase):
    """STARTTLS to a Dovecot whose certificate is trusted with --ca-file,
    refused without it."""
    server_key = "starttls"

    def test_plain_text_after_starttls_is_refused(self):
        hostile = StartTlsInjection()
        self.addCleanup(hostile.close)
        proc = self.qdesk("mailbox", "login", "--imap", f"127.0.0.1:{hostile.port}",
                          "--security", "starttls", "--user", "alice", "--password-stdin",
                          input=PASSWORD + "\n", expect=EXIT_NETWORK)
        self.assertIn("did not start an encrypted connection as it should",
                      proc.stderr.decode())

    def test_starttls_with_ca_file(self):
        self.imap.append("Junk", message("Over TLS"))
        args = ["mailbox", "login", "--imap", f"127.0.0.1:{self.server.imap}", "--security",
                "starttls", "--user", self.user, "--password-stdin"]
        err = self.qdesk(*args, input=PASSWORD + "\n",
                         expect=EXIT_NETWORK).stderr.decode().strip()
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn("certificate", err)
        ca = ["--ca-file", str(self.server.tls[0])]
        self.qdesk(*ca, *args, input=PASSWORD + "\n")
        doc = json.loads(self.qdesk(*ca, "--json", "mailbox", "list").stdout)
        self.assertEqual([i["subject"] for i in doc["items"]], ["Over TLS"])
        self.assertIn("starttls", self.session.setting("imap-security"))


class NoMoveNoUidplusTests(MailboxTestCase):
    """Without MOVE and UIDPLUS a plain EXPUNGE would take others' \\Deleted
    messages with it: nothing moves, and qdesk says so."""
    server_key = "bare"

    def test_refuses_and_moves_nothing(self):
        self.imap.append("Junk", message("Stay"), when="07-Jun-2026 19:30:00 +0900")
        self.login()
        proc = self.qdesk("mailbox", "move-to-inbox", "--all-matching", expect=EXIT_PARTIAL)
        err = proc.stderr.decode().strip()
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn("nothing was moved", err)
        self.assertEqual(len(self.imap.messages("Junk")), 1)
        self.assertEqual(self.imap.messages("INBOX"), {})


TO = "spam-submissions@gateway.example"
FROM = "alice@example.com"


def days_ago(days: float) -> dt.datetime:
    return h.utcnow() - dt.timedelta(days=days)


def recent(subject: str, body: str = "Cheap watches, today only.\n", days: float = 1) -> bytes:
    """Missed spam received DAYS ago, by its Received and Date headers."""
    return h.make_message("Spammer <offers@spam.example>", "alice@example.com", subject, body,
                          date=days_ago(days), received=[days_ago(days)])


class _ReportBase(MailboxTestCase):
    """A real SMTP server to report to, and INBOX filled and read over IMAP
    (no tests of its own)."""

    def setUp(self):
        super().setUp()
        self.smtp = qdsmtp.SmtpServer()
        self.smtp.start()
        self.addCleanup(self.smtp.__exit__, None, None, None)

    def use_user(self, user):
        self.user = user
        self.imap = Imap(self.server, user)
        self.addCleanup(self.imap.close)

    def deliver(self, data: bytes) -> None:
        """Into INBOX over LMTP, as mail arrives."""
        with smtplib.LMTP("127.0.0.1", self.server.lmtp) as lmtp:
            lmtp.sendmail("offers@spam.example", [f"{self.user}@example.com"], data)

    def inbox(self) -> tuple[int, dict[str, int]]:
        """(UIDVALIDITY, {subject: UID}) of INBOX as qdesk mailbox list shows it."""
        doc = self.list_json("--folder", "inbox", "--all")
        return doc["uidvalidity"], {i["subject"]: i["uid"] for i in doc["items"]}

    def peek(self, uid: int) -> bytes:
        """What UID FETCH BODY.PEEK[] of an INBOX message returns."""
        typ, _ = self.imap.m.select("INBOX", readonly=True)
        self.assertEqual(typ, "OK")
        typ, data = self.imap.m.uid("FETCH", str(uid), "(BODY.PEEK[])")
        self.assertEqual(typ, "OK")
        return data[0][1]

    def report(self, *args, expect=0):
        return self.qdesk("mailbox", "report", "--to", TO, "--from", FROM, "--smtp-server",
                          self.smtp.server, "--smtp-security", "none", *map(str, args),
                          expect=expect)

    def attachments(self, raw: bytes) -> list[bytes]:
        _, parts = split_parts(raw)
        for part_headers, _ in parts[1:]:
            self.assertEqual(part_headers.get_content_type(), "message/rfc822")
        return [body for _, body in parts[1:]]


class ReportTests(_ReportBase):
    """qdesk mailbox report: Inbox messages' exact bytes (BODY.PEEK[]) through the
    rules, packing and outbox of qdesk submit to a real SMTP server; with
    --move-to-junk, just the sent ones into Junk."""

    def test_report_sends_the_exact_bytes_and_nothing_becomes_seen(self):
        self.use_user("reporter")
        for subject in ("Watches A", "Watches B", "Not reported"):
            self.deliver(recent(subject))
        self.login()
        uidvalidity, uids = self.inbox()
        a, b = uids["Watches A"], uids["Watches B"]
        proc = self.report("--uidvalidity", uidvalidity, a, b, a)
        out = proc.stdout.decode()
        self.assertIn(f"INBOX UID {a}", out)
        self.assertIn(f"INBOX UID {b}", out)
        self.assertIn("Sent ", out)
        [message] = self.smtp.accepted()
        self.assertEqual(message["mail_from"], FROM)
        self.assertEqual(message["rcpt_tos"], [TO])
        # Byte for byte what the server keeps; UID A given twice is sent once.
        self.assertEqual(sorted(self.attachments(message["data"])),
                         sorted([self.peek(a), self.peek(b)]))
        # Read with PEEK, and not moved without --move-to-junk.
        inbox = self.imap.messages("INBOX")
        self.assertEqual(len(inbox), 3)
        for count, flags in inbox.values():
            self.assertEqual(count, 1)
            self.assertNotIn("\\Seen", flags)
        self.assertEqual(self.imap.messages("Junk"), {})
        self.assertIn("mailbox report UID...", self.qdesk("--help").stdout.decode())

    def test_dry_run_sends_and_moves_nothing(self):
        self.use_user("rdry")
        self.deliver(recent("Dry watches"))
        self.login()
        _, uids = self.inbox()
        out = self.report("--dry-run", "--move-to-junk", uids["Dry watches"]).stdout.decode()
        self.assertIn("1 sample(s) in 1 message(s)", out)
        self.assertIn(f"INBOX UID {uids['Dry watches']}", out)
        self.assertEqual(self.smtp.records(), [])
        [(count, flags)] = self.imap.messages("INBOX").values()
        self.assertNotIn("\\Seen", flags)
        self.assertEqual(self.imap.messages("Junk"), {})

    def test_too_old_and_too_large_are_refused_with_their_sentence(self):
        self.use_user("rrules")
        self.imap.append("INBOX", recent("Old watches", days=6))
        line = "x" * 76 + "\n"
        self.imap.append("INBOX", recent("Huge watches", body=line * (2_050_000 // len(line))))
        self.deliver(recent("Fine watches"))
        self.login()
        _, uids = self.inbox()
        old, huge, fine = uids["Old watches"], uids["Huge watches"], uids["Fine watches"]
        self.assertGreaterEqual(len(self.peek(huge)), 2_000_000)
        err = self.report(old, huge, fine, expect=EXIT_PARTIAL).stderr.decode()
        [old_line] = [l for l in err.splitlines() if f"refused INBOX UID {old}:" in l]
        self.assertIn("only samples at most 5 days old", old_line)
        [huge_line] = [l for l in err.splitlines() if f"refused INBOX UID {huge}:" in l]
        self.assertIn("Contact support about this sample", huge_line)
        self.assertNotIn(f"refused INBOX UID {fine}", err)
        [message] = self.smtp.accepted()
        self.assertEqual(self.attachments(message["data"]), [self.peek(fine)])

    def test_move_to_junk_moves_just_the_sent_ones_once(self):
        self.use_user("rmove")
        self.imap.append("INBOX", recent("Flagged watches"), flags="(\\Flagged)")
        self.deliver(recent("Plain watches"))
        self.imap.append("INBOX", recent("Old watches", days=6))
        self.deliver(recent("Wanted mail"))
        self.login()
        uidvalidity, uids = self.inbox()
        sent = {uids["Flagged watches"]: self.peek(uids["Flagged watches"]),
                uids["Plain watches"]: self.peek(uids["Plain watches"])}
        before = self.imap.messages("INBOX")
        out = self.report("--move-to-junk", *sent, uids["Old watches"],
                          expect=EXIT_PARTIAL).stdout.decode()
        self.assertIn("Moved to Junk: 2.", out)
        [message] = self.smtp.accepted()
        self.assertEqual(sorted(self.attachments(message["data"])), sorted(sent.values()))
        junk = self.imap.messages("Junk")
        inbox = self.imap.messages("INBOX")
        self.assertEqual(len(junk), 2)
        for mid, (count, flags) in junk.items():
            self.assertEqual(count, 1)
            # \Recent belongs to the session, not the message.
            self.assertEqual(flags - {"\\Recent"}, before[mid][1] - {"\\Recent"},
                             "flags changed by the move")
            self.assertNotIn(mid, inbox)
        self.assertTrue(any("\\Flagged" in flags for _, flags in junk.values()))
        self.assertEqual(len(inbox), 2, "the refused one and the unreported one stay")
        # Again: the moved UIDs are no longer in INBOX, each is named, nothing is sent.
        err = self.report("--move-to-junk", *sent, expect=EXIT_PARTIAL).stderr.decode()
        for uid in sent:
            self.assertIn(f"UID {uid} is not in INBOX", err)
        self.assertEqual(len(self.smtp.records()), 1)
        self.assertEqual(len(self.imap.messages("Junk")), 2)

    def test_kept_in_the_outbox_is_not_moved(self):
        self.use_user("routbox")
        self.deliver(recent("Undelivered watches"))
        self.login()
        _, uids = self.inbox()
        uid = uids["Undelivered watches"]
        data = self.peek(uid)
        self.smtp.plan(default="drop")
        err = self.report("--move-to-junk", uid, expect=EXIT_NETWORK).stderr.decode()
        self.assertIn("kept in the outbox", err)
        self.assertEqual(self.smtp.accepted(), [])
        self.assertEqual(self.imap.messages("Junk"), {})
        self.assertEqual(len(self.imap.messages("INBOX")), 1)
        # The next run of submit sends what waited, byte for byte.
        self.smtp.plan(default="accept")
        out = self.qdesk("submit", "--to", TO, "--from", FROM, "--smtp-server", self.smtp.server,
                         "--smtp-security", "none").stdout.decode()
        self.assertIn("The outbox held 1 message", out)
        [message] = self.smtp.accepted()
        self.assertEqual(self.attachments(message["data"]), [data])

    def test_a_uid_not_in_the_folder_is_named_and_the_others_reported(self):
        self.use_user("rgone")
        self.deliver(recent("Present watches"))
        self.login()
        uidvalidity, uids = self.inbox()
        present = uids["Present watches"]
        proc = self.report(present, 99999, expect=EXIT_PARTIAL)
        self.assertIn("UID 99999 is not in INBOX", proc.stderr.decode())
        [message] = self.smtp.accepted()
        self.assertEqual(self.attachments(message["data"]), [self.peek(present)])
        # A stale UIDVALIDITY: one sentence, nothing sent.
        err = self.report("--uidvalidity", uidvalidity + 1, present,
                          expect=EXIT_PARTIAL).stderr.decode().strip()
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn("renumbered", err)
        self.assertEqual(len(self.smtp.records()), 1)
        # Usage: --move-to-junk is for the Inbox; a UID is a number.
        self.report("--folder", "junk", "--move-to-junk", present, expect=EXIT_USAGE)
        self.report("not-a-uid", expect=EXIT_USAGE)
        self.report(expect=EXIT_USAGE)


class ReportWithoutMoveTests(_ReportBase):
    """A server without MOVE whose Junk is found by the name 迷惑メール: the
    sent messages go there by UID COPY, \\Deleted and UID EXPUNGE; without
    any Junk folder the report is sent and nothing moves."""
    server_key = "japanese"

    def test_move_to_junk_by_copy_and_expunge(self):
        self.use_user("rcopy")
        self.imap.create("迷惑メール")
        self.imap.append("INBOX", recent("Copied watches"), flags="(\\Flagged)")
        self.deliver(recent("Kept mail"))
        # Marked \Deleted by another client: only the moved UID is expunged.
        self.imap.append("INBOX", recent("Deleted elsewhere"), flags="(\\Deleted)")
        self.login()
        _, uids = self.inbox()
        uid = uids["Copied watches"]
        data = self.peek(uid)
        out = self.report("--move-to-junk", uid).stdout.decode()
        self.assertIn("Moved to 迷惑メール: 1.", out)
        [message] = self.smtp.accepted()
        self.assertEqual(self.attachments(message["data"]), [data])
        [(count, flags)] = self.imap.messages("迷惑メール").values()
        self.assertEqual(count, 1)
        self.assertIn("\\Flagged", flags)
        self.assertNotIn("\\Seen", flags)
        self.assertNotIn("\\Deleted", flags)
        inbox = self.imap.messages("INBOX")
        self.assertEqual(len(inbox), 2)
        self.assertTrue(any("\\Deleted" in flags for _, flags in inbox.values()))

    def test_move_to_junk_says_there_is_none(self):
        self.use_user("nojunk")
        self.deliver(recent("Unmovable watches"))
        self.login()
        _, uids = self.inbox()
        uid = uids["Unmovable watches"]
        data = self.peek(uid)
        out = self.report("--move-to-junk", uid).stdout.decode()
        self.assertIn("This mailbox has no Junk folder", out)
        [message] = self.smtp.accepted()
        self.assertEqual(self.attachments(message["data"]), [data])
        [(count, flags)] = self.imap.messages("INBOX").values()
        self.assertEqual(count, 1)
        self.assertNotIn("\\Seen", flags)


if __name__ == "__main__":
    qdsmtp.require()
    h.main(requires=["dovecot"])
