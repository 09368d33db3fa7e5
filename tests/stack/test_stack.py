#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real mail through a real mail system: SMTP into Postfix, judged by rspamd
with the project's configuration, held in qd-gateway or delivered by Dovecot,
read back over IMAP; released with qdesk."""

import email
import email.policy
import os
import shutil
import signal
import socket
import socketserver
import sys
import threading
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT", Path(__file__).parents[2]))
                       / "tests" / "lib"))

import qdharness as h  # noqa: E402
from qdsession import DesktopSession  # noqa: E402
from qdstack import Stack, temporary_directory  # noqa: E402

DEMO = "demo@example.com"
SATO = "sato@example.com"
_serial = 0


def subject(kind: str) -> str:
    """A subject no other test uses, to find the message by."""
    global _serial
    _serial += 1
    return f"{kind} {os.getpid()}-{_serial}"


def message(subj: str, *, sender: str = "Someone <someone@outside.example>", to: str = DEMO,
            headers: dict | None = None, body: str = "Hello from outside.\n") -> bytes:
    return h.make_message(sender, to, subj, body, extra_headers=headers or {}, crlf=True)


def newsletter(subj: str, sender: str = "Shop News <news@shop.example>", **kw) -> bytes:
    headers = {"List-Unsubscribe": "<mailto:leave@shop.example>", **kw.pop("headers", {})}
    return message(subj, sender=sender, headers=headers, **kw)


class StackTestCase(unittest.TestCase):
    """One mail system for the class; the demo user signed in to the API."""

    policy: dict = {}

    @classmethod
    def setUpClass(cls):
        cls.tmp = cls.enterClassContext(temporary_directory("qd-stack-"))
        # Registered before the stack so it runs after the stack stopped: every
        # part's log is kept beside meson's, for whoever reads a failure.
        cls.addClassCleanup(cls.keep_logs, Path(cls.tmp) / "stack")
        cls.stack = cls.enterClassContext(Stack(Path(cls.tmp) / "stack", policy=cls.policy))
        cls._apis = {}

    @classmethod
    def keep_logs(cls, root: Path) -> None:
        dest = h.build_root() / "meson-logs" / f"stack-{cls.__name__}"
        shutil.rmtree(dest, ignore_errors=True)
        for log in [*root.glob("*/log/*"), *root.glob("gateway/*.log")]:
            target = dest / log.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(log, target)

    @property
    def api(self):
        """demo's API client, signed in to the gateway as it runs now (tests
        restart it, on another port)."""
        return self.login("demo")

    def login(self, user: str):
        key = (self.stack.gateway.url, user)
        if key not in self._apis:
            self._apis[key] = self.stack.gateway.login(user, user)
        return self._apis[key]

    # --- where a message is ---------------------------------------------------

    def held(self, subj: str, api=None) -> list[dict]:
        items = (api or self.api).list_all(folder="quarantine", search=subj)
        return [i for i in items if i["subject"] == subj]

    def mailbox(self, subj: str, folder: str = "INBOX", user: str = "demo") -> list[bytes]:
        """The headers of each message in FOLDER whose Subject is SUBJ."""
        m = self.stack.imap(user)
        try:
            typ, _ = m.select(folder, readonly=True)
            self.assertEqual(typ, "OK", folder)
            typ, data = m.search(None, "SUBJECT", f'"{subj}"')
            found = []
            for num in data[0].split():
                typ, parts = m.fetch(num, "(BODY.PEEK[HEADER])")
                headers = parts[0][1]
                parsed = email.message_from_bytes(headers, policy=email.policy.default)
                if parsed["Subject"] == subj:
                    found.append(headers)
            return found
        finally:
            m.logout()

    def assertDelivered(self, subj: str, folder: str, user: str = "demo") -> bytes:
        # A release the gateway runs in the background may reach Postfix after
        # its queue was last seen empty: wait for the message, then for the queue.
        h.wait_for(lambda: self.mailbox(subj, folder, user), 30, f"{subj!r} in {folder}",
                   interval=0.2)
        self.stack.wait_delivered()
        found = self.mailbox(subj, folder, user)
        self.assertEqual(len(found), 1, f"{subj!r} in {user}'s {folder}: {len(found)} copies")
        other = "Junk" if folder == "INBOX" else "INBOX"
        self.assertEqual(self.mailbox(subj, other, user), [], f"{subj!r} also in {other}")
        return found[0]

    def assertNowhere(self, subj: str) -> None:
        self.stack.wait_delivered()
        for folder in ("INBOX", "Junk"):
            self.assertEqual(self.mailbox(subj, folder), [], f"{subj!r} in {folder}")
        self.assertEqual(self.held(subj), [], f"{subj!r} held")

    def assertAccepted(self, reply):
        self.assertEqual(reply[0], 250, f"SMTP answered {reply}")


class HoldPolicy(StackTestCase):
    """Every graymail category held (the default policy)."""

    def test_clean_mail_reaches_inbox(self):
        subj = subject("Lunch on Friday")
        self.assertAccepted(self.stack.send(message(subj), [DEMO]))
        headers = self.assertDelivered(subj, "INBOX")
        self.assertNotIn(b"X-Spam:", headers)
        self.assertEqual(self.held(subj), [])

    def test_each_graymail_category_is_held(self):
        cases = {
            # a newsletter: an unsubscribe link and nothing more specific
            "marketing": dict(data=lambda s: newsletter(s), sender="bounce-7@shop.example"),
            # a social network's notification, by its envelope domain
            "social": dict(data=lambda s: newsletter(s, "Network <notify@facebookmail.com>"),
                           sender="notification+abc@facebookmail.com"),
            # a group's digest
            "forum": dict(data=lambda s: newsletter(s, "Gardeners <garden@googlegroups.com>"),
                          sender="garden+bncBD@googlegroups.com"),
            # plain mail from a bulk-mail service's network
            "bulk": dict(data=lambda s: message(s), sender="mailer@bulk.example",
                         ip="198.2.130.5"),
        }
        for category, case in cases.items():
            with self.subTest(category=category):
                subj = subject(f"Weekly {category}")
                reply = self.stack.send(case["data"](subj), [DEMO], sender=case["sender"],
                                        client_ip=case.get("ip"))
                # Held graymail is accepted: the sender gets no bounce.
                self.assertAccepted(reply)
                items = self.held(subj)
                self.assertEqual(len(items), 1, f"{category}: held {items}")
                self.assertEqual(items[0]["reason"], "graymail")
                self.assertEqual(items[0]["category"], category)
                self.assertEqual(items[0]["recipient"], DEMO)
                self.assertNowhere_delivered(subj)

    def assertNowhere_delivered(self, subj):
        self.stack.wait_delivered()
        for folder in ("INBOX", "Junk"):
            self.assertEqual(self.mailbox(subj, folder), [], f"{subj!r} in {folder}")

    def test_reject_level_spam_and_phishing_are_held_and_refused(self):
        for kind, reason in (("spam", "spam"), ("phishing", "phishing")):
            with self.subTest(kind=kind):
                subj = subject(f"Your account {kind}")
                code, text = self.stack.send(message(subj, headers={"X-QD-Test": kind}), [DEMO])
                self.assertEqual(code // 100, 5, f"the sender is told: {code} {text!r}")
                items = self.held(subj)
                self.assertEqual(len(items), 1, items)
                self.assertEqual(items[0]["reason"], reason)
                self.assertNowhere_delivered(subj)

    def test_add_header_spam_lands_in_junk(self):
        subj = subject("Cheap offer")
        self.assertAccepted(self.stack.send(message(subj, headers={"X-QD-Test": "suspect"}),
                                            [DEMO]))
        headers = self.assertDelivered(subj, "Junk")
        self.assertIn(b"X-Spam: Yes", headers)
        self.assertEqual(self.held(subj), [])

    def test_headers_a_sender_forges_are_removed(self):
        subj = subject("Forged")
        data = message(subj, headers={"X-QD-Release-Id": "1.0123@qd-gateway",
                                      "X-QD-Graymail": "marketing", "X-Spam": "No"})
        self.assertAccepted(self.stack.send(data, [DEMO]))
        headers = self.assertDelivered(subj, "INBOX")
        for name in (b"X-QD-Release-Id", b"X-QD-Graymail", b"X-Spam"):
            self.assertNotIn(name, headers)

    def test_release_with_qdesk_delivers_once(self):
        subj = subject("Autumn sale")
        self.assertAccepted(self.stack.send(newsletter(subj), [DEMO]))
        [item] = self.held(subj)
        original = self.api.get(f"/api/v1/messages/{item['id']}/raw").body
        with DesktopSession() as session:
            proc = session.run_qdesk("--gateway", self.stack.gateway.url, "login", "--user",
                                     "demo", "--password-stdin", input="demo\n")
            self.assertEqual(proc.returncode, 0, proc.stderr)
            proc = session.run_qdesk("release", item["id"])
            self.assertEqual(proc.returncode, 0, proc.stderr)
        headers = self.assertDelivered(subj, "INBOX")
        self.assertIn(b"X-QD-Release-Id:", headers)
        self.assertEqual(self.held(subj), [])
        # What arrives is the original, byte for byte, below the release id.
        m = self.stack.imap("demo")
        try:
            m.select("INBOX", readonly=True)
            typ, data = m.search(None, "SUBJECT", f'"{subj}"')
            typ, parts = m.fetch(data[0].split()[0], "(BODY.PEEK[])")
            delivered = parts[0][1]
        finally:
            m.logout()
        self.assertTrue(delivered.endswith(original.split(b"\r\n\r\n", 1)[1]),
                        "the body changed on the way")
        self.assertIn(original.split(b"\r\n\r\n", 1)[0], delivered)

    def test_approved_sender_reaches_inbox_next_time(self):
        sender = "News <news@approved-shop.example>"
        first = subject("Approved first")
        self.assertAccepted(self.stack.send(newsletter(first, sender), [DEMO]))
        self.assertEqual(len(self.held(first)), 1)
        r = self.api.post("/approved-senders", {"address": "news@approved-shop.example"})
        self.assertIn(r.status, (200, 201), r.body)
        self.stack.wait_sender_listed("QD_SENDER_APPROVED", "news@approved-shop.example", DEMO)
        second = subject("Approved second")
        self.assertAccepted(self.stack.send(newsletter(second, sender), [DEMO]))
        self.assertDelivered(second, "INBOX")
        self.assertEqual(self.held(second), [])

    def test_blocked_sender_is_gone_next_time(self):
        sender = "Pushy <deals@blocked-shop.example>"
        first = subject("Blocked first")
        self.assertAccepted(self.stack.send(newsletter(first, sender), [DEMO]))
        [item] = self.held(first)
        r = self.api.act("block-sender", [item["id"]])
        self.assertEqual(r.status, 200, r.body)
        self.stack.wait_sender_listed("QD_SENDER_BLOCKED", "deals@blocked-shop.example", DEMO)
        for make in (newsletter, message):
            second = subject("Blocked again")
            self.assertAccepted(self.stack.send(make(second, sender=sender), [DEMO]))
            self.assertNowhere(second)

    def test_each_recipient_gets_one_item_and_their_own_lists(self):
        sender = "Letters <letters@mixed-shop.example>"
        sato = self.login("sato")
        r = sato.post("/approved-senders", {"address": "@mixed-shop.example"})
        self.assertIn(r.status, (200, 201), r.body)
        subj = subject("Two readers")
        self.assertAccepted(self.stack.send(newsletter(subj, sender), [DEMO, SATO, DEMO.upper()]))
        self.assertEqual(len(self.held(subj)), 1, "demo's copy is held, once")
        self.assertEqual(self.held(subj, sato), [], "sato approved the sender")
        self.assertDelivered(subj, "INBOX", user="sato")

    def test_gateway_down_defers_then_holds(self):
        subj = subject("While away")
        data = newsletter(subj)
        self.stack.gateway.stop()
        try:
            code, text = self.stack.send(data, [DEMO])
        finally:
            self.stack.start_gateway()
        self.assertEqual(code, 451, f"Postfix answered {code} {text!r}")
        self.assertNowhere_delivered(subj)
        # The sender's retry, once the gateway is back.
        self.assertAccepted(self.stack.send(data, [DEMO]))
        self.assertEqual(len(self.held(subj)), 1)

    def test_retry_after_a_lost_answer_is_not_held_twice(self):
        # The gateway stores the message, but its answer never reaches rspamd:
        # Postfix tells the sender 451 and the sender sends the same message again.
        subj = subject("Lost answer")
        data = newsletter(subj)
        with _AnswerDropper(self.stack):
            code, _ = self.stack.send(data, [DEMO])
        self.assertEqual(code, 451)
        self.assertAccepted(self.stack.send(data, [DEMO]))
        self.assertEqual(len(self.held(subj)), 1, "held once")

    def test_killed_during_release_delivers_once(self):
        subj = subject("Killed release")
        self.assertAccepted(self.stack.send(newsletter(subj), [DEMO]))
        [item] = self.held(subj)
        try:
            with _KillAfterAccept(self.stack) as proxy:
                self.stack.gateway.stop()
                self.stack.start_gateway(relay_port=proxy.port)
                proxy.gateway = self.stack.gateway
                with self.assertRaises(OSError):
                    # The connection dies with the gateway: no answer.
                    self.api.act("release", [item["id"]])
                h.wait_for(lambda: self.stack.gateway.proc.poll() is not None, 30,
                           "the gateway to be killed")
                self.assertTrue(proxy.accepted.is_set(), "Postfix accepted the release")
        finally:
            # Back on Postfix's own relay port, whatever happened.
            self.stack.gateway.kill()
            self.stack.start_gateway()
        # Start-up sends the release again; Sieve keeps the first copy only.
        h.wait_for(lambda: self.api.get(f"/messages/{item['id']}").body.get("status")
                   == "released", 60, "the release to be recorded")
        self.assertDelivered(subj, "INBOX")
        # Postfix did take it twice: once held, twice released.
        mid = email.message_from_bytes(self.api.get(f"/messages/{item['id']}/raw").body,
                                       policy=email.policy.default)["Message-ID"]
        log = self.stack.postfix.log_path.read_text(errors="replace")
        self.assertEqual(log.count(f"message-id={mid}"), 3, "held once, then sent twice")

    def test_hostile_mail_passes_whole(self):
        cases = {
            "8-bit headers": message(subject("8bit"), headers={
                "X-Note": "caf\u00e9 \u65e5\u672c"}).replace(b"Subject: 8bit",
                                                               "Subject: 8bit \u00fcml".encode()),
            "998-octet line": message(subject("Long line"), body="x" * 998 + "\n"),
            "NUL bytes": message(subject("NUL"), body="before\x00after\n"),
            "10 MB": message(subject("Big"), body=("0123456789abcdef" * 64 + "\n") * 10200),
        }
        for name, data in cases.items():
            with self.subTest(name=name):
                subj = email.message_from_bytes(data, policy=email.policy.default)["Subject"]
                held = data.replace(b"\r\n\r\n", b"\r\nList-Unsubscribe: <mailto:x@shop.example>"
                                                 b"\r\n\r\n", 1)
                reply = self.stack.send(held, [DEMO])
                self.assertAccepted(reply)
                items = self.held(subj)
                self.assertEqual(len(items), 1, f"{name}: {items}")
                raw = self.api.get(f"/api/v1/messages/{items[0]['id']}/raw").body
                body = held.split(b"\r\n\r\n", 1)[1]
                self.assertTrue(raw.endswith(body), f"{name}: the held body differs")
        # 2 000 recipients: one item per person, however many addresses.
        subj = subject("Wide")
        rcpt = [f"demo+{i}@example.com" for i in range(1999)] + [SATO]
        self.assertAccepted(self.stack.send(newsletter(subj), rcpt))
        self.assertEqual(len(self.held(subj)), 1, "demo's copy, once")
        self.assertEqual(len(self.held(subj, self.login("sato"))), 1)


class JunkPolicy(StackTestCase):
    """Every graymail category filed into Junk with a header naming it."""

    policy = {c: "junk" for c in ("marketing", "social", "forum", "bulk")}

    def test_each_graymail_category_lands_in_junk(self):
        cases = {
            "marketing": (newsletter, "bounce@shop.example", None),
            "social": (lambda s: newsletter(s, "Network <n@facebookmail.com>"),
                       "n@facebookmail.com", None),
            "forum": (lambda s: newsletter(s, "Group <g@googlegroups.com>"),
                      "g@googlegroups.com", None),
            "bulk": (message, "mailer@bulk.example", "198.2.130.5"),
        }
        for category, (make, sender, ip) in cases.items():
            with self.subTest(category=category):
                subj = subject(f"Junk {category}")
                self.assertAccepted(self.stack.send(make(subj), [DEMO], sender=sender,
                                                    client_ip=ip))
                headers = self.assertDelivered(subj, "Junk")
                self.assertIn(f"X-QD-Graymail: {category}".encode(), headers)
                self.assertEqual(self.held(subj), [])


class _Server(socketserver.ThreadingTCPServer):
    # The port a stopped gateway listened on is taken over at once.
    allow_reuse_address = True
    daemon_threads = True


class _AnswerDropper:
    """Between rspamd and the gateway's ingest listener: passes the first
    POST on, then answers rspamd 503 as if the gateway's answer was lost."""

    def __init__(self, stack: Stack):
        self.stack = stack

    def __enter__(self):
        stack, dropper = self.stack, self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = self.connection.recv(65536)
                    if not chunk:
                        return
                    head += chunk
                headers, rest = head.split(b"\r\n\r\n", 1)
                length = 0
                for line in headers.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(rest) < length:
                    rest += self.connection.recv(65536)
                with socket.create_connection(("127.0.0.1", dropper.real_port)) as up:
                    up.sendall(headers + b"\r\n\r\n" + rest)
                    while up.recv(65536):
                        pass
                self.wfile.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                 b"Connection: close\r\n\r\n")

        self.server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        # The gateway moves behind the dropper, on the port rspamd knows.
        self.real_port = h.free_port()
        stack.gateway.stop()
        stack.start_gateway(ingest_port=self.real_port)
        self.forward = _Forward(stack.ports["ingest"], self.server.server_address[1])
        return self

    def __exit__(self, *exc):
        self.forward.close()
        self.server.shutdown()
        self.stack.gateway.stop()
        self.stack.start_gateway()


class _Forward:
    """Listens on PORT and splices each connection to TARGET."""

    def __init__(self, port: int, target: int):
        target_port = target

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                with socket.create_connection(("127.0.0.1", target_port)) as up:
                    t = threading.Thread(target=_pump_watch,
                                         args=(self.request, up, lambda data: False),
                                         daemon=True)
                    t.start()
                    _pump_watch(up, self.request, lambda data: False)
                    t.join(30)

        self.server = _Server(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class _KillAfterAccept:
    """Between the gateway and Postfix's relay port: once Postfix has
    answered 250 to the end of a message, SIGKILL the gateway before it
    hears so."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.accepted = threading.Event()
        self.gateway = None

    def __enter__(self):
        proxy = self
        relay = self.stack.ports["relay"]

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                sent = {"after_dot": False, "tail": b""}
                with socket.create_connection(("127.0.0.1", relay)) as up:
                    def watch_client(data):
                        # The end of DATA may come split over reads.
                        sent["tail"] = (sent["tail"] + data)[-5:]
                        if sent["tail"] == b"\r\n.\r\n":
                            sent["after_dot"] = True
                        return False

                    def watch_server(data):
                        if sent["after_dot"] and data.startswith(b"250"):
                            proxy.accepted.set()
                            os.kill(proxy.gateway.proc.pid, signal.SIGKILL)
                            return True
                        return False

                    t = threading.Thread(target=_pump_watch,
                                         args=(self.request, up, watch_client), daemon=True)
                    t.start()
                    _pump_watch(up, self.request, watch_server)
                    t.join(30)

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _pump_watch(src, dst, watch) -> None:
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if watch(data):
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


if __name__ == "__main__":
    h.main(requires=("rspamd", "postfix", "dovecot"))
