#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""build-aux/stack as a person runs it: ready with DIR/stack.json, every
service answering there, everything stopped on SIGTERM; one sentence and a
non-zero exit when it cannot start."""

import imaplib
import json
import os
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT", Path(__file__).parents[2]))
                       / "tests" / "lib"))

import qdharness as h  # noqa: E402
from qdstack import temporary_directory  # noqa: E402

STACK = h.source_root() / "build-aux" / "stack.py"


def run_stack(directory: Path, *args: str) -> subprocess.Popen:
    return h.spawn([sys.executable, STACK, h.build_root(), directory, *args],
                   log=directory.parent / "stack.out")


class StackCommand(unittest.TestCase):

    def test_ready_then_stopped(self):
        with temporary_directory("qd-stack-cmd-") as tmp:
            proc = run_stack(tmp / "mail")
            described = tmp / "mail" / "stack.json"
            h.wait_for(lambda: described.exists() or proc.poll() is not None, 120,
                       "stack.json")
            self.assertIsNone(proc.poll(), (tmp / "stack.out").read_text())
            info = json.loads(described.read_text())
            self.assertEqual(info["domain"], "example.com")
            self.assertEqual(info["imap"]["security"], "none")
            user = info["users"][0]
            self.assertEqual(set(user), {"username", "password", "address"})

            # Each service answers where stack.json says.
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                    info["gateway"] + "/api/v1/info", timeout=10) as r:
                self.assertEqual(json.load(r)["folders"], ["quarantine"])
            with smtplib.SMTP(info["smtp"]["host"], info["smtp"]["port"], timeout=10) as s:
                self.assertEqual(s.ehlo()[0], 250)
            with imaplib.IMAP4(info["imap"]["host"], info["imap"]["port"], timeout=10) as m:
                self.assertEqual(m.login(user["username"], user["password"])[0], "OK")
                m.logout()

            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=60), 0, (tmp / "stack.out").read_text())
            self.assertFalse(described.exists(), "stack.json outlives the stack")
            # Nothing it started is left: no process works in its directory.
            time.sleep(1)
            left = subprocess.run(["pgrep", "-f", str(tmp / "mail")], capture_output=True,
                                  text=True).stdout.split()
            self.assertEqual(left, [], "processes left running")

    def test_cannot_start_says_why(self):
        if os.getuid() != 0:
            self.skipTest("only root's Postfix and Dovecot drop to other users")
        # A directory that Postfix and Dovecot, which drop root, cannot reach.
        with tempfile.TemporaryDirectory(prefix="qd-stack-closed-") as closed:
            os.chmod(closed, 0o700)
            out = subprocess.run([sys.executable, STACK, h.build_root(),
                                  Path(closed) / "mail"], capture_output=True, text=True,
                                 timeout=120)
            self.assertEqual(out.returncode, 1)
            lines = out.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, out.stderr)
            self.assertIn(closed, lines[0])
            self.assertTrue(lines[0].startswith("stack: "), lines[0])

    def test_unknown_category(self):
        with temporary_directory("qd-stack-cmd-") as tmp:
            out = subprocess.run([sys.executable, STACK, h.build_root(), tmp / "mail",
                                  "--junk", "newsletters"], capture_output=True, text=True,
                                 timeout=60)
            self.assertEqual(out.returncode, 2)
            self.assertIn("“newsletters” is not a graymail category", out.stderr)


if __name__ == "__main__":
    h.main(requires=("rspamd", "postfix", "dovecot"))
