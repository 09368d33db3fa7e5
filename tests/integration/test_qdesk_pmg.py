#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qdesk against Proxmox Mail Gateway (the pmgsim simulator in a process of its own), with
the ticket in a real gnome-keyring on a private D-Bus session bus."""

import datetime as dt
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT", Path(__file__).parents[2]))
                       / "tests" / "lib"))

import qdharness  # noqa: E402

EXIT_PARTIAL, EXIT_USAGE, EXIT_SESSION, EXIT_NETWORK = 1, 2, 3, 4
ALICE, ALICE_ALIAS, ALICE_PW = "alice@example.com", "Alice.Smith@example.com", "alice-pw-1"
DAY = 86400

SEED = """
def mail(n, receiver, age, sender='news@shop.example'):
    raw = (f"From: Shop <{sender}>\\nTo: {receiver}\\nSubject: Offer {n}\\n"
           f"Message-ID: <offer-{n}@shop.example>\\n\\nBuy number {n} today.\\n")
    return sim.add_mail(raw, receiver, spamlevel=7, time=int(sim.now - age),
                        spaminfo=[{'name': 'BAYES_99', 'score': 3.5, 'desc': 'Bayes'},
                                  {'name': 'URIBL_BLOCKED', 'score': 0.001, 'desc': 'x'}]).id
"""


class PmgTestCase(qdharness.PeerQdeskTestCase):
    peer_kind = "pmg"
    # Refusals come after 0.2 s instead of PMG's 3 s, to keep the file short.
    peer_options = {"version": "9.1.0", "auth_fail_delay": 0.2}
    peer_seed = SEED

    @property
    def fingerprint(self) -> str:
        return self.peer.info["fingerprint"]

    def add_user(self, pmail, password, aliases=()):
        self.peer.run("sim.add_user(pmail, password, aliases=list(aliases))",
                      pmail=pmail, password=password, aliases=list(aliases))

    def mails(self, receiver, ages, sender="news@shop.example"):
        return self.peer.run("result = [mail(n, receiver, age, sender) "
                             "for n, age in enumerate(ages)]",
                             receiver=receiver, ages=list(ages), sender=sender)

    def state(self, ids):
        return self.peer.run("result = [sim.mails[i].state for i in ids]", ids=list(ids))

    def login(self, user, password, *extra):
        return self.qdesk("--gateway", self.url, "--accept-fingerprint", self.fingerprint,
                          "login", "--user", user, "--password-stdin", *extra,
                          input=password + "\n")

    def ticket(self, user):
        return self.session.secret("gateway-token", self.url, user)


class SignIn(PmgTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.peer.run("sim.add_user(a, pw, aliases=[alias])", a=ALICE, pw=ALICE_PW,
                     alias=ALICE_ALIAS)
        cls.peer.run("result = [mail(n, a, n * 3600) for n in range(3)]", a=ALICE)

    def test_an_unknown_certificate_is_refused_with_its_fingerprint(self):
        before = self.peer.run("result = len(sim.requests)")
        proc = self.qdesk("--gateway", self.url, "login", "--user", ALICE, "--password-stdin",
                          input=ALICE_PW + "\n", expect=EXIT_NETWORK)
        err = proc.stderr.decode()
        self.assertIn("is not trusted yet", err)
        self.assertIn(self.fingerprint, err)
        self.assertIn(f"--accept-fingerprint {self.fingerprint}", err)
        # The password never went out: the probes of the kind are all it saw.
        seen = self.peer.run("result = [r[1] for r in sim.requests[n:]]", n=before)
        self.assertFalse([t for t in seen if "access/ticket" in t], seen)
        self.assertIsNone(self.ticket(ALICE))

    def test_password_sign_in_keeps_the_ticket_only_and_renews_it(self):
        out = self.login(ALICE_ALIAS, ALICE_PW).stdout.decode()
        self.assertIn(f"as {ALICE}", out)
        self.assertEqual(self.session.setting("gateway-kind"), "'pmg'")
        self.assertEqual(self.session.setting("username"), f"'{ALICE}'")
        self.assertEqual(self.session.setting("gateway-fingerprint"), f"'{self.fingerprint}'")
        ticket = self.ticket(ALICE)
        self.assertTrue(ticket.startswith(f"PMG:{ALICE}@quarantine:"), ticket)
        self.assertIsNone(self.session.secret("gateway-password", self.url, ALICE))
        self.assertEqual(self.session.files_containing(ALICE_PW.encode()), [])
        self.assertEqual(self.session.files_containing(ticket.encode()), [])

        # Half an hour later, a command renews the ticket and keeps the new one.
        self.peer.run("sim.advance(1800)")
        self.addCleanup(self.peer.run, "sim.advance(-1800)")
        proc = self.qdesk("list")
        self.assertIn("Offer 0", proc.stdout.decode())
        renewed = self.ticket(ALICE)
        self.assertNotEqual(renewed, ticket)
        self.assertTrue(renewed.startswith(f"PMG:{ALICE}@quarantine:"))
        self.assertNotIn(renewed, proc.stdout.decode() + proc.stderr.decode())

        self.qdesk("logout")
        self.assertIsNone(self.ticket(ALICE))
        err = self.qdesk("list", expect=EXIT_SESSION).stderr.decode()
        self.assertIn("Sign in again", err)

    def test_a_wrong_password_is_said(self):
        err = self.qdesk("--gateway", self.url, "--accept-fingerprint", self.fingerprint,
                         "login", "--user", ALICE, "--password-stdin", input="wrong\n",
                         expect=EXIT_SESSION).stderr.decode()
        self.assertIn("user name or password is wrong", err)
        self.assertIsNone(self.ticket(ALICE))

    def test_the_link_of_a_spam_report(self):
        link = self.peer.run("result = sim.report_link(a)", a=ALICE)
        out = self.qdesk("--accept-fingerprint", self.fingerprint, "login", "--link", link)
        self.assertIn(f"as {ALICE}", out.stdout.decode())
        self.assertNotIn("PMGQUAR", out.stdout.decode() + out.stderr.decode())
        self.assertEqual(self.session.setting("gateway-url"), f"'{self.url}'")
        ticket = self.ticket(ALICE)
        self.assertTrue(ticket.startswith("PMGQUAR:"), ticket)
        self.assertEqual(len(self.listed_ids()), 3)
        # A link's ticket is kept as it is: it is valid for days.
        self.assertEqual(self.ticket(ALICE), ticket)

    def test_an_expired_link_is_said(self):
        link = self.peer.run("result = sim.report_link(a, issued=sim.now - 8 * 86400)", a=ALICE)
        err = self.qdesk("--accept-fingerprint", self.fingerprint, "login", "--link", link,
                         expect=EXIT_SESSION).stderr.decode()
        self.assertIn("quarantine link is no longer valid", err)

    def test_a_link_is_proxmox_mail_gateways_only(self):
        err = self.qdesk("--gateway-kind", "symantec", "login", "--link",
                         f"{self.url}/quarantine?ticket=x", expect=EXIT_USAGE).stderr.decode()
        self.assertIn("--gateway-kind must be pmg", err)


class Quarantine(PmgTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.peer.run("sim.add_user(a, pw)", a=ALICE, pw=ALICE_PW)
        # A week of mail, one a day, and one older than the week.
        cls.week = cls.peer.run("result = [mail(n, a, n * 86400 + 600) for n in range(7)]",
                                a=ALICE)
        cls.old = cls.peer.run("result = mail(99, a, 9 * 86400)", a=ALICE)

    def setUp(self):
        super().setUp()
        self.login(ALICE, ALICE_PW)

    def test_list_a_week(self):
        self.assertEqual(sorted(self.listed_ids()), sorted(self.week))
        out = self.qdesk("list").stdout.decode()
        for n in range(7):
            self.assertIn(f"Offer {n}", out)
        self.assertNotIn("Offer 99", out)
        # PMG answers a day per request: ten days back are ten requests.
        since = qdharness.iso_z(qdharness.utcnow() - dt.timedelta(days=10))
        older = self.listed_ids("--since", since)
        self.assertIn(self.old, older)
        self.assertEqual(self.listed_ids("--search", "offer 3"), [self.week[3]])

    def test_show_previews_from_the_raw_message(self):
        out = self.qdesk("show", self.week[2]).stdout.decode()
        self.assertIn("Subject:      Offer 2", out)
        self.assertIn("From:         Shop <news@shop.example>", out)
        self.assertIn("BAYES_99", out)
        self.assertIn("Buy number 2 today.", out)
        raw = self.qdesk("show", "--raw", self.week[2]).stdout
        self.assertIn(b"Message-ID: <offer-2@shop.example>", raw)
        err = self.qdesk("show", "C9R9T9", expect=EXIT_PARTIAL).stderr.decode()
        self.assertTrue(err.startswith("qdesk: "), err)

    def test_what_it_cannot_do_is_said(self):
        sample = self.session.root / "sample.eml"
        sample.write_bytes(b"From: a@example.org\n\nhello\n")
        for args, words in ((["check", str(sample)], "Proxmox Mail Gateway cannot do this"),
                            (["recheck", "--all"], "Proxmox Mail Gateway cannot do this"),
                            (["list", "--folder", "junk"], "keeps no Junk folder"),
                            (["list", "--reason", "graymail"], "cannot filter by reason"),
                            (["list", "--category", "bulk"], "cannot filter by category"),
                            (["move-to-inbox", self.week[0]], "keeps no Junk folder"),
                            (["release", "--all-matching", "--reason", "spam"],
                             "cannot filter by reason"),
                            (["--gateway-kind", "exchange", "list"], "is not one of")):
            err = self.qdesk(*args, expect=EXIT_USAGE).stderr.decode()
            self.assertIn(words, err, args)
            self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertEqual(self.state(self.week), ["new"] * 7)

    def test_info(self):
        info = json.loads(self.qdesk("info", "--json").stdout.decode())
        self.assertEqual(info["gateway_kind"], "pmg")
        self.assertEqual(info["address"], self.url)


class Actions(PmgTestCase):
    user, password = "bob@example.com", "bob-pw-2"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.peer.run("sim.add_user(u, pw)", u=cls.user, pw=cls.password)

    def setUp(self):
        super().setUp()
        self.login(self.user, self.password)

    def test_release_1200_in_batches(self):
        ids = self.peer.run("result = [mail(n, u, 60 + n * 400) for n in range(1200)]",
                            u=self.user)
        before = self.peer.run("result = len(sim.requests)")
        out = self.qdesk("release", "--all-matching").stdout.decode()
        self.assertIn("Released 1200 messages.", out)
        self.assertEqual(self.state(ids), ["delivered"] * 1200)
        delivered = self.peer.run("result = [i for i, _, _ in sim.delivered]")
        self.assertEqual(sorted(set(ids) & set(delivered)), sorted(ids))
        posts = self.peer.run("result = [r for r in sim.requests[n:] "
                              "if r[0] == 'POST' and 'quarantine/content' in r[1]]", n=before)
        self.assertGreaterEqual(len(posts), 2, "1 200 ids make more than one batch")
        self.assertTrue(all(r[2] == 200 for r in posts), posts)

    def test_approve_and_block_senders(self):
        ids = self.mails(self.user, [100, 200], sender="friend@partner.example")
        ids += self.mails(self.user, [300], sender="pest@spam.example")
        self.qdesk("release", "--approve-sender", ids[0])
        self.qdesk("block-sender", ids[2])
        self.qdesk("delete", ids[1])
        self.assertEqual(self.state(ids), ["delivered", "deleted", "deleted"])
        lists = self.peer.run("result = sim.lists[u]", u=self.user)
        self.assertIn("friend@partner.example", lists["WL"])
        self.assertIn("pest@spam.example", lists["BL"])

        approved = json.loads(self.qdesk("senders", "approved", "--json").stdout.decode())
        self.assertIn("friend@partner.example", [s["address"] for s in approved["senders"]])
        self.qdesk("senders", "blocked", "add", "*@junk.example")
        self.qdesk("senders", "approved", "remove", "friend@partner.example")
        lists = self.peer.run("result = sim.lists[u]", u=self.user)
        self.assertIn("*@junk.example", lists["BL"])
        self.assertNotIn("friend@partner.example", lists["WL"])
        out = self.qdesk("senders", "blocked").stdout.decode()
        self.assertIn("*@junk.example", out)
        self.assertIn("pest@spam.example", out)
        err = self.qdesk("senders", "blocked", "add", "not an address",
                         expect=EXIT_PARTIAL).stderr.decode()
        self.assertTrue(err.startswith("qdesk: "), err)


class Faults(PmgTestCase):
    """Each test has a simulator of its own: they break it."""

    user, password = "carol@example.com", "carol-pw-3"
    peer_per_test = True

    def setUp(self):
        super().setUp()
        self.add_user(self.user, self.password)
        self.login(self.user, self.password)

    def test_session_expiry_during_a_batch(self):
        ids = self.mails(self.user, [60 + n * 300 for n in range(1100)])
        # After the first batch the gateway's clock jumps past the ticket's two hours.
        self.peer.run("""
original = module.PmgSim._content_post
def late(self, params):
    try:
        return original(self, params)
    finally:
        self.advance(3 * 3600)
module.PmgSim._content_post = late
""")
        proc = self.qdesk("release", *ids, expect=EXIT_PARTIAL)
        out, err = proc.stdout.decode(), proc.stderr.decode()
        self.assertIn("Released 1000 messages.", out)
        self.assertIn("100 messages were not attempted", out)
        self.assertIn("Sign in again", err)
        states = self.state(ids)
        self.assertEqual(states.count("delivered"), 1000)
        self.assertEqual(states.count("new"), 100)

    def test_a_changed_certificate_is_refused(self):
        self.assertEqual(len(self.listed_ids()), 0)
        new = self.peer.run("result = sim.swap_certificate()")
        # New connections only: the simulator closes idle ones after 5 s, qdesk after 4.
        err = self.qdesk("list", expect=EXIT_NETWORK).stderr.decode()
        self.assertIn("has changed since you accepted it", err)
        self.assertIn(new, err)
        self.assertNotIn("--accept-fingerprint", err)

    def test_401_in_the_middle_of_a_listing(self):
        self.mails(self.user, [n * DAY + 600 for n in range(7)])
        self.peer.run("""
calls = []
original = module.PmgSim._spam
def spam(self, params):
    calls.append(1)
    if len(calls) == 3:
        self.advance(3 * 3600)
    return original(self, params)
module.PmgSim._spam = spam
""")
        proc = self.qdesk("list", "--all", expect=EXIT_SESSION)
        self.assertIn("Sign in again", proc.stderr.decode())
        # The page the windows were read for failed whole: nothing half of it.
        self.assertEqual(proc.stdout.decode(), "")
        self.assertEqual(len(self.peer.run("result = calls")), 3)

    def test_malformed_answers_give_a_sentence(self):
        ids = self.mails(self.user, [600, 1200])
        for patch, command, status in (
                ("module.PmgSim._spam = lambda self, p: 'not a list'", ["list"], EXIT_PARTIAL),
                ("module.PmgSim._spam = lambda self, p: [{'id': 5, 'time': 'soon'}, 7, None]",
                 ["list"], 0),
                ("module.PmgSim._content_get = lambda self, p: {'header': 3}",
                 ["show", ids[0]], EXIT_PARTIAL),
                ("module.PmgSim._list_get = lambda self, p, n: {'oops': True}",
                 ["senders", "approved"], EXIT_PARTIAL)):
            self.peer.run(patch)
            proc = self.qdesk(*command, expect=status)
            err = proc.stderr.decode()
            if status:
                self.assertTrue(err.startswith("qdesk: "), err)
                self.assertEqual(len(err.strip().splitlines()), 1, err)
            else:
                self.assertIn("No held messages match", proc.stdout.decode())


if __name__ == "__main__":
    qdharness.main(requires=["openssl"])
