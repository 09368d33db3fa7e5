#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The gateway's SMTP submission intake, and what classify learns from it.

Missed spam is forwarded with Python's smtplib to qd-gateway's own SMTP
intake on 127.0.0.1; a real rspamd classifies."""

import datetime as dt
import itertools
import os
import smtplib
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT")
                            or Path(__file__).resolve().parents[2]) / "tests" / "lib"))
import qdharness as h  # noqa: E402

SUBMISSION_ADDRESS = "spam-submissions@gateway.example"
_serial = itertools.count(1)


def days_ago(days: float) -> dt.datetime:
    return h.utcnow() - dt.timedelta(days=days)


def sample(subject: str, received=None, date=None, body=None) -> bytes:
    """A personal-looking message rspamd does not call spam; unique per SUBJECT."""
    if body is None:
        body = (f"Hello Bob,\n\nhere are the minutes of the allotment meeting ({subject}).\n"
                ".the line above the signature starts with a dot on purpose\n"
                "We agreed to share the water tank and to meet again next month.\n\n"
                "Best wishes,\nCarol\n")
    return h.make_message("Carol Example <carol@example.net>", "bob@example.com", subject, body,
                          date=date or days_ago(1),
                          received=received if received is not None else [days_ago(1)])


class Intake(h.GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.rspamd = cls.enterClassContext(h.Rspamd())
        cls.gw = cls.start_gateway(rspamd_url=cls.rspamd.url, smtp=True)
        name, pw, _ = cls.gw.new_user("rep")
        cls.api = cls.gw.login(name, pw)
        cls.info = cls.api.get("/info").body

    # helpers ---------------------------------------------------------------

    def smtp(self) -> smtplib.SMTP:
        conn = smtplib.SMTP("127.0.0.1", self.gw.smtp_port, timeout=30,
                            local_hostname="client.example.com")
        self.addCleanup(conn.close)
        return conn

    def reporter(self) -> str:
        return f"reporter{next(_serial)}@example.com"

    def submit(self, message: bytes, mail_from: str, rcpt=SUBMISSION_ADDRESS) -> dict:
        """Send; return the recorded submission from `qd-gateway submissions`."""
        conn = self.smtp()
        refused = conn.sendmail(mail_from, [rcpt], message)
        self.assertEqual(refused, {})
        conn.quit()
        return self.recorded(mail_from)

    def recorded(self, mail_from: str) -> dict:
        def find():
            found = [s for s in self.gw.submissions() if s.get("mail_from") == mail_from]
            return found or None
        found = h.wait_for(find, 10, f"the submission from {mail_from} to be recorded",
                           interval=0.1)
        self.assertEqual(len(found), 1, found)
        return found[0]

    def classify(self, message: bytes) -> dict:
        r = self.api.request("POST", "/classify", raw=message)
        self.assertOk(r, msg="classify")
        return r.body

    def assertLearned(self, message: bytes):
        for variant, data in (("LF", h.to_lf(message)), ("CRLF", h.to_crlf(message)),
                              ("trailing blank lines", h.to_lf(message) + b"\n\n\n")):
            with self.subTest(variant=variant):
                body = self.classify(data)
                self.assertIs(body["classified_as_spam"], True, body)
                self.assertEqual(body["verdict"], "spam")
                self.assertIs(body["reported"], True)
                rules = {r["name"]: r for r in body["rules"]}
                self.assertIn("QD_REPORTED_SAMPLE", rules)
                self.assertEqual(rules["QD_REPORTED_SAMPLE"]["score"], 10.0)

    def assertNotLearned(self, message: bytes):
        body = self.classify(message)
        self.assertIs(body["reported"], False, body)
        self.assertIs(body["classified_as_spam"], False, body)
        self.assertNotIn("QD_REPORTED_SAMPLE", {r["name"] for r in body["rules"]})

    # the SMTP dialogue -----------------------------------------------------

    def test_info_names_this_intake(self):
        self.assertEqual(self.info["submission"]["smtp"],
                         {"host": "127.0.0.1", "port": self.gw.smtp_port, "security": "none"})

    def test_ehlo_extensions(self):
        conn = self.smtp()
        code, _ = conn.ehlo()
        self.assertEqual(code, 250)
        self.assertEqual(conn.esmtp_features.get("size"),
                         str(self.info["submission"]["max_message_bytes"] - 1))
        self.assertIn("8bitmime", conn.esmtp_features)
        self.assertIn("pipelining", conn.esmtp_features)

    def test_helo_noop_rset_quit(self):
        conn = self.smtp()
        self.assertEqual(conn.helo()[0], 250)
        self.assertEqual(conn.noop()[0], 250)
        self.assertEqual(conn.mail("x@example.com")[0], 250)
        self.assertEqual(conn.rset()[0], 250)
        self.assertEqual(conn.noop()[0], 250)
        self.assertEqual(conn.quit()[0], 221)

    def test_pipelining(self):
        """MAIL, RCPT and DATA in one write, as PIPELINING allows."""
        mail_from = self.reporter()
        spl = sample("pipelined minutes")
        message = h.make_submission([spl], from_=mail_from)
        with socket.create_connection(("127.0.0.1", self.gw.smtp_port), timeout=30) as sock:
            f = sock.makefile("rb")

            def reply():
                lines = []
                while True:
                    line = f.readline()
                    self.assertTrue(line, "the server closed the connection")
                    lines.append(line)
                    if line[3:4] != b"-":
                        return int(line[:3]), lines

            self.assertEqual(reply()[0], 220)
            sock.sendall(b"EHLO client.example.com\r\n")
            code, lines = reply()
            self.assertEqual(code, 250)
            self.assertIn(b"PIPELINING", b"".join(lines).upper())
            sock.sendall(f"MAIL FROM:<{mail_from}>\r\nRCPT TO:<{SUBMISSION_ADDRESS}>\r\n"
                         "DATA\r\n".encode())
            self.assertEqual([reply()[0] for _ in range(3)], [250, 250, 354])
            body = message.replace(b"\r\n.", b"\r\n..")  # dot-stuffing by hand
            sock.sendall(body + b".\r\n")
            self.assertEqual(reply()[0], 250)
            sock.sendall(b"QUIT\r\n")
            self.assertEqual(reply()[0], 221)
        sub = self.recorded(mail_from)
        self.assertIn(sub["samples"][0]["sha256"], h.sample_digests(spl))
        self.assertLearned(spl)

    def test_bad_sequence(self):
        conn = self.smtp()
        conn.ehlo()
        self.assertEqual(conn.rcpt(SUBMISSION_ADDRESS)[0], 503, "RCPT before MAIL")
        self.assertEqual(conn.mail("a@example.com")[0], 250)
        with self.assertRaises(smtplib.SMTPDataError) as cm:  # DATA without a recipient
            conn.data(b"Subject: x\r\n\r\nx\r\n")
        self.assertIn(cm.exception.smtp_code, (503, 554))
        code, _ = conn.docmd("FROBNICATE")
        self.assertIn(code, (500, 502))
        self.assertEqual(conn.noop()[0], 250)

    def test_wrong_recipient_is_550(self):
        conn = self.smtp()
        with self.assertRaises(smtplib.SMTPRecipientsRefused) as cm:
            conn.sendmail("a@example.com", ["postmaster@gateway.example"],
                          h.make_submission([sample("wrong rcpt")]))
        self.assertEqual(cm.exception.recipients["postmaster@gateway.example"][0], 550)
        conn = self.smtp()
        conn.ehlo()
        self.assertEqual(conn.mail("a@example.com")[0], 250)
        self.assertEqual(conn.rcpt("someone@example.org")[0], 550)
        self.assertEqual(conn.rcpt(SUBMISSION_ADDRESS)[0], 250)

    def test_mail_size_over_limit_is_552(self):
        limit = self.info["submission"]["max_message_bytes"]
        conn = self.smtp()
        conn.ehlo()
        code, _ = conn.mail("big@example.com", [f"SIZE={limit}"])
        self.assertEqual(code, 552)
        conn.rset()
        code, _ = conn.mail("big@example.com", [f"SIZE={limit - 1}"])
        self.assertEqual(code, 250)

    def test_smtplib_refuses_whole_large_message(self):
        limit = self.info["submission"]["max_message_bytes"]
        mail_from = self.reporter()
        big = h.make_submission([sample("big " + "x" * 10)], from_=mail_from)
        big = big.replace(b"These messages", b"P" * (limit + 1000) + b"\r\nThese messages", 1)
        conn = self.smtp()
        with self.assertRaises(smtplib.SMTPSenderRefused) as cm:  # SIZE=… in MAIL FROM
            conn.sendmail(mail_from, [SUBMISSION_ADDRESS], big)
        self.assertEqual(cm.exception.smtp_code, 552)
        self.assertNotIn(mail_from, [s.get("mail_from") for s in self.gw.submissions()])

    def test_data_over_limit_is_552(self):
        limit = self.info["submission"]["max_message_bytes"]
        mail_from = self.reporter()
        big = h.make_submission([sample("big data")], from_=mail_from)
        filler = (b"F" * 998 + b"\r\n") * (limit // 1000 + 2)
        big = big.replace(b"These messages", filler + b"These messages", 1)
        self.assertGreater(len(big), limit)
        conn = self.smtp()
        conn.ehlo()
        self.assertEqual(conn.mail(mail_from)[0], 250)  # no SIZE parameter
        self.assertEqual(conn.rcpt(SUBMISSION_ADDRESS)[0], 250)
        code, _ = conn.data(big)  # the reply after the final dot
        self.assertEqual(code, 552)
        self.assertNotIn(mail_from, [s.get("mail_from") for s in self.gw.submissions()])
        # The session goes on.
        self.assertEqual(conn.rset()[0], 250)

    # submissions and learning ------------------------------------------------

    def test_submission_is_recorded_and_learned(self):
        spl = sample("allotment minutes")
        before = self.classify(spl)
        self.assertIs(before["classified_as_spam"], False, before)
        self.assertIs(before["reported"], False)

        mail_from = self.reporter()
        message = h.make_submission([spl], from_=mail_from)
        sub = self.submit(message, mail_from)
        self.assertIsInstance(sub["id"], (str, int))
        self.assertRegex(sub["received_at"], h.ISO_Z_RE)
        self.assertIn(SUBMISSION_ADDRESS, sub["rcpt_to"])
        self.assertLessEqual(abs(sub["size"] - len(message)), 2, sub)
        self.assertIsInstance(sub["status"], str)
        self.assertEqual(len(sub["samples"]), 1, sub)
        s = sub["samples"][0]
        self.assertEqual(s["status"], "accepted", s)
        self.assertIn(s["sha256"], h.sample_digests(spl),
                      "sha256 is not that of the sample with LF line ends")
        self.assertEqual(s["subject"], "allotment minutes")
        self.assertIn("carol@example.net", s["from"])
        self.assertFalse(s.get("reason"))

        self.assertLearned(spl)
        # A different message is not affected.
        self.assertNotLearned(sample("another meeting"))

    def test_submission_is_stored_whole(self):
        mail_from = self.reporter()
        message = h.make_submission([sample("stored whole")], from_=mail_from)
        self.submit(message, mail_from)
        stored = [p.read_bytes() for p in (self.gw.data_dir / "submissions").rglob("*")
                  if p.is_file()]
        norm = h.to_lf(message).rstrip(b"\n")
        self.assertIn(norm, [h.to_lf(b).rstrip(b"\n") for b in stored],
                      "no file in DIR/submissions holds the message as sent")

    def test_several_samples_in_one_message(self):
        first, second = sample("first of two"), sample("second of two")
        mail_from = self.reporter()
        sub = self.submit(h.make_submission([first, second], from_=mail_from), mail_from)
        self.assertEqual([s["subject"] for s in sub["samples"]], ["first of two", "second of two"])
        self.assertEqual([s["status"] for s in sub["samples"]], ["accepted", "accepted"])
        self.assertIn(sub["samples"][0]["sha256"], h.sample_digests(first))
        self.assertIn(sub["samples"][1]["sha256"], h.sample_digests(second))
        self.assertLearned(first)
        self.assertLearned(second)

    def test_base64_sample_is_refused(self):
        spl = sample("encoded minutes")
        mail_from = self.reporter()
        sub = self.submit(h.make_submission([spl], from_=mail_from, encoding="base64"), mail_from)
        self.assertEqual(len(sub["samples"]), 1, sub)
        s = sub["samples"][0]
        self.assertEqual(s["status"], "refused", s)
        self.assertIsInstance(s["reason"], str)
        self.assertTrue(s["reason"])
        self.assertNotLearned(spl)

    def test_quoted_printable_sample_is_refused(self):
        spl = sample("qp minutes")
        mail_from = self.reporter()
        msg = h.make_submission([spl], from_=mail_from).replace(
            b"Content-Transfer-Encoding: 7bit\r\n\r\nReceived",
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\nReceived", 1)
        sub = self.submit(msg, mail_from)
        self.assertEqual(sub["samples"][0]["status"], "refused", sub)
        self.assertNotLearned(spl)

    def test_8bit_sample_is_accepted(self):
        spl = h.make_message("Daisuke <daisuke@example.jp>", "bob@example.com", "週末の予定",
                             "こんにちは。\n週末は畑の手入れをします。\nまたね\n",
                             date=days_ago(1), received=[days_ago(1)])
        mail_from = self.reporter()
        msg = h.make_submission([spl], from_=mail_from, encoding="8bit")
        sub = self.submit(msg, mail_from)
        self.assertEqual(sub["samples"][0]["status"], "accepted", sub)
        self.assertIn(sub["samples"][0]["sha256"], h.sample_digests(spl))
        self.assertLearned(spl)

    def test_too_old_sample_is_refused(self):
        spl = sample("old minutes", received=[days_ago(6)], date=days_ago(6))
        mail_from = self.reporter()
        sub = self.submit(h.make_submission([spl], from_=mail_from), mail_from)
        s = sub["samples"][0]
        self.assertEqual(s["status"], "refused", s)
        self.assertTrue(s["reason"])
        self.assertNotLearned(spl)

    def test_topmost_received_decides_the_age(self):
        # Received by the user's server a day ago, relayed long before.
        spl = sample("relayed minutes", received=[days_ago(1), days_ago(7)], date=days_ago(8))
        mail_from = self.reporter()
        sub = self.submit(h.make_submission([spl], from_=mail_from), mail_from)
        self.assertEqual(sub["samples"][0]["status"], "accepted", sub)
        self.assertLearned(spl)
        # … and the other way round: received 6 days ago, relayed yesterday.
        old = sample("late minutes", received=[days_ago(6), days_ago(1)], date=days_ago(1))
        mail_from = self.reporter()
        sub = self.submit(h.make_submission([old], from_=mail_from), mail_from)
        self.assertEqual(sub["samples"][0]["status"], "refused", sub)
        self.assertNotLearned(old)

    def test_date_decides_without_received(self):
        old = sample("undated old", received=[], date=days_ago(6))
        new = sample("undated new", received=[], date=days_ago(1))
        self.assertNotIn(b"Received:", old)
        mail_from = self.reporter()
        sub = self.submit(h.make_submission([old, new], from_=mail_from), mail_from)
        self.assertEqual([s["status"] for s in sub["samples"]], ["refused", "accepted"], sub)
        self.assertNotLearned(old)
        self.assertLearned(new)

    def test_archive_is_not_a_sample(self):
        import base64
        import io
        import zipfile
        spl = sample("zipped minutes")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("sample.eml", spl)
        mail_from = self.reporter()
        msg = h.make_submission([], from_=mail_from)
        boundary = msg.split(b'boundary="', 1)[1].split(b'"', 1)[0]
        zpart = (b"--" + boundary + b"\r\nContent-Type: application/zip; name=\"sample.zip\"\r\n"
                 b"Content-Transfer-Encoding: base64\r\n\r\n" +
                 base64.encodebytes(buf.getvalue()).replace(b"\n", b"\r\n") + b"\r\n")
        msg = msg.replace(b"--" + boundary + b"--", zpart + b"--" + boundary + b"--")
        sub = self.submit(msg, mail_from)
        self.assertEqual([s for s in sub["samples"] if s["status"] == "accepted"], [], sub)
        self.assertNotLearned(spl)

    def test_message_without_samples(self):
        mail_from = self.reporter()
        msg = h.make_submission([], from_=mail_from, text="Please look at the spam I got.\n")
        sub = self.submit(msg, mail_from)
        self.assertEqual(sub["samples"], [])

    def test_crlf_sample_learned_as_lf(self):
        # A sample written with CRLF line ends (as saved by some clients).
        spl = h.to_crlf(sample("crlf minutes"))
        mail_from = self.reporter()
        sub = self.submit(h.make_submission([spl], from_=mail_from), mail_from)
        self.assertIn(sub["samples"][0]["sha256"], h.sample_digests(spl))
        self.assertLearned(spl)


if __name__ == "__main__":
    h.main(requires=["rspamd"])
