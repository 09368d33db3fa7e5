#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qdesk against the cloud Email Quarantine API (the cloudsim simulator in a process of its
own), with the password in a real gnome-keyring on a private D-Bus session bus."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT", Path(__file__).parents[2]))
                       / "tests" / "lib"))

import qdharness  # noqa: E402
from qdpeerproc import PeerProcess  # noqa: E402

EXIT_PARTIAL, EXIT_USAGE, EXIT_SESSION, EXIT_NETWORK = 1, 2, 3, 4
ALICE, ALICE_PW = "alice@example.com", "alice-Portal-1"
HOUR_MS = 3600_000

SEED = """
def mail(n, user, age_h, type='SPAM', sender='news@shop.example'):
    return sim.add_mail(user, type=type, sender=sender, sender_name='Shop',
                        subject=f'Offer {n}', received_ms=sim.now_ms - int(age_h * 3600_000),
                        bodyparts=[{'type': 'text/plain; charset="UTF-8"',
                                    'content': f'Buy number {n} today.'}])
"""


class CloudTestCase(qdharness.PeerQdeskTestCase):
    peer_kind = "cloud"
    peer_seed = SEED

    @property
    def ca_file(self) -> str:
        return self.peer.info["ca_file"]

    def add_user(self, user, password):
        self.peer.run("sim.add_user(u, pw)", u=user, pw=password)

    def mails(self, user, ages, **kw):
        return self.peer.run("result = [mail(n, u, age, **kw) for n, age in enumerate(ages)]",
                             u=user, ages=list(ages), kw=kw)

    def mail(self, user, mid):
        return self.peer.run("result = sim.mail(u, m)", u=user, m=mid)

    def login(self, user, password, expect=0):
        return self.qdesk("--gateway", self.url, "--gateway-kind", "symantec",
                          "--ca-file", self.ca_file, "login", "--user", user,
                          "--password-stdin", input=password + "\n", expect=expect)


class SignInAndList(CloudTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.peer.run("sim.add_user(u, pw)", u=ALICE, pw=ALICE_PW)
        cls.spam = cls.peer.run("result = [mail(n, u, 2 + n * 24) for n in range(7)]", u=ALICE)
        cls.newsletter = cls.peer.run("result = mail(50, u, 5, type='NEWSLETTER')", u=ALICE)

    def test_sign_in_keeps_the_password_for_basic_authentication(self):
        out = self.login(ALICE, ALICE_PW).stdout.decode()
        self.assertIn(f"as {ALICE}", out)
        self.assertEqual(self.session.setting("gateway-kind"), "'symantec'")
        self.assertEqual(self.session.secret("gateway-password", self.url, ALICE), ALICE_PW)
        self.assertIsNone(self.session.secret("gateway-token", self.url, ALICE))
        self.assertEqual(self.session.files_containing(ALICE_PW.encode()), [])
        self.qdesk("logout")
        self.assertIsNone(self.session.secret("gateway-password", self.url, ALICE))
        self.qdesk("list", expect=EXIT_SESSION)

    def test_a_wrong_password_is_said_and_nothing_kept(self):
        err = self.login(ALICE, "wrong", expect=EXIT_SESSION).stderr.decode()
        self.assertTrue(err.startswith("qdesk: "), err)
        self.assertIsNone(self.session.secret("gateway-password", self.url, ALICE))

    def test_list_a_week_with_reasons(self):
        self.login(ALICE, ALICE_PW)
        ids = self.listed_ids()
        self.assertEqual(sorted(ids), sorted(self.spam + [self.newsletter]))
        self.assertEqual(self.listed_ids("--reason", "graymail"), [self.newsletter])
        self.assertEqual(self.listed_ids("--category", "marketing"), [self.newsletter])
        out = self.qdesk("list").stdout.decode()
        self.assertIn("Offer 3", out)
        self.assertIn("Graymail", out)

    def test_show_previews(self):
        self.login(ALICE, ALICE_PW)
        self.listed_ids()
        out = self.qdesk("show", self.spam[1]).stdout.decode()
        self.assertIn("Subject:      Offer 1", out)
        self.assertIn("news@shop.example", out)
        self.assertIn("Buy number 1 today.", out)
        self.assertTrue(self.mail(ALICE, self.spam[1])["viewed"])

    def test_what_it_cannot_do_is_said(self):
        self.login(ALICE, ALICE_PW)
        sample = self.session.root / "sample.eml"
        sample.write_bytes(b"From: a@example.org\n\nhello\n")
        for args, words in ((["check", str(sample)], "cloud Email Quarantine API cannot do"),
                            (["show", "--raw", self.spam[0]], "gives a preview"),
                            (["list", "--folder", "junk"], "keeps no Junk folder"),
                            (["move-to-inbox", self.spam[0]], "keeps no Junk folder"),
                            (["--accept-fingerprint", "AB:CD", "list"], "--ca-file")):
            err = self.qdesk(*args, expect=EXIT_USAGE).stderr.decode()
            self.assertIn(words, err, args)
            self.assertEqual(len(err.strip().splitlines()), 1, err)

    def test_a_certificate_no_authority_vouches_for_is_refused(self):
        other = PeerProcess("cloud")
        other.start()
        self.addCleanup(other.stop)
        other.run("sim.add_user(u, pw)", u=ALICE, pw=ALICE_PW)
        # The authority of the first simulator does not vouch for the second's certificate.
        err = self.qdesk("--gateway", other.info["url"], "--gateway-kind", "symantec",
                         "--ca-file", self.ca_file, "login", "--user", ALICE,
                         "--password-stdin", input=ALICE_PW + "\n",
                         expect=EXIT_NETWORK).stderr.decode()
        self.assertIn("Nothing was sent", err)
        self.assertEqual(other.run("result = [r.user for r in sim.requests]"), [])


class Actions(CloudTestCase):
    user, password = "bob@example.com", "bob-Portal-2"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.peer.run("sim.add_user(u, pw)", u=cls.user, pw=cls.password)

    def setUp(self):
        super().setUp()
        self.login(self.user, self.password)

    def test_release_1200_in_batches(self):
        # A user of its own: released mail stays listed, and would be released again.
        self.user = "dave@example.com"
        self.add_user(self.user, self.password)
        self.login(self.user, self.password)
        ids = self.mails(self.user, [1 + n * 0.1 for n in range(1200)])
        before = self.peer.run("result = len(sim.requests)")
        out = self.qdesk("release", "--all-matching").stdout.decode()
        self.assertIn("Released 1200 messages.", out)
        released = self.peer.run("result = [sim.mail(u, i)['released'] for i in ids]",
                                 u=self.user, ids=ids)
        self.assertEqual(released, [True] * 1200)
        posts = self.peer.run("result = [r.status for r in sim.requests[n:] "
                              "if r.path.endswith('/release')]", n=before)
        self.assertGreater(len(posts), 1, "1 200 ids make more than one batch")
        self.assertEqual(set(posts), {200})

    def test_approve_and_block_senders(self):
        ids = self.mails(self.user, [1, 2], sender="friend@partner.example")
        ids += self.mails(self.user, [3], sender="pest@spam.example")
        self.qdesk("release", "--approve-sender", ids[0])
        self.qdesk("block-sender", ids[2])
        self.qdesk("delete", ids[1])
        self.assertTrue(self.mail(self.user, ids[0])["released"])
        self.assertTrue(self.mail(self.user, ids[1])["deleted"])
        self.assertTrue(self.mail(self.user, ids[2])["deleted"])
        white = self.peer.run("result = [i['value'] for i in sim.list_items(u, 'whitelist')]",
                              u=self.user)
        black = self.peer.run("result = [i['value'] for i in sim.list_items(u, 'blacklist')]",
                              u=self.user)
        self.assertIn("friend@partner.example", white)
        self.assertIn("pest@spam.example", black)

        approved = json.loads(self.qdesk("senders", "approved", "--json").stdout.decode())
        self.assertIn("friend@partner.example", [s["address"] for s in approved["senders"]])
        self.qdesk("senders", "blocked", "add", "junk.example")
        self.qdesk("senders", "approved", "remove", "friend@partner.example")
        white = self.peer.run("result = [i['value'] for i in sim.list_items(u, 'whitelist')]",
                              u=self.user)
        black = self.peer.run("result = [i['value'] for i in sim.list_items(u, 'blacklist')]",
                              u=self.user)
        self.assertIn("junk.example", black)
        self.assertNotIn("friend@partner.example", white)
        self.assertIn("junk.example", self.qdesk("senders", "blocked").stdout.decode())


class Faults(CloudTestCase):
    """Each test has a simulator of its own: they break it."""

    user, password = "carol@example.com", "carol-Portal-3"
    peer_per_test = True

    def setUp(self):
        super().setUp()
        self.add_user(self.user, self.password)
        self.login(self.user, self.password)

    def test_password_changed_during_a_batch(self):
        ids = self.mails(self.user, [1 + n * 0.1 for n in range(250)])
        # The service's "session" is the password: changed after the first batch.
        self.peer.run("""
original = module.CloudSim._release
def release(self, sw, user, path, seen):
    try:
        return original(self, sw, user, path, seen)
    finally:
        user.password = 'changed-elsewhere'
module.CloudSim._release = release
""")
        proc = self.qdesk("release", *ids, expect=EXIT_PARTIAL)
        out = proc.stdout.decode()
        self.assertIn("Released 100 messages.", out)
        self.assertIn("150 messages were not attempted", out)
        released = self.peer.run("result = [sim.mail(u, i)['released'] for i in ids]",
                                 u=self.user, ids=ids)
        self.assertEqual(released.count(True), 100)
        # Refused once, never tried again (the service may lock the account).
        refused = self.peer.run("result = [r for r in sim.requests if r.status == 401]")
        self.assertEqual(len(refused), 1)

    def test_401_in_the_middle_of_a_listing(self):
        self.mails(self.user, [1 + n * 0.01 for n in range(1200)])
        self.peer.run("""
calls = []
original = module.CloudSim._list_mails
def list_mails(self, sw, user, path, seen):
    calls.append(1)
    if len(calls) == 3:
        user.password = 'changed-elsewhere'
    return original(self, sw, user, path, seen)
module.CloudSim._list_mails = list_mails
""")
        proc = self.qdesk("list", "--all", expect=EXIT_SESSION)
        self.assertTrue(proc.stderr.decode().startswith("qdesk: "), proc.stderr.decode())
        rows = [line for line in proc.stdout.decode().splitlines() if "Offer" in line]
        self.assertEqual(len(rows), 1000, "the two pages before the refusal are shown")

    def test_malformed_answers_give_a_sentence(self):
        ids = self.mails(self.user, [1, 2])
        for patch, command in (
                ("module.CloudSim._list_mails = lambda *a: {'status': 'SUCCESS', 'data': 7}",
                 ["list"]),
                ("module.CloudSim._list_mails = lambda *a: ['not', 'an', 'object']", ["list"]),
                ("module.CloudSim._preview = lambda *a: {'status': 'SUCCESS', 'headers': 5}",
                 ["show", ids[0]]),
                ("module.CloudSim._list_items = lambda *a: {'status': 'SUCCESS', 'data': 'x'}",
                 ["senders", "approved"])):
            self.peer.run(patch)
            proc = self.qdesk(*command, expect=None)
            err = proc.stderr.decode()
            self.assertIn(proc.returncode, (0, EXIT_PARTIAL), (command, err))
            if proc.returncode:
                self.assertTrue(err.startswith("qdesk: "), err)
                self.assertEqual(len(err.strip().splitlines()), 1, err)

    def test_answers_of_other_shapes_are_read(self):
        ids = self.mails(self.user, [1, 2, 3])
        self.peer.run("sim.set(numbers_as_strings=True, booleans_as='string', "
                      "extra_fields=True, omit_actions=True)")
        self.assertEqual(sorted(self.listed_ids()), sorted(ids))


if __name__ == "__main__":
    qdharness.main(requires=["openssl"])
