#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Gateway API v1 under load: 1 000 requests at once from several users.

Every answer must be the asker's own (no item, raw message or sender list
of another user in it), none may fail, and the gateway's memory must stay
bounded: it must not keep what it served."""

import os
import sys
import threading
import unittest
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT")
                            or Path(__file__).resolve().parents[2]) / "tests" / "lib"))
import qdharness as h  # noqa: E402

USERS = 5
ITEMS = 40
REQUESTS = 1000
WORKERS = 100


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


class ConcurrentUsers(h.GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gateway = h.Gateway()
        cls.users = {}
        for n in range(USERS):
            name = f"load{n}"
            cls.gateway.add_user(name, f"pw-{name}", f"{name}@example.com")
            messages = [h.make_message(f"Sender {name} <news@{name}.example>",
                                       f"{name}@example.com", f"For {name} #{i}", f"{name}")
                        for i in range(ITEMS)]
            ids = cls.gateway.ingest(name, "quarantine", "graymail", messages)
            cls.gateway.run("ingest", "--data", cls.gateway.data_dir, "--user", name,
                            "--folder", "junk", "--reason", "spam",
                            cls.gateway.write_file(h.make_message(
                                f"Junk {name} <junk@{name}.example>", f"{name}@example.com",
                                f"Junk for {name}", name)))
            cls.users[name] = set(ids)
        cls.gateway.start()
        cls.tokens = {name: cls.gateway.login(name, f"pw-{name}").token for name in cls.users}
        for name, token in cls.tokens.items():
            api = cls.gateway.api(token)
            assert api.post("/blocked-senders", {"address": f"spam@{name}.example"}).status \
                in (200, 201)

    @classmethod
    def tearDownClass(cls):
        cls.gateway.stop()
        cls.gateway.__exit__(None, None, None)

    def one_request(self, n: int) -> str | None:
        """Request N as one of the users; a description of what went wrong, or None."""
        names = sorted(self.users)
        name = names[n % USERS]
        other = names[(n + 1) % USERS]
        api = self.gateway.api(self.tokens[name])
        own = sorted(self.users[name], key=int)
        kind = n % 5
        if kind == 0:
            r = api.get("/messages", params={"limit": 100})
            if r.status != 200:
                return f"{name} list: {r.status}"
            ids = {item["id"] for item in r.body["items"]}
            if not ids <= self.users[name] or len(ids) != ITEMS:
                return f"{name} list had {sorted(ids - self.users[name])} of others"
            if any(name not in item["subject"] for item in r.body["items"]):
                return f"{name} list showed another user's subject"
        elif kind == 1:
            r = api.get(f"/messages/{own[n % ITEMS]}")
            if r.status != 200 or name not in r.body["subject"]:
                return f"{name} item: {r.status}"
        elif kind == 2:
            r = api.get(f"/messages/{own[n % ITEMS]}/raw")
            if r.status != 200 or f"For {name} #".encode() not in r.body:
                return f"{name} raw: {r.status}"
        elif kind == 3:
            # Someone else's item is not found, not forbidden: its id tells nothing.
            theirs = sorted(self.users[other], key=int)[n % ITEMS]
            r = api.get(f"/messages/{theirs}")
            if r.status != 404:
                return f"{name} read {other}'s item {theirs}: {r.status}"
        else:
            r = api.get("/blocked-senders")
            if r.status != 200:
                return f"{name} senders: {r.status}"
            addresses = [s["address"] for s in r.body["senders"]]
            if addresses != [f"spam@{name}.example"]:
                return f"{name} saw sender list {addresses}"
        return None

    def test_a_thousand_requests_at_once(self):
        pid = self.gateway.proc.pid
        # A first round warms SQLite's cache and libsoup's buffers.
        with ThreadPoolExecutor(WORKERS) as pool:
            warm = [p for p in pool.map(self.one_request, range(REQUESTS)) if p]
        self.assertEqual(warm, [])
        before = rss_kb(pid)

        start = threading.Barrier(WORKERS)

        def burst(worker: int) -> list[str]:
            start.wait()
            return [p for n in range(worker, REQUESTS, WORKERS)
                    if (p := self.one_request(n))]

        with ThreadPoolExecutor(WORKERS) as pool:
            problems = [p for ps in pool.map(burst, range(WORKERS)) for p in ps]
        self.assertEqual(problems, [])

        with ThreadPoolExecutor(WORKERS) as pool:
            again = [p for p in pool.map(self.one_request, range(REQUESTS)) if p]
        self.assertEqual(again, [])
        # Two more rounds of 1 000 cost no lasting memory: bounded, not kept.
        # (Not under AddressSanitizer, whose quarantine keeps freed memory on
        # purpose: there the sanitizer itself checks the memory.)
        if b"__asan_init" not in Path(self.gateway.binary).read_bytes():
            grown_mb = (rss_kb(pid) - before) / 1024
            self.assertLess(grown_mb, 20, f"the gateway grew by {grown_mb:.1f} MB")


if __name__ == "__main__":
    h.main(requires=["qd-gateway"])
