#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qd-gateway's sub-commands: user add, ingest, seed-demo, submissions."""

import datetime
import email.parser
import email.policy
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT")
                            or Path(__file__).resolve().parents[2]) / "tests" / "lib"))
import qdharness as h  # noqa: E402


class UserAdd(h.GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gw = cls.start_gateway()
        cls.api = cls.gw.api()

    def sign_in(self, name, password):
        return self.api.post("/session", {"username": name, "password": password}, token=None)

    def test_password_is_the_first_line_of_stdin(self):
        self.gw.run("user", "add", "--data", self.gw.data_dir, "carol",
                    "--address", "carol@example.com", "--display-name", "Carol Example",
                    input="correct horse battery\nsecond line is ignored\n")
        r = self.sign_in("carol", "correct horse battery")
        self.assertOk(r)
        self.assertEqual(r.body["user"], {"username": "carol", "address": "carol@example.com",
                                          "display_name": "Carol Example"})
        self.assertError(self.sign_in("carol", "correct horse battery\nsecond line is ignored"),
                         401, "auth_failed")
        self.assertError(self.sign_in("carol", "second line is ignored"), 401, "auth_failed")

    def test_password_without_newline(self):
        self.gw.run("user", "add", "--data", self.gw.data_dir, "dave",
                    "--address", "dave@example.com", input="no-newline-pw")
        self.assertOk(self.sign_in("dave", "no-newline-pw"))

    def test_non_ascii_password(self):
        self.gw.add_user("erin", "パスワード-ü", "erin@example.com")
        self.assertOk(self.sign_in("erin", "パスワード-ü"))
        self.assertError(self.sign_in("erin", "パスワード-u"), 401, "auth_failed")

    def test_password_is_not_stored_in_clear(self):
        self.gw.add_user("frank", "Very-Distinct-Password-4711", "frank@example.com")
        for path in self.gw.data_dir.rglob("*"):
            if path.is_file():
                self.assertNotIn(b"Very-Distinct-Password-4711", path.read_bytes(), path)

    def test_adding_an_existing_user(self):
        # Not specified whether `user add` refuses an existing name or updates
        # it; either way the result is one consistent user.
        self.gw.add_user("grace", "first-pw", "grace@example.com")
        proc = self.gw.run("user", "add", "--data", self.gw.data_dir, "grace",
                           "--address", "grace2@example.com", input="second-pw\n", check=False)
        if proc.returncode != 0:
            new_pw, old_pw, address = "first-pw", "second-pw", "grace@example.com"
        else:
            new_pw, old_pw, address = "second-pw", "first-pw", "grace2@example.com"
        r = self.sign_in("grace", new_pw)
        self.assertOk(r)
        self.assertEqual(r.body["user"]["address"], address)
        self.assertError(self.sign_in("grace", old_pw), 401, "auth_failed")

    def test_missing_address_fails(self):
        proc = self.gw.run("user", "add", "--data", self.gw.data_dir, "heidi", input="pw\n",
                           check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertError(self.sign_in("heidi", "pw"), 401, "auth_failed")

    def test_empty_password_fails(self):
        proc = self.gw.run("user", "add", "--data", self.gw.data_dir, "ivan",
                           "--address", "ivan@example.com", input="\n", check=False)
        self.assertNotEqual(proc.returncode, 0, "a user with an empty password was added")


class Ingest(h.GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gw = cls.enterClassContext(h.Gateway())
        cls.user, pw, cls.address = cls.gw.new_user("ing")
        cls.gw.start()
        cls.api = cls.gw.login(cls.user, pw)

    def test_prints_one_id_per_file_in_order(self):
        msgs = [h.personal_message(subject=f"Ingested {i}", to=self.address) for i in range(5)]
        paths = [self.gw.write_file(m) for m in msgs]
        proc = self.gw.run("ingest", "--data", self.gw.data_dir, "--user", self.user,
                           "--folder", "quarantine", "--reason", "spam", *paths)
        lines = proc.stdout.decode().splitlines()
        self.assertEqual(len(lines), 5, proc.stdout)
        for line in lines:
            self.assertRegex(line, r"^\d+$")
        self.assertEqual(len(set(lines)), 5)
        for i, item_id in enumerate(lines):
            r = self.api.get(f"/messages/{item_id}")
            self.assertOk(r)
            self.assertEqual(r.body["subject"], f"Ingested {i}")
            self.assertEqual(self.api.get(f"/messages/{item_id}/raw").body, msgs[i])

    def test_options_are_recorded(self):
        received = h.utcnow().replace(second=0) - datetime.timedelta(hours=5)
        [item_id] = self.gw.ingest(self.user, "junk", "graymail",
                                   [h.personal_message(to=self.address)], category="forum",
                                   received=h.iso_offset(received, 9),
                                   policy_rule="Forum notifications", score=3.5)
        item = self.api.get(f"/messages/{item_id}").body
        self.assertEqual(item["folder"], "junk")
        self.assertEqual(item["reason"], "graymail")
        self.assertEqual(item["category"], "forum")
        self.assertEqual(item["received_at"], h.iso_z(received))
        self.assertEqual(item["policy_rule"], "Forum notifications")
        self.assertEqual(item["score"], 3.5)

    def test_default_received_is_now(self):
        before = h.utcnow()
        [item_id] = self.gw.ingest(self.user, "quarantine", "spam", [h.personal_message()])
        after = h.utcnow()
        received = h.parse_iso(self.api.get(f"/messages/{item_id}").body["received_at"])
        self.assertTrue(before.timestamp() - 1 <= received.timestamp() <= after.timestamp() + 1)

    def test_a_policy_rule_by_default(self):
        [item_id] = self.gw.ingest(self.user, "quarantine", "graymail", [h.personal_message()],
                                   category="marketing")
        rule = self.api.get(f"/messages/{item_id}").body["policy_rule"]
        self.assertIsInstance(rule, str)
        self.assertTrue(rule)

    def test_bad_arguments_fail(self):
        msg = self.gw.write_file(h.personal_message())
        base = ["ingest", "--data", self.gw.data_dir]
        cases = [
            ["--user", "nobody-here", "--folder", "quarantine", "--reason", "spam", msg],
            ["--user", self.user, "--folder", "inbox", "--reason", "spam", msg],
            ["--user", self.user, "--folder", "quarantine", "--reason", "virus", msg],
            ["--user", self.user, "--folder", "quarantine", "--reason", "graymail",
             "--category", "news", msg],
            ["--user", self.user, "--folder", "quarantine", "--reason", "spam",
             "--received", "yesterday", msg],
            ["--user", self.user, "--folder", "quarantine", "--reason", "spam",
             self.gw.work / "no-such-file.eml"],
        ]
        total = self.api.list().body["total"]
        for args in cases:
            with self.subTest(args=[str(a) for a in args[:6]]):
                proc = self.gw.run(*base, *args, check=False)
                self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(self.api.list().body["total"], total)


class SeedDemo(h.GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gw = cls.enterClassContext(h.Gateway())
        cls.samples = cls.gw.work / "samples"
        cls.gw.run("seed-demo", "--data", cls.gw.data_dir, "--count", "50",
                   "--samples", cls.samples, timeout=300)
        cls.gw.start()
        cls.api = cls.gw.login("demo", "demo")

    def test_fifty_items_across_both_folders(self):
        quarantine = self.api.list_all(folder="quarantine")
        junk = self.api.list_all(folder="junk")
        self.assertEqual(len(quarantine) + len(junk), 50)
        self.assertGreater(len(quarantine), 0)
        self.assertGreater(len(junk), 0)
        self.assertEqual(self.api.list(folder="quarantine").body["total"], len(quarantine))
        ids = [i["id"] for i in quarantine + junk]
        self.assertEqual(len(set(ids)), 50)

    def test_items_are_realistic(self):
        items = self.api.list_all(folder="quarantine") + self.api.list_all(folder="junk")
        reasons = {i["reason"] for i in items}
        self.assertIn("graymail", reasons)
        self.assertGreater(len(reasons), 1)
        for item in items:
            self.assertTrue(item["subject"])
            self.assertTrue(item["from_address"])
            self.assertEqual(item["category"] is None, item["reason"] != "graymail", item)
            raw = self.api.get(f"/messages/{item['id']}/raw")
            self.assertEqual(raw.status, 200)
            self.assertEqual(len(raw.body), item["size"])
        # The junk items are in the demo user's Maildir.
        self.assertEqual(len(self.gw.maildir_files("demo", "Junk")),
                         len(self.api.list_all(folder="junk")))

    def test_samples_directory(self):
        files = sorted(self.samples.glob("*.eml"))
        self.assertGreater(len(files), 0, "seed-demo --samples wrote no .eml files")
        parser = email.parser.BytesParser(policy=email.policy.default)
        for path in files:
            with self.subTest(sample=path.name):
                msg = parser.parsebytes(path.read_bytes())
                self.assertTrue(msg["From"])
                self.assertTrue(msg["Subject"])
                self.assertTrue(msg["Date"])

    def test_demo_user(self):
        me = self.api.get("/session").body["user"]
        self.assertEqual(me["username"], "demo")
        self.assertTrue(me["address"])


class Serve(h.GatewayTestCase):
    """`serve`: stops cleanly on a signal; the data directory outlives it."""

    def test_sigterm_and_sigint_stop_it(self):
        for sig in (h.signal.SIGTERM, h.signal.SIGINT):
            with self.subTest(signal=sig.name), h.Gateway() as gw:
                gw.start()
                proc = gw.proc
                proc.send_signal(sig)
                try:
                    code = proc.wait(timeout=10)
                finally:
                    gw.kill()
                self.assertEqual(code, 0, f"exit status after {sig.name}\n{gw.log_tail()}")

    def test_restart_keeps_everything(self):
        with h.Gateway() as gw:
            user, pw, address = gw.new_user("keep")
            [item_id] = gw.ingest(user, "quarantine", "spam", [h.personal_message(to=address)])
            gw.start()
            api = gw.login(user, pw)
            self.assertOk(api.post("/approved-senders", {"address": "friend@example.org"}), 201)
            self.assertEqual(gw.stop(), 0)
            gw.start()
            api = gw.login(user, pw)
            self.assertEqual(self.ids(api.list()), [item_id])
            self.assertEqual([s["address"] for s in api.get("/approved-senders").body["senders"]],
                             ["friend@example.org"])

    def test_killed_gateway_restarts_consistent(self):
        with h.Gateway() as gw:
            user, pw, address = gw.new_user("kill")
            ids = gw.ingest(user, "quarantine", "spam",
                            [h.personal_message(to=address, subject=f"K {i}") for i in range(20)])
            gw.start()
            api = gw.login(user, pw)
            r = api.act("release", ids[:10])
            self.assertEqual(r.body["succeeded"], 10)
            gw.kill()  # SIGKILL: no chance to clean up
            gw.start()
            api = gw.login(user, pw)
            self.assertEqual(sorted(self.ids(api.list()), key=int), ids[10:])
            self.assertEqual(len(gw.maildir_files(user)), 10)
            r = api.act("release", ids)
            results = [x["result"] for x in r.body["results"]]
            self.assertEqual(results, ["already_released"] * 10 + ["released"] * 10)
            self.assertEqual(len(gw.maildir_files(user)), 20)

    def test_ready_file(self):
        with h.Gateway() as gw:
            gw.start(smtp=True)
            self.assertLessEqual({"url", "http_port", "smtp_port"}, set(gw.ready))
            self.assertEqual(gw.ready["url"], f"http://127.0.0.1:{gw.http_port}")
            self.assertIsInstance(gw.ready["smtp_port"], int)
            self.assertNotEqual(gw.ready["smtp_port"], gw.http_port)
            gw.stop()
            gw.start()
            self.assertIsNone(gw.ready["smtp_port"])
            self.assertOk(gw.api().get("/info", token=None))

    def test_bad_options_fail(self):
        with h.Gateway() as gw:
            for args in (["--listen", "nonsense"], ["--listen", "127.0.0.1:0", "--max-batch", "x"],
                         ["--listen", "127.0.0.1:0", "--smtp-listen", "nowhere"]):
                with self.subTest(args=args):
                    proc = gw.run("serve", "--data", gw.data_dir, *args, check=False, timeout=30)
                    self.assertNotEqual(proc.returncode, 0)


class Submissions(h.GatewayTestCase):

    def test_empty_json_array(self):
        with h.Gateway() as gw:
            gw.run("user", "add", "--data", gw.data_dir, "x", "--address", "x@example.com",
                   input="pw\n")
            proc = gw.run("submissions", "--data", gw.data_dir, "--json")
            self.assertEqual(json.loads(proc.stdout), [])


if __name__ == "__main__":
    h.main()
