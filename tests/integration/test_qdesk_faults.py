#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qdesk when the gateway fails: the real qd-gateway behind a proxy that
injects errors (tests/lib/qdfault.py), or killed with SIGKILL mid-batch.

Each failure must end in one clear sentence and a non-zero exit, never a
half-written listing passed off as whole, and a batch cut short must say
exactly which messages were done, so that a retry finishes the rest with
each message delivered once."""

import json
import os
import subprocess
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT", Path(__file__).parents[2]))
                       / "tests" / "lib"))

import qdharness  # noqa: E402
from qdfault import FaultProxy  # noqa: E402
from qdharness import Gateway  # noqa: E402
from qdsession import DesktopSession  # noqa: E402

EXIT_PARTIAL, EXIT_NETWORK = 1, 4
USER, PASSWORD = "carol", "carol-Secret-3"


class FaultTestCase(unittest.TestCase):
    items = 45

    def setUp(self):
        self.gateway = Gateway()
        self.addCleanup(self.gateway.__exit__, None, None, None)
        self.gateway.add_user(USER, PASSWORD, "carol@example.com")
        self.messages = [qdharness.make_message("Shop <news@shop.example>", "carol@example.com",
                                                f"Offer {n:03d}", f"Body {n}")
                         for n in range(self.items)]
        self.ids = self.gateway.ingest(USER, "quarantine", "graymail", self.messages)
        self.gateway.start(max_batch=20, extra_args=["--max-page-size", "10"])
        self.proxy = FaultProxy(lambda: self.gateway.url)
        self.proxy.__enter__()
        self.addCleanup(self.proxy.__exit__, None, None, None)
        self.session = DesktopSession()
        self.session.__enter__()
        self.addCleanup(self.session.close)
        self.qdesk("--gateway", self.proxy.url, "login", "--user", USER, "--password-stdin",
                   input=PASSWORD + "\n")

    def qdesk(self, *args, input=None, expect=0, env=None):
        proc = self.session.run_qdesk(*args, input=input, env=env, timeout=60)
        err = proc.stderr.decode()
        self.assertEqual(proc.returncode, expect,
                         f"qdesk {' '.join(args)} exited {proc.returncode}\n{err}")
        # Whatever happened, people read a sentence, not a trace or raw JSON.
        self.assertNotIn("Traceback", err)
        self.assertNotIn("CRITICAL", err)
        self.assertNotIn('{"error"', err)
        return proc

    def inbox(self) -> list[bytes]:
        new = self.gateway.data_dir / "mail" / USER / "new"
        return [p.read_bytes() for p in new.iterdir()] if new.exists() else []


class Credentials(FaultTestCase):
    items = 5

    def test_never_in_debug_output_or_on_the_command_line(self):
        token = self.session.secret("gateway-token", self.proxy.url, USER)
        self.assertTrue(token)
        # Hold the listing up, to look at qdesk's command line while it runs.
        self.proxy.fault("GET", "/api/v1/messages", "stall", seconds=2)
        proc = subprocess.Popen(
            [str(qdharness.build_root() / "src" / "cli" / "qdesk"), "list", "--all"],
            env={**self.session.env, "G_MESSAGES_DEBUG": "all"},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        qdharness.wait_for(lambda: ("GET", "/api/v1/messages") in self.proxy.requests, 20,
                           "qdesk's listing request")
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        environ = Path(f"/proc/{proc.pid}/environ").read_bytes()
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err.decode())
        self.assertIn(b"Offer 000", out)
        for secret in (PASSWORD.encode(), token.encode()):
            for where, text in (("command line", cmdline), ("environment", environ),
                                ("output", out), ("debug output", err)):
                self.assertNotIn(secret, text, f"a secret in qdesk's {where}")
        # Signing out takes both out of the keyring.
        self.qdesk("logout")
        self.assertIsNone(self.session.secret("gateway-token", self.proxy.url, USER))
        self.assertIsNone(self.session.secret("gateway-password", self.proxy.url, USER))


class ListingFaults(FaultTestCase):
    def assert_listing_fails(self, kind, expect, words, times=1):
        self.proxy.fault("GET", "/api/v1/messages", kind, nth=3, times=times)
        proc = self.qdesk("list", "--all", "--json", expect=expect)
        err = proc.stderr.decode()
        for word in words:
            self.assertIn(word, err)
        # Pages before the failure were printed, but the output is not a
        # complete JSON document that a script could take for the whole list.
        with self.assertRaises(ValueError):
            json.loads(proc.stdout)
        # And once the gateway is well again, the same command works.
        self.proxy.clear()
        out = json.loads(self.qdesk("list", "--all", "--json").stdout)
        self.assertEqual(len(out["items"]), self.items)

    def test_500_on_a_later_page(self):
        self.assert_listing_fails("500", EXIT_PARTIAL, ["HTTP 500", "Try again later"])

    def test_503_on_a_later_page(self):
        self.assert_listing_fails("503", EXIT_PARTIAL, ["HTTP 503", "Try again later"])

    def test_truncated_answer(self):
        self.assert_listing_fails("truncate", EXIT_NETWORK, ["gateway"])

    def test_json_of_the_wrong_shape(self):
        self.assert_listing_fails("wrong-shape", EXIT_PARTIAL, ["could not be understood"])

    def test_connection_dropped_once_is_retried(self):
        # libsoup sends a GET again when a kept-alive connection was closed
        # under it: one drop costs nothing, and the listing is whole.
        self.proxy.fault("GET", "/api/v1/messages", "drop", nth=3)
        out = json.loads(self.qdesk("list", "--all", "--json").stdout)
        self.assertEqual(len(out["items"]), self.items)

    def test_connection_dropped_for_good(self):
        self.assert_listing_fails("drop", EXIT_NETWORK, ["gateway"], times=10)

    def test_slow_gateway_times_out_with_a_clear_error(self):
        self.proxy.fault("GET", "/api/v1/messages", "stall", seconds=8)
        proc = self.qdesk("list", "--all", expect=EXIT_NETWORK, env={"QD_HTTP_TIMEOUT": "2"})
        self.assertIn("gateway", proc.stderr.decode())

    def test_gateway_killed_during_a_long_listing(self):
        self.proxy.fault("GET", "/api/v1/messages", "drop", nth=3, before=self.gateway.kill)
        proc = self.qdesk("list", "--all", expect=EXIT_NETWORK)
        self.assertIn("gateway", proc.stderr.decode())
        self.gateway.start(max_batch=20, extra_args=["--max-page-size", "10"])
        out = json.loads(self.qdesk("list", "--all", "--json").stdout)
        self.assertEqual(len(out["items"]), self.items)


class ListingLinks(FaultTestCase):
    """qdesk asks for the next page from the Link header before it parses a
    page; the body's next_cursor still serves when the header is not there
    or names something else."""

    def list_all(self):
        out = json.loads(self.qdesk("list", "--all", "--json").stdout)
        self.assertEqual([i["subject"] for i in out["items"]],
                         [f"Offer {n:03d}" for n in reversed(range(self.items))])

    def test_without_link_headers_the_body_cursor_is_followed(self):
        self.proxy.fault("GET", "/api/v1/messages", "strip-link", times=100)
        self.list_all()

    def test_a_link_to_another_resource_is_ignored(self):
        self.proxy.fault("GET", "/api/v1/messages", "foreign-link", times=100)
        self.list_all()

    def test_a_link_the_body_contradicts_ends_the_listing(self):
        # The second answer's Link header names a cursor its body does not:
        # the next page was asked for with it, so what follows cannot be
        # trusted to be whole. The listing ends with a clear error after
        # the first page, not with a short or doubled list.
        self.proxy.fault("GET", "/api/v1/messages", "bad-link", nth=2)
        proc = self.qdesk("list", "--all", "--json", expect=EXIT_PARTIAL)
        self.assertIn("could not be understood", proc.stderr.decode())
        with self.assertRaises(ValueError):
            json.loads(proc.stdout)
        self.assertEqual(proc.stdout.count(b'"subject"'), 10, "the page before it")
        # The bogus cursor did reach the gateway: the header is what is followed.
        self.assertTrue(any("cursor=bogus" in path for _, path in self.proxy.full_requests),
                        "the next page was asked for from the Link header")


class BatchFaults(FaultTestCase):
    def test_gateway_killed_during_a_batch_release(self):
        # Batches of 20: the first goes through; the gateway dies as the
        # second arrives, so the second is "not confirmed", the third
        # "not attempted".
        self.proxy.fault("POST", "/api/v1/messages/release", "drop", nth=2,
                         before=self.gateway.kill)
        proc = self.qdesk("release", *self.ids, expect=EXIT_PARTIAL)
        out, err = proc.stdout.decode(), proc.stderr.decode()
        self.assertIn("Released 20 messages.", out)
        self.assertIn("25 messages were not attempted", out)
        not_done = {line.split(":")[0] for line in err.splitlines() if ":" in line}
        self.assertEqual(not_done, set(self.ids[20:]))
        self.assertEqual(len(self.inbox()), 20)

        # Back up: the same request again finishes the rest; those already
        # released are reported as such, and nothing is delivered twice.
        self.gateway.start(max_batch=20, extra_args=["--max-page-size", "10"])
        self.qdesk("release", "--all-matching")
        inbox = self.inbox()
        self.assertEqual(len(inbox), self.items)
        for message in self.messages:
            self.assertEqual(inbox.count(message), 1)

    def test_session_expires_mid_batch(self):
        # Sessions of 2 s; the second batch is held up 3 s, so it arrives
        # with an expired token: the client signs in again once with the
        # keyring's password and goes on, and nothing is lost or repeated.
        self.gateway.stop()
        self.gateway.start(max_batch=20, session_ttl=2, extra_args=["--max-page-size", "10"])
        self.qdesk("--gateway", self.proxy.url, "login", "--user", USER, "--password-stdin",
                   input=PASSWORD + "\n")
        self.proxy.fault("POST", "/api/v1/messages/release", "stall", nth=2, seconds=3)
        self.qdesk("release", *self.ids)
        self.assertEqual(sorted(self.inbox()), sorted(self.messages))
        self.assertGreaterEqual(
            self.proxy.requests.count(("POST", "/api/v1/session")), 2,
            "the client should have signed in again")

    def test_500_mid_batch_reports_what_was_done(self):
        self.proxy.fault("POST", "/api/v1/messages/release", "500", nth=2)
        proc = self.qdesk("release", *self.ids, expect=EXIT_PARTIAL)
        self.assertEqual(len(self.inbox()), 20)
        self.assertIn("HTTP 500", proc.stderr.decode())
        self.qdesk("release", "--all-matching")
        self.assertEqual(sorted(self.inbox()), sorted(self.messages))


if __name__ == "__main__":
    qdharness.require("qd-gateway")
    unittest.main(verbosity=2)
