#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Mail-system mode (--relay): a release re-injects the held original over
SMTP into a real server (python3-aiosmtpd, tests/lib/qdsmtp.py), exactly
once, and the quarantine is the only folder."""

import os
import re
import sys
import threading
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT")
                            or Path(__file__).resolve().parents[2]) / "tests" / "lib"))
import qdharness as h  # noqa: E402
import qdsmtp  # noqa: E402

RELEASE_ID = re.compile(rb"\AX-QD-Release-Id: (\d+)\.([0-9a-f]{16,})@qd-gateway\r\n")


def tricky_message(to: str, subject: str) -> bytes:
    """CRLF throughout, 8-bit UTF-8 in a header and the body, a line that
    starts with "." and a line that is only "." (dot-stuffing's cases)."""
    return (f"From: Lists <news@lists.example>\r\n"
            f"To: {to}\r\n"
            f"Subject: {subject} — caf\u00e9 \u65e5\u672c\r\n"
            f"Date: Sat, 05 Dec 2026 10:00:00 +0000\r\n"
            f"Message-ID: <{time.time_ns()}@lists.example>\r\n"
            f"MIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n"
            f"Content-Transfer-Encoding: 8bit\r\n"
            f"\r\n"
            f"Bonjour, voil\u00e0 la lettre.\r\n"
            f".a line that starts with a dot\r\n"
            f".\r\n"
            f"..two dots\r\n"
            f"\u3053\u3093\u306b\u3061\u306f\r\n").encode("utf-8")


class RelayTestCase(h.GatewayTestCase):
    """A gateway in mail-system mode whose relay is a real SMTP server."""

    @classmethod
    def setUpClass(cls):
        cls.smtp = cls.enterClassContext(qdsmtp.SmtpServer())
        cls.gw = cls.start_gateway(extra_args=["--relay", cls.smtp.server])

    def setUp(self):
        self.smtp.plan()
        name, pw, address = self.gw.new_user("relay")
        self.user, self.address = name, address
        self.api = self.gw.login(name, pw)

    def hold(self, message=None, sender="bounce@lists.example", subject="Held"):
        if message is None:
            message = tricky_message(self.address, subject)
        [item_id] = self.gw.ingest(self.user, "quarantine", "graymail", [message],
                                   category="marketing",
                                   extra_args=["--envelope-sender", sender])
        return item_id, message

    def release(self, item_id):
        r = self.api.act("release", [item_id])
        body = self.assertOk(r, msg=f"release {item_id}")
        self.assertEqual(len(body["results"]), 1, body)
        return body["results"][0]

    def status(self, item_id):
        return self.assertOk(self.api.get(f"/messages/{item_id}"))["status"]

    def records_for(self, item_id):
        out = []
        for record in self.smtp.records():
            m = RELEASE_ID.match(record["data"])
            if m and m.group(1).decode() == item_id:
                out.append(record)
        return out

    def test_release_carries_envelope_header_and_bytes(self):
        item_id, message = self.hold()
        res = self.release(item_id)
        self.assertEqual(res, {"id": item_id, "ok": True, "result": "released"})
        [record] = self.records_for(item_id)
        self.assertEqual(record["outcome"], "accept")
        self.assertEqual(record["mail_from"], "bounce@lists.example")
        self.assertEqual(record["rcpt_tos"], [self.address])
        m = RELEASE_ID.match(record["data"])
        # One added header line, then the original byte for byte: the
        # dot-stuffed lines, the 8-bit text and the CRLFs came through.
        self.assertEqual(record["data"][m.end():], message)
        self.assertEqual(self.status(item_id), "released")
        self.assertNotIn(item_id, {i["id"] for i in self.api.list_all()})
        # The maildir is not used in this mode.
        self.assertEqual(self.gw.maildir_files(self.user), [])

        again = self.release(item_id)
        self.assertEqual(again["result"], "already_released", again)
        self.assertEqual(len(self.records_for(item_id)), 1, "released twice")

    def test_null_sender_is_kept(self):
        item_id, message = self.hold(sender="")
        self.assertEqual(self.release(item_id)["result"], "released")
        [record] = self.records_for(item_id)
        # aiosmtpd names the null sender as it came: MAIL FROM:<>
        self.assertEqual(record["mail_from"], "<>")
        self.assertEqual(record["rcpt_tos"], [self.address])
        self.assertTrue(record["data"].endswith(message))

    def test_temporary_refusal_leaves_it_held(self):
        item_id, message = self.hold(subject="Refused first")
        self.smtp.plan("451")
        res = self.release(item_id)
        self.assertIs(res["ok"], False, res)
        self.assertEqual(res["error"]["code"], "delivery_failed", res)
        self.assertEqual(self.status(item_id), "held")
        self.assertIn(item_id, {i["id"] for i in self.api.list_all()})

        # Tried again, with the same release id.
        self.assertEqual(self.release(item_id)["result"], "released")
        first, second = self.records_for(item_id)
        self.assertEqual((first["outcome"], second["outcome"]), ("451", "accept"))
        self.assertEqual(RELEASE_ID.match(first["data"]).group(0),
                         RELEASE_ID.match(second["data"]).group(0))
        self.assertEqual(self.status(item_id), "released")

    def test_permanent_refusal_leaves_it_held(self):
        item_id, _ = self.hold(subject="Refused for good")
        self.smtp.plan("550")
        res = self.release(item_id)
        self.assertIs(res["ok"], False, res)
        self.assertEqual(res["error"]["code"], "delivery_failed", res)
        self.assertEqual(self.status(item_id), "held")

    def test_batch_reports_each_id(self):
        first, _ = self.hold(subject="Batch one")
        second, _ = self.hold(subject="Batch two")
        self.smtp.plan("accept", "451")
        r = self.api.act("release", [first, second])
        results = self.results_by_id(r)
        self.assertEqual(results[first]["result"], "released", results)
        self.assertEqual(results[second]["error"]["code"], "delivery_failed", results)
        self.assertEqual((self.status(first), self.status(second)), ("released", "held"))

    def test_info_lists_only_the_quarantine(self):
        info = self.assertOk(self.api.get("/info"))
        self.assertEqual(info["folders"], ["quarantine"])
        junk = self.api.list(folder="junk")
        unknown = self.api.list(folder="no-such-folder")
        self.assertError(junk, unknown.status, unknown.error_code)
        self.assertEqual(junk.body, unknown.body)
        self.assertOk(self.api.list(folder="quarantine"))


class RelayDownTestCase(h.GatewayTestCase):
    """The relay's port has no server behind it."""

    def test_release_while_the_server_is_down(self):
        gw = self.start_gateway(extra_args=["--relay", f"127.0.0.1:{h.free_port()}"])
        name, pw, address = gw.new_user("down")
        api = gw.login(name, pw)
        [item_id] = gw.ingest(name, "quarantine", "spam",
                              [tricky_message(address, "Nobody listens")])
        r = api.act("release", [item_id])
        res = self.results_by_id(r)[item_id]
        self.assertIs(res["ok"], False, res)
        self.assertEqual(res["error"]["code"], "delivery_failed", res)
        self.assertEqual(self.assertOk(api.get(f"/messages/{item_id}"))["status"], "held")
        self.assertIn(item_id, {i["id"] for i in api.list_all()})


class RelayKilledTestCase(h.GatewayTestCase):
    """SIGKILL while the SMTP server holds its answer to the DATA."""

    def test_interrupted_release_is_sent_again_with_the_same_id(self):
        smtp = self.enterContext(qdsmtp.SmtpServer())
        gw = self.enterContext(h.Gateway())
        relay = ["--relay", smtp.server]
        gw.start(extra_args=relay)
        name, pw, address = gw.new_user("killed")
        api = gw.login(name, pw)
        message = tricky_message(address, "Killed mid-release")
        [item_id] = gw.ingest(name, "quarantine", "spam", [message],
                              extra_args=["--envelope-sender", "owner@lists.example"])

        smtp.plan("hold")
        answers = []

        def release():
            try:
                answers.append(api.act("release", [item_id]))
            except Exception as e:  # the gateway dies under the request
                answers.append(e)

        thread = threading.Thread(target=release, daemon=True)
        thread.start()
        held = h.wait_for(lambda: [r for r in smtp.records() if r["outcome"] == "hold"],
                          30, "the held DATA")
        # The gateway keeps answering while a release is on the wire.
        started = time.monotonic()
        self.assertEqual(self.assertOk(api.get("/info"))["folders"], ["quarantine"])
        self.assertOk(api.get(f"/messages/{item_id}"))
        self.assertLess(time.monotonic() - started, 5)
        # Meanwhile the item on the wire is neither released again nor deleted.
        for action in ("release", "delete"):
            res = self.results_by_id(api.act(action, [item_id]))[item_id]
            self.assertIs(res["ok"], False, res)
            self.assertEqual(res["error"]["code"], "not_allowed", res)
        self.assertEqual(len(smtp.records()), 1, smtp.records())
        self.assertEqual(answers, [], "the release answered before the SMTP server did")

        gw.kill()
        thread.join(30)
        smtp.release_held()

        gw.start(extra_args=relay)
        accepted = h.wait_for(lambda: smtp.accepted(), 30, "the release sent again")
        self.assertEqual(len(accepted), 1, accepted)
        first, again = held[0], accepted[0]
        self.assertEqual(RELEASE_ID.match(first["data"]).group(0),
                         RELEASE_ID.match(again["data"]).group(0))
        self.assertEqual(RELEASE_ID.match(again["data"]).group(1).decode(), item_id)
        self.assertEqual(again["data"], first["data"])
        self.assertTrue(again["data"].endswith(message))
        self.assertEqual(again["mail_from"], "owner@lists.example")
        self.assertEqual(again["rcpt_tos"], [address])

        api = gw.login(name, pw)
        h.wait_for(lambda: api.get(f"/messages/{item_id}").body["status"] == "released",
                   30, "the resent release recorded")
        # Not sent a third time by the next start.
        gw.stop()
        gw.start(extra_args=relay)
        time.sleep(1)
        self.assertEqual(len(smtp.records()), 2, smtp.records())


if __name__ == "__main__":
    h.require("qd-gateway")
    qdsmtp.require()
    unittest.main(verbosity=2)
