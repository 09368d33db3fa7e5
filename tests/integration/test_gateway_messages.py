#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Gateway API v1: GET /messages (filters, sorting, paging, cursors) and
GET /messages/{id}, /messages/{id}/raw."""

import datetime as dt
import os
import random
import re
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT")
                            or Path(__file__).resolve().parents[2]) / "tests" / "lib"))
import qdharness as h  # noqa: E402

# A fixed hour a day ago: recent enough never to be expired.
BASE = (h.utcnow() - dt.timedelta(days=1)).replace(minute=0, second=0)


def at(minutes: int, seconds: int = 0) -> dt.datetime:
    return BASE + dt.timedelta(minutes=minutes, seconds=seconds)


# key, folder, reason, category, minutes after BASE, From, Subject
FILTER_SET = [
    ("mkt", "quarantine", "graymail", "marketing", 0, "Shop News <news@shop.example>",
     "Summer sale: 30% off everything"),
    ("soc", "quarantine", "graymail", "social", 10, "Friends Net <notify@friends-net.example>",
     "You have 3 new friend requests"),
    ("for", "quarantine", "graymail", "forum", 20, "Garden Forum <forum@garden-forum.example>",
     "New reply in the Tomatoes thread"),
    ("blk", "quarantine", "graymail", "bulk", 30, "Mass Mailer <bulk@mass.example>",
     "Quarterly report"),
    ("spm", "quarantine", "spam", None, 40, "Winner Desk <winner@lottery.example>",
     "You won a prize"),
    ("phi", "quarantine", "phishing", None, 50, "Bank Security <security@bank-secure.example>",
     "Verify your account"),
    ("mal", "quarantine", "malware", None, 60, "Invoices <invoice@billing.example>",
     "Invoice attached"),
    ("pol", "quarantine", "policy", None, 70, "Partner <partner@partner.example>",
     "Contract draft"),
    ("jap", "quarantine", "spam", None, 80, "山田 太郎 <taro@example.jp>",
     "【重要】請求書のご案内"),
    ("caf", "quarantine", "graymail", "marketing", 90, "Le Bistro <hello@bistro.example>",
     "Café opening hours"),
    ("jspm", "junk", "spam", None, 15, "Junk Sender <junk@junk.example>", "Cheap pills"),
    ("jmkt", "junk", "graymail", "marketing", 25, "Deals Daily <deals@deals.example>",
     "Daily deals"),
]

QUARANTINE_KEYS = [k for k, folder, *_ in FILTER_SET if folder == "quarantine"]

ACTIONS = {
    ("quarantine", "graymail"): {"release", "delete", "block-sender", "approve-sender"},
    ("quarantine", "spam"): {"release", "delete", "block-sender", "approve-sender"},
    ("quarantine", "policy"): {"release", "delete", "block-sender", "approve-sender"},
    ("quarantine", "phishing"): {"request-release", "delete", "block-sender"},
    ("quarantine", "malware"): {"delete"},
}
JUNK_ACTIONS = {"move-to-inbox", "delete", "block-sender", "approve-sender"}

INJECTIONS = [
    "' OR '1'='1", "quarantine' OR '1'='1' --", "1; DROP TABLE items; --",
    '" OR ""="', "%' OR 1=1 --", "junk) OR (1=1", "\\",
    "ｑｕａｒａｎｔｉｎｅ", "quarantine,junk", "-received_at; DELETE FROM items",
    "received_at ASC, (SELECT 1)", "1 UNION SELECT * FROM users", "$(rm -rf /)",
]


class Filters(h.GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gw = cls.enterClassContext(h.Gateway())
        cls.user, pw, cls.address = cls.gw.new_user("filt")
        cls.key = {}   # key -> id
        cls.spec = {}  # key -> row
        for row in FILTER_SET:
            key, folder, reason, category, minutes, from_, subject = row
            msg = h.make_message(from_, cls.address, subject, f"Message {key}.\n",
                                 date=at(minutes))
            [item_id] = cls.gw.ingest(cls.user, folder, reason, [msg], category=category,
                                      received=at(minutes))
            cls.key[key] = item_id
            cls.spec[key] = row
        cls.gw.start()
        cls.api = cls.gw.login(cls.user, pw)

    def keys(self, r):
        ids = self.ids(r)
        by_id = {v: k for k, v in self.key.items()}
        self.assertEqual(len(ids), len(set(ids)), f"duplicates in {ids}")
        unknown = [i for i in ids if i not in by_id]
        self.assertEqual(unknown, [], "items that were never ingested for this user")
        return [by_id[i] for i in ids]

    def listed(self, **params):
        r = self.api.list(**params)
        keys = self.keys(r)
        self.assertEqual(r.body["total"], len(keys), f"total for {params}")
        self.assertIsNone(r.body["next_cursor"], f"one page holds all for {params}")
        return keys

    def expect(self, params, keys):
        self.assertEqual(sorted(self.listed(**params)), sorted(keys), f"for {params}")

    # folder ---------------------------------------------------------------

    def test_default_is_quarantine_newest_first(self):
        keys = self.listed()
        expected = sorted(QUARANTINE_KEYS, key=lambda k: self.spec[k][4], reverse=True)
        self.assertEqual(keys, expected)

    def test_folder(self):
        self.expect({"folder": "quarantine"}, QUARANTINE_KEYS)
        self.expect({"folder": "junk"}, ["jspm", "jmkt"])

    def test_bad_folder(self):
        for value in ("inbox", "Quarantine", "quarantine,junk", "quarantine "):
            with self.subTest(folder=value):
                err = self.assertError(self.api.list(folder=value), 400, "invalid_parameter")
                self.assertEqual(err.get("parameter"), "folder")

    # reason and category ----------------------------------------------------

    def test_reason(self):
        self.expect({"reason": "graymail"}, ["mkt", "soc", "for", "blk", "caf"])
        self.expect({"reason": "spam"}, ["spm", "jap"])
        self.expect({"reason": "phishing"}, ["phi"])
        self.expect({"reason": "malware"}, ["mal"])
        self.expect({"reason": "policy"}, ["pol"])
        self.expect({"reason": "spam", "folder": "junk"}, ["jspm"])

    def test_reason_list(self):
        self.expect({"reason": "spam,phishing"}, ["spm", "jap", "phi"])
        self.expect({"reason": "malware,policy,phishing"}, ["mal", "pol", "phi"])
        self.expect({"reason": "graymail,spam,phishing,malware,policy"}, QUARANTINE_KEYS)

    def test_bad_reason(self):
        for value in ("virus", "spam,virus", "SPAM", "spam;phishing"):
            with self.subTest(reason=value):
                err = self.assertError(self.api.list(reason=value), 400, "invalid_parameter")
                self.assertEqual(err.get("parameter"), "reason")

    def test_category(self):
        self.expect({"category": "marketing"}, ["mkt", "caf"])
        self.expect({"category": "social,forum"}, ["soc", "for"])
        self.expect({"category": "bulk"}, ["blk"])
        self.expect({"category": "marketing", "folder": "junk"}, ["jmkt"])
        # Only graymail has a category.
        self.expect({"category": "marketing", "reason": "spam"}, [])

    def test_bad_category(self):
        for value in ("news", "marketing,news", "Marketing"):
            with self.subTest(category=value):
                err = self.assertError(self.api.list(category=value), 400, "invalid_parameter")
                self.assertEqual(err.get("parameter"), "category")

    # since / until ---------------------------------------------------------

    def test_since_inclusive_until_exclusive_with_offsets(self):
        # since = the second "soc" was received, until = the second "spm" was.
        self.expect({"since": h.iso_offset(at(10), 9), "until": h.iso_offset(at(40), 9)},
                    ["soc", "for", "blk"])
        self.expect({"since": h.iso_z(at(10)), "until": h.iso_z(at(40))},
                    ["soc", "for", "blk"])
        self.expect({"since": h.iso_offset(at(10), -5), "until": h.iso_offset(at(40), 5, 30)},
                    ["soc", "for", "blk"])

    def test_boundaries_to_the_second(self):
        self.expect({"since": h.iso_offset(at(10, 1), 9), "until": h.iso_offset(at(40, 1), 9)},
                    ["for", "blk", "spm"])
        self.expect({"since": h.iso_offset(at(10), 9), "until": h.iso_offset(at(10), 9)}, [])
        self.expect({"since": h.iso_offset(at(10), 9), "until": h.iso_offset(at(10, 1), 9)},
                    ["soc"])

    def test_since_alone_and_until_alone(self):
        self.expect({"since": h.iso_offset(at(70), 9)}, ["pol", "jap", "caf"])
        self.expect({"until": h.iso_offset(at(10), 9)}, ["mkt"])
        self.expect({"until": h.iso_offset(at(0), 9)}, [])

    def test_incident_query(self):
        # Everything held as newsletters in a window, written in Japan time.
        params = {"folder": "quarantine", "reason": "graymail", "category": "marketing",
                  "since": h.iso_offset(at(-60), 9), "until": h.iso_offset(at(60), 9)}
        self.expect(params, ["mkt"])
        # The query string of the documentation's example, '+' encoded as %2B.
        query = urllib.parse.urlencode(params)
        self.assertIn("%2B09%3A00", query)
        r = self.api.get("/messages?" + query)
        self.assertEqual(self.keys(r), ["mkt"])

    def test_bad_dates(self):
        cases = [("since", "yesterday"), ("until", "2026-13-45T00:00:00Z"),
                 ("since", "2026-06-07T25:00:00+09:00"), ("until", "not a date"),
                 ("since", "2026-06-07T19:00:00"),  # no time zone: ambiguous
                 ("until", "2026-06-07T19:00:00+99:00"), ("since", "1e9")]
        for name, value in cases:
            with self.subTest(parameter=name, value=value):
                err = self.assertError(self.api.list(**{name: value}), 400, "invalid_parameter")
                self.assertEqual(err.get("parameter"), name)

    # q ---------------------------------------------------------------------

    def test_q(self):
        cases = [("shop", ["mkt"]),              # From address
                 ("SHOP.EXAMPLE", ["mkt"]),      # case-insensitive
                 ("friends net", ["soc"]),       # From display name
                 ("FRIENDS NET", ["soc"]),
                 ("won a PRIZE", ["spm"]),       # subject
                 ("請求書", ["jap"]),             # Japanese subject (RFC 2047 encoded)
                 ("山田", ["jap"]),               # Japanese display name
                 ("taro@example.jp", ["jap"]),
                 ("example", None),              # many
                 ("no such text anywhere", [])]
        for q, keys in cases:
            with self.subTest(q=q):
                got = self.listed(q=q)
                if keys is None:
                    self.assertGreater(len(got), 3)
                else:
                    self.assertEqual(sorted(got), sorted(keys))

    def test_q_is_literal_text(self):
        # LIKE wildcards are text like any other.
        self.expect({"q": "%"}, ["mkt"])           # "30% off"
        self.expect({"q": "_"}, [])
        self.expect({"q": "30%"}, ["mkt"])
        self.expect({"q": "3_%"}, [])

    def test_q_combines_with_filters(self):
        self.expect({"q": "deals", "folder": "junk"}, ["jmkt"])
        self.expect({"q": "deals"}, [])
        self.expect({"q": "example", "reason": "phishing"}, ["phi"])

    def test_q_non_ascii_case_insensitive(self):
        # "matched case-insensitively": É and é are the same letter.
        self.expect({"q": "CAFÉ"}, ["caf"])
        self.expect({"q": "café"}, ["caf"])

    def test_q_matches_envelope_sender(self):
        msg = h.make_message("Weekly <weekly@list.example>", self.address, "Envelope test",
                             "Body.\n")
        user, pw, _ = self.gw.new_user("env")
        [item_id] = self.gw.ingest(user, "quarantine", "spam", [msg],
                                   extra_args=["--envelope-sender", "bounce-777@mailer.example"])
        api = self.gw.login(user, pw)
        item = api.get(f"/messages/{item_id}").body
        self.assertEqual(item["envelope_sender"], "bounce-777@mailer.example")
        self.assertEqual(self.ids(api.list(q="BOUNCE-777")), [item_id])
        self.assertEqual(self.ids(api.list(q="mailer.example")), [item_id])

    # injection -------------------------------------------------------------

    def test_injection_looking_values(self):
        all_quarantine = sorted(QUARANTINE_KEYS)
        for param in ("folder", "reason", "category", "since", "until", "sort", "cursor",
                      "limit", "q"):
            for value in INJECTIONS:
                with self.subTest(parameter=param, value=value):
                    r = self.api.list(**{param: value})
                    self.assertNot500(r, f"{param}={value!r}")
                    self.assertRefusedOrNoMatch(param, value, r)
        # Nothing was dropped or changed.
        self.assertEqual(sorted(self.listed()), all_quarantine)

    def assertRefusedOrNoMatch(self, param, value, r):
        if r.status == 200:
            # Only the text search may accept any text; it matches nothing.
            self.assertEqual(param, "q", f"{param}={value!r} was accepted: answered ids "
                             f"{[i['id'] for i in r.body['items']]}")
            self.assertEqual([i["id"] for i in r.body["items"]], [], f"q={value!r}")
            self.assertEqual(r.body["total"], 0)
        else:
            self.assertEqual(r.status, 400, r.body)
            self.assertIn(r.error_code, ("invalid_parameter", "invalid_cursor"))

    def test_nul_bytes_in_parameters(self):
        # A NUL must not cut a value short ("quarantine\0junk" is not "quarantine").
        for param in ("folder", "reason", "category", "since", "until", "sort", "cursor",
                      "limit", "q"):
            for value in ("\x00", "quarantine\x00junk", "spam\x00", "x\x00y"):
                with self.subTest(parameter=param, value=value):
                    r = self.api.list(**{param: value})
                    self.assertNot500(r, f"{param}={value!r}")
                    self.assertRefusedOrNoMatch(param, value, r)

    def test_unknown_parameters_are_ignored_or_refused(self):
        r = self.api.list(color="red")
        self.assertIn(r.status, (200, 400), r.body)


class Sorting(h.GatewayTestCase):

    # From, Subject, body padding, minutes
    ROWS = [
        ("Delta Co <delta@d.example>", "Bravo subject", 300, 5),
        ("Alpha Ltd <alpha@a.example>", "Echo subject", 100, 3),
        ("Echo Inc <echo@e.example>", "Alpha subject", 500, 1),
        ("Bravo GmbH <bravo@b.example>", "Delta subject", 200, 4),
        ("Charlie SA <charlie@c.example>", "Charlie subject", 400, 2),
    ]

    @classmethod
    def setUpClass(cls):
        cls.gw = cls.enterClassContext(h.Gateway())
        user, pw, address = cls.gw.new_user("sort")
        cls.rows = {}
        for from_, subject, pad, minutes in cls.ROWS:
            msg = h.make_message(from_, address, subject, "x" * pad + "\n", date=at(minutes))
            [item_id] = cls.gw.ingest(user, "quarantine", "spam", [msg], received=at(minutes))
            cls.rows[item_id] = {"from": from_, "subject": subject, "size": len(msg),
                                 "received_at": at(minutes)}
        cls.gw.start()
        cls.api = cls.gw.login(user, pw)

    def test_each_sort(self):
        for column in ("received_at", "size", "from", "subject"):
            for desc in (False, True):
                sort = ("-" if desc else "") + column
                with self.subTest(sort=sort):
                    expected = sorted(self.rows, key=lambda i: self.rows[i][column], reverse=desc)
                    self.assertEqual(self.ids(self.api.list(sort=sort)), expected)

    def test_default_sort_is_newest_first(self):
        self.assertEqual(self.ids(self.api.list()), self.ids(self.api.list(sort="-received_at")))

    def test_sizes_are_the_message_sizes(self):
        for item in self.api.list().body["items"]:
            self.assertEqual(item["size"], self.rows[item["id"]]["size"])

    def test_bad_sort(self):
        for value in ("date", "+size", "--size", "size,subject", "Size", "id"):
            with self.subTest(sort=value):
                err = self.assertError(self.api.list(sort=value), 400, "invalid_parameter")
                self.assertEqual(err.get("parameter"), "sort")


class Paging(h.GatewayTestCase):
    """250 items in tie groups, paged with limit 7 while mail arrives and goes."""

    SENDERS = [f"Sender {c} <sender-{c.lower()}@senders.example>" for c in "ABCDEFG"]

    @classmethod
    def setUpClass(cls):
        cls.rng = random.Random(20260607)
        cls.gw = cls.enterClassContext(h.Gateway())
        cls.user, pw, cls.address = cls.gw.new_user("page")
        cls.originals = []
        n = 0
        for group in range(25):  # ten items share each receipt time: ties
            msgs = []
            for _ in range(10):
                msgs.append(cls.message(n))
                n += 1
            cls.originals += cls.gw.ingest(cls.user, "quarantine", "graymail", msgs,
                                           category="marketing", received=at(group))
        cls.gw.start()
        cls.api = cls.gw.login(cls.user, pw)
        cls.info = cls.api.get("/info").body
        cls.inserted = 0
        cls.deleted = set()
        cls.inserted_ids = set()

    @classmethod
    def message(cls, n):
        sender = cls.SENDERS[cls.rng.randrange(len(cls.SENDERS))]
        subject = f"Report {cls.rng.randrange(60):03d}"
        pad = "y" * (10 * cls.rng.randrange(8))
        return h.make_message(sender, cls.address, subject, f"Body {n}.\n{pad}\n", date=at(0))

    def insert_one(self):
        self.__class__.inserted += 1
        minutes = self.rng.randrange(-2, 27)
        [item_id] = self.gw.ingest(self.user, "quarantine", "graymail",
                                   [self.message(10000 + self.inserted)], category="marketing",
                                   received=at(minutes))
        self.inserted_ids.add(item_id)
        return item_id

    @staticmethod
    def sort_key(item, sort):
        column = sort.lstrip("-")
        value = item[column]
        if column == "received_at":
            value = h.parse_iso(value)
        return value

    def page_through(self, sort, between=None, limit=7):
        """Follow next_cursor to the end; return (items, total of first page, pages)."""
        items, cursor, total, pages = [], None, None, 0
        while True:
            r = self.api.list(sort=sort, limit=limit, cursor=cursor)
            self.assertOk(r, msg=f"page {pages + 1} of sort {sort}")
            self.assertLessEqual(len(r.body["items"]), limit)
            if total is None:
                total = r.body["total"]
            items += r.body["items"]
            pages += 1
            self.assertLess(pages, 200, "paging does not end")
            cursor = r.body["next_cursor"]
            if cursor is None:
                return items, total, pages
            self.assertIsInstance(cursor, str)
            if between:
                between(items)

    def check_pass(self, sort, between=None, deleted=()):
        present = {i["id"] for i in self.api.list_all(sort=sort)}
        items, total, pages = self.page_through(sort, between)
        ids = [i["id"] for i in items]
        self.assertEqual(len(ids), len(set(ids)), f"sort {sort}: an item came twice")
        missing = present - set(ids) - set(deleted)
        self.assertEqual(missing, set(), f"sort {sort}: items skipped while paging")
        self.assertEqual(total, len(present), f"sort {sort}: total of the first page")
        self.assertTrue(set(self.originals) - self.deleted <= set(ids),
                        f"sort {sort}: an original item was lost")
        # The concatenated pages are in order: each page starts strictly after
        # the previous one.
        keys = [self.sort_key(i, sort) for i in items]
        expected = sorted(keys, reverse=sort.startswith("-"))
        self.assertEqual(keys, expected, f"sort {sort}: pages out of order")
        return ids, pages

    def test_page_newest_first_while_mail_arrives(self):
        new = []
        ids, pages = self.check_pass("-received_at",
                                     between=lambda _: new.append(self.insert_one()))
        self.assertGreaterEqual(pages, 36)
        self.assertTrue(new)
        self.assertTrue(set(ids) <= set(self.originals) | self.inserted_ids,
                        "an item that was never ingested")

    def test_pages_by_position_in_a_snapshot_while_mail_arrives(self):
        """Jumping anywhere: pages by position, counted in the snapshot the first
        page answered, are the slices of one listing, in any order, though mail
        arrives between them: no item twice, none skipped.  A cursor sent with
        the snapshot continues in it."""
        for sort in ("-received_at", "size", "subject"):
            first = self.assertOk(self.api.list(sort=sort, limit=7, position=0))
            snapshot = first["snapshot"]
            self.assertRegex(snapshot, r"^[0-9]+$")
            whole = [i["id"] for i in self.api.list_all(sort=sort, snapshot=snapshot)]
            self.assertEqual(len(whole), first["total"])
            self.assertEqual([i["id"] for i in first["items"]], whole[:7])
            got = [None] * len(whole)
            starts = list(range(0, len(whole), 7))
            self.rng.shuffle(starts)
            for start in starts:
                self.insert_one()
                r = self.assertOk(self.api.list(sort=sort, limit=7, position=start,
                                                snapshot=snapshot))
                self.assertEqual(r["total"], len(whole), f"sort {sort} at {start}")
                self.assertEqual(r["snapshot"], snapshot)
                ids = [i["id"] for i in r["items"]]
                got[start:start + len(ids)] = ids
            self.assertEqual(got, whole, f"sort {sort}: pages by position")
            self.insert_one()
            r = self.assertOk(self.api.list(sort=sort, limit=7, cursor=first["next_cursor"],
                                            snapshot=snapshot))
            self.assertEqual([i["id"] for i in r["items"]], whole[7:14])
            # Without the snapshot the newest mail is counted: positions move.
            fresh = self.assertOk(self.api.list(sort=sort, limit=7, position=0))
            self.assertGreater(fresh["total"], len(whole))
            self.assertGreater(int(fresh["snapshot"]), int(snapshot))

    def test_position_refusals(self):
        first = self.assertOk(self.api.list(limit=7))
        for params in ({"position": "-1"}, {"position": "x"}, {"snapshot": "-3"},
                       {"snapshot": "abc"},
                       {"position": "7", "cursor": first["next_cursor"]}):
            with self.subTest(**params):
                self.assertError(self.api.list(limit=7, **params), 400, "invalid_parameter")
        # Past the end: an empty page, not an error.
        far = self.assertOk(self.api.list(limit=7, position=1000000))
        self.assertEqual(far["items"], [])
        self.assertIsNone(far["next_cursor"])

    def test_page_by_size_while_mail_arrives(self):
        self.check_pass("size", between=lambda _: self.insert_one())

    def test_page_by_subject_and_from(self):
        for sort in ("subject", "-subject", "from", "-from", "received_at", "-size"):
            with self.subTest(sort=sort):
                self.check_pass(sort)

    def test_page_while_items_are_deleted(self):
        # Delete items on both sides of the cursor as paging goes on.
        deleted = []

        def between(seen):
            seen_ids = [i["id"] for i in seen]
            victims = [seen_ids[-1]]
            later = [i for i in self.originals if i not in seen_ids and i not in deleted]
            if later:
                victims.append(self.rng.choice(later))
            r = self.api.act("delete", victims)
            self.assertOk(r)
            deleted.extend(victims)
            self.deleted.update(victims)

        items, _, _ = self.page_through("from", between)
        ids = [i["id"] for i in items]
        self.assertEqual(len(ids), len(set(ids)))
        after_cursor_deleted = set(deleted) - set(ids)
        self.assertTrue(after_cursor_deleted, "the test deleted nothing ahead of the cursor")
        # Every item still held at the end was seen.
        still = {i["id"] for i in self.api.list_all(sort="from")}
        self.assertEqual(still - set(ids), set())

    def test_default_limit_is_100(self):
        r = self.api.list()
        self.assertEqual(len(r.body["items"]), 100)
        self.assertIsNotNone(r.body["next_cursor"])
        self.assertGreaterEqual(r.body["total"], 250)

    def test_limit_bounds(self):
        max_page = self.info["limits"]["max_page_size"]
        for value in ("0", str(max_page + 1), "-1", "abc", "1.5", "99999999999999999999"):
            with self.subTest(limit=value):
                err = self.assertError(self.api.list(limit=value), 400, "invalid_parameter")
                self.assertEqual(err.get("parameter"), "limit")
        r = self.api.list(limit=1)
        self.assertEqual(len(self.ids(r)), 1)
        self.assertIsNotNone(r.body["next_cursor"])
        r = self.api.list(limit=max_page)
        self.assertEqual(len(self.ids(r)), min(max_page, r.body["total"]))

    def test_total_counts_every_matching_item(self):
        r = self.api.list(limit=3)
        self.assertEqual(len(r.body["items"]), 3)
        self.assertEqual(r.body["total"], len(self.api.list_all()))

    def test_last_page_has_no_cursor(self):
        total = self.api.list().body["total"]
        r = self.api.list(sort="received_at", limit=self.info["limits"]["max_page_size"])
        if total <= self.info["limits"]["max_page_size"]:
            self.assertIsNone(r.body["next_cursor"])
        r = self.api.list(q="no such item")
        self.assertEqual(r.body["items"], [])
        self.assertIsNone(r.body["next_cursor"])

    def test_link_header_names_the_next_page(self):
        # RFC 8288: the next page's address, with the same query and the
        # body's cursor, so a client can ask for it before parsing the body.
        query = {"folder": "quarantine", "sort": "subject", "q": "example", "limit": 2}
        r = self.api.list(**query)
        link = r.headers.get("Link")
        self.assertIsNotNone(link, "a page with a next_cursor has a Link header")
        match = re.fullmatch(r'<([^>]*)>; rel="next"', link)
        self.assertIsNotNone(match, link)
        target = urllib.parse.urlsplit(match.group(1))
        self.assertEqual(target.path, "/api/v1/messages")
        params = dict(urllib.parse.parse_qsl(target.query))
        self.assertEqual(params, {**{k: str(v) for k, v in query.items()},
                                  "cursor": r.body["next_cursor"]})
        # Following it gives the same page as the body's cursor.
        followed = self.api.list(**params)
        self.assertOk(followed)
        self.assertEqual(self.ids(followed),
                         self.ids(self.api.list(cursor=r.body["next_cursor"], **query)))
        # The last page has none.
        r = self.api.list(q="no such item")
        self.assertIsNone(r.headers.get("Link"))

    def test_cursor_is_bound_to_its_query(self):
        base = {"folder": "quarantine", "sort": "subject"}
        r = self.api.list(limit=2, **base)
        cursor = r.body["next_cursor"]
        self.assertIsNotNone(cursor)
        variants = [{"sort": "size"}, {"sort": "-subject"}, {"reason": "spam"},
                    {"reason": "graymail"}, {"category": "marketing"}, {"q": "Report"},
                    {"folder": "junk"}, {"since": h.iso_z(at(0))}, {"until": h.iso_z(at(30))}]
        for change in variants:
            with self.subTest(change=change):
                params = {**base, **change, "cursor": cursor, "limit": 2}
                self.assertError(self.api.list(**params), 400, "invalid_cursor")
        # The same query with another page size goes on where it was.
        r2 = self.api.list(cursor=cursor, limit=5, **base)
        self.assertOk(r2)
        self.assertTrue(set(self.ids(r)).isdisjoint(self.ids(r2)))

    def test_garbage_cursors(self):
        import base64
        fake = base64.urlsafe_b64encode(b'{"v":1,"s":"-received_at","k":0,"id":1}').decode()
        for value in ("garbage", "eyJ2IjoxfQ", fake, "' OR 1=1 --", "%00", "A" * 5000,
                      "null", "0", "-1"):
            with self.subTest(cursor=value[:30]):
                self.assertError(self.api.list(cursor=value), 400, "invalid_cursor")


class Items(h.GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gw = cls.enterClassContext(h.Gateway())
        cls.user, pw, cls.address = cls.gw.new_user("items", display_name="Item Owner")
        cls.other, other_pw, _ = cls.gw.new_user("other")
        # Bytes that a careless store would change: CRLF, 8-bit text, a lone
        # dot line, trailing spaces, no final newline.
        cls.raw = (b"Return-Path: <bounce-1@mailer.shop.example>\r\n"
                   b"From: Example Shop <News@Shop.Example>\r\n"
                   b"To: " + cls.address.encode() + b"\r\n"
                   b"Subject: =?utf-8?q?Summer_sale=3A_30=25_off_=E2=80=94_everything?=\r\n"
                   b"Date: " + h.email.utils.format_datetime(at(3)).encode() + b"\r\n"
                   b"Message-ID: <raw-1@shop.example>\r\n"
                   b"MIME-Version: 1.0\r\n"
                   b"Content-Type: text/plain; charset=utf-8\r\n"
                   b"Content-Transfer-Encoding: 8bit\r\n"
                   b"\r\n"
                   b"Gr\xc3\xbc\xc3\x9fe aus dem Laden.   \r\n"
                   b".\r\n"
                   b"\tTabbed line\n"
                   b"last line without newline")
        [cls.item_id] = cls.gw.ingest(cls.user, "quarantine", "graymail", [cls.raw],
                                      category="marketing", received=at(3),
                                      policy_rule="Graymail: marketing and newsletters",
                                      score=4.25)
        cls.kind = {}
        for folder, reason in [("quarantine", "graymail"), ("quarantine", "spam"),
                               ("quarantine", "policy"), ("quarantine", "phishing"),
                               ("quarantine", "malware"), ("junk", "spam"),
                               ("junk", "graymail"), ("junk", "phishing"), ("junk", "policy"),
                               ("junk", "malware")]:
            category = "social" if reason == "graymail" else None
            [i] = cls.gw.ingest(cls.user, folder, reason,
                                [h.personal_message(subject=f"{folder} {reason}")],
                                category=category)
            cls.kind[(folder, reason)] = i
        [cls.spam_with_category] = cls.gw.ingest(cls.user, "quarantine", "spam",
                                                 [h.personal_message()], category="marketing")
        [cls.others_item] = cls.gw.ingest(cls.other, "quarantine", "spam", [h.personal_message()])
        cls.gw.start()
        cls.api = cls.gw.login(cls.user, pw)
        cls.other_api = cls.gw.login(cls.other, other_pw)

    def test_get_item(self):
        r = self.api.get(f"/messages/{self.item_id}")
        item = self.assertOk(r)
        self.assertIn("application/json", r.headers.get("Content-Type", "").lower())
        self.assertEqual(item["id"], self.item_id)
        self.assertIsInstance(item["id"], str)
        self.assertEqual(item["folder"], "quarantine")
        self.assertEqual(item["status"], "held")
        self.assertEqual(item["received_at"], h.iso_z(at(3)))
        self.assertEqual(item["from"], "Example Shop <News@Shop.Example>")
        self.assertEqual(item["from_name"], "Example Shop")
        self.assertEqual(item["from_address"].lower(), "news@shop.example")
        self.assertIsInstance(item["envelope_sender"], str)
        self.assertTrue(item["envelope_sender"])
        self.assertEqual(item["recipient"], self.address)
        self.assertEqual(item["subject"], "Summer sale: 30% off — everything")
        self.assertEqual(item["size"], len(self.raw))
        self.assertEqual(item["reason"], "graymail")
        self.assertEqual(item["category"], "marketing")
        self.assertEqual(item["policy_rule"], "Graymail: marketing and newsletters")
        self.assertAlmostEqual(item["score"], 4.25)
        self.assertIsInstance(item["rules"], list)
        self.assertRegex(item["expires_at"], h.ISO_Z_RE)
        self.assertGreater(h.parse_iso(item["expires_at"]), h.parse_iso(item["received_at"]))
        self.assertEqual(set(item["actions"]), ACTIONS[("quarantine", "graymail")])

    def test_listing_and_get_agree(self):
        listed = {i["id"]: i for i in self.api.list_all()}
        self.assertEqual(listed[self.item_id], self.api.get(f"/messages/{self.item_id}").body)

    def test_raw_is_byte_for_byte(self):
        r = self.api.get(f"/messages/{self.item_id}/raw")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers.get("Content-Type", "").split(";")[0].strip().lower(),
                         "message/rfc822")
        disposition = r.headers.get("Content-Disposition", "")
        self.assertEqual(disposition.replace(" ", ""),
                         f'attachment;filename="{self.item_id}.eml"')
        self.assertEqual(r.body, self.raw)

    def test_actions_per_item_kind(self):
        for (folder, reason), item_id in self.kind.items():
            with self.subTest(folder=folder, reason=reason):
                item = self.api.get(f"/messages/{item_id}").body
                self.assertEqual(item["folder"], folder)
                self.assertEqual(item["reason"], reason)
                expected = JUNK_ACTIONS if folder == "junk" else ACTIONS[(folder, reason)]
                self.assertEqual(set(item["actions"]), expected)
                self.assertEqual(len(item["actions"]), len(set(item["actions"])))

    def test_category_only_for_graymail(self):
        self.assertIsNone(self.api.get(f"/messages/{self.spam_with_category}").body["category"])
        self.assertIsNone(self.api.get(f"/messages/{self.kind[('quarantine', 'spam')]}")
                          .body["category"])
        self.assertEqual(self.api.get(f"/messages/{self.kind[('quarantine', 'graymail')]}")
                         .body["category"], "social")

    def test_other_users_item_is_not_found(self):
        for path in (f"/messages/{self.others_item}", f"/messages/{self.others_item}/raw"):
            with self.subTest(path=path):
                r = self.api.get(path)
                self.assertError(r, 404, "not_found")
                # … answered exactly as an id that does not exist.
                missing = self.api.get(path.replace(self.others_item, "987654321"))
                self.assertError(missing, 404, "not_found")
        # The owner sees it.
        self.assertOk(self.other_api.get(f"/messages/{self.others_item}"))
        self.assertNotIn(self.others_item, {i["id"] for i in self.api.list_all()})

    def test_unknown_id(self):
        for path in ("/messages/987654321", "/messages/987654321/raw"):
            self.assertError(self.api.get(path), 404, "not_found")

    def test_malformed_ids_are_404(self):
        ids = ["../../etc/passwd", "%2e%2e", "%2e%2e/%2e%2e", "1;DROP",
               "1%3BDROP%20TABLE%20items", "-1", "0", "+1", "1e3", "0x1", "%201",
               "%EF%BC%91", "99999999999999999999999", "1.0", "%27%20OR%20%271%27%3D%271",
               "abc", ".."]
        for raw_id in ids:
            for suffix in ("", "/raw"):
                path = f"/api/v1/messages/{raw_id}{suffix}"
                with self.subTest(path=path):
                    r = self.api.get(path)
                    self.assertError(r, 404, "not_found")
        # Leading zeros are still the same syntax; the answer is never a fault.
        r = self.api.get(f"/messages/00{self.item_id}")
        self.assertIn(r.status, (200, 404))

    def test_encoded_slash_and_nul_in_ids_are_refused(self):
        # Segments that decode to a slash or a NUL never reach the routing:
        # the HTTP layer refuses them with 400 (docs/gateway-api.md, "Paths").
        for raw_id in ("..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e", f"{self.item_id}%2F..",
                       "1%00", f"{self.item_id}%00"):
            for suffix in ("", "/raw"):
                path = f"/api/v1/messages/{raw_id}{suffix}"
                with self.subTest(path=path):
                    r = self.api.get(path)
                    self.assertNot500(r, path)
                    self.assertEqual(r.status, 400, r.body)
                    self.assertNotIn(b"From:", r.body if isinstance(r.body, bytes) else b"")

    def test_items_carry_their_message_id(self):
        self.assertEqual(self.assertOk(self.api.get(f"/messages/{self.item_id}"))["message_id"],
                         "raw-1@shop.example")
        listed = {i["id"]: i for i in self.assertOk(self.api.list(limit=100))["items"]}
        self.assertEqual(listed[self.item_id]["message_id"], "raw-1@shop.example")

    def test_lookup_refuses_bad_bodies(self):
        self.assertError(self.api.post("/messages/lookup", {}), 400, "bad_request")
        self.assertError(self.api.post("/messages/lookup", {"message_ids": []}), 400,
                         "invalid_parameter")
        self.assertError(self.api.post("/messages/lookup", {"message_ids": [1]}), 400,
                         "bad_request")
        self.assertError(self.api.post("/messages/lookup", {"message_ids": ["a@b"],
                                                            "folder": "inbox"}),
                         400, "invalid_parameter")
        limit = self.assertOk(self.api.get("/info"))["limits"]["max_batch_ids"]
        self.assertError(self.api.post("/messages/lookup", {
            "message_ids": [f"m{i}@x.example" for i in range(limit + 1)]}),
            400, "batch_too_large")
        self.assertError(self.api.get("/messages/lookup"), 405)

    def test_expired_items_are_not_listed(self):
        user, pw, _ = self.gw.new_user("old")
        long_ago = h.utcnow() - dt.timedelta(days=400)
        [old] = self.gw.ingest(user, "quarantine", "spam", [h.personal_message()],
                               received=long_ago)
        [fresh] = self.gw.ingest(user, "quarantine", "spam", [h.personal_message()])
        api = self.gw.login(user, pw)
        r = api.list()
        self.assertEqual(self.ids(r), [fresh])
        self.assertEqual(r.body["total"], 1)
        got = api.get(f"/messages/{old}")
        if got.status == 200:
            self.assertLess(h.parse_iso(got.body["expires_at"]), h.utcnow())
        else:
            self.assertError(got, 404, "not_found")



class Lookup(h.GatewayTestCase):

    def test_lookup_by_message_id(self):
        """The same message in two places is found by its Message-ID: only the
        user's own, only what still waits, in the folder asked for."""
        gw = self.enterContext(h.Gateway())
        user, pw, _ = gw.new_user("twins")
        other, other_pw, _ = gw.new_user("twins-other")
        mid = "twin-1@news.example"
        [held] = gw.ingest(user, "quarantine", "graymail",
                                [h.newsletter_message(message_id=f"<{mid}>")],
                                category="marketing")
        [junk] = gw.ingest(user, "junk", "spam", [h.personal_message(message_id=f"<{mid}>")])
        [released] = gw.ingest(user, "quarantine", "spam",
                                    [h.personal_message(message_id="<gone@x.example>")])
        [foreign] = gw.ingest(other, "quarantine", "spam",
                                   [h.personal_message(message_id="<theirs@x.example>")])
        gw.start()
        api = gw.login(user, pw)
        self.assertOk(api.act("release", [released]))

        found = self.assertOk(api.post("/messages/lookup", {
            "message_ids": [mid, "gone@x.example", "theirs@x.example", "none@x.example", mid]}))
        self.assertEqual([i["id"] for i in found["items"]], [held])
        self.assertEqual(found["items"][0]["message_id"], mid)
        self.assertEqual(found["items"][0]["status"], "held")
        found = self.assertOk(api.post("/messages/lookup", {"message_ids": [mid],
                                                            "folder": "junk"}))
        self.assertEqual([i["id"] for i in found["items"]], [junk])
        found = self.assertOk(gw.login(other, other_pw).post(
            "/messages/lookup", {"message_ids": ["theirs@x.example", mid]}))
        self.assertEqual([i["id"] for i in found["items"]], [foreign])


if __name__ == "__main__":
    h.main()
