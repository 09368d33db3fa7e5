#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Gateway API v1: actions on items and their effects on the Maildir,
isolation between users, and the sender lists."""

import os
import sys
import threading
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT")
                            or Path(__file__).resolve().parents[2]) / "tests" / "lib"))
import qdharness as h  # noqa: E402

ACTION_PATHS = ["release", "request-release", "move-to-inbox", "delete", "block-sender"]


class ActionTestCase(h.GatewayTestCase):
    """One gateway (batch limit 10) per class; a fresh user per test."""

    MAX_BATCH = 10

    @classmethod
    def setUpClass(cls):
        cls.gw = cls.start_gateway(max_batch=cls.MAX_BATCH)

    def fresh_user(self, prefix="act"):
        name, pw, address = self.gw.new_user(prefix)
        self.user, self.address = name, address
        self.api = self.gw.login(name, pw)
        return self.api

    def hold(self, folder, reason, message=None, category=None, **kw):
        if message is None:
            message = h.personal_message(to=self.address, subject=f"{folder} {reason}")
        if reason == "graymail" and category is None:
            category = "marketing"
        [item_id] = self.gw.ingest(self.user, folder, reason, [message], category=category, **kw)
        return item_id, message

    def status(self, item_id):
        r = self.api.get(f"/messages/{item_id}")
        self.assertOk(r)
        return r.body["status"]

    def listed_ids(self, folder="quarantine"):
        return {i["id"] for i in self.api.list_all(folder=folder)}

    def inbox(self, sub=("new", "cur")):
        return self.gw.maildir_files(self.user, "INBOX", sub)

    def junk(self, sub=("new", "cur")):
        return self.gw.maildir_files(self.user, "Junk", sub)

    def tmp_files(self):
        files = []
        for folder in ("INBOX", "Junk"):
            d = self.gw.maildir(self.user, folder) / "tmp"
            if d.is_dir():
                files += [p for p in d.iterdir() if p.is_file()]
        return files

    def act_one(self, action, item_id, **extra):
        r = self.api.act(action, [item_id], **extra)
        body = self.assertOk(r, msg=f"{action} {item_id}")
        self.assertEqual(len(body["results"]), 1, body)
        res = body["results"][0]
        self.assertEqual(res["id"], item_id)
        self.assertEqual(body["succeeded"] + body["failed"], 1)
        self.assertEqual(body["succeeded"], 1 if res["ok"] else 0)
        return res

    def assertResult(self, res, result):
        self.assertIs(res["ok"], True, res)
        self.assertEqual(res["result"], result, res)

    def assertFailed(self, res, code):
        self.assertIs(res["ok"], False, res)
        self.assertEqual(res["error"]["code"], code, res)
        self.assertIsInstance(res["error"]["message"], str)


class Release(ActionTestCase):

    def test_release_delivers_once(self):
        self.fresh_user()
        item_id, original = self.hold("quarantine", "spam")
        self.assertEqual(self.inbox(), [])
        self.assertResult(self.act_one("release", item_id), "released")
        files = self.inbox(("new",))
        self.assertEqual(len(files), 1, "release must deliver exactly one file into INBOX/new")
        self.assertEqual(files[0].read_bytes(), original)
        self.assertEqual(self.inbox(("cur",)), [])
        self.assertEqual(self.tmp_files(), [])
        self.assertEqual(self.status(item_id), "released")

        self.assertResult(self.act_one("release", item_id), "already_released")
        self.assertEqual(len(self.inbox()), 1, "releasing twice delivered twice")
        self.assertEqual(self.status(item_id), "released")

    def test_released_items_leave_listing_and_total(self):
        self.fresh_user()
        ids = [self.hold("quarantine", "graymail")[0] for _ in range(4)]
        self.assertEqual(self.api.list().body["total"], 4)
        r = self.api.act("release", ids[:2])
        self.assertOk(r)
        self.assertEqual(r.body["succeeded"], 2)
        self.assertEqual(r.body["failed"], 0)
        listing = self.api.list()
        self.assertEqual(listing.body["total"], 2)
        self.assertEqual({i["id"] for i in listing.body["items"]}, set(ids[2:]))
        self.assertEqual(len(self.inbox()), 2)
        # Not hidden anywhere else either.
        self.assertNotIn(ids[0], self.listed_ids("junk"))

    def test_release_with_approve_sender(self):
        self.fresh_user()
        msg = h.personal_message(from_="Garden Club <Club@Garden.Example>", to=self.address)
        item_id, _ = self.hold("quarantine", "graymail", msg)
        self.assertResult(self.act_one("release", item_id, approve_sender=True), "released")
        approved = [s["address"] for s in self.api.get("/approved-senders").body["senders"]]
        self.assertEqual(approved, ["club@garden.example"])

    def test_release_without_approve_sender_approves_nothing(self):
        self.fresh_user()
        item_id, _ = self.hold("quarantine", "spam")
        self.assertResult(self.act_one("release", item_id, approve_sender=False), "released")
        self.assertEqual(self.api.get("/approved-senders").body["senders"], [])

    def test_request_release_for_phishing(self):
        self.fresh_user()
        item_id, _ = self.hold("quarantine", "phishing")
        self.assertResult(self.act_one("request-release", item_id), "requested")
        self.assertEqual(self.status(item_id), "release_requested")
        self.assertEqual(self.inbox(), [], "request-release delivered something")
        # Still waiting for the user: listed, with its status.
        listed = {i["id"]: i for i in self.api.list_all()}
        self.assertIn(item_id, listed)
        self.assertEqual(listed[item_id]["status"], "release_requested")
        self.assertResult(self.act_one("request-release", item_id), "already_requested")
        self.assertEqual(self.inbox(), [])

    def test_not_allowed(self):
        self.fresh_user()
        cases = [("release", "quarantine", "phishing"), ("release", "quarantine", "malware"),
                 ("release", "junk", "spam"), ("release", "junk", "graymail"),
                 ("move-to-inbox", "quarantine", "spam"), ("move-to-inbox", "quarantine", "graymail"),
                 ("request-release", "quarantine", "spam"), ("request-release", "junk", "phishing"),
                 ("block-sender", "quarantine", "malware")]
        for action, folder, reason in cases:
            with self.subTest(action=action, folder=folder, reason=reason):
                item_id, _ = self.hold(folder, reason)
                self.assertFailed(self.act_one(action, item_id), "not_allowed")
                self.assertEqual(self.status(item_id), "held")
        self.assertEqual(self.inbox(), [], "a refused action delivered something")
        self.assertEqual(self.api.get("/blocked-senders").body["senders"], [])
        self.assertEqual(len(self.junk()), 3, "a refused action touched the Junk folder")


class DeliveryFailed(ActionTestCase):
    """A mailbox that cannot be written: delivery_failed, and nothing changes.
    (A directory replaced by a file: refused even to root.)"""

    def break_dir(self, path: Path):
        saved = path.with_name(path.name + ".saved")
        os.rename(path, saved)
        path.write_text("not a directory\n")
        return lambda: (path.unlink(), os.rename(saved, path))

    def test_release_into_broken_inbox(self):
        self.fresh_user()
        item_id, original = self.hold("quarantine", "spam")
        inbox = self.gw.maildir(self.user)
        for sub in ("new", "tmp"):
            with self.subTest(broken=sub):
                restore = self.break_dir(inbox / sub)
                try:
                    res = self.act_one("release", item_id)
                finally:
                    restore()
                self.assertFailed(res, "delivery_failed")
                self.assertEqual(self.status(item_id), "held")
                self.assertIn(item_id, self.listed_ids())
                self.assertEqual(self.inbox(), [])
        # Once the mailbox is writable again, the same release works.
        self.assertResult(self.act_one("release", item_id), "released")
        [path] = self.inbox(("new",))
        self.assertEqual(path.read_bytes(), original)

    def test_move_into_broken_inbox(self):
        self.fresh_user()
        item_id, original = self.hold("junk", "spam")
        [junk_file] = self.junk()
        restore = self.break_dir(self.gw.maildir(self.user) / "new")
        try:
            res = self.act_one("move-to-inbox", item_id)
        finally:
            restore()
        self.assertFailed(res, "delivery_failed")
        self.assertEqual(self.status(item_id), "held")
        self.assertEqual(self.junk(), [junk_file], "the Junk file was touched")
        self.assertEqual(self.inbox(), [])
        self.assertResult(self.act_one("move-to-inbox", item_id), "moved")
        self.assertEqual([p.read_bytes() for p in self.inbox()], [original])


class Concurrency(ActionTestCase):

    def race(self, action, ids, n=8):
        """N clients send the same action at the same moment; their answers."""
        barrier = threading.Barrier(n)
        answers = [None] * n

        def worker(k):
            api = h.Api(self.api.base_url, self.api.token)
            barrier.wait(timeout=30)
            answers[k] = api.act(action, ids)

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        self.assertFalse(any(t.is_alive() for t in threads), "a request never returned")
        return answers

    def test_concurrent_releases_deliver_once(self):
        self.fresh_user()
        item_id, original = self.hold("quarantine", "spam")
        answers = self.race("release", [item_id])
        results = []
        for r in answers:
            self.assertOk(r)
            results.append(r.body["results"][0]["result"])
        self.assertEqual(sorted(results), ["already_released"] * 7 + ["released"])
        files = self.inbox()
        self.assertEqual(len(files), 1, "concurrent releases delivered more than once")
        self.assertEqual(files[0].read_bytes(), original)

    def test_concurrent_moves_move_once(self):
        self.fresh_user()
        item_id, original = self.hold("junk", "spam")
        answers = self.race("move-to-inbox", [item_id])
        results = [self.assertOk(r)["results"][0]["result"] for r in answers]
        self.assertEqual(sorted(results), ["already_moved"] * 7 + ["moved"])
        self.assertEqual(len(self.inbox()), 1)
        self.assertEqual(self.junk(), [])


class MoveToInbox(ActionTestCase):

    def junk_item(self, **kw):
        item_id, original = self.hold("junk", "spam", **kw)
        files = self.junk(("new",))
        self.assertEqual(len(files), 1, "ingest into junk puts the file into .Junk/new")
        self.assertEqual(files[0].read_bytes(), original)
        return item_id, original, files[0]

    def test_move_from_junk_new(self):
        self.fresh_user()
        item_id, original, path = self.junk_item()
        self.assertResult(self.act_one("move-to-inbox", item_id), "moved")
        self.assertEqual(self.junk(), [], "the file is still in Junk")
        new = self.inbox(("new",))
        self.assertEqual(len(new), 1, f"INBOX: {self.inbox()}")
        self.assertEqual(new[0].read_bytes(), original)
        self.assertNotIn(":2,", new[0].name)
        self.assertEqual(self.inbox(("cur",)), [])
        self.assertEqual(self.tmp_files(), [])
        self.assertEqual(self.status(item_id), "moved")
        self.assertNotIn(item_id, self.listed_ids("junk"))

        self.assertResult(self.act_one("move-to-inbox", item_id), "already_moved")
        self.assertEqual(len(self.inbox()), 1)

    def test_move_from_junk_cur_keeps_flags(self):
        self.fresh_user()
        item_id, original, path = self.junk_item()
        # The user's mail program has seen it: new/NAME -> cur/NAME:2,S
        seen = path.parent.parent / "cur" / (path.name + ":2,S")
        seen.parent.mkdir(exist_ok=True)
        os.rename(path, seen)
        self.assertResult(self.act_one("move-to-inbox", item_id), "moved")
        self.assertEqual(self.junk(), [])
        cur = self.inbox(("cur",))
        self.assertEqual(len(cur), 1, f"INBOX: {self.inbox()}")
        self.assertTrue(cur[0].name.endswith(":2,S"), f"flags lost: {cur[0].name}")
        self.assertEqual(cur[0].read_bytes(), original)
        self.assertEqual(self.inbox(("new",)), [])

    def test_move_with_approve_sender(self):
        self.fresh_user()
        msg = h.personal_message(from_="Old Friend <friend@pals.example>", to=self.address)
        item_id, _, _ = self.junk_item(message=msg)
        self.assertResult(self.act_one("move-to-inbox", item_id, approve_sender=True), "moved")
        approved = [s["address"] for s in self.api.get("/approved-senders").body["senders"]]
        self.assertEqual(approved, ["friend@pals.example"])

    def test_gone_from_junk(self):
        self.fresh_user()
        item_id, _, path = self.junk_item()
        path.unlink()  # deleted in the user's mail program
        self.assertFailed(self.act_one("move-to-inbox", item_id), "gone_from_junk")
        self.assertEqual(self.inbox(), [])

    def test_gone_from_junk_after_moving_elsewhere(self):
        self.fresh_user()
        item_id, _, path = self.junk_item()
        archive = self.gw.maildir(self.user, "Archive") / "cur"
        archive.mkdir(parents=True)
        os.rename(path, archive / (path.name + ":2,S"))
        self.assertFailed(self.act_one("move-to-inbox", item_id), "gone_from_junk")
        self.assertEqual(self.inbox(), [])
        self.assertEqual(len(list(archive.iterdir())), 1, "the file in another folder was touched")


class Delete(ActionTestCase):

    def test_delete_junk_removes_file(self):
        self.fresh_user()
        item_id, _ = self.hold("junk", "graymail")
        self.assertEqual(len(self.junk()), 1)
        self.assertResult(self.act_one("delete", item_id), "deleted")
        self.assertEqual(self.junk(), [])
        self.assertEqual(self.inbox(), [])
        self.assertNotIn(item_id, self.listed_ids("junk"))
        self.assertEqual(self.api.list(folder="junk").body["total"], 0)
        self.assertEqual(self.status(item_id), "deleted")
        self.assertResult(self.act_one("delete", item_id), "already_deleted")

    def test_delete_junk_file_the_user_has_read(self):
        self.fresh_user()
        item_id, _ = self.hold("junk", "spam")
        [path] = self.junk(("new",))
        (path.parent.parent / "cur").mkdir(exist_ok=True)
        os.rename(path, path.parent.parent / "cur" / (path.name + ":2,S"))
        self.assertResult(self.act_one("delete", item_id), "deleted")
        self.assertEqual(self.junk(), [])

    def test_delete_quarantine_drops_original(self):
        self.fresh_user()
        keep, _ = self.hold("quarantine", "spam")
        item_id, _ = self.hold("quarantine", "spam")
        before = len(self.gw.stored_originals())
        self.assertResult(self.act_one("delete", item_id), "deleted")
        self.assertEqual(len(self.gw.stored_originals()), before - 1,
                         "the original stayed in the store")
        self.assertEqual(self.status(item_id), "deleted")
        self.assertEqual(self.ids(self.api.list()), [keep])
        self.assertEqual(self.inbox(), [])
        self.assertResult(self.act_one("delete", item_id), "already_deleted")
        # The other original is intact.
        self.assertEqual(self.api.get(f"/messages/{keep}/raw").status, 200)

    def test_delete_every_kind(self):
        self.fresh_user()
        for folder, reason in [("quarantine", "phishing"), ("quarantine", "malware"),
                               ("quarantine", "policy"), ("junk", "phishing")]:
            with self.subTest(folder=folder, reason=reason):
                item_id, _ = self.hold(folder, reason)
                self.assertResult(self.act_one("delete", item_id), "deleted")
                self.assertNotIn(item_id, self.listed_ids(folder))


class BlockSender(ActionTestCase):

    def test_block_sender(self):
        self.fresh_user()
        msg = h.personal_message(from_="Pushy Seller <Seller@Pushy.Example>", to=self.address)
        item_id, _ = self.hold("quarantine", "spam", msg)
        # Approved first: blocking removes it from the approved list.
        self.assertOk(self.api.post("/approved-senders", {"address": "seller@pushy.example"}), 201)
        self.assertResult(self.act_one("block-sender", item_id), "blocked")
        blocked = [s["address"] for s in self.api.get("/blocked-senders").body["senders"]]
        self.assertEqual(blocked, ["seller@pushy.example"])
        self.assertEqual(self.api.get("/approved-senders").body["senders"], [])
        self.assertEqual(self.status(item_id), "deleted")
        self.assertNotIn(item_id, self.listed_ids())
        self.assertEqual(self.inbox(), [])
        self.assertResult(self.act_one("block-sender", item_id), "already_deleted")
        # Mail from that sender is now discarded on arrival.
        out = self.gw.ingest(self.user, "quarantine", "spam", [msg])
        self.assertEqual(out, ["discarded"])
        self.assertEqual(self.api.list().body["total"], 0)

    def test_block_sender_of_junk_item_removes_file(self):
        self.fresh_user()
        msg = h.personal_message(from_="Junk Sender <junk@junk.example>", to=self.address)
        item_id, _ = self.hold("junk", "spam", msg)
        self.assertResult(self.act_one("block-sender", item_id), "blocked")
        self.assertEqual(self.junk(), [])
        self.assertEqual(self.inbox(), [])
        blocked = [s["address"] for s in self.api.get("/blocked-senders").body["senders"]]
        self.assertEqual(blocked, ["junk@junk.example"])


class Batches(ActionTestCase):

    def test_batch_too_large(self):
        self.fresh_user()
        held = [self.hold("quarantine", "spam")[0] for _ in range(3)]
        ids = held + [str(900000 + i) for i in range(self.MAX_BATCH + 1 - len(held))]
        self.assertEqual(len(ids), self.MAX_BATCH + 1)
        for action in ACTION_PATHS:
            with self.subTest(action=action):
                self.assertError(self.api.act(action, ids), 400, "batch_too_large")
        # Refused as a whole: nothing happened.
        for item_id in held:
            self.assertEqual(self.status(item_id), "held")
        self.assertEqual(self.inbox(), [])

    def test_batch_at_the_limit(self):
        self.fresh_user()
        held = [self.hold("quarantine", "spam")[0] for _ in range(3)]
        ids = held + [str(900000 + i) for i in range(self.MAX_BATCH - len(held))]
        r = self.api.act("release", ids)
        self.assertOk(r)
        self.assertEqual([x["id"] for x in r.body["results"]], ids)
        self.assertEqual(r.body["succeeded"], 3)
        self.assertEqual(r.body["failed"], self.MAX_BATCH - 3)
        self.assertEqual(len(self.inbox()), 3)

    def test_empty_ids(self):
        self.fresh_user()
        for action in ACTION_PATHS:
            with self.subTest(action=action):
                err = self.assertError(self.api.act(action, []), 400, "invalid_parameter")
                self.assertEqual(err.get("parameter"), "ids")

    def test_duplicates_are_answered_once(self):
        self.fresh_user()
        a, _ = self.hold("quarantine", "spam")
        b, _ = self.hold("quarantine", "spam")
        r = self.api.act("release", [a, b, a, "987654", b, "987654"])
        self.assertOk(r)
        self.assertEqual([x["id"] for x in r.body["results"]], [a, b, "987654"])
        self.assertEqual(r.body["succeeded"], 2)
        self.assertEqual(r.body["failed"], 1)
        self.assertEqual(len(self.inbox()), 2, "a duplicate id delivered twice")
        for res in r.body["results"][:2]:
            self.assertResult(res, "released")

    def test_unknown_and_malformed_ids(self):
        self.fresh_user()
        held, _ = self.hold("quarantine", "spam")
        bad = ["987654321", "0", "-1", "../1", "1;DROP", "", " 1", "1 ", "١", "1e2",
               "99999999999999999999999", f"{held}/../{held}", "' OR '1'='1"]
        for action in ACTION_PATHS:
            for start in range(0, len(bad), self.MAX_BATCH):
                chunk = bad[start:start + self.MAX_BATCH]
                with self.subTest(action=action, ids=chunk):
                    r = self.api.act(action, chunk)
                    self.assertOk(r)
                    self.assertEqual([x["id"] for x in r.body["results"]], chunk)
                    for res in r.body["results"]:
                        self.assertFailed(res, "not_found")
                    self.assertEqual(r.body["succeeded"], 0)
                    self.assertEqual(r.body["failed"], len(chunk))
            # An id holding a NUL would be cut short to the real id: the whole
            # request is refused instead (docs/gateway-api.md, "Paths").
            with self.subTest(action=action, ids="NUL"):
                self.assertError(self.api.act(action, [f"{held}\x00"]), 400, "bad_request")
        self.assertEqual(self.status(held), "held")

    def test_results_follow_the_order_given(self):
        self.fresh_user()
        spam, _ = self.hold("quarantine", "spam")
        phish, _ = self.hold("quarantine", "phishing")
        gray, _ = self.hold("quarantine", "graymail")
        r = self.api.act("release", [phish, "424242", gray, spam])
        self.assertOk(r)
        results = r.body["results"]
        self.assertEqual([x["id"] for x in results], [phish, "424242", gray, spam])
        self.assertFailed(results[0], "not_allowed")
        self.assertFailed(results[1], "not_found")
        self.assertResult(results[2], "released")
        self.assertResult(results[3], "released")
        self.assertEqual((r.body["succeeded"], r.body["failed"]), (2, 2))


class FullBatch(ActionTestCase):
    """The default batch limit (1000): a whole batch in one request."""

    MAX_BATCH = None

    def test_release_a_thousand(self):
        self.fresh_user()
        limit = self.api.get("/info").body["limits"]["max_batch_ids"]
        self.assertEqual(limit, 1000)
        msgs = [h.personal_message(to=self.address, subject=f"Bulk {i}") for i in range(limit + 1)]
        ids = self.gw.ingest(self.user, "quarantine", "graymail", msgs, category="bulk")
        self.assertError(self.api.act("release", ids), 400, "batch_too_large")
        self.assertEqual(self.inbox(), [])
        r = self.api.act("release", ids[:limit])
        self.assertOk(r)
        self.assertEqual((r.body["succeeded"], r.body["failed"]), (limit, 0))
        self.assertEqual(len(self.inbox(("new",))), limit)
        self.assertEqual(self.ids(self.api.list()), [ids[limit]])


class Isolation(ActionTestCase):

    def test_other_users_items(self):
        api_a = self.fresh_user("alice")
        a_user = self.user
        a_spam, _ = self.hold("quarantine", "spam")
        a_phish, _ = self.hold("quarantine", "phishing")
        a_junk, _ = self.hold("junk", "spam")
        a_ids = [a_spam, a_phish, a_junk]
        a_junk_files = self.junk()

        api_b = self.fresh_user("bob")
        b_own, _ = self.hold("quarantine", "spam")

        # Listing: B sees only B's.
        for folder in ("quarantine", "junk"):
            r = api_b.list(folder=folder)
            self.assertTrue(set(a_ids).isdisjoint(self.ids(r)), folder)
        self.assertEqual(api_b.list().body["total"], 1)
        self.assertEqual(api_b.list(folder="junk").body["total"], 0)

        # One item, raw: answered as an id that does not exist.
        for item_id in a_ids:
            for suffix in ("", "/raw"):
                with self.subTest(item=item_id, suffix=suffix):
                    r = api_b.get(f"/messages/{item_id}{suffix}")
                    self.assertError(r, 404, "not_found")
                    missing = api_b.get(f"/messages/987654321{suffix}")
                    self.assertEqual(r.body["error"]["code"], missing.body["error"]["code"])

        # Every action: per-id not_found.
        for action in ACTION_PATHS:
            with self.subTest(action=action):
                r = api_b.act(action, a_ids + [b_own] if action == "delete" else a_ids)
                self.assertOk(r)
                for res in r.body["results"][:3]:
                    self.assertFailed(res, "not_found")
        for action in ("release", "move-to-inbox"):
            r = api_b.act(action, a_ids, approve_sender=True)
            for res in r.body["results"]:
                self.assertFailed(res, "not_found")

        # A's items are untouched and nothing was delivered to anyone.
        for item_id in a_ids:
            self.assertEqual(api_a.get(f"/messages/{item_id}").body["status"], "held")
        self.assertEqual(self.gw.maildir_files(a_user, "Junk"), a_junk_files)
        self.assertEqual(self.gw.maildir_files(a_user, "INBOX"), [])
        self.assertEqual(self.gw.maildir_files(self.user, "INBOX"), [])
        self.assertEqual(api_b.get("/approved-senders").body["senders"], [])
        self.assertEqual(api_b.get("/blocked-senders").body["senders"], [])
        self.assertEqual(api_a.get("/blocked-senders").body["senders"], [])

    def test_sender_lists_are_per_user(self):
        api_a = self.fresh_user("alice")
        api_b = self.fresh_user("bob")
        self.assertOk(api_a.post("/approved-senders", {"address": "shared@example.org"}), 201)
        self.assertOk(api_a.post("/blocked-senders", {"address": "@spam.example"}), 201)
        self.assertEqual(api_b.get("/approved-senders").body["senders"], [])
        self.assertEqual(api_b.get("/blocked-senders").body["senders"], [])
        # B cannot remove A's entries.
        self.assertError(api_b.delete("/approved-senders/shared@example.org"), 404, "not_found")
        self.assertError(api_b.delete("/blocked-senders/@spam.example"), 404, "not_found")
        self.assertEqual([s["address"] for s in api_a.get("/approved-senders").body["senders"]],
                         ["shared@example.org"])
        # B's own entry does not touch A's lists.
        self.assertOk(api_b.post("/blocked-senders", {"address": "shared@example.org"}), 201)
        self.assertEqual([s["address"] for s in api_a.get("/approved-senders").body["senders"]],
                         ["shared@example.org"])
        self.assertEqual([s["address"] for s in api_a.get("/blocked-senders").body["senders"]],
                         ["@spam.example"])


class SenderLists(ActionTestCase):

    def entries(self, which):
        r = self.api.get(f"/{which}-senders")
        body = self.assertOk(r)
        self.assertIsInstance(body["max"], int)
        return [s["address"] for s in body["senders"]]

    def test_add_list_delete(self):
        for which in ("approved", "blocked"):
            with self.subTest(list=which):
                self.fresh_user()
                self.assertEqual(self.entries(which), [])
                r = self.api.post(f"/{which}-senders", {"address": "News@Shop.Example"})
                body = self.assertOk(r, 201)
                self.assertEqual(body["address"], "news@shop.example")
                self.assertRegex(body["added_at"], h.ISO_Z_RE)
                # Idempotent: 200, still one entry.
                again = self.api.post(f"/{which}-senders", {"address": "news@shop.example"})
                self.assertOk(again, 200)
                self.assertEqual(again.body["address"], "news@shop.example")
                listed = self.api.get(f"/{which}-senders").body
                self.assertEqual([s["address"] for s in listed["senders"]], ["news@shop.example"])
                self.assertRegex(listed["senders"][0]["added_at"], h.ISO_Z_RE)
                self.assertEqual(listed["max"],
                                 self.api.get("/info").body["limits"]["max_sender_list"])
                # Delete, then delete again.
                r = self.api.delete(f"/{which}-senders/news@shop.example")
                self.assertEqual(r.status, 204, r.body)
                self.assertEqual(r.body, b"")
                self.assertEqual(self.entries(which), [])
                self.assertError(self.api.delete(f"/{which}-senders/news@shop.example"),
                                 404, "not_found")
                self.assertError(self.api.delete(f"/{which}-senders/never@added.example"),
                                 404, "not_found")

    def test_domain_entries(self):
        self.fresh_user()
        r = self.api.post("/approved-senders", {"address": "@Example.ORG"})
        self.assertEqual(self.assertOk(r, 201)["address"], "@example.org")
        self.assertEqual(self.entries("approved"), ["@example.org"])
        self.assertEqual(self.api.delete("/approved-senders/" +
                                         urllib.parse.quote("@example.org", safe="")).status, 204)
        self.assertEqual(self.entries("approved"), [])

    def test_encoded_address_in_path(self):
        self.fresh_user()
        self.assertOk(self.api.post("/blocked-senders", {"address": "a.b+tag@example.org"}), 201)
        path = "/blocked-senders/" + urllib.parse.quote("a.b+tag@example.org", safe="")
        self.assertEqual(self.api.delete(path).status, 204)
        self.assertEqual(self.entries("blocked"), [])

    def test_invalid_addresses(self):
        self.fresh_user()
        for value in ("not-an-address", "", "@", "a@", "a b@example.org", "<a@example.org>",
                      "a@b@example.org", "Name <a@example.org>", "@@example.org",
                      "a@example.org\r\nBcc: x@example.org", "' OR 1=1 --", "a@example.org,b@example.org",
                      "a@exa mple.org", "*@example.org", "a?b@example.org"):
            for which in ("approved", "blocked"):
                with self.subTest(address=value, list=which):
                    err = self.assertError(self.api.post(f"/{which}-senders", {"address": value}),
                                           400, "invalid_parameter")
                    self.assertEqual(err.get("parameter"), "address")
                # a NUL would cut the address short: the body is refused whole
                with self.subTest(address="NUL", list=which):
                    self.assertError(self.api.post(f"/{which}-senders",
                                                   {"address": "a@example.org\x00b"}),
                                     400, "bad_request")
        self.assertEqual(self.entries("approved"), [])
        self.assertEqual(self.entries("blocked"), [])

    def test_wrong_shapes(self):
        self.fresh_user()
        for body in ({}, {"address": 42}, {"address": None}, ["a@example.org"],
                     {"addr": "a@example.org"}):
            with self.subTest(body=body):
                r = self.api.post("/approved-senders", body)
                self.assertEqual(r.status, 400, r.body)
                self.assertIn(r.error_code, ("bad_request", "invalid_parameter"))
        r = self.api.request("POST", "/approved-senders", raw=b"a@example.org",
                             headers={"Content-Type": "application/json"})
        self.assertError(r, 400, "bad_request")

    def test_adding_to_one_list_removes_from_the_other(self):
        self.fresh_user()
        self.assertOk(self.api.post("/blocked-senders", {"address": "x@example.org"}), 201)
        self.assertOk(self.api.post("/approved-senders", {"address": "x@example.org"}), 201)
        self.assertEqual(self.entries("approved"), ["x@example.org"])
        self.assertEqual(self.entries("blocked"), [])
        self.assertOk(self.api.post("/blocked-senders", {"address": "X@Example.org"}), 201)
        self.assertEqual(self.entries("blocked"), ["x@example.org"])
        self.assertEqual(self.entries("approved"), [])

    def test_list_full(self):
        self.fresh_user()
        limit = self.api.get("/approved-senders").body["max"]
        self.assertLessEqual(limit, 5000, "too large to fill in a test")
        for i in range(limit):
            r = self.api.post("/approved-senders", {"address": f"s{i}@fill.example"})
            self.assertEqual(r.status, 201, f"entry {i + 1} of {limit}: {r.body}")
        self.assertError(self.api.post("/approved-senders", {"address": "one-more@fill.example"}),
                         409, "list_full")
        self.assertEqual(len(self.entries("approved")), limit)
        # The other list is separate.
        self.assertOk(self.api.post("/blocked-senders", {"address": "one-more@fill.example"}), 201)


class SenderEffects(ActionTestCase):
    """Mail from a blocked sender is discarded; from an approved one delivered."""

    def test_blocked_sender_is_discarded(self):
        self.fresh_user()
        self.assertOk(self.api.post("/blocked-senders", {"address": "spammer@bad.example"}), 201)
        msg = h.personal_message(from_="Spammer <Spammer@Bad.Example>", to=self.address)
        self.assertEqual(self.gw.ingest(self.user, "quarantine", "spam", [msg]), ["discarded"])
        self.assertEqual(self.gw.ingest(self.user, "junk", "spam", [msg]), ["discarded"])
        self.assertEqual(self.api.list().body["total"], 0)
        self.assertEqual(self.api.list(folder="junk").body["total"], 0)
        self.assertEqual(self.inbox() + self.junk(), [])

    def test_approved_sender_is_delivered(self):
        self.fresh_user()
        self.assertOk(self.api.post("/approved-senders", {"address": "friend@good.example"}), 201)
        msg = h.personal_message(from_="Friend <friend@good.example>", to=self.address)
        self.assertEqual(self.gw.ingest(self.user, "quarantine", "graymail", [msg],
                                        category="bulk"), ["delivered"])
        [path] = self.inbox(("new",))
        self.assertEqual(path.read_bytes(), msg)
        self.assertEqual(self.gw.ingest(self.user, "junk", "spam", [msg]), ["delivered"])
        self.assertEqual(len(self.inbox()), 2)
        self.assertEqual(self.junk(), [])
        self.assertEqual(self.api.list().body["total"], 0)
        self.assertEqual(self.api.list(folder="junk").body["total"], 0)

    def test_domain_entries_at_ingest(self):
        self.fresh_user()
        self.assertOk(self.api.post("/blocked-senders", {"address": "@bad.example"}), 201)
        self.assertOk(self.api.post("/approved-senders", {"address": "@good.example"}), 201)
        bad = h.personal_message(from_="Anyone <anyone@BAD.example>", to=self.address)
        good = h.personal_message(from_="Someone <someone@good.example>", to=self.address)
        near = h.personal_message(from_="Near <near@notbad.example>", to=self.address)
        out = self.gw.ingest(self.user, "quarantine", "spam", [bad, good, near])
        self.assertEqual(out[:2], ["discarded", "delivered"])
        self.assertRegex(out[2], r"^\d+$", "@bad.example must not match notbad.example")
        self.assertEqual(self.ids(self.api.list()), [out[2]])
        self.assertEqual(len(self.inbox()), 1)

    def test_removed_entry_has_no_effect(self):
        self.fresh_user()
        self.assertOk(self.api.post("/blocked-senders", {"address": "x@bad.example"}), 201)
        self.assertEqual(self.api.delete("/blocked-senders/x@bad.example").status, 204)
        msg = h.personal_message(from_="X <x@bad.example>", to=self.address)
        [out] = self.gw.ingest(self.user, "quarantine", "spam", [msg])
        self.assertRegex(out, r"^\d+$")


if __name__ == "__main__":
    h.main()
