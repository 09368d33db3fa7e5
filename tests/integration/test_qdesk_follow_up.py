#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`qdesk history`, `qdesk recheck`, `qdesk report`: following up reported
samples until they are classified as spam, and the report for support.

Against the real qd-gateway (classify by a private rspamd, submissions
learned by its SMTP intake), an independent SMTP server on Debian's
python3-aiosmtpd (tests/lib/qdsmtp.py) that takes submissions without
learning them, and a real gnome-keyring on a private session bus.

The gateway learns a sample the moment its intake receives it. So a sample
is first submitted to the aiosmtpd server: the gateway has not learned it
and it is "still missed"; then the very message is delivered to the
gateway's intake with smtplib, and the next re-check finds it "now
classified as spam". Times older than 24 hours are set up by rewriting the
local store with sqlite3, not by waiting."""

import datetime as dt
import hashlib
import json
import os
import smtplib
import sqlite3
import sys
import unittest
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT", Path(__file__).parents[2]))
                       / "tests" / "lib"))

import qdharness as h  # noqa: E402
import qdsmtp  # noqa: E402
from qdsession import DesktopSession  # noqa: E402

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_SESSION, EXIT_NETWORK = 0, 1, 2, 3, 4
FROM = "alice@example.com"
TZ = "Asia/Tokyo"
BLANK = "________"

rspamd: h.Rspamd | None = None
gateway: h.Gateway | None = None
submission_address: str | None = None


def setUpModule():
    global rspamd, gateway, submission_address
    rspamd = unittest.enterModuleContext(h.Rspamd())
    gateway = unittest.enterModuleContext(h.Gateway())
    gateway.add_user("alice", "alice-Secret-1", FROM, "Alice Example")
    gateway.start(rspamd_url=rspamd.url, smtp=True)
    submission_address = gateway.api().get("/info").body["submission"]["address"]


def days_ago(days: float) -> dt.datetime:
    return h.utcnow() - dt.timedelta(days=days)


def missed_spam(subject: str, *, received: dt.datetime, date: dt.datetime,
                sender: str = "Prize Desk <prizes@lottery.example>") -> bytes:
    """A message rspamd lets through (checked by each test), unique to the
    test so that no other test's submission taught the gateway about it."""
    body = (f"Dear customer,\n\nyour parcel {uuid.uuid4()} is waiting at our depot.\n"
            "Please confirm your address on our portal within three days.\n\n"
            "Kind regards,\nParcel Service\n")
    return h.make_message(sender, "Alice Example <alice@example.com>", subject, body,
                          date=date, received=[received])


def digest(sample: bytes) -> str:
    """The SHA-256 qdesk and the gateway name a sample by."""
    value = hashlib.sha256(h.to_lf(sample).rstrip(b"\n")).hexdigest()
    assert value in h.sample_digests(sample)
    return value


def local(when: dt.datetime) -> str:
    """A time as the follow-up writes it, in TZ."""
    text = when.astimezone(ZoneInfo(TZ)).strftime("%Y-%m-%d %H:%M %z")
    return text[:-2] + ":" + text[-2:]


class FollowUpTestCase(h.GatewayTestCase):
    def setUp(self):
        self.session = DesktopSession()
        self.session.__enter__()
        self.addCleanup(self.session.close)
        self.data_dir = self.session.root / "qd-data"
        self.files = self.session.root / "samples"
        self.files.mkdir()
        self.smtp = qdsmtp.SmtpServer()
        self.smtp.start()
        self.addCleanup(self.smtp.__exit__, None, None, None)
        self.login(gateway)

    # helpers ---------------------------------------------------------------

    def login(self, gw):
        self.qdesk("--gateway", gw.url, "login", "--user", "alice", "--password-stdin",
                   input="alice-Secret-1\n")

    def qdesk(self, *args, expect=EXIT_OK, input=None, env=None):
        proc = self.session.run_qdesk(*args, input=input,
                                      env={"QD_DATA_DIR": str(self.data_dir), "TZ": TZ,
                                           **(env or {})})
        if expect is not None:
            self.assertEqual(proc.returncode, expect,
                             f"qdesk {' '.join(map(str, args))} exited {proc.returncode}\n"
                             f"stdout: {proc.stdout.decode()}\nstderr: {proc.stderr.decode()}")
        return proc

    def write(self, name: str, data: bytes) -> Path:
        path = self.files / name
        path.write_bytes(data)
        return path

    def submit_elsewhere(self, *samples: bytes) -> list[Path]:
        """Submitted (in one message) to the aiosmtpd server: the gateway
        does not learn them."""
        paths = [self.write(f"s{i}-{uuid.uuid4().hex[:8]}.eml", s) for i, s in enumerate(samples)]
        self.qdesk("submit", "--yes", "--to", submission_address, "--from", FROM,
                   "--smtp-server", self.smtp.server, "--smtp-security", "none", *paths)
        return paths

    def deliver_to_gateway(self, raw: bytes, mail_from: str) -> dict:
        """The very submission message, now to the gateway's intake."""
        with smtplib.SMTP("127.0.0.1", gateway.smtp_port, timeout=30) as conn:
            self.assertEqual(conn.sendmail(mail_from, [submission_address], raw), {})

        def recorded():
            found = [s for s in gateway.submissions() if s.get("mail_from") == mail_from]
            return found or None
        [sub] = h.wait_for(recorded, 10, "the gateway to record the submission", interval=0.1)
        return sub

    def history(self) -> dict:
        out = json.loads(self.qdesk("history", "--json").stdout)
        return {s["sha256"]: s for s in out["samples"]}

    def recheck_json(self, *args, expect=EXIT_OK) -> dict:
        out = json.loads(self.qdesk("recheck", "--json", *args, expect=expect).stdout)
        return {r["sha256"]: r for r in out["results"]}

    def check_json(self, sample: bytes) -> dict:
        path = self.write(f"check-{uuid.uuid4().hex[:8]}.eml", sample)
        return json.loads(self.qdesk("check", "--json", path).stdout)

    def store(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.data_dir / "quarantine-desk.db")
        self.addCleanup(conn.close)
        return conn

    def set_sent_at(self, sha256: str, when: dt.datetime) -> None:
        """As if the sample had been submitted and sent at WHEN."""
        t = int(when.timestamp())
        with self.store() as conn:
            conn.execute("UPDATE submissions SET queued_at = ?, sent_at = ? WHERE id IN "
                         "(SELECT submission_id FROM samples WHERE sha256 = ?)", (t, t, sha256))
            conn.execute("UPDATE sample_status SET at = ? WHERE sha256 = ? AND "
                         "status IN ('queued', 'sent')", (t, sha256))

    @staticmethod
    def iso(text: str) -> dt.datetime:
        return h.parse_iso(text)


class StillMissedThenSpamTests(FollowUpTestCase):
    def test_still_missed_then_now_classified_as_spam(self):
        sample = missed_spam("Your parcel is waiting", received=days_ago(1), date=days_ago(1.1))
        sha = digest(sample)
        # The premise: the classifier alone lets it through.
        verdict = self.check_json(sample)
        self.assertFalse(verdict["classified_as_spam"], verdict)
        self.assertFalse(verdict["reported"])

        before_submit = h.utcnow()
        self.submit_elsewhere(sample)
        [message] = self.smtp.accepted()
        self.assertEqual([s for s in gateway.submissions()
                          if any(x["sha256"] == sha for x in s["samples"])], [])

        entry = self.history()[sha]
        self.assertEqual(entry["status"], "sent")
        self.assertEqual(entry["subject"], "Your parcel is waiting")
        self.assertIn("prizes@lottery.example", entry["from"])
        self.assertTrue(entry["content_kept"])
        sent_at = self.iso(entry["sent_at"])
        self.assertGreaterEqual(sent_at, before_submit)
        self.assertEqual(self.iso(entry["status_at"]), sent_at)
        self.assertIsNone(entry["last_checked_at"])
        self.assertEqual(self.iso(entry["next_check_at"]), sent_at + dt.timedelta(hours=1))
        self.assertEqual([c["status"] for c in entry["history"]], ["queued", "sent"])

        # First check: the gateway has not learned it.
        first = self.recheck_json(sha[:8])[sha]
        self.assertEqual((first["before"], first["after"]), ("sent", "still_missed"))
        self.assertTrue(first["checked"])
        self.assertTrue(first["changed"])
        self.assertFalse(first["verdict"]["classified_as_spam"])
        self.assertIsNone(first["error"])
        missed_at = self.iso(first["checked_at"])

        # Checked again, still missed: said so, but no new status.
        out = self.qdesk("recheck", sha[:12]).stdout.decode()
        self.assertRegex(out, rf"^{sha[:12]}  Still missed at .* \(score -?\d+\.\d, threshold "
                              rf"\d+\.\d\) — Your parcel is waiting\n$")
        entry = self.history()[sha]
        self.assertEqual([c["status"] for c in entry["history"]],
                         ["queued", "sent", "still_missed"])
        self.assertEqual(entry["checks"], 2)
        self.assertEqual(entry["status"], "still_missed")
        # Checked just now, sent just now: the next automatic check is 1 h
        # after sending, so nothing is due.
        out = self.qdesk("recheck").stdout.decode()
        self.assertIn("No sample is due for a check; the next is due at", out)

        # The analysts (the gateway's intake) learn the very sample.
        sub = self.deliver_to_gateway(message["data"], "analyst-feed@example.com")
        self.assertEqual([(s["sha256"], s["status"]) for s in sub["samples"]],
                         [(sha, "accepted")])

        before_check = h.utcnow()
        proc = self.qdesk("recheck", sha[:8])
        after_check = h.utcnow()
        self.assertRegex(proc.stdout.decode(),
                         rf"^{sha[:12]}  Still missed → Now classified as spam at .* — "
                         rf"Your parcel is waiting\n$")

        entry = self.history()[sha]
        self.assertEqual(entry["status"], "spam")
        spam_at = self.iso(entry["spam_at"])
        self.assertTrue(before_check <= spam_at <= after_check, (before_check, spam_at))
        self.assertEqual(self.iso(entry["status_at"]), spam_at)
        self.assertEqual(self.iso(entry["last_checked_at"]), spam_at)
        self.assertIsNone(entry["next_check_at"])
        changes = entry["history"]
        self.assertEqual([c["status"] for c in changes], ["queued", "sent", "still_missed", "spam"])
        self.assertEqual(self.iso(changes[2]["at"]), missed_at)
        self.assertEqual(self.iso(changes[3]["at"]), spam_at)
        self.assertIn("QD_REPORTED_SAMPLE", changes[3]["detail"])
        self.assertLessEqual(self.iso(changes[1]["at"]), self.iso(changes[2]["at"]))

        # Never checked again once spam; the list shows it.
        again = self.recheck_json(sha)[sha]
        self.assertFalse(again["checked"])
        self.assertFalse(again["changed"])
        self.assertEqual(again["after"], "spam")
        self.assertEqual(self.iso(again["spam_at"]), spam_at)
        self.assertEqual(len(self.history()[sha]["history"]), 4)
        self.assertEqual(self.recheck_json("--all"), {})
        table = self.qdesk("history").stdout.decode()
        self.assertRegex(table, rf"(?m)^{sha[:12]}  .*Now classified as spam .*Your parcel")

    def test_history_newest_first_and_all(self):
        older = missed_spam("First of the series", received=days_ago(2), date=days_ago(2))
        newer = missed_spam("Second of the series", received=days_ago(1), date=days_ago(1))
        self.submit_elsewhere(older)
        self.submit_elsewhere(newer)
        lines = self.qdesk("history").stdout.decode().splitlines()
        self.assertRegex(lines[0], r"^SHA-256 +Sent on +Status +From +Subject$")
        self.assertIn("Second of the series", lines[1])
        self.assertIn("First of the series", lines[2])
        self.assertTrue(lines[1].startswith(digest(newer)[:12]))
        self.assertIn("Sent ", lines[1])
        # --all checks every pending sample, due or not.
        results = self.recheck_json("--all")
        self.assertEqual(set(results), {digest(older), digest(newer)})
        self.assertTrue(all(r["after"] == "still_missed" for r in results.values()))


class ReportTests(FollowUpTestCase):
    def test_report_for_support_after_24_hours(self):
        received_1, date_1 = days_ago(2), days_ago(2.05)
        received_2, date_2 = days_ago(1.5), days_ago(1.5)
        one = missed_spam("Claim your reward", received=received_1, date=date_1)
        two = missed_spam("Reward: last reminder", received=received_2, date=date_2,
                          sender="Prize Team <team@lottery.example>")
        sha_1, sha_2 = digest(one), digest(two)
        self.submit_elsewhere(one, two)

        # Not yet 24 hours: refused, saying why and from when.
        proc = self.qdesk("report", sha_1[:8], expect=EXIT_PARTIAL)
        err = proc.stderr.decode()
        self.assertIn("“Claim your reward” was submitted on", err)
        self.assertIn("24 hours after submission", err)
        self.assertEqual(proc.stdout, b"")

        sent = h.utcnow() - dt.timedelta(hours=30)
        for sha in (sha_1, sha_2):
            self.set_sent_at(sha, sent)
        # 24 hours have passed, but nobody has checked since.
        proc = self.qdesk("report", sha_1[:8], sha_2[:8], expect=EXIT_PARTIAL)
        self.assertIn("has not been checked since it was submitted", proc.stderr.decode())
        results = self.recheck_json(sha_1, sha_2)
        self.assertEqual({r["after"] for r in results.values()}, {"still_missed"})
        self.assertTrue(all(self.history()[s]["can_report"] for s in (sha_1, sha_2)))

        report = self.qdesk("report", sha_1[:10], sha_2[:10]).stdout.decode()
        self.assertIn("Number of samples submitted: 2\n", report)
        self.assertIn(f"First received (the earliest of these samples): {local(received_1)}\n",
                      report)
        self.assertIn("All samples within 5 days of receipt when submitted (Y/N): Y\n", report)
        first, second = report.split("  Sample 1 of 2\n")[1].split("  Sample 2 of 2\n")
        self.assertIn("Sender address: prizes@lottery.example\n", first)
        self.assertIn("Recipient address: alice@example.com\n", first)
        self.assertIn("Subject: Claim your reward\n", first)
        self.assertIn(f"Sent on (its Date header): {local(date_1)}\n", first)
        self.assertIn(f"Received on: {local(received_1)}\n", first)
        self.assertIn(f"Submitted on: {local(sent)}\n", first)
        self.assertIn("Within 5 days of receipt when submitted (Y/N): Y\n", first)
        self.assertIn(f"SHA-256: {sha_1}\n", first)
        self.assertIn("Sender address: team@lottery.example\n", second)
        self.assertIn("Subject: Reward: last reminder\n", second)
        self.assertIn(f"Sent on (its Date header): {local(date_2)}\n", second)
        self.assertRegex(second, r"Last checked on .*: not classified as spam \(score")
        for label in ("Number of users affected", "Executives or VIPs affected (Y/N)",
                      "Kind of spam (URL, phishing, attachment, Reply-To, other)",
                      "Number of such messages received (as counted by the users)",
                      "DMARC checking enabled (Y/N)", "SPF checking enabled (Y/N)",
                      "Heuristic spam detection enabled (Y/N), and its action",
                      "Newsletter and marketing detection enabled (Y/N)",
                      "The sender on the global or a user-level approved-senders list (Y/N)"):
            self.assertIn(f"  {label}: {BLANK}\n", report)
        self.assertIn("The message trace of these samples (CSV)", report)

        # A sample received 6 days before it was sent was past the limit.
        with self.store() as conn:
            conn.execute("UPDATE samples SET received_at = ? WHERE sha256 = ?",
                         (int((sent - dt.timedelta(days=6)).timestamp()), sha_2))
        report = self.qdesk("report", sha_1, sha_2).stdout.decode()
        self.assertIn("All samples within 5 days of receipt when submitted (Y/N): N\n", report)
        self.assertIn(f"First received (the earliest of these samples): "
                      f"{local(sent - dt.timedelta(days=6))}\n", report)
        first, second = report.split("  Sample 1 of 2\n")[1].split("  Sample 2 of 2\n")
        self.assertIn("Within 5 days of receipt when submitted (Y/N): Y\n", first)
        self.assertIn("Within 5 days of receipt when submitted (Y/N): N\n", second)

    def test_report_in_the_language_of_the_interface(self):
        sample = missed_spam("Reward for you", received=days_ago(1), date=days_ago(1))
        sha = digest(sample)
        self.submit_elsewhere(sample)
        self.set_sent_at(sha, h.utcnow() - dt.timedelta(hours=26))
        self.recheck_json(sha)
        english = self.qdesk("report", sha[:8]).stdout.decode()
        japanese = self.qdesk("report", sha[:8], env={"LANGUAGE": "ja"}).stdout.decode()
        # The same facts, every label translated.
        for fact in (sha, "prizes@lottery.example", "alice@example.com", "Reward for you"):
            self.assertIn(fact, japanese)
        self.assertEqual(japanese.count(BLANK), 9)
        self.assertEqual(len(japanese.splitlines()), len(english.splitlines()))
        for line in english.splitlines():
            label = line.split(":")[0].strip()
            if label and label not in ("Message-ID", "SHA-256") and not label.startswith("<"):
                self.assertNotIn(label, japanese)
        self.assertRegex(japanese, r"[\u3040-\u30ff\u4e00-\u9fff]")

    def test_report_refused_when_detected(self):
        sample = missed_spam("Reward waiting", received=days_ago(1), date=days_ago(1))
        sha = digest(sample)
        self.submit_elsewhere(sample)
        [message] = self.smtp.accepted()
        self.deliver_to_gateway(message["data"], "analyst-feed-2@example.com")
        self.set_sent_at(sha, h.utcnow() - dt.timedelta(hours=30))
        self.assertEqual(self.recheck_json(sha)[sha]["after"], "spam")
        proc = self.qdesk("report", sha[:8], expect=EXIT_PARTIAL)
        self.assertIn("“Reward waiting” is classified as spam since", proc.stderr.decode())
        self.assertIn("nothing to report", proc.stderr.decode())
        self.assertFalse(self.history()[sha]["can_report"])


class UsageAndFailureTests(FollowUpTestCase):
    def test_usage_errors(self):
        sample = missed_spam("Usage sample", received=days_ago(1), date=days_ago(1))
        sha = digest(sample)
        self.submit_elsewhere(sample)
        proc = self.qdesk("report", expect=EXIT_USAGE)
        self.assertIn("give the SHA-256", proc.stderr.decode())
        self.qdesk("recheck", "--all", sha[:8], expect=EXIT_USAGE)
        proc = self.qdesk("recheck", sha[:7], expect=EXIT_USAGE)
        self.assertIn("at least 8", proc.stderr.decode())
        proc = self.qdesk("report", "00000000", expect=EXIT_USAGE)
        self.assertIn("No reported sample has a SHA-256 starting with “00000000”",
                      proc.stderr.decode())
        self.qdesk("history", "extra", expect=EXIT_USAGE)
        help_text = self.qdesk("--help").stdout.decode()
        for command in ("history [--json]", "recheck [--all | SHA256...] [--json]",
                        "report SHA256..."):
            self.assertIn(command, help_text)

    def test_unsent_sample_is_not_checked(self):
        sample = missed_spam("Never left the outbox", received=days_ago(1), date=days_ago(1))
        sha = digest(sample)
        path = self.write("unsent.eml", sample)
        self.smtp.stop()   # nothing listens there any more: the message stays queued
        self.qdesk("submit", "--yes", "--to", submission_address, "--from", FROM,
                   "--smtp-server", self.smtp.server, "--smtp-security", "none", path,
                   expect=EXIT_NETWORK)
        self.assertEqual(self.history()[sha]["status"], "queued")
        proc = self.qdesk("recheck", sha[:8], expect=EXIT_PARTIAL)
        self.assertIn("has not been sent yet", proc.stderr.decode())
        proc = self.qdesk("report", sha[:8], expect=EXIT_PARTIAL)
        self.assertIn("has not been sent yet", proc.stderr.decode())
        self.assertEqual(self.history()[sha]["status"], "queued")

    def test_gateway_down_is_a_network_error(self):
        with h.Gateway() as down:
            down.add_user("alice", "alice-Secret-1", FROM)
            down.start()
            self.login(down)
            sample = missed_spam("Gateway gone", received=days_ago(1), date=days_ago(1))
            sha = digest(sample)
            self.submit_elsewhere(sample)
            down.stop()
            proc = self.qdesk("recheck", "--all", expect=EXIT_NETWORK)
            self.assertRegex(proc.stderr.decode(), rf"qdesk: {sha[:12]}: ")
        entry = self.history()[sha]
        self.assertEqual(entry["status"], "sent")
        self.assertIsNone(entry["last_checked_at"])


if __name__ == "__main__":
    h.require("qd-gateway")
    h.require("rspamd")
    qdsmtp.require()
    unittest.main(verbosity=2)
