#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qdesk against the real qd-gateway and rspamd, with secrets in a real
gnome-keyring on a private D-Bus session bus."""

import datetime as dt
import json
import os
import subprocess
import tempfile
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT", Path(__file__).parents[2]))
                       / "tests" / "lib"))

import qdharness  # noqa: E402
from qdharness import Gateway, Rspamd  # noqa: E402

EXIT_PARTIAL, EXIT_USAGE, EXIT_SESSION, EXIT_NETWORK = 1, 2, 3, 4

rspamd: Rspamd | None = None
gateway: Gateway | None = None


def setUpModule():
    global rspamd, gateway
    rspamd = unittest.enterModuleContext(Rspamd())
    gateway = unittest.enterModuleContext(Gateway())
    gateway.add_user("alice", "alice-Secret-1", "alice@example.com", "Alice Example")
    gateway.add_user("bob", "bob-Secret-2", "bob@example.com")
    gateway.start(rspamd_url=rspamd.url, max_batch=25)


def message(subject, sender="News <news@shop.example>", to="alice@example.com", body="Hello"):
    return qdharness.make_message(sender, to, subject, body)


class QdeskTestCase(qdharness.QdeskTestCase):
    user, password = "alice", "alice-Secret-1"

    def login(self, url=None, user=None, password=None):
        return self.qdesk("--gateway", url or gateway.url, "login", "--user", user or self.user,
                          "--password-stdin", input=(password or self.password) + "\n")

    def list_json(self, *args):
        return json.loads(self.qdesk("list", "--json", *args).stdout)

    def ingest(self, folder, reason, files, **kw):
        return gateway.ingest(self.user, folder, reason, files, **kw)


class LoginTests(QdeskTestCase):
    def test_login_keeps_password_in_keyring_only(self):
        out = self.login().stdout.decode()
        self.assertIn("alice@example.com", out)
        self.assertEqual(self.session.secret("gateway-password", gateway.url, "alice"),
                         self.password)
        token = self.session.secret("gateway-token", gateway.url, "alice")
        self.assertTrue(token and len(token) >= 40)
        # The settings remember where and who, and nothing secret is in any file.
        self.assertEqual(self.session.setting("gateway-url"), f"'{gateway.url}'")
        self.assertEqual(self.session.setting("username"), "'alice'")
        self.assertEqual(self.session.files_containing(self.password.encode()), [])
        self.assertEqual(self.session.files_containing(token.encode()), [])
        # Later commands need no --gateway.
        self.qdesk("list")

    def test_wrong_password(self):
        proc = self.qdesk("--gateway", gateway.url, "login", "--user", "alice",
                          "--password-stdin", input="not-the-password\n", expect=EXIT_SESSION)
        self.assertIn("wrong", proc.stderr.decode().lower())
        self.assertIsNone(self.session.secret("gateway-password", gateway.url, "alice"))

    def test_logout_forgets_secrets(self):
        self.login()
        token = self.session.secret("gateway-token", gateway.url, "alice")
        self.qdesk("logout")
        self.assertIsNone(self.session.secret("gateway-password", gateway.url, "alice"))
        self.assertIsNone(self.session.secret("gateway-token", gateway.url, "alice"))
        # The token no longer works at the gateway either.
        status = qdharness.Api(gateway.url, token).get("/messages").status
        self.assertEqual(status, 401)
        self.qdesk("list", expect=EXIT_SESSION)

    def test_not_signed_in(self):
        proc = self.qdesk("list", expect=EXIT_SESSION)
        self.assertIn("qdesk", proc.stderr.decode())

    def test_http_to_remote_host_refused(self):
        proc = self.qdesk("--gateway", "http://gateway.example.com", "login", "--user", "alice",
                          "--password-stdin", input="x\n", expect=EXIT_NETWORK)
        self.assertIn("https", proc.stderr.decode())

    def test_gateway_down(self):
        port = qdharness.free_port()
        proc = self.qdesk("--gateway", f"http://127.0.0.1:{port}", "login", "--user", "alice",
                          "--password-stdin", input="x\n", expect=EXIT_NETWORK)
        self.assertIn("Cannot reach the gateway", proc.stderr.decode())

    def test_list_after_the_gateway_went_down(self):
        # Signed in, then the gateway is gone: /info, asked while the keyring
        # answers, says so once, as the listing's first page would have.
        with Gateway() as gone:
            gone.add_user("carol", "carol-Secret-3", "carol@example.com")
            gone.start()
            self.login(url=gone.url, user="carol", password="carol-Secret-3")
            gone.kill()
            proc = self.qdesk("list", "--all", "--json", expect=EXIT_NETWORK)
        self.assertIn("Cannot reach the gateway", proc.stderr.decode())
        self.assertEqual(proc.stderr.decode().count("qdesk:"), 1)
        self.assertEqual(proc.stdout, b"")

    def test_usage_errors(self):
        self.qdesk("frobnicate", expect=EXIT_USAGE)
        self.qdesk("list", "--since", "yesterday-ish", expect=EXIT_USAGE)
        self.qdesk("list", "--reason", "ham", expect=EXIT_USAGE)
        self.qdesk("release", expect=EXIT_USAGE)
        # --json is for the commands that write JSON, wherever it stands
        for args in (("show", "--json", "x"), ("--json", "logout")):
            proc = self.qdesk(*args, expect=EXIT_USAGE)
            self.assertIn("--json", proc.stderr.decode())


class ListTests(QdeskTestCase):
    @classmethod
    def setUpClass(cls):
        # 19:00 Japan time two days ago: recent enough to be within retention
        jst = dt.timezone(dt.timedelta(hours=9))
        day = (dt.datetime.now(jst) - dt.timedelta(days=2)).date()
        base = dt.datetime(day.year, day.month, day.day, 19, 0, tzinfo=jst)
        cls.day = day.isoformat()
        cls.ids = {}
        cls.raw = {}
        for i, (folder, reason, category, minutes, subject) in enumerate([
                ("quarantine", "graymail", "marketing", 0, "Summer sale"),
                ("quarantine", "graymail", "marketing", 90, "週末限定セール"),
                ("quarantine", "graymail", "social", 30, "You have a new follower"),
                ("quarantine", "spam", None, 60, "Cheap pills"),
                ("quarantine", "graymail", "marketing", 150, "Late newsletter"),
                ("junk", "spam", None, 10, "Loans now")]):
            cls.raw[subject] = message(subject)
            ids = gateway.ingest("alice", folder, reason, [cls.raw[subject]], category=category,
                                 received=base + dt.timedelta(minutes=minutes))
            cls.ids[subject] = ids[0]

    def setUp(self):
        super().setUp()
        self.login()

    def subjects(self, *args):
        return {i["subject"] for i in self.list_json("--all", *args)["items"]}

    def test_filters(self):
        self.assertEqual(self.subjects("--folder", "junk"), {"Loans now"})
        self.assertIn("Cheap pills", self.subjects("--reason", "spam"))
        self.assertNotIn("Summer sale", self.subjects("--reason", "spam"))
        self.assertEqual(self.subjects("--category", "social"), {"You have a new follower"})
        # the incident window: 19:00 to 21:00 Japan time, newsletters only
        self.assertEqual(self.subjects("--category", "marketing",
                                       "--since", f"{self.day}T19:00:00+09:00",
                                       "--until", f"{self.day}T21:00:00+09:00"),
                         {"Summer sale", "週末限定セール"})
        self.assertEqual(self.subjects("--search", "セール"), {"週末限定セール"})
        self.assertEqual(self.subjects("--search", "CHEAP"), {"Cheap pills"})

    def test_local_time_syntax(self):
        items = self.list_json("--all", "--since", f"{self.day} 00:00", "--category", "social")
        self.assertEqual([i["subject"] for i in items["items"]], ["You have a new follower"])

    def test_human_table(self):
        out = self.qdesk("list", "--reason", "graymail").stdout.decode()
        self.assertIn("Subject", out.splitlines()[0])
        self.assertIn("週末限定セール", out)
        self.assertIn("news@shop.example", out)

    def test_json_has_every_field(self):
        item = self.list_json("--search", "Cheap")["items"][0]
        for field in ("id", "folder", "received_at", "envelope_sender", "from", "from_address",
                      "recipient", "subject", "size", "reason", "category", "policy_rule",
                      "score", "rules", "expires_at", "actions"):
            self.assertIn(field, item)
        self.assertEqual(item["actions"], ["release", "delete", "block-sender", "approve-sender"])

    def test_json_before_or_after_the_command(self):
        before = json.loads(self.qdesk("--json", "list", "--all").stdout)
        self.assertEqual(before, self.list_json("--all"))
        self.assertIn("Summer sale", {i["subject"] for i in before["items"]})

    def test_show(self):
        out = self.qdesk("show", self.ids["週末限定セール"]).stdout.decode()
        self.assertIn("Subject:", out)
        self.assertIn("週末限定セール", out)
        self.assertIn("Hello", out)
        raw = self.qdesk("show", "--raw", self.ids["Cheap pills"]).stdout
        self.assertEqual(raw, self.raw["Cheap pills"])
        self.qdesk("show", "999999", expect=EXIT_PARTIAL)


class PagingTests(QdeskTestCase):
    """Pages of 7 while new mail keeps arriving: no duplicates, none lost."""

    def test_all_pages_with_inserts_between(self):
        with Gateway() as paged:
            paged.add_user("erin", "erin-Secret-5", "erin@example.com")
            paged.ingest("erin", "quarantine", "spam",
                         [message(f"page test {i:03d}", to="erin@example.com") for i in range(120)])
            paged.start(rspamd_url=rspamd.url, extra_args=["--max-page-size", "7"])
            self.qdesk("--gateway", paged.url, "login", "--user", "erin", "--password-stdin",
                       input="erin-Secret-5\n")
            before = {i["id"] for i in qdharness.Api(paged.url).as_user(
                "erin", "erin-Secret-5").list_all(limit=7)}
            self.assertEqual(len(before), 120)

            binary = qdharness.build_root() / "src" / "cli" / "qdesk"
            lister = subprocess.Popen([str(binary), "list", "--all", "--json"],
                                      env=self.session.env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE)
            inserted = 0
            while lister.poll() is None and inserted < 30:
                paged.ingest("erin", "quarantine", "spam",
                             [message(f"arrived {inserted}", to="erin@example.com")])
                inserted += 1
            out, err = lister.communicate(timeout=60)
            self.assertEqual(lister.returncode, 0, err.decode())
            listed = [i["id"] for i in json.loads(out)["items"]]
            self.assertEqual(len(listed), len(set(listed)), "an item was listed twice")
            self.assertTrue(before <= set(listed), "an item present from the start was lost")
            # received_at order, newest first, as the gateway pages it
            times = [i["received_at"] for i in json.loads(out)["items"]]
            self.assertEqual(times, sorted(times, reverse=True))

    def test_limit(self):
        gateway.ingest("alice", "quarantine", "spam", [message(f"limit {i}") for i in range(5)])
        self.login()
        limited = self.list_json("--limit", "3")
        self.assertEqual(len(limited["items"]), 3)
        self.assertGreater(limited["total"], 3)


class ActionTests(QdeskTestCase):
    def setUp(self):
        super().setUp()
        self.login()
        self.maildir = gateway.data_dir / "mail" / "alice"

    def inbox_files(self):
        return sorted((self.maildir / "new").iterdir()) + sorted((self.maildir / "cur").iterdir())

    def test_release_delivers_once(self):
        body = message("release me " + str(time.time()))
        [item] = self.ingest("quarantine", "spam", [body])
        before = len(self.inbox_files())
        out = self.qdesk("release", "--approve-sender", item).stdout.decode()
        self.assertIn("Released 1 message", out)
        files = self.inbox_files()
        self.assertEqual(len(files), before + 1)
        self.assertIn(body, [f.read_bytes() for f in files])
        # again: nothing more is delivered
        self.qdesk("release", item)
        self.assertEqual(len(self.inbox_files()), before + 1)
        senders = json.loads(self.qdesk("senders", "approved", "--json").stdout)["senders"]
        self.assertIn("news@shop.example", [s["address"] for s in senders])
        self.qdesk("senders", "approved", "remove", "news@shop.example")

    def test_move_delete_block(self):
        [junk] = self.ingest("junk", "spam", [message("junk one")])
        [gone] = self.ingest("junk", "spam", [message("junk two")])
        [held] = self.ingest("quarantine", "graymail", [message("graymail one",
                                                                sender="x@bulk.example")],
                             category="bulk")
        self.qdesk("move-to-inbox", junk)
        self.assertEqual(list((self.maildir / ".Junk" / "new").glob(f"*.QD{junk}.*")), [])
        self.assertEqual(len(list((self.maildir / "new").glob(f"*.QD{junk}.*"))), 1)
        self.qdesk("delete", gone)
        self.assertEqual(list((self.maildir / ".Junk" / "new").glob(f"*.QD{gone}.*")), [])
        out = self.qdesk("block-sender", held).stdout.decode()
        self.assertIn("Blocked", out)
        blocked = self.qdesk("senders", "blocked").stdout.decode()
        self.assertIn("x@bulk.example", blocked)
        self.assertNotIn("graymail one", self.qdesk("list", "--all").stdout.decode())
        self.qdesk("senders", "blocked", "remove", "x@bulk.example")

    def test_failures_are_listed_and_exit_1(self):
        [item] = self.ingest("quarantine", "phishing", [message("phish")])
        proc = self.qdesk("release", item, "987654321", expect=EXIT_PARTIAL)
        err = proc.stderr.decode()
        self.assertIn(f"{item}: This action is not allowed", err)
        self.assertIn("987654321: The message is no longer held", err)

    def test_batch_larger_than_gateway_limit(self):
        # the gateway takes 25 ids per request; 60 need three
        subject = f"bulk wave {time.time()}"
        ids = self.ingest("quarantine", "graymail", [message(f"{subject} {i}") for i in range(60)],
                          category="marketing")
        before = len(self.inbox_files())
        out = self.qdesk("release", "--all-matching", "--search", subject).stdout.decode()
        self.assertIn("Released 60 messages", out)
        self.assertEqual(len(self.inbox_files()), before + 60)
        listed = self.list_json("--all", "--search", subject)
        self.assertEqual(listed["items"], [])
        self.assertEqual(len(set(ids)), 60)


class SessionRenewalTests(QdeskTestCase):
    def test_expired_token_renewed_from_keyring(self):
        with Gateway() as short:
            short.add_user("carol", "carol-Secret-3", "carol@example.com")
            short.ingest("carol", "quarantine", "spam", [message("for carol", to="carol@example.com")])
            short.start(rspamd_url=rspamd.url, session_ttl=2)
            self.qdesk("--gateway", short.url, "login", "--user", "carol", "--password-stdin",
                       input="carol-Secret-3\n")
            first = self.session.secret("gateway-token", short.url, "carol")
            time.sleep(3)
            out = self.qdesk("list").stdout.decode()
            self.assertIn("for carol", out)
            renewed = self.session.secret("gateway-token", short.url, "carol")
            self.assertNotEqual(first, renewed)
            # Without a stored password, an expired session asks to sign in again.
            self.session.run_qdesk("logout")
            self.qdesk("--gateway", short.url, "login", "--user", "carol", "--password-stdin",
                       input="carol-Secret-3\n")
            subprocess.run(["secret-tool", "clear", "kind", "gateway-password", "server",
                            short.url, "user", "carol"], env=self.session.env, check=True)
            time.sleep(3)
            proc = self.qdesk("list", expect=EXIT_SESSION)
            self.assertIn("Sign in again", proc.stderr.decode())


class TlsTests(QdeskTestCase):
    def test_self_signed_refused_then_accepted_with_ca_file(self):
        with Gateway() as secure:
            secure.add_user("dave", "dave-Secret-4", "dave@example.com")
            cert, key = qdharness.make_self_signed_cert(secure.work)
            secure.start(rspamd_url=rspamd.url, tls=(cert, key))
            url = f"https://localhost:{secure.http_port}"
            proc = self.qdesk("--gateway", url, "login", "--user", "dave", "--password-stdin",
                              input="dave-Secret-4\n", expect=EXIT_NETWORK)
            self.assertIn("unknown issuer", proc.stderr.decode())
            self.qdesk("--gateway", url, "--ca-file", str(cert), "login", "--user", "dave",
                       "--password-stdin", input="dave-Secret-4\n")
            self.qdesk("list")
            # a certificate for another host stays refused, CA file or not
            wrong = f"https://127.0.0.2:{secure.http_port}"
            proc = self.qdesk("--gateway", wrong, "--ca-file", str(cert), "login", "--user",
                              "dave", "--password-stdin", input="dave-Secret-4\n",
                              expect=None)
            self.assertIn(proc.returncode, (EXIT_NETWORK,))


    def test_lost_connection_is_not_a_certificate_problem(self):
        """A server trusted through --ca-file that drops the connection after the
        handshake: the person is told the connection was lost, not that the
        certificate is refused (the message keeps the system's own verdict)."""
        import socket
        import ssl
        import threading
        with tempfile.TemporaryDirectory(prefix="qd-drop-") as tmp:
            cert, key = qdharness.make_self_signed_cert(tmp)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            listener = socket.create_server(("127.0.0.1", 0))
            port = listener.getsockname()[1]
            stop = threading.Event()

            def serve():
                listener.settimeout(0.5)
                while not stop.is_set():
                    try:
                        raw, _ = listener.accept()
                    except OSError:
                        continue
                    try:
                        with context.wrap_socket(raw, server_side=True) as conn:
                            conn.recv(65536)  # the request, unanswered
                    except (OSError, ssl.SSLError):
                        pass

            thread = threading.Thread(target=serve, daemon=True)
            thread.start()
            try:
                proc = self.qdesk("--gateway", f"https://localhost:{port}", "--ca-file",
                                  str(cert), "login", "--user", "dave", "--password-stdin",
                                  input="dave-Secret-4\n", expect=EXIT_NETWORK)
            finally:
                stop.set()
                thread.join()
                listener.close()
            message = proc.stderr.decode()
            self.assertNotIn("certificate", message)
            self.assertNotIn("issuer", message)

    def test_expired_certificate_refused_even_with_ca_file(self):
        with Gateway() as secure:
            secure.add_user("erin", "erin-Secret-5", "erin@example.com")
            cert, key = qdharness.make_self_signed_cert(secure.work, expired=True)
            secure.start(tls=(cert, key))
            url = f"https://localhost:{secure.http_port}"
            proc = self.qdesk("--gateway", url, "--ca-file", str(cert), "login", "--user",
                              "erin", "--password-stdin", input="erin-Secret-5\n",
                              expect=EXIT_NETWORK)
            self.assertIn("expired", proc.stderr.decode())
            self.assertIsNone(self.session.secret("gateway-token", url, "erin"))


class CheckTests(QdeskTestCase):
    def setUp(self):
        super().setUp()
        self.login()

    def check(self, data):
        path = Path(self.session.root) / "sample.eml"
        path.write_bytes(data)
        return json.loads(self.qdesk("check", "--json", str(path)).stdout)

    def test_gtube_is_spam(self):
        verdict = self.check(qdharness.gtube_message())
        self.assertTrue(verdict["classified_as_spam"])
        self.assertEqual(verdict["verdict"], "spam")
        self.assertIn("GTUBE", [r["name"] for r in verdict["rules"]])

    def test_personal_message_is_not_spam(self):
        verdict = self.check(qdharness.personal_message())
        self.assertFalse(verdict["classified_as_spam"])
        self.assertLess(verdict["score"], verdict["threshold"])

    def test_human_output_and_exit_status(self):
        path = Path(self.session.root) / "gtube.eml"
        path.write_bytes(qdharness.gtube_message())
        out = self.qdesk("check", str(path)).stdout.decode()
        self.assertIn("This message is currently classified as spam.", out)
        empty = Path(self.session.root) / "empty.eml"
        empty.write_bytes(b"")
        self.qdesk("check", str(empty), expect=EXIT_USAGE)


if __name__ == "__main__":
    qdharness.require("qd-gateway")
    qdharness.require("rspamd")
    qdharness.require("openssl")
    unittest.main(verbosity=2)
