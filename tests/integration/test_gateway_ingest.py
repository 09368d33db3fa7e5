#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""rspamd's side of qd-gateway: the ingest listener, POST /rspamd/ingest and the sender maps.

Requests have the shape of rspamd 3.4's metadata_exporter (docs/gateway-api.md,
"For the mail system"), sent with urllib to the real qd-gateway."""

import base64
import email.utils
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT")
                            or Path(__file__).resolve().parents[2]) / "tests" / "lib"))
import qdharness as h  # noqa: E402

SECRET = "s3cret-Ingest!"
MAX_BYTES = 200_000
_serial = iter(range(1, 1_000_000))

SYMBOLS = [
    {"groups": ["headers"], "group": "headers", "name": "RDNS_NONE", "score": 1},
    {"groups": ["multimap"], "options": ["spam"], "group": "multimap", "name": "QD_TEST_HDR",
     "score": 20},
    {"name": "MIME_GOOD", "score": -0.1},
]



def original(queue_id: str) -> bytes:
    """The message of one SMTP transaction: bytes a mail system may carry (CRLF,
    8-bit text, a NUL, a line that starts with a dot), and a Message-ID of its
    own, as another message would have (the gateway knows a sender's retry by it)."""
    return (b"From: Offers <offers@spam.example>\r\n"
            b"To: demo@example.com\r\n"
            b"Subject: Cheap \xe9 watches\r\n"
            b"Message-ID: <ingest-" + queue_id.encode() + b"@spam.example>\r\n"
            b"\r\n"
            b".a line that starts with a dot\r\n"
            b"a NUL \x00 byte, and 8-bit \xff\r\n")


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


AUTH = basic("rspamd", SECRET)


def qid() -> str:
    return f"QID{os.getpid()}X{next(_serial)}"


def exporter_headers(queue_id, rcpt, sender="bounce@spam.example", symbols=None,
                     action="reject", score="28.5") -> dict:
    """The headers rspamd's exporter sends (meta_headers = true)."""
    headers = {
        "Content-Type": "text/plain",
        "Authorization": AUTH,
        "X-Rspamd-action": action,
        "X-Rspamd-score": score,
        "X-Rspamd-from": sender,
        "X-Rspamd-rcpt": rcpt if isinstance(rcpt, str) else json.dumps(rcpt),
        "X-Rspamd-symbols": json.dumps(SYMBOLS if symbols is None else symbols),
        "X-Rspamd-subject": "Cheap watches",
        "X-Rspamd-ip": "192.0.2.1",
        "X-Rspamd-user": "unknown",
        "X-Rspamd-fuzzy": "[]",
        "X-Rspamd-scan_time": "6",
        "X-Rspamd-rspamd_server": "vm",
        "User-Agent": "rspamd-3.4",
    }
    if queue_id is not None:
        headers["X-Rspamd-qid"] = queue_id
    return headers


class IngestTestCase(h.GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gw = cls.start_gateway(ingest_secret=SECRET, max_ingest_bytes=MAX_BYTES)
        name, pw, cls.address = cls.gw.new_user("demo", address=f"Demo{os.getpid()}@Example.com")
        cls.user = name
        cls.api = cls.gw.login(name, pw)
        cls.rcpt = cls.address.lower()
        cls.ingest = h.Api(cls.gw.ingest_url)

    def post(self, headers: dict, body: bytes | None = None) -> h.Response:
        if body is None:
            body = original(headers.get("X-Rspamd-qid", "none"))
        return self.ingest.request("POST", self.gw.ingest_url + "/rspamd/ingest", raw=body,
                                   token=None, headers=headers)

    def get(self, path: str, headers: dict | None = None, method: str = "GET") -> h.Response:
        hdrs = {"Authorization": AUTH}
        hdrs.update(headers or {})
        return self.ingest.request(method, self.gw.ingest_url + path, token=None, headers=hdrs)

    def held(self, **params) -> list[dict]:
        return self.api.list_all(**params)

    def new_items(self, before: set) -> list[dict]:
        """The held items whose ids are not in BEFORE."""
        return [i for i in self.held() if i["id"] not in before]


class Ingest(IngestTestCase):

    def test_held_as_captured(self):
        before = {i["id"] for i in self.held()}
        queue_id = qid()
        r = self.post(exporter_headers(queue_id, [self.address.upper(), "nobody@example.com"]))
        self.assertEqual(self.assertOk(r),
                         {"held": 1, "released": 0, "dropped": 0, "duplicates": 0,
                          "ignored": 1})
        new = self.new_items(before)
        self.assertEqual(len(new), 1, new)
        item = new[0]
        self.assertEqual(item["folder"], "quarantine")
        self.assertEqual(item["status"], "held")
        self.assertEqual(item["reason"], "spam")
        self.assertIsNone(item["category"])
        self.assertEqual(item["policy_rule"], "Anti-spam: spam")
        self.assertEqual(item["score"], 28.5)
        self.assertEqual(item["rules"], ["QD_TEST_HDR", "RDNS_NONE"])
        self.assertEqual(item["envelope_sender"], "bounce@spam.example")
        self.assertEqual(item["recipient"], self.address)
        self.assertEqual(item["from_address"], "offers@spam.example")
        self.assertEqual(item["size"], len(original(queue_id)))
        received = h.parse_iso(item["received_at"])
        self.assertLess(abs((received - h.utcnow()).total_seconds()), 30)
        raw = self.api.get(f"/messages/{item['id']}/raw")
        self.assertEqual(raw.status, 200)
        self.assertEqual(raw.body, original(queue_id))

    def test_retry_is_a_duplicate(self):
        queue_id = qid()
        before = {i["id"] for i in self.held()}
        first = self.assertOk(self.post(exporter_headers(queue_id, [self.address])))
        self.assertEqual(first["held"], 1)
        for _ in range(2):
            again = self.assertOk(self.post(exporter_headers(queue_id, [self.address])))
            self.assertEqual(again, {"held": 0, "released": 0, "dropped": 0, "duplicates": 1,
                                     "ignored": 0})
        self.assertEqual(len(self.new_items(before)), 1)

    def test_graymail_category(self):
        before = {i["id"] for i in self.held()}
        symbols = [{"name": "QD_GRAYMAIL_BULK", "score": 2},
                   {"name": "QD_GRAYMAIL_SOCIAL", "score": 3},
                   {"name": "PHISHING", "score": 9}]
        self.assertOk(self.post(exporter_headers(qid(), [self.address], symbols=symbols,
                                                 action="no action", score="14")))
        item, = self.new_items(before)
        self.assertEqual(item["reason"], "graymail")
        self.assertEqual(item["category"], "social")
        self.assertEqual(item["policy_rule"], "Graymail: social network notifications")
        self.assertEqual(item["rules"], ["PHISHING", "QD_GRAYMAIL_SOCIAL", "QD_GRAYMAIL_BULK"])
        self.assertEqual(self.held(category="social")[0]["id"], item["id"])

    def test_phishing_and_malware(self):
        for symbol, reason in (("PHISHED_OPENPHISH", "phishing"), ("CLAM_VIRUS_EICAR", "malware")):
            before = {i["id"] for i in self.held()}
            self.assertOk(self.post(exporter_headers(qid(), [self.address],
                                                     symbols=[{"name": symbol, "score": 5}])))
            item, = self.new_items(before)
            self.assertEqual(item["reason"], reason)

    def test_null_sender(self):
        before = {i["id"] for i in self.held()}
        self.assertOk(self.post(exporter_headers(qid(), [self.address], sender="unknown")))
        item, = self.new_items(before)
        self.assertEqual(item["envelope_sender"], "")

    def test_bad_requests(self):
        before = {i["id"] for i in self.held()}
        for queue_id in (None, "unknown", ""):
            self.assertError(self.post(exporter_headers(queue_id, [self.address])), 400,
                             "bad_request", msg=f"qid {queue_id!r}")
        self.assertError(self.post(exporter_headers(qid(), "not json")), 400, "bad_request")
        self.assertError(self.post(exporter_headers(qid(), [self.address]), b""), 400,
                         "bad_request")
        self.assertEqual(self.new_items(before), [])

    def test_nobody_addressed(self):
        r = self.post(exporter_headers(qid(), "unknown"))
        self.assertEqual(self.assertOk(r), {"held": 0, "released": 0, "dropped": 0,
                                            "duplicates": 0, "ignored": 0})
        r = self.post(exporter_headers(qid(), [f"x{i}@elsewhere.example" for i in range(200)]))
        self.assertEqual(self.assertOk(r)["ignored"], 200)

    def test_many_recipients_hold_once(self):
        before = {i["id"] for i in self.held()}
        rcpt = [f"r{i}@example.net" for i in range(2000)] + [self.address] * 3
        r = self.post(exporter_headers(qid(), rcpt))
        self.assertEqual(self.assertOk(r), {"held": 1, "released": 0, "dropped": 0,
                                            "duplicates": 0, "ignored": 2000})
        self.assertEqual(len(self.new_items(before)), 1)

    def test_sender_retry_is_a_duplicate(self):
        # Our 200 was lost: rspamd deferred, Postfix answered 451, and the sending
        # server sends the same message again, in a new transaction (a new queue id).
        first = qid()
        before = {i["id"] for i in self.held()}
        self.assertEqual(self.assertOk(self.post(exporter_headers(first, [self.address])))["held"], 1)
        again = self.assertOk(self.post(exporter_headers(qid(), [self.address]), original(first)))
        self.assertEqual((again["held"], again["duplicates"]), (0, 1))
        self.assertEqual(len(self.new_items(before)), 1)
        # The same Message-ID from another envelope sender is another message.
        other = self.assertOk(self.post(exporter_headers(qid(), [self.address],
                                                         sender="other@spam.example"),
                                        original(first)))
        self.assertEqual(other["held"], 1)
        self.assertEqual(len(self.new_items(before)), 2)

    def test_subaddress_is_the_user(self):
        local, _, domain = self.rcpt.partition("@")
        before = {i["id"] for i in self.held()}
        r = self.assertOk(self.post(exporter_headers(qid(), [f"{local}+news@{domain}",
                                                             f"{local}+deals@{domain}"])))
        self.assertEqual((r["held"], r["ignored"]), (1, 0))
        [item] = self.new_items(before)
        self.assertEqual(item["recipient"], self.address)

    def test_size_limit(self):
        queue_id = qid()
        headers = exporter_headers(queue_id, [self.address])
        before = {i["id"] for i in self.held()}
        r = self.ingest.raw_exchange("POST", self.gw.ingest_url + "/rspamd/ingest", headers,
                                     original(queue_id) + b"x" * (MAX_BYTES + 1 - len(original(queue_id))))
        self.assertError(r, 413, "payload_too_large")
        self.assertEqual(self.new_items(before), [])
        # Decided from Content-Length: a client that waits for 100 Continue sends nothing.
        sock = socket.create_connection(("127.0.0.1", self.gw.ingest_port), timeout=10)
        with sock:
            head = (f"POST /rspamd/ingest HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    f"Content-Length: {10 * MAX_BYTES}\r\n")
            head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
            sock.sendall(head.encode())
            answer = sock.recv(4096).decode("latin-1")
        self.assertTrue(answer.startswith("HTTP/1.1 413"), answer)
        # The limit itself is accepted.
        body = original(queue_id) + b"x" * (MAX_BYTES - len(original(queue_id)))
        self.assertEqual(self.assertOk(self.post(headers, body))["held"], 1)

    def test_chunked_refused(self):
        headers = exporter_headers(qid(), [self.address])
        sock = socket.create_connection(("127.0.0.1", self.gw.ingest_port), timeout=10)
        with sock:
            head = "POST /rspamd/ingest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
            sock.sendall(head.encode() + b"5\r\nhello\r\n0\r\n\r\n")
            answer = sock.recv(4096).decode("latin-1")
        self.assertTrue(answer.startswith("HTTP/1.1 411"), answer)

    def test_storage_failure_answers_503(self):
        queue_id = qid()
        messages = self.gw.data_dir / "messages"
        aside = self.gw.data_dir / "messages.aside"
        before = {i["id"] for i in self.held()}
        messages.rename(aside)
        try:
            messages.write_bytes(b"")   # a file where the directory was
            r = self.post(exporter_headers(queue_id, [self.address]))
            self.assertEqual(r.status, 503, r.body)
            self.assertEqual(self.new_items(before), [])
        finally:
            if messages.is_file():
                messages.unlink()
            aside.rename(messages)
        # rspamd's retry, once the store works again.
        self.assertEqual(self.assertOk(self.post(exporter_headers(queue_id, [self.address])))
                         ["held"], 1)


class Authentication(IngestTestCase):

    def test_refused_without_the_secret(self):
        before = {i["id"] for i in self.held()}
        for auth in (None, basic("rspamd", "wrong"), basic("admin", SECRET),
                     basic("rspamd", SECRET + "x"), basic("rspamd", SECRET[:-1]),
                     f"Bearer {self.api.token}", "Basic !!!", AUTH.lower()):
            headers = exporter_headers(qid(), [self.address])
            headers["Authorization"] = auth
            r = self.post(headers)
            self.assertError(r, 401, "unauthorized", msg=f"auth {auth!r}")
            self.assertEqual(r.headers.get("WWW-Authenticate"), 'Basic realm="qd-gateway ingest"')
            for path in ("/rspamd/maps/approved", "/rspamd/maps/blocked"):
                r = self.get(path, {"Authorization": auth})
                self.assertEqual(r.status, 401, path)
        self.assertEqual(self.new_items(before), [])

    def test_listeners_are_apart(self):
        # The users' API answers 404 on rspamd's paths, with or without the secret...
        for path in ("/rspamd/ingest", "/rspamd/maps/approved", "/rspamd/maps/blocked"):
            r = self.api.request("GET", self.gw.url + path, headers={"Authorization": AUTH})
            self.assertError(r, 404, "not_found", msg=path)
            r = self.api.request("POST", self.gw.url + path, raw=original("users-api"),
                                 headers=exporter_headers(qid(), [self.address]))
            self.assertError(r, 404, "not_found", msg=path)
        # ...and the ingest listener on every users' API path.
        for method, path in (("GET", "/api/v1/info"), ("GET", "/api/v1/messages"),
                             ("POST", "/api/v1/session"), ("GET", "/api/v1/approved-senders"),
                             ("GET", "/"), ("GET", "/rspamd"), ("GET", "/rspamd/maps")):
            for auth in (AUTH, f"Bearer {self.api.token}", None):
                r = self.ingest.request(method, self.gw.ingest_url + path, token=None,
                                        headers={"Authorization": auth})
                self.assertError(r, 404, "not_found", msg=f"{method} {path}")

    def test_methods(self):
        r = self.get("/rspamd/ingest")
        self.assertError(r, 405, "method_not_allowed")
        r = self.ingest.request("POST", self.gw.ingest_url + "/rspamd/maps/approved", raw=b"x",
                                token=None, headers={"Authorization": AUTH})
        self.assertError(r, 405, "method_not_allowed")

    def test_secret_never_logged(self):
        self.post(exporter_headers(qid(), [self.address]))
        headers = exporter_headers(qid(), [self.address])
        headers["Authorization"] = basic("rspamd", "wrong")
        self.post(headers)
        log = self.gw.log_path.read_bytes()
        self.assertNotIn(SECRET.encode(), log)
        self.assertNotIn(AUTH.split()[1].encode(), log)


class Maps(IngestTestCase):

    def map_lines(self, name: str) -> list[str]:
        r = self.get(f"/rspamd/maps/{name}")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("text/plain"))
        return r.body.decode("utf-8").splitlines()

    def test_entries(self):
        mine = f"{self.rcpt}|"
        self.assertOk(self.api.post("/approved-senders", {"address": "News@Garden.example"}), 201)
        self.assertOk(self.api.post("/approved-senders", {"address": "@Friends.example"}), 201)
        self.assertOk(self.api.post("/blocked-senders", {"address": "spam@Pushy.example"}), 201)
        approved = [line for line in self.map_lines("approved") if line.startswith(mine)]
        self.assertEqual(approved, [f"{self.rcpt}|@friends.example",
                                    f"{self.rcpt}|news@garden.example"])
        blocked = [line for line in self.map_lines("blocked") if line.startswith(mine)]
        self.assertEqual(blocked, [f"{self.rcpt}|spam@pushy.example"])
        # Blocking an approved entry moves it.
        self.assertOk(self.api.post("/blocked-senders", {"address": "news@garden.example"}), 201)
        self.assertNotIn(f"{self.rcpt}|news@garden.example", self.map_lines("approved"))
        self.assertIn(f"{self.rcpt}|news@garden.example", self.map_lines("blocked"))
        self.assertEqual(self.api.delete("/blocked-senders/news@garden.example").status, 204)
        self.assertNotIn(f"{self.rcpt}|news@garden.example", self.map_lines("blocked"))

    def test_head(self):
        self.assertOk(self.api.post("/approved-senders", {"address": "head@example.org"}), 201)
        get = self.get("/rspamd/maps/approved")
        head = self.get("/rspamd/maps/approved", method="HEAD")
        self.assertEqual(head.status, 200)
        self.assertEqual(head.body, b"")
        self.assertEqual(head.headers.get("Last-Modified"), get.headers.get("Last-Modified"))

    def test_if_modified_since(self):
        r = self.get("/rspamd/maps/blocked")
        last = email.utils.parsedate_to_datetime(r.headers["Last-Modified"])

        def since(dt) -> dict:
            return {"If-Modified-Since": email.utils.format_datetime(dt, usegmt=True)}

        # The change's own second is not strictly earlier: the map again.
        self.assertEqual(self.get("/rspamd/maps/blocked", since(last)).status, 200)
        later = last + h._dt.timedelta(seconds=1)
        self.assertEqual(self.get("/rspamd/maps/blocked", since(later)).status, 304)
        self.assertEqual(self.get("/rspamd/maps/blocked", since(later), method="HEAD").status,
                         304)
        self.assertEqual(self.get("/rspamd/maps/blocked", {"If-Modified-Since": "garbage"}).status,
                         200)

        # A change moves Last-Modified, and a poll with the old time gets the new map.
        h.wait_for(lambda: h.utcnow() > last, 3, "the next second")
        self.assertOk(self.api.post("/blocked-senders", {"address": "late@example.org"}), 201)
        r = self.get("/rspamd/maps/blocked", since(later))
        self.assertEqual(r.status, 200)
        self.assertIn(f"{self.rcpt}|late@example.org", r.body.decode().splitlines())
        newer = email.utils.parsedate_to_datetime(r.headers["Last-Modified"])
        self.assertGreater(newer, last)
        # Two changes in one second: the second is never missed.
        self.assertOk(self.api.post("/blocked-senders", {"address": "later@example.org"}), 201)
        r = self.get("/rspamd/maps/blocked", since(newer))
        self.assertEqual(r.status, 200)
        self.assertIn(f"{self.rcpt}|later@example.org", r.body.decode().splitlines())


class SenderLists(IngestTestCase):

    def test_blocked_dropped_approved_released(self):
        self.assertOk(self.api.post("/blocked-senders", {"address": "@blocked.example"}), 201)
        self.assertOk(self.api.post("/approved-senders", {"address": "friend@ok.example"}), 201)
        before = {i["id"] for i in self.held()}
        inbox_before = len(self.gw.maildir_files(self.user))

        r = self.post(exporter_headers(qid(), [self.address], sender="x@blocked.example"))
        self.assertEqual(self.assertOk(r), {"held": 0, "released": 0, "dropped": 1,
                                            "duplicates": 0, "ignored": 0})
        queue_id = qid()
        r = self.post(exporter_headers(queue_id, [self.address], sender="Friend@OK.example",
                                       symbols=[{"name": "QD_GRAYMAIL_MARKETING", "score": 1}]))
        self.assertEqual(self.assertOk(r), {"held": 0, "released": 1, "dropped": 0,
                                            "duplicates": 0, "ignored": 0})
        self.assertEqual(self.new_items(before), [])
        # Without --relay, released the way the embedded mode releases: into the mailbox.
        inbox = self.gw.maildir_files(self.user)
        self.assertEqual(len(inbox), inbox_before + 1)
        self.assertEqual(inbox[-1].read_bytes(), original(queue_id))
        # rspamd's retry releases nothing twice.
        r = self.post(exporter_headers(queue_id, [self.address], sender="Friend@OK.example"))
        self.assertEqual(self.assertOk(r)["duplicates"], 1)
        self.assertEqual(len(self.gw.maildir_files(self.user)), inbox_before + 1)


class StartUp(h.GatewayTestCase):

    def serve(self, gw: h.Gateway, *args) -> subprocess.CompletedProcess:
        return gw.run("serve", "--data", gw.data_dir, "--listen", "127.0.0.1:0", *args,
                      check=False, timeout=30)

    def test_refuses_a_bad_secret_file(self):
        with h.Gateway() as gw:
            path = gw.work / "secret"
            path.write_text("topsecret\n")
            for mode in (0o640, 0o604, 0o660):
                os.chmod(path, mode)
                p = self.serve(gw, "--ingest-listen", "127.0.0.1:0", "--ingest-secret-file", path)
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertIn(b"chmod 600", p.stderr)
                self.assertNotIn(b"topsecret", p.stderr + p.stdout)
            os.chmod(path, 0o600)
            path.write_text("\n")
            p = self.serve(gw, "--ingest-listen", "127.0.0.1:0", "--ingest-secret-file", path)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn(b"no secret", p.stderr)
            p = self.serve(gw, "--ingest-listen", "127.0.0.1:0", "--ingest-secret-file",
                           gw.work / "missing")
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn(b"missing", p.stderr)
            p = self.serve(gw, "--ingest-listen", "127.0.0.1:0")
            self.assertEqual(p.returncode, 2, p.stderr)
            p = self.serve(gw, "--ingest-listen", "nonsense", "--ingest-secret-file", path)
            self.assertEqual(p.returncode, 2, p.stderr)

    def test_without_the_listener(self):
        with h.Gateway() as gw:
            gw.start()
            self.assertIsNone(gw.ready.get("ingest_port"))
            self.assertEqual(gw.api().get("/info").status, 200)


if __name__ == "__main__":
    h.main()
