#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Gateway API v1: POST /classify against a real rspamd."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT")
                            or Path(__file__).resolve().parents[2]) / "tests" / "lib"))
import qdharness as h  # noqa: E402

SPAM_ACTIONS = {"reject", "add header", "rewrite subject", "soft reject"}


class ClassifyTestCase(h.GatewayTestCase):

    def classify(self, message: bytes, api=None, content_type="message/rfc822", **kw):
        api = api or self.api
        return api.request("POST", "/classify", raw=message,
                           headers={"Content-Type": content_type}, **kw)

    def assertVerdict(self, r, verdict):
        body = self.assertOk(r, msg="classify")
        self.assertIn("application/json", r.headers.get("Content-Type", "").lower())
        self.assertEqual(body["verdict"], verdict, body)
        self.assertIs(body["classified_as_spam"], verdict == "spam", body)
        self.assertIsInstance(body["score"], (int, float))
        self.assertIsInstance(body["threshold"], (int, float))
        self.assertIsInstance(body["action"], str)
        self.assertIsInstance(body["reported"], bool)
        self.assertIsInstance(body["rules"], list)
        for rule in body["rules"]:
            self.assertIsInstance(rule["name"], str)
            self.assertIsInstance(rule["score"], (int, float))
            self.assertIn("description", rule)
        scores = [rule["score"] for rule in body["rules"]]
        self.assertEqual(scores, sorted(scores, reverse=True), "rules: highest score first")
        return body

    @staticmethod
    def rule_names(body):
        return {rule["name"] for rule in body["rules"]}


class Classify(ClassifyTestCase):

    @classmethod
    def setUpClass(cls):
        cls.rspamd = cls.enterClassContext(h.Rspamd())
        cls.gw = cls.start_gateway(rspamd_url=cls.rspamd.url)
        name, pw, cls.address = cls.gw.new_user("cls")
        cls.user = name
        cls.api = cls.gw.login(name, pw)

    def test_gtube_is_spam(self):
        body = self.assertVerdict(self.classify(h.gtube_message(to=self.address)), "spam")
        self.assertIn("GTUBE", self.rule_names(body))
        self.assertIn(body["action"], SPAM_ACTIONS)
        self.assertEqual(body["action"], "reject")
        self.assertEqual(body["threshold"], 6.0)
        self.assertIs(body["reported"], False)
        self.assertNotIn("QD_REPORTED_SAMPLE", self.rule_names(body))

    def test_gtube_with_crlf(self):
        self.assertVerdict(self.classify(h.gtube_message(crlf=True)), "spam")

    def test_personal_message_is_clean(self):
        body = self.assertVerdict(self.classify(h.personal_message(to=self.address)), "clean")
        self.assertNotIn(body["action"], SPAM_ACTIONS)
        self.assertLess(body["score"], body["threshold"])
        self.assertIs(body["reported"], False)
        self.assertNotIn("GTUBE", self.rule_names(body))

    def test_newsletter_is_graymail(self):
        msg = h.newsletter_message(to=self.address)
        body = self.assertVerdict(self.classify(msg), "graymail")
        self.assertIs(body["classified_as_spam"], False)
        self.assertNotIn(body["action"], SPAM_ACTIONS)

    def test_precedence_bulk_and_list_are_graymail(self):
        for precedence in ("bulk", "list"):
            with self.subTest(precedence=precedence):
                msg = h.newsletter_message(to=self.address, precedence=precedence,
                                           list_unsubscribe=False)
                self.assertVerdict(self.classify(msg), "graymail")

    def test_spam_wins_over_graymail_markers(self):
        msg = h.make_message("Deals <deals@offers.example>", self.address, "Deals",
                             f"Offer.\n{h.GTUBE}\n",
                             extra_headers=[("List-Unsubscribe", "<mailto:u@offers.example>")])
        self.assertVerdict(self.classify(msg), "spam")

    def test_octet_stream_is_accepted(self):
        r = self.classify(h.gtube_message(), content_type="application/octet-stream")
        self.assertVerdict(r, "spam")

    def test_japanese_message(self):
        msg = h.make_message("山田 太郎 <taro@example.jp>", self.address, "来週の打ち合わせについて",
                             "お疲れさまです。\n来週の打ち合わせは火曜日の十時からでお願いします。\n山田\n")
        self.assertVerdict(self.classify(msg), "clean")

    def test_empty_body(self):
        self.assertError(self.classify(b""), 400, "invalid_parameter")

    def test_wrong_content_type(self):
        r = self.classify(h.gtube_message(), content_type="application/json")
        self.assertError(r, 415, "unsupported_media_type")

    def test_needs_a_token(self):
        self.assertError(self.classify(h.gtube_message(), token=None), 401, "unauthorized")
        self.assertError(self.classify(h.gtube_message(), token="garbage"), 401, "unauthorized")

    def test_body_over_limit(self):
        limit = self.api.get("/info").body["limits"]["max_classify_bytes"]
        msg = h.personal_message(body="x" * 76 + "\n")
        big = msg + (b"y" * 76 + b"\n") * ((limit - len(msg)) // 77 + 2)
        self.assertGreater(len(big), limit)
        r = self.api.raw_exchange("POST", "/classify", {"Content-Type": "message/rfc822"}, big)
        self.assertError(r, 413, "payload_too_large")

    def test_nothing_is_stored(self):
        before_files = sorted(p.relative_to(self.gw.data_dir)
                              for p in self.gw.data_dir.rglob("*") if p.is_file()
                              and not p.name.startswith("gateway.db"))
        self.assertVerdict(self.classify(h.gtube_message(to=self.address)), "spam")
        self.assertEqual(self.api.list().body["total"], 0)
        self.assertEqual(self.api.list(folder="junk").body["total"], 0)
        self.assertEqual(self.gw.submissions(), [])
        after_files = sorted(p.relative_to(self.gw.data_dir)
                             for p in self.gw.data_dir.rglob("*") if p.is_file()
                             and not p.name.startswith("gateway.db"))
        self.assertEqual(after_files, before_files)


class Threshold(ClassifyTestCase):

    @classmethod
    def setUpClass(cls):
        cls.rspamd = cls.enterClassContext(h.Rspamd())
        cls.gw = cls.start_gateway(rspamd_url=cls.rspamd.url, spam_threshold=12.5)
        name, pw, _ = cls.gw.new_user("thr")
        cls.api = cls.gw.login(name, pw)

    def test_threshold_is_reported(self):
        body = self.assertVerdict(self.classify(h.gtube_message()), "spam")
        self.assertEqual(body["threshold"], 12.5)
        body = self.assertVerdict(self.classify(h.personal_message()), "clean")
        self.assertEqual(body["threshold"], 12.5)


class Unavailable(ClassifyTestCase):

    def test_no_classifier_listening(self):
        with h.Gateway() as gw:
            gw.start(rspamd_url=f"http://127.0.0.1:{h.free_port()}")
            name, pw, _ = gw.new_user("una")
            api = gw.login(name, pw)
            started = time.monotonic()
            self.assertError(self.classify(h.gtube_message(), api=api), 503,
                             "classifier_unavailable")
            self.assertLess(time.monotonic() - started, 20)
            # The rest of the API still works.
            self.assertOk(api.get("/messages"))

    def test_no_classifier_configured(self):
        with h.Gateway() as gw:
            gw.start()
            name, pw, _ = gw.new_user("una")
            api = gw.login(name, pw)
            self.assertError(self.classify(h.gtube_message(), api=api), 503,
                             "classifier_unavailable")

    def test_classifier_stopped_while_running(self):
        rspamd = self.enterContext(h.Rspamd())
        with h.Gateway() as gw:
            gw.start(rspamd_url=rspamd.url)
            name, pw, _ = gw.new_user("una")
            api = gw.login(name, pw)
            self.assertVerdict(self.classify(h.gtube_message(), api=api), "spam")
            rspamd.stop()
            started = time.monotonic()
            self.assertError(self.classify(h.gtube_message(), api=api), 503,
                             "classifier_unavailable")
            self.assertLess(time.monotonic() - started, 20)
            self.assertOk(api.get("/messages"))


if __name__ == "__main__":
    h.main(requires=["rspamd"])
