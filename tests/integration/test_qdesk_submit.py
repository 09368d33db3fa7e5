#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`qdesk submit`: missed spam forwarded as message/rfc822 over SMTP.

Against two real SMTP servers on 127.0.0.1: the reference gateway's own
intake (qd-gateway serve --smtp-listen) and an independent one on Debian's
python3-aiosmtpd (tests/lib/qdsmtp.py) that can refuse, fail or drop on
command. Every fixture is generated here with dates relative to now."""

import datetime as dt
import email.parser
import email.policy
import io
import math
import os
import signal
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT", Path(__file__).parents[2]))
                       / "tests" / "lib"))

import qdharness as h  # noqa: E402
import qdsmtp  # noqa: E402
from qdsession import DesktopSession  # noqa: E402

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_SESSION, EXIT_NETWORK = 0, 1, 2, 3, 4
LIMIT = 2_000_000
TO = "spam-submissions@gateway.example"
FROM = "reporter@example.com"


def days_ago(days: float) -> dt.datetime:
    return h.utcnow() - dt.timedelta(days=days)


def sample(subject: str, *, received=None, date=None, body: str | None = None,
           sender: str = "Carol Example <carol@example.net>") -> bytes:
    """A message received a day ago unless RECEIVED says otherwise
    (RECEIVED=[] for none)."""
    if body is None:
        body = (f"Hello Bob,\n\nthe minutes of the allotment meeting ({subject}).\n"
                ".this line starts with a dot, so SMTP must stuff it\n"
                "..and this one with two\n.\nBest wishes,\nCarol\n")
    return h.make_message(sender, "bob@example.com", subject, body,
                          date=date or days_ago(1),
                          received=received if received is not None else [days_ago(1)])


def big_sample(subject: str, size: int) -> bytes:
    """A 7-bit sample of about SIZE bytes, lines of 76 characters."""
    line = (subject.replace(" ", "-") + "-" + "x" * 76)[:76] + "\n"
    return sample(subject, body=line * (size // len(line)))


def split_parts(raw: bytes) -> tuple[dict, list[tuple[dict, bytes]]]:
    """(top-level headers, [(part headers, part body bytes)]) of a
    multipart message, found by its boundary alone: the bodies are the
    exact bytes between the part headers and the CRLF of the next
    delimiter, as RFC 2046 §5.1.1 draws them."""
    head, _, body = raw.partition(b"\r\n\r\n")
    headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(
        head + b"\r\n\r\n")
    boundary = headers.get_boundary().encode("ascii")
    pieces = (b"\r\n" + body).split(b"\r\n--" + boundary)
    parts = []
    for piece in pieces[1:]:
        if piece.startswith(b"--"):
            break
        assert piece.startswith(b"\r\n"), piece[:40]
        part_head, _, part_body = piece[2:].partition(b"\r\n\r\n")
        part_headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(
            part_head + b"\r\n\r\n")
        parts.append((part_headers, part_body))
    return headers, parts


class SubmitTestCase(h.GatewayTestCase):
    keyring = False

    def setUp(self):
        self.session = DesktopSession(keyring=self.keyring)
        self.session.__enter__()
        self.addCleanup(self.session.close)
        self.data_dir = self.session.root / "qd-data"
        self.files = self.session.root / "samples"
        self.files.mkdir()

    # helpers ---------------------------------------------------------------

    def write(self, name: str, data: bytes) -> Path:
        path = self.files / name
        path.write_bytes(data)
        return path

    def env(self, **extra) -> dict:
        return {"QD_DATA_DIR": str(self.data_dir), **extra}

    def qdesk(self, *args, expect=EXIT_OK, input=None, env=None):
        proc = self.session.run_qdesk(*args, input=input, env=env or self.env())
        if expect is not None:
            self.assertEqual(proc.returncode, expect,
                             f"qdesk {' '.join(map(str, args))} exited {proc.returncode}\n"
                             f"stdout: {proc.stdout.decode()}\nstderr: {proc.stderr.decode()}")
        return proc

    def submit(self, server, *files, expect=EXIT_OK, extra=(), env=None):
        return self.qdesk("submit", "--to", TO, "--from", FROM, "--smtp-server", server,
                          "--smtp-security", "none", *extra, *files, expect=expect, env=env)

    def store(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.data_dir / "quarantine-desk.db")
        self.addCleanup(conn.close)
        return conn

    def outbox(self) -> list[tuple]:
        return self.store().execute(
            "SELECT s.message_id, o.attempts FROM outbox o "
            "JOIN submissions s ON s.id = o.submission_id").fetchall()

    def assertSamplesAttached(self, raw: bytes, samples: list[bytes]) -> list[dict]:
        """RAW is a well-formed submission carrying exactly SAMPLES, each
        byte for byte (after CRLF normalisation), in that order."""
        self.assertLess(len(raw), LIMIT)
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""), "a bare LF on the wire")
        headers, parts = split_parts(raw)
        for name in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version"):
            self.assertIsNotNone(headers[name], f"no {name} header")
        self.assertEqual(headers.get_content_type(), "multipart/mixed")
        self.assertEqual(parts[0][0].get_content_type(), "text/plain")
        attached = parts[1:]
        self.assertEqual(len(attached), len(samples))
        for (part_headers, body), original in zip(attached, samples):
            self.assertEqual(part_headers.get_content_type(), "message/rfc822")
            self.assertEqual(part_headers.get_content_disposition(), "attachment")
            self.assertTrue(part_headers.get_filename().endswith(".eml"))
            cte = part_headers["Content-Transfer-Encoding"]
            self.assertEqual(cte, "7bit" if original.isascii() else "8bit")
            self.assertEqual(body, h.to_crlf(original), "the attachment is not the original")
        return [dict(part_headers) for part_headers, _ in attached]


class AiosmtpdTests(SubmitTestCase):
    """Against the independent aiosmtpd server."""

    def setUp(self):
        super().setUp()
        self.smtp = qdsmtp.SmtpServer()
        self.smtp.start()
        self.addCleanup(self.smtp.__exit__, None, None, None)

    def test_rules_and_byte_exact_delivery(self):
        ascii_sample = sample("allotment minutes")
        eight_bit = h.make_message("Daisuke <daisuke@example.jp>", "bob@example.com", "週末の予定",
                                   "こんにちは。\n.週末は畑の手入れをします。\n", date=days_ago(2),
                                   received=[days_ago(1)])
        date_only = sample("only a Date header", received=[], date=days_ago(2))
        crlf = h.to_crlf(sample("saved with CRLF"))
        no_final_newline = sample("no final newline").rstrip(b"\n")
        zip_buffer = io.BytesIO()
        with zipfile.ZipFile(zip_buffer, "w") as archive:
            archive.writestr("spam.eml", sample("zipped"))
        fixtures = {
            "ascii.eml": ascii_sample,
            "japanese.eml": eight_bit,
            "date-only.eml": date_only,
            "crlf.eml": crlf,
            "no-newline.eml": no_final_newline,
            "copy.eml": ascii_sample,
            "old.eml": sample("six days old", received=[days_ago(6)], date=days_ago(6)),
            "undated.eml": h.make_message("X <x@example.net>", "bob@example.com", "no date",
                                          "text\n").replace(b"Date: ", b"X-Was-Date: "),
            "archive.eml": zip_buffer.getvalue(),
            "outlook.msg": bytes.fromhex("D0CF11E0A1B11AE1") + os.urandom(4096),
            "huge.eml": big_sample("huge", 2_500_000),
            "empty.eml": b"",
            "junk.eml": bytes((i * 37 + 11) % 256 for i in range(5000)),
        }
        paths = [self.write(name, data) for name, data in fixtures.items()]
        proc = self.submit(self.smtp.server, *paths, expect=EXIT_PARTIAL)
        out, err = proc.stdout.decode(), proc.stderr.decode()

        reasons = {
            "old.eml": "only samples at most 5 days old",
            "undated.eml": "neither a Received nor a Date header",
            "archive.eml": "compressed archive",
            "outlook.msg": "Save the message as .eml",
            "huge.eml": "Contact support about this sample",
            "empty.eml": "The file is empty",
            "junk.eml": "This is not a mail message",
        }
        for name, reason in reasons.items():
            self.assertIn(f"refused {self.files / name}: ", err)
            line = [l for l in err.splitlines() if f"refused {self.files / name}:" in l]
            self.assertTrue(any(reason in l for l in line), f"{name}: {line}")
        for name in ("ascii.eml", "japanese.eml", "date-only.eml", "crlf.eml", "no-newline.eml"):
            self.assertNotIn(f"refused {self.files / name}", err)
        self.assertIn("its age is taken from its Date header", out)
        self.assertIn(f"The same message as {self.files / 'ascii.eml'}", out)

        [message] = self.smtp.accepted()
        self.assertEqual(message["mail_from"], FROM)
        self.assertEqual(message["rcpt_tos"], [TO])
        parts = self.assertSamplesAttached(
            message["data"], [ascii_sample, eight_bit, date_only, crlf, no_final_newline])
        self.assertEqual(self.outbox(), [])
        history = self.store().execute(
            "SELECT s.sha256, sub.state, sub.reply FROM samples s "
            "JOIN submissions sub ON sub.id = s.submission_id").fetchall()
        self.assertEqual(len(history), 5)
        self.assertTrue(all(state == "sent" and "250" in reply for _, state, reply in history))
        self.assertEqual(len(parts), 5)

    def test_split_into_fewest_messages(self):
        sizes = [1_200_000, 700_000, 600_000, 500_000]
        samples = [big_sample(f"part {i}", size) for i, size in enumerate(sizes)]
        paths = [self.write(f"big{i}.eml", s) for i, s in enumerate(samples)]
        self.submit(self.smtp.server, *paths, "--yes")
        messages = self.smtp.accepted()
        fewest = math.ceil(sum(len(h.to_crlf(s)) for s in samples) / LIMIT)
        self.assertEqual(len(messages), fewest)
        seen = []
        for message in messages:
            self.assertLess(len(message["data"]), LIMIT)
            _, parts = split_parts(message["data"])
            bodies = [body for _, body in parts[1:]]
            wire = [h.to_crlf(s) for s in samples]
            self.assertSamplesAttached(message["data"], [samples[wire.index(b)] for b in bodies])
            seen += bodies
        self.assertEqual(sorted(seen), sorted(h.to_crlf(s) for s in samples))

    def test_dry_run_and_output_send_nothing(self):
        samples = [big_sample(f"dry {i}", 900_000) for i in range(3)]
        paths = [self.write(f"dry{i}.eml", s) for i, s in enumerate(samples)]
        out = self.submit(self.smtp.server, "--dry-run", *paths).stdout.decode()
        self.assertIn("3 sample(s) in 2 message(s)", out)
        out_dir = self.session.root / "out"
        self.submit(self.smtp.server, "--output", str(out_dir), *paths)
        written = sorted(out_dir.glob("*.eml"))
        self.assertEqual(len(written), 2)
        attached = []
        for path in written:
            _, parts = split_parts(path.read_bytes())
            self.assertLess(path.stat().st_size, LIMIT)
            attached += [body for _, body in parts[1:]]
        self.assertEqual(sorted(attached), sorted(h.to_crlf(s) for s in samples))
        self.assertEqual(self.smtp.records(), [])

    def test_temporary_failures_are_retried(self):
        self.smtp.plan("421", "451")
        spl = sample("retry me")
        self.submit(self.smtp.server, self.write("retry.eml", spl))
        self.assertEqual([r["outcome"] for r in self.smtp.records()], ["421", "451", "accept"])
        [message] = self.smtp.accepted()
        self.assertSamplesAttached(message["data"], [spl])
        self.assertEqual(self.outbox(), [])

    def test_permanent_failure_reports_the_server(self):
        self.smtp.plan("550")
        proc = self.submit(self.smtp.server, self.write("refused.eml", sample("refuse me")),
                           expect=EXIT_PARTIAL)
        self.assertIn("Submission refused by policy of this test server", proc.stderr.decode())
        self.assertNotIn("Sent ", proc.stdout.decode())
        self.assertEqual([r["outcome"] for r in self.smtp.records()], ["550"], "5xx retried")
        self.assertEqual(self.outbox(), [])
        [(state, reply)] = self.store().execute("SELECT state, reply FROM submissions").fetchall()
        self.assertEqual(state, "refused")
        self.assertIn("550", reply)

    def test_dropped_during_data_is_sent_exactly_once_later(self):
        self.smtp.plan(default="drop")
        spl = sample("dropped on the floor")
        proc = self.submit(self.smtp.server, self.write("drop.eml", spl), expect=EXIT_NETWORK)
        self.assertIn("kept in the outbox", proc.stderr.decode())
        self.assertEqual(self.smtp.accepted(), [])
        self.assertGreaterEqual(len(self.smtp.records()), 2, "a lost connection is retried")
        [(message_id, attempts)] = self.outbox()
        self.assertEqual(attempts, 1)

        self.smtp.plan(default="accept")
        out = self.qdesk("submit", "--smtp-server", self.smtp.server, "--smtp-security", "none",
                         "--to", TO, "--from", FROM).stdout.decode()
        self.assertIn("The outbox held 1 message", out)
        [message] = self.smtp.accepted()
        self.assertIn(message_id.encode(), message["data"])
        self.assertSamplesAttached(message["data"], [spl])
        self.assertEqual(self.outbox(), [])
        # Nothing is sent a second time.
        self.qdesk("submit", "--smtp-server", self.smtp.server, "--smtp-security", "none",
                   "--to", TO, "--from", FROM)
        self.assertEqual(len(self.smtp.accepted()), 1)

    def test_killed_while_sending_is_resent_on_next_run(self):
        self.smtp.plan("stall")
        spl = sample("interrupted")
        binary = h.build_root() / "src" / "cli" / "qdesk"
        proc = subprocess.Popen(
            [str(binary), "submit", "--to", TO, "--from", FROM, "--smtp-server", self.smtp.server,
             "--smtp-security", "none", str(self.write("killed.eml", spl))],
            env={**self.session.env, **self.env()}, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            h.wait_for(lambda: self.smtp.records(), 30, "the stalled transaction")
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        self.assertEqual(len(self.outbox()), 1, "the message was lost with the process")
        self.qdesk("submit", "--smtp-server", self.smtp.server, "--smtp-security", "none",
                   "--to", TO, "--from", FROM)
        [message] = self.smtp.accepted()
        self.assertSamplesAttached(message["data"], [spl])
        self.assertEqual(self.outbox(), [])

    def test_store_that_cannot_be_written_sends_nothing(self):
        blocker = self.session.root / "not-a-directory"
        blocker.write_bytes(b"")
        proc = self.submit(self.smtp.server, self.write("a.eml", sample("no store")),
                           expect=EXIT_PARTIAL, env=self.env(QD_DATA_DIR=str(blocker / "sub")))
        self.assertIn("local store", proc.stderr.decode())
        self.assertEqual(self.smtp.records(), [])

    def test_disk_full_sends_nothing(self):
        # A first run creates the store; then the file size limit stands in
        # for a full disk (writes fail with EFBIG, as with ENOSPC).
        self.submit(self.smtp.server, self.write("small.eml", sample("small")))
        before = len(self.smtp.records())
        spl = big_sample("does not fit on disk", 600_000)
        path = self.write("big.eml", spl)
        binary = h.build_root() / "src" / "cli" / "qdesk"
        limit = (self.data_dir / "quarantine-desk.db").stat().st_size + 100_000

        def full_disk():
            import resource
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        proc = subprocess.run(
            [str(binary), "submit", "--to", TO, "--from", FROM, "--smtp-server", self.smtp.server,
             "--smtp-security", "none", str(path)], env={**self.session.env, **self.env()},
            input=b"", capture_output=True, timeout=120, preexec_fn=full_disk)
        self.assertEqual(proc.returncode, EXIT_PARTIAL, proc.stderr.decode())
        self.assertIn("nothing was sent", proc.stderr.decode())
        self.assertEqual(len(self.smtp.records()), before)
        self.assertEqual(self.outbox(), [])

    def test_stdin_and_usage(self):
        spl = sample("from standard input")
        proc = self.session.run_qdesk("submit", "--to", TO, "--from", FROM, "--smtp-server",
                                      self.smtp.server, "--smtp-security", "none", "-",
                                      input=spl, env=self.env())
        self.assertEqual(proc.returncode, EXIT_OK, proc.stderr.decode())
        [message] = self.smtp.accepted()
        [attached] = self.assertSamplesAttached(message["data"], [spl])
        self.assertIn("sample-1.eml", attached["Content-Disposition"])
        # no file and an empty outbox, a missing file, plain SMTP to a remote host
        self.qdesk("submit", "--dry-run", "--to", TO, "--from", FROM, expect=EXIT_USAGE)
        self.submit(self.smtp.server, self.files / "missing.eml", expect=EXIT_USAGE)
        proc = self.qdesk("submit", "--to", TO, "--from", FROM, "--smtp-server", "192.0.2.1:25",
                          "--smtp-security", "none", self.write("x.eml", spl), expect=EXIT_NETWORK)
        self.assertIn("without encryption", proc.stderr.decode())
        self.assertEqual(len(self.smtp.records()), 1)


    def test_settings_give_the_defaults(self):
        for key, value in (("smtp-host", "127.0.0.1"), ("smtp-port", str(self.smtp.port)),
                           ("smtp-security", "none"), ("submission-address", TO)):
            subprocess.run(["gsettings", "set", h.application_id(), key, value],
                           env=self.session.env, check=True, timeout=20)
        spl = sample("configured in the settings")
        self.qdesk("submit", "--from", FROM, self.write("settings.eml", spl))
        [message] = self.smtp.accepted()
        self.assertEqual(message["rcpt_tos"], [TO])
        self.assertSamplesAttached(message["data"], [spl])


class TlsTests(SubmitTestCase):
    def test_starttls_and_implicit_tls(self):
        cert, key = h.make_self_signed_cert(self.session.root)
        for mode, security in (("starttls", "starttls"), ("implicit", "tls")):
            with self.subTest(mode=mode), qdsmtp.SmtpServer(tls=mode, cert=(cert, key)) as smtp:
                spl = sample(f"over {mode}")
                server = f"localhost:{smtp.port}"
                args = ("submit", "--to", TO, "--from", FROM, "--smtp-server", server,
                        "--smtp-security", security)
                # An unknown certificate: refused, nothing sent, the message kept.
                proc = self.qdesk(*args, self.write(f"{mode}.eml", spl), expect=EXIT_NETWORK)
                self.assertIn("certificate", proc.stderr.decode())
                self.assertEqual(smtp.records(), [])
                self.assertEqual(len(self.outbox()), 1)
                # Trusted: the next run sends what waited.
                self.qdesk("--ca-file", str(cert), *args)
                [message] = smtp.accepted()
                self.assertSamplesAttached(message["data"], [spl])
                self.assertEqual(self.outbox(), [])


class ServerCapabilityTests(SubmitTestCase):
    def test_no_8bitmime_refuses_8bit_sample_unaltered(self):
        with qdsmtp.SmtpServer(eightbitmime=False) as smtp:
            plain = sample("plain ascii")
            eight = h.make_message("D <d@example.jp>", "bob@example.com", "日本語", "本文です\n",
                                   date=days_ago(1), received=[days_ago(1)])
            proc = self.submit(smtp.server, self.write("plain.eml", plain),
                               self.write("eight.eml", eight), expect=EXIT_PARTIAL)
            self.assertIn("8BITMIME", proc.stderr.decode())
            [message] = smtp.accepted()
            self.assertSamplesAttached(message["data"], [plain])
            self.assertNotIn(b"8bit", message["data"].split(b"\r\n\r\n")[0])

    def test_server_size_limit_splits_smaller(self):
        with qdsmtp.SmtpServer(size_limit=1_000_000) as smtp:
            samples = [big_sample(f"fits {i}", 400_000) for i in range(3)]
            self.submit(smtp.server, *[self.write(f"s{i}.eml", s) for i, s in enumerate(samples)])
            messages = smtp.accepted()
            self.assertEqual(len(messages), 2)
            self.assertTrue(all(len(m["data"]) < 1_000_000 for m in messages))
            self.assertTrue(all(any(o.startswith("SIZE=") for o in m["mail_options"])
                                for m in messages))


class AuthTests(SubmitTestCase):
    keyring = True

    def test_password_from_keyring(self):
        with qdsmtp.SmtpServer(auth=("smtpuser", "smtp-Secret-9")) as smtp:
            spl = sample("authenticated")
            path = self.write("auth.eml", spl)
            proc = self.submit(smtp.server, path, expect=EXIT_SESSION,
                               extra=("--smtp-user", "smtpuser"))
            self.assertIn("secret-tool store", proc.stderr.decode())
            subprocess.run(["secret-tool", "store", "--label=test", "xdg:schema",
                            "io.github.quarantinedesk.QuarantineDesk.Secret", "kind",
                            "smtp-password", "server", smtp.server, "user", "smtpuser"],
                           input=b"smtp-Secret-9",
                           env=self.session.env, check=True, timeout=20)
            self.submit(smtp.server, path, extra=("--smtp-user", "smtpuser"))
            [message] = smtp.accepted()
            self.assertSamplesAttached(message["data"], [spl])


class GatewayIntakeTests(SubmitTestCase):
    """The reference gateway's intake, with everything from /info and
    /session: no --to, --from or --smtp-server."""

    keyring = True

    @classmethod
    def setUpClass(cls):
        cls.gw = cls.enterClassContext(h.Gateway())
        cls.gw.add_user("alice", "alice-Secret-1", "alice@example.com", "Alice Example")
        cls.gw.start(smtp=True)

    def setUp(self):
        super().setUp()
        self.qdesk("--gateway", self.gw.url, "login", "--user", "alice", "--password-stdin",
                   input="alice-Secret-1\n")

    def recorded(self, n_before: int) -> list[dict]:
        return h.wait_for(lambda: self.gw.submissions()[n_before:] or None, 10,
                          "the gateway to record the submission")

    def test_submit_to_the_gateway(self):
        before = len(self.gw.submissions())
        ascii_sample = sample("gateway minutes")
        eight_bit = h.make_message("Daisuke <daisuke@example.jp>", "bob@example.com", "週末の予定",
                                   "こんにちは。\n", date=days_ago(1), received=[days_ago(1)])
        date_only = sample("gateway date only", received=[], date=days_ago(3))
        samples = [ascii_sample, eight_bit, date_only]
        paths = [self.write(f"g{i}.eml", s) for i, s in enumerate(samples)]
        self.qdesk("submit", *paths)
        [sub] = self.recorded(before)
        self.assertEqual(sub["mail_from"], "alice@example.com")
        self.assertEqual([s["status"] for s in sub["samples"]], ["accepted"] * 3, sub)
        self.assertEqual([s["encoding"] for s in sub["samples"]], ["7bit", "8bit", "7bit"])
        stored = Path(sub["path"])
        if not stored.is_absolute():
            stored = self.gw.data_dir / "submissions" / stored
        self.assertSamplesAttached(stored.read_bytes(), samples)
        history = self.store().execute("SELECT sha256 FROM samples").fetchall()
        self.assertEqual({d for (d,) in history}, {s["sha256"] for s in sub["samples"]})

    def test_gateway_split(self):
        before = len(self.gw.submissions())
        samples = [big_sample(f"gateway big {i}", 900_000) for i in range(3)]
        self.qdesk("submit", *[self.write(f"b{i}.eml", s) for i, s in enumerate(samples)])
        subs = h.wait_for(lambda: len(self.gw.submissions()) - before >= 2 and
                          self.gw.submissions()[before:], 10, "two submissions")
        self.assertEqual(len(subs), 2)
        self.assertTrue(all(s["size"] < LIMIT for s in subs))
        self.assertEqual(sum(len(s["samples"]) for s in subs), 3)
        self.assertTrue(all(x["status"] == "accepted" for s in subs for x in s["samples"]))


if __name__ == "__main__":
    h.require("qd-gateway")
    h.require("openssl")
    qdsmtp.require()
    import unittest
    unittest.main(verbosity=2)
