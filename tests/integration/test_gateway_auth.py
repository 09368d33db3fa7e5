#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Gateway API v1: sessions, tokens, expiry and sign-in throttling."""

import os
import re
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT")
                            or Path(__file__).resolve().parents[2]) / "tests" / "lib"))
import qdharness as h  # noqa: E402

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")

# Calls that need a token, with a body where they take one.
AUTHED_CALLS = [
    ("GET", "/session", None),
    ("GET", "/messages", None),
    ("GET", "/messages/1", None),
    ("GET", "/messages/1/raw", None),
    ("POST", "/messages/release", {"ids": ["1"]}),
    ("POST", "/messages/request-release", {"ids": ["1"]}),
    ("POST", "/messages/move-to-inbox", {"ids": ["1"]}),
    ("POST", "/messages/delete", {"ids": ["1"]}),
    ("POST", "/messages/block-sender", {"ids": ["1"]}),
    ("GET", "/approved-senders", None),
    ("POST", "/approved-senders", {"address": "a@example.org"}),
    ("DELETE", "/approved-senders/a@example.org", None),
    ("GET", "/blocked-senders", None),
    ("POST", "/blocked-senders", {"address": "a@example.org"}),
    ("DELETE", "/blocked-senders/a@example.org", None),
]


class Sessions(h.GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gw = cls.start_gateway()
        cls.api = cls.gw.api()
        cls.name, cls.pw, cls.address = cls.gw.new_user("sess", display_name="Session Tester")
        # A held item, so that a token that wrongly works would have something to act on.
        cls.item = cls.gw.ingest(cls.name, "quarantine", "spam", [h.personal_message()])[0]

    def sign_in(self, username=None, password=None):
        return self.api.post("/session", {"username": username or self.name,
                                          "password": password or self.pw}, token=None)

    def test_sign_in(self):
        before = h.utcnow()
        r = self.sign_in()
        body = self.assertOk(r)
        self.assertIn("application/json", r.headers.get("Content-Type", "").lower())
        self.assertRegex(body["token"], TOKEN_RE)
        self.assertRegex(body["expires_at"], h.ISO_Z_RE)
        ttl = (h.parse_iso(body["expires_at"]) - before).total_seconds()
        self.assertTrue(3595 <= ttl <= 3605, f"expires_at {body['expires_at']}: ttl {ttl}")
        self.assertEqual(body["user"], {"username": self.name, "address": self.address,
                                        "display_name": "Session Tester"})

    def test_tokens_are_distinct_and_random(self):
        tokens = {self.sign_in().body["token"] for _ in range(5)}
        self.assertEqual(len(tokens), 5)

    def test_token_is_not_stored_in_clear(self):
        token = self.sign_in().body["token"]
        # The token works …
        self.assertOk(self.api.get("/session", token=token))
        # … yet no file of the data directory holds it.
        for path in self.gw.data_dir.rglob("*"):
            if path.is_file():
                self.assertNotIn(token.encode(), path.read_bytes(), f"token found in {path}")

    def test_get_session(self):
        login = self.sign_in().body
        r = self.api.get("/session", token=login["token"])
        body = self.assertOk(r)
        self.assertEqual(body["user"], login["user"])
        self.assertEqual(body["expires_at"], login["expires_at"])
        self.assertNotIn("token", body)

    def test_wrong_password(self):
        r = self.sign_in(password=self.pw + "x")
        self.assertError(r, 401, "auth_failed")
        self.assertNotIn("token", r.body)

    def test_unknown_user_answers_like_wrong_password(self):
        wrong_pw = self.sign_in(password="not-the-password")
        unknown = self.sign_in(username="nobody-" + secrets.token_hex(4), password="not-the-password")
        self.assertError(unknown, 401, "auth_failed")
        self.assertEqual(unknown.status, wrong_pw.status)
        self.assertEqual(unknown.body, wrong_pw.body, "user names can be probed")

    def test_empty_password_fails(self):
        r = self.api.post("/session", {"username": self.name, "password": ""}, token=None)
        self.assertIn(r.status, (400, 401), r.body)
        self.assertIn(r.error_code, ("auth_failed", "bad_request", "invalid_parameter"))

    def test_sign_out(self):
        token = self.sign_in().body["token"]
        other = self.sign_in().body["token"]
        r = self.api.delete("/session", token=token)
        self.assertEqual(r.status, 204, r.body)
        self.assertEqual(r.body, b"")
        # The token stops working at once, for every call.
        for method, path, body in AUTHED_CALLS:
            with self.subTest(method=method, path=path):
                r = self.api.request(method, path, body=body, token=token)
                self.assertError(r, 401, "unauthorized")
        self.assertError(self.api.delete("/session", token=token), 401, "unauthorized")
        # The other session of the same user goes on.
        self.assertOk(self.api.get("/session", token=other))
        self.assertEqual(self.api.get(f"/messages/{self.item}", token=other).body["status"], "held")

    def test_missing_token(self):
        for method, path, body in AUTHED_CALLS + [("DELETE", "/session", None)]:
            with self.subTest(method=method, path=path):
                r = self.api.request(method, path, body=body, token=None)
                self.assertError(r, 401, "unauthorized")

    def test_classify_needs_a_token(self):
        r = self.api.request("POST", "/classify", raw=h.personal_message(), token=None)
        self.assertError(r, 401, "unauthorized")

    def test_garbage_tokens(self):
        headers = ["Bearer garbage", "Bearer " + secrets.token_urlsafe(32),
                   "Bearer ", "Bearer", "Basic ZGVtbzpkZW1v", "bearer",
                   "Bearer " + "A" * 5000, "Bearer ' OR '1'='1", "Bearer %00"]
        for value in headers:
            for method, path, body in (("GET", "/messages", None), ("GET", "/session", None),
                                       ("POST", "/messages/release", {"ids": [self.item]})):
                with self.subTest(header=value[:40], path=path):
                    r = self.api.request(method, path, body=body, token=None,
                                         headers={"Authorization": value})
                    self.assertError(r, 401, "unauthorized")
        self.assertEqual(self.gw.maildir_files(self.name), [])

    def test_well_formed_token_never_issued(self):
        # A well-formed token that was never issued.
        r = self.api.get("/messages", token=secrets.token_urlsafe(32))
        self.assertError(r, 401, "unauthorized")


class Expiry(h.GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gw = cls.start_gateway(session_ttl=2)
        cls.api = cls.gw.api()
        cls.name, cls.pw, _ = cls.gw.new_user("exp")

    def test_expired_token(self):
        login = self.api.post("/session", {"username": self.name, "password": self.pw},
                              token=None).body
        token = login["token"]
        expires = h.parse_iso(login["expires_at"])
        ttl = (expires - h.utcnow()).total_seconds()
        self.assertTrue(0 <= ttl <= 3, f"expires_at {login['expires_at']} with ttl 2")
        first = self.api.get("/session", token=token)
        self.assertOk(first, msg="a fresh session")

        r = h.wait_for(lambda: (lambda x: x if x.status != 200 else None)(
            self.api.get("/messages", token=token)), 10, "the session to expire", interval=0.1)
        self.assertError(r, 401, "session_expired")
        # Not before its time (1 s of slack for clock granularity).
        self.assertGreaterEqual(time.time(), expires.timestamp() - 1)
        # Still expired (not forgotten) on every call, then signing in again works.
        self.assertError(self.api.get("/session", token=token), 401, "session_expired")
        self.assertError(self.api.post("/messages/release", {"ids": ["1"]}, token=token),
                         401, "session_expired")
        again = self.api.post("/session", {"username": self.name, "password": self.pw},
                              token=None)
        self.assertOk(again)
        self.assertOk(self.api.get("/session", token=again.body["token"]))


class Throttling(h.GatewayTestCase):
    """A fresh gateway per test: the counters are per gateway."""

    def setUp(self):
        self.gw = self.enterContext(h.Gateway())
        self.gw.start()
        self.api = self.gw.api()

    def attempt(self, name, password):
        return self.api.post("/session", {"username": name, "password": password}, token=None)

    def assertRateLimited(self, r):
        err = self.assertError(r, 429, "rate_limited")
        retry = r.body["error"].get("retry_after")
        self.assertIsInstance(retry, int, r.body)
        self.assertTrue(0 < retry <= 300, f"retry_after {retry}")
        header = r.headers.get("Retry-After")
        self.assertIsNotNone(header, "429 without a Retry-After header")
        self.assertEqual(int(header), retry)
        self.assertNotIn("token", r.body)
        return err

    def test_five_failures_then_even_the_right_password_is_refused(self):
        name, pw, _ = self.gw.new_user("thr")
        for i in range(5):
            self.assertError(self.attempt(name, f"wrong{i}"), 401, "auth_failed",
                             f"failed attempt {i + 1}")
        self.assertRateLimited(self.attempt(name, pw))
        self.assertRateLimited(self.attempt(name, "wrong again"))
        # Another user from the same address is not affected (5 < 20).
        other, other_pw, _ = self.gw.new_user("thr")
        self.assertOk(self.attempt(other, other_pw))

    def test_success_clears_the_count(self):
        name, pw, _ = self.gw.new_user("thr")
        for i in range(4):
            self.assertError(self.attempt(name, f"wrong{i}"), 401, "auth_failed")
        self.assertOk(self.attempt(name, pw))
        for i in range(4):
            self.assertError(self.attempt(name, f"again{i}"), 401, "auth_failed",
                             f"after a success, failed attempt {i + 1}")
        self.assertOk(self.attempt(name, pw))

    def test_unknown_user_names_are_throttled_too(self):
        ghost = "ghost-" + secrets.token_hex(3)
        for i in range(5):
            self.assertError(self.attempt(ghost, f"wrong{i}"), 401, "auth_failed")
        self.assertRateLimited(self.attempt(ghost, "wrong"))

    def test_twenty_failures_from_one_address(self):
        users = [self.gw.new_user("peer") for _ in range(6)]
        n = 0
        for name, _, _ in users[:5]:
            for i in range(4):  # under the per-user limit
                n += 1
                self.assertError(self.attempt(name, f"wrong{i}"), 401, "auth_failed",
                                 f"failed attempt {n} from this address")
        self.assertEqual(n, 20)
        name, pw, _ = users[5]
        self.assertRateLimited(self.attempt(name, pw))


if __name__ == "__main__":
    h.main()
