#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real window, under Xvfb, driven through the accessibility tree,
against a real qd-gateway; secrets in a real gnome-keyring."""

import base64
import collections
import datetime as dt
import email
import email.utils
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT", Path(__file__).parents[2]))
                       / "tests" / "lib"))

import qdharness  # noqa: E402
from qdharness import Gateway  # noqa: E402
from qdpeerproc import PeerProcess  # noqa: E402
from qdsession import DesktopSession  # noqa: E402
from qdfault import FaultProxy  # noqa: E402
from qdsmtp import SmtpServer  # noqa: E402
from qdstack import Dovecot, temporary_directory  # noqa: E402

SHOTS = qdharness.build_root() / "tests" / "ui" / "screenshots"
LANG = os.environ.get("QD_UI_LANGUAGE", "en")

session: DesktopSession | None = None
gateway: Gateway | None = None
rspamd = None
pixel_server = None
pixel_hits: list[str] = []
qdui = None
T = {}  # the window's texts in the language under test


def texts():
    """What the window says, in the language of this run (po/ja.po for ja)."""
    english = {
        "Password": "Password", "Sign In": "Sign In", "Quarantine": "Quarantine",
        "Junk": "Junk", "More actions": "More actions", "Select All Matching":
        "Select All Matching", "Release": "Release", "Move to Inbox": "Move to Inbox",
        "All Categories": "All Categories", "Marketing and newsletters":
        "Marketing and newsletters", "Any Time": "Any Time", "Custom Range…": "Custom Range…",
        "Apply": "Apply", "All Reasons": "All Reasons", "Search sender or subject": "Search sender or subject",
        "No messages": "No messages", "Send Report": "Send Report",
        "Submissions": "Submissions", "Sent %s": "Sent %s", "Report Spam": "Report Spam",
        "Check All Now": "Check All Now", "Graymail": "Graymail",
        "Retry": "Retry", "Subject": "Subject",
        "Main menu": "Main menu", "Sign Out": "Sign Out", "Add Samples": "Add Samples",
        "Mailbox Password": "Mailbox Password",
        "mailbox refused": "The mail server %s refused the user name or password of %s. "
                           "Check them and sign in again.",
        "Add from Inbox…": "Add from Inbox…", "Add from Your Inbox": "Add from Your Inbox",
        "Add to Report": "Add to Report", "Pick “%s”": "Pick “%s”",
        "Move to Junk after sending": "Move to Junk after sending",
        "could not be fetched": "“%s” could not be fetched: %s", "Cancel": "Cancel",
        "timed out": "The gateway at %s did not answer in time. Try again later; if it "
                     "keeps happening, tell your administrator.",
        "Now classified as spam (since %s)": "Now classified as spam (since %s)",
        "This message is currently classified as spam.":
        "This message is currently classified as spam.",
        "Also in Junk": "Also in Junk", "Also held in quarantine": "Also held in quarantine",
        "Spam": "Spam", "Phishing": "Phishing", "Social network": "Social network",
        "twin in Junk": "In your mailbox’s Junk folder too: releasing or deleting it here "
                        "deletes that copy",
        "Signing In…": "Signing In…", "Cancel Signing In": "Cancel Signing In",
        "wrong password": "The user name or password is wrong. Check them and try again.",
        "Sender Lists…": "Sender Lists…", "Sender Lists": "Sender Lists",
        "Approved": "Approved", "Blocked": "Blocked",
        "Approved Senders": "Approved Senders", "Blocked Senders": "Blocked Senders",
        "No Blocked Senders": "No Blocked Senders",
        "gateway problem": "The gateway had a problem (HTTP %u). Try again later; if it keeps "
                           "happening, tell your administrator.",
        "Address or Domain": "Address or Domain",
        "Add": "Add",
        "Search approved senders": "Search approved senders", "Remove %s": "Remove %s",
        "Undo": "Undo",
        "not an address": "“%s” is neither a mail address nor a domain. Enter an address "
                          "such as name@example.com, or %s for every address at example.com.",
        "Gateway Type": "Gateway Type", "Trust This Gateway’s Certificate?":
        "Trust This Gateway’s Certificate?", "Accept and Sign In": "Accept and Sign In",
        "Accept the Gateway’s New Certificate?": "Accept the Gateway’s New Certificate?",
        "Or the Quarantine Link from a Spam Report": "Or the Quarantine Link from a Spam Report",
        "Release and Approve Sender": "Release and Approve Sender", "Delete": "Delete",
        "Move to Inbox and Approve Sender": "Move to Inbox and Approve Sender",
        "sender unknown": "Its sender has no address that can be approved, so it stayed in "
                          "Junk. Move it to the Inbox without approving its sender.",
        "%s; %u not handled": "%s; %u not handled", "Details": "Details",
        "%s; %u not handled. %s": "%s; %u not handled. %s", "Close": "Close",
        "cloud refused": "The quarantine service refused the user name or password. Check "
                         "them and sign in again; Quarantine Desk does not retry by itself, "
                         "so that your account is not locked.",
        "session ended": "Your session with the gateway has ended and could not be renewed. "
                         "Sign in again.",
        "Some Messages Were Not Handled": "Some Messages Were Not Handled",
        "certificate changed": "The certificate of the gateway at %s has changed since you "
                               "accepted it, so nothing was sent: someone may be intercepting "
                               "the connection. Ask your administrator whether the gateway has "
                               "a new certificate, and accept its fingerprint %s only if they "
                               "confirm it.",
    }
    english["one message"] = "message"
    english["many messages"] = "messages"
    english["2 moved to Junk"] = "2 reported messages moved to Junk."
    if LANG == "en":
        return english
    import gettext
    catalog = gettext.translation("quarantine-desk", localedir=str(qdharness.build_root() / "po"),
                                  languages=[LANG])

    def translate(text):
        # The window may show the string with a mnemonic ("_Sign In"): try those too.
        candidates = [text] + [text[:i] + "_" + text[i:] for i in range(len(text))]
        for candidate in candidates:
            translated = catalog.gettext(candidate)
            if translated != candidate:
                return qdui_plain(translated)
        return text
    translated = {k: translate(v) for k, v in english.items()}
    # "%s messages": what follows the count, in this language
    translated["one message"] = catalog.ngettext("%s message", "%s messages", 1)[2:].strip()
    translated["many messages"] = catalog.ngettext("%s message", "%s messages", 5)[2:].strip()
    translated["2 moved to Junk"] = catalog.ngettext("%u reported message moved to Junk.",
                                                     "%u reported messages moved to Junk.",
                                                     2).replace("%u", "2")
    return translated


def ngettext(singular, plural, n):
    """The window's sentence for N of something, in the language of this run."""
    if LANG == "en":
        return singular if n == 1 else plural
    import gettext
    catalog = gettext.translation("quarantine-desk", localedir=str(qdharness.build_root() / "po"),
                                  languages=[LANG])
    return catalog.ngettext(singular, plural, n)


def qdui_plain(text):
    import re
    return re.sub(r"\(_?[A-Za-z0-9]\)$", "", text).replace("_", "")


class PixelHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        pixel_hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def setUpModule():
    global session, gateway, pixel_server, qdui, T
    T = texts()
    pixel_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PixelHandler)
    threading.Thread(target=pixel_server.serve_forever, daemon=True).start()

    global rspamd
    rspamd = qdharness.Rspamd()
    rspamd.start()
    gateway = Gateway()
    gateway.add_user("demo", "demo", "demo@example.com", "Demo User")
    gateway.start(smtp=True, rspamd_url=rspamd.url)

    session = DesktopSession()
    session.__enter__()
    session.env["LANGUAGE"] = LANG
    session.env["LANG"] = "ja_JP.UTF-8" if LANG == "ja" else "C.UTF-8"
    # gettext ignores LANGUAGE in the C locale, so Japanese needs a real one.
    session.env["LC_ALL"] = session.env["LANG"]
    session.start_display(1280, 800)
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = session.env["DBUS_SESSION_BUS_ADDRESS"]
    os.environ["DISPLAY"] = session.env["DISPLAY"]
    import qdui as module  # connects to the session's accessibility bus
    qdui = module


def tearDownModule():
    if session is not None:
        session.close()
    if gateway is not None:
        gateway.stop()
        gateway.__exit__(None, None, None)
    if pixel_server is not None:
        pixel_server.shutdown()
    if rspamd is not None:
        rspamd.stop()
        rspamd.cleanup()


def message(subject, sender="Shop <news@shop.example>", body="Hello", html=None):
    if html is None:
        return qdharness.make_message(sender, "demo@example.com", subject, body)
    return (f"From: {sender}\nTo: demo@example.com\nSubject: {subject}\n"
            f"Date: {email.utils.formatdate()}\nMessage-ID: <{subject.replace(' ', '-')}@shop.example>\n"
            "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n" + html).encode()


class WindowTest(unittest.TestCase):
    width, height = 1280, 800

    def setUp(self):
        session.set_setting("gateway-url", gateway.url)
        session.set_setting("username", "demo")
        session.set_setting("window-width", str(self.width))
        session.set_setting("window-height", str(self.height))
        session.set_setting("last-view", "quarantine")
        session.set_setting("imap-host", "")  # no mailbox unless a test connects one
        self.page = None  # the folder's own panel, once signed in

    def launch(self, *args, env=None):
        """Starts the window (after the test has put its mail at the gateway)."""
        self.app_proc = session.start_app(*args, env=env)
        self.addCleanup(qdharness.stop_process, self.app_proc)
        self.app = qdui.application()
        self.window = qdui.find(self.app, "frame")

    def use_smtp_server(self):
        """A real SMTP server for this test, and the settings that send to it."""
        self.smtp = SmtpServer()
        self.smtp.__enter__()
        self.addCleanup(self.smtp.__exit__, None, None, None)
        host, port = self.smtp.server.rsplit(":", 1)
        for key, value in (("smtp-host", f"'{host}'"), ("smtp-port", port),
                           ("smtp-security", "'none'")):
            session.set_setting(key, value)
            self.addCleanup(session.set_setting, key, "0" if key == "smtp-port" else "''")

    def shot(self, name):
        time.sleep(1)  # let transitions (the leaflet folding, a toast) settle
        session.screenshot(SHOTS / f"{LANG}-{name}.png")

    def launch_signed_in_or_asked(self):
        """Starts the window on Quarantine; the first start asks for the password
        ("ask"), later ones sign in with the keyring's ("in").  The window opens
        on the tab shown last, and builds a page only when it first shows it:
        Quarantine is made the last, or a restart after another tab has no
        Quarantine to find."""
        session.set_setting("last-view", "quarantine")
        self.launch()
        self.open_folder("Quarantine")

        def state():
            if self.count_text() is not None:
                return "in"
            fields = qdui.find_all(self.window, "text", T["Password"])
            if fields and qdui.is_sensitive(fields[0]) and not qdui.text_of(fields[0]):
                return "ask"
            return None
        return qdharness.wait_for(state, 30, "the sign-in page or the list")

    def sign_in_if_asked(self):
        """Signs in with the password "demo" when the window asks for one."""
        if self.launch_signed_in_or_asked() == "ask":
            qdui.set_text(qdui.find(self.window, "text", T["Password"]), "demo")
            self.shot("sign-in")
            qdui.click(qdui.find(self.window, "push button", T["Sign In"]))
        self.wait_count(lambda text: text is not None)

    def wait_sendable(self, send):
        """Waits for SEND (Send Report) to be usable, signing in if asked."""
        def ready():
            if qdui.is_sensitive(send):
                return True
            fields = qdui.find_all(self.window, "text", T["Password"])
            if fields and qdui.is_sensitive(fields[0]) and not qdui.text_of(fields[0]):
                qdui.set_text(fields[0], "demo")
                qdui.click(qdui.find(self.window, "push button", T["Sign In"]))
            return False
        qdharness.wait_for(ready, 30, "the sample to be ready to send")

    def open_folder(self, folder):
        self.page = qdui.find(self.window, "panel", T[folder])

    def count_text(self):
        for text in qdui.labels(self.page):
            if text == T["No messages"] or text.endswith(" " + T["many messages"]) or \
                    text.endswith(" " + T["one message"]):
                return text
        return None

    def wait_count(self, predicate, what="the message count"):
        try:
            return qdharness.wait_for(lambda: (lambda t: t if predicate(t) else None)(
                self.count_text()), 30, what)
        except qdharness.WaitTimeout:
            self.shot(f"failed-{self.id().split('.')[-1]}")
            raise

    def menu_item(self, button, name):
        """Opens a menu button of the folder's page and clicks one of its items."""
        qdui.do_action(qdui.find(self.page, "push button", button))
        qdui.do_action(qdui.find(self.page, "menu item", name))

    def keys(self, *keys):
        """Presses KEYS through the X server (xdotool), as a person would."""
        subprocess.run(["xdotool", "key", "--delay", "100", *keys], env=session.env, check=True)

    def type(self, text):
        subprocess.run(["xdotool", "type", "--delay", "60", text], env=session.env, check=True)

    def focused(self, root=None):
        """The role and name of what has the keyboard focus under ROOT (the window)."""
        for acc in qdui.walk(root or self.window):
            try:
                if acc.getState().contains(qdui.pyatspi.STATE_FOCUSED):
                    return acc.getRoleName(), qdui.accessible_name(acc)
            except Exception:  # gone while we looked
                continue
        return None


class SignInAndRelease(WindowTest):
    def test_filter_range_select_all_release(self):
        now = dt.datetime.now().astimezone()
        # The range dialog opens on the hours before the hour the window sees:
        # should the hour turn between here and there, the two would differ.
        if now.minute == 59 and now.second >= 15:
            time.sleep(61 - now.second)
            now = dt.datetime.now().astimezone()
        hour = now.replace(minute=0, second=0, microsecond=0)
        # Other tests' marketing mail, held at the time they ran, falls in
        # this range when the hour turns between them and this test: the
        # range is to hold this test's wave only.
        api = gateway.login("demo", "demo")
        earlier = [m["id"] for m in api.list_all(folder="quarantine", category="marketing")]
        if earlier:
            self.assertEqual(api.act("delete", earlier).status, 200)
        # The custom range opens on the two hours before the current hour.
        inside = [hour - dt.timedelta(minutes=m) for m in (100, 60, 10)]
        wave = []
        for i, when in enumerate(inside):
            data = message(f"Incident newsletter {i}")
            wave.append(data)
            gateway.ingest("demo", "quarantine", "graymail", [data], category="marketing",
                           received=when)
        gateway.ingest("demo", "quarantine", "graymail", [message("Too early newsletter")],
                       category="marketing", received=hour - dt.timedelta(hours=3))
        gateway.ingest("demo", "quarantine", "graymail", [message("A social ping")],
                       category="social", received=hour - dt.timedelta(minutes=30))

        self.sign_in_if_asked()
        self.shot("quarantine")

        self.menu_item(T["All Categories"], T["Marketing and newsletters"])
        self.menu_item(T["Any Time"], T["Custom Range…"])
        apply = qdui.find(self.app, "push button", T["Apply"])
        self.shot("custom-range")
        qdui.click(apply)
        self.wait_count(lambda t: t is not None and t.startswith("3"), "3 matching messages")
        self.shot("incident-filtered")

        self.menu_item(T["More actions"], T["Select All Matching"])
        qdui.click(qdui.find(self.page, "push button", T["Release"]))
        self.wait_count(lambda t: t == T["No messages"], "the released messages to leave")
        self.shot("released")

        inbox = [p.read_bytes() for p in (gateway.data_dir / "mail" / "demo" / "new").iterdir()]
        for data in wave:
            self.assertEqual(inbox.count(data), 1)
        self.assertFalse([m for m in inbox if b"Too early newsletter" in m or b"A social ping" in m],
                         "only the three in the range were released")


class MoveFromJunk(WindowTest):
    def test_move_to_inbox(self):
        data = message("A wanted message in Junk", sender="Colleague <kim@partner.example>")
        [item] = gateway.ingest("demo", "junk", "spam", [data])
        self.sign_in_if_asked()
        qdui.do_action(qdui.find(self.window, "page tab", T["Junk"]))
        self.open_folder("Junk")
        self.wait_count(lambda t: t is not None and t.startswith("1"), "one Junk message")
        self.menu_item(T["More actions"], T["Select All Matching"])
        qdui.click(qdui.find(self.page, "push button", T["Move to Inbox"]))
        self.wait_count(lambda t: t == T["No messages"], "the Junk message to leave")
        self.shot("junk-moved")
        maildir = gateway.data_dir / "mail" / "demo"
        self.assertEqual(list((maildir / ".Junk" / "new").glob(f"*.QD{item}.*")), [])
        moved = list((maildir / "new").glob(f"*.QD{item}.*"))
        self.assertEqual([p.read_bytes() for p in moved], [data])


class CheckSample(WindowTest):
    def test_check_gtube_from_the_command_line(self):
        path = session.root / "gtube.eml"
        path.write_bytes(qdharness.gtube_message())
        self.sign_in_if_asked()
        # A second start hands the file to the running window (one instance).
        checker = session.start_app("--check", str(path))
        self.addCleanup(qdharness.stop_process, checker)
        verdict = qdui.wait_for_label(
            self.app, lambda t: t == T["This message is currently classified as spam."], 30,
            "the verdict in the check window")
        self.assertTrue(verdict)
        qdui.wait_for_label(self.app, lambda t: t == "GTUBE", 10, "the matched rule")
        self.shot("check")


class NewHeldMail(WindowTest):
    def test_new_mail_appears_without_refreshing(self):
        session.set_setting("new-mail-interval", "2")
        self.addCleanup(session.set_setting, "new-mail-interval", "300")
        self.sign_in_if_asked()
        before = self.count_text()
        gateway.ingest("demo", "quarantine", "graymail", [message("Fresh newsletter arrives")],
                       category="marketing")
        # Looked for every 2 seconds: it shows up at the top by itself.
        # A row is read as one sentence that holds the subject.
        qdui.find(self.page, "list item", timeout=30,
                  predicate=lambda a: "Fresh newsletter arrives" in qdui.accessible_name(a))
        self.assertNotEqual(self.count_text(), before)
        self.shot("new-mail")


class ReportSpam(WindowTest):
    def test_open_sample_and_send(self):
        received = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
        sample = qdharness.make_message("Lucky Winner <prize@lottery.example>", "demo@example.com",
                                        "You have won a prize", "Claim your prize today.",
                                        received=received)
        path = session.root / "missed-spam.eml"
        path.write_bytes(sample)
        # Opened with the application, as from a file manager.
        self.launch(str(path))
        send = qdui.find(self.window, "push button", T["Send Report"])
        self.wait_sendable(send)
        qdui.wait_for_label(self.window, lambda t: t == "You have won a prize", 20,
                            "the sample's row")
        self.shot("report")
        qdui.click(send)
        submissions = qdharness.wait_for(lambda: [s for s in gateway.submissions()
                                                  if s["samples"]], 30,
                                         "the gateway's intake to receive the report")
        [sub] = submissions
        self.assertEqual(sub["mail_from"], "demo@example.com")
        self.assertEqual([x["status"] for x in sub["samples"]], ["accepted"])
        self.assertIn(sub["samples"][0]["sha256"], qdharness.sample_digests(sample))
        qdharness.wait_for(lambda: not qdui.is_sensitive(send), 20, "the sent sample to leave")
        self.shot("report-sent")
        # The history lists it as sent.
        qdui.do_action(qdui.find(self.window, "page tab", T["Submissions"]))
        qdui.wait_for_label(self.window, lambda t: t.startswith(T["Sent %s"].split("%s")[0]), 20,
                            "the sample's status in the history")
        self.shot("submissions")
        # The gateway learnt it from the report: a re-check says so, with its time.
        qdui.click(qdui.find(self.window, "push button", T["Check All Now"]))
        qdui.wait_for_label(self.window, lambda t: t.startswith(T["Now classified as spam (since %s)"].split("%s")[0]), 30,
                            "the sample to show as now classified as spam")
        self.shot("submissions-rechecked")


class ReportSurvivesKill(WindowTest):
    """The window killed (SIGKILL) while a report is on its way: the report
    waits in the outbox, and the next session sends it, once."""

    def setUp(self):
        super().setUp()
        self.use_smtp_server()

    def test_killed_right_after_send_sends_once_on_restart(self):
        received = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=3)
        sample = qdharness.make_message("Bulk Offers <offers@bulk.example>", "demo@example.com",
                                        "Limited offer, act now", "Act now.", received=received)
        path = session.root / "killed-report.eml"
        path.write_bytes(sample)
        self.smtp.plan("stall")
        self.launch(str(path))
        send = qdui.find(self.window, "push button", T["Send Report"])
        self.wait_sendable(send)
        qdui.click(send)
        qdharness.wait_for(lambda: self.smtp.records(), 30, "the report's SMTP transaction")
        qdharness.stop_process(self.app_proc, sig=signal.SIGKILL)
        self.assertEqual(self.smtp.accepted(), [])

        # The next session sends it by itself, once.
        self.smtp.plan(default="accept")
        self.sign_in_if_asked()
        [message] = qdharness.wait_for(lambda: self.smtp.accepted(), 30,
                                       "the waiting report to be sent")
        self.assertIn(qdharness.to_crlf(sample), message["data"])
        time.sleep(3)
        self.assertEqual(len(self.smtp.accepted()), 1, "the report was sent twice")


class SlowGateway(WindowTest):
    """A gateway that does not answer: the window says so in a sentence once
    its time-out passes, and Retry brings the list. (That the main loop keeps
    running meanwhile is measured by bench/run's stall probe.)"""

    def test_times_out_with_a_clear_error_then_retry(self):
        gateway.ingest("demo", "quarantine", "graymail", [message("Slow but sure")])
        with FaultProxy(lambda: gateway.url) as proxy:
            session.set_setting("gateway-url", f"'{proxy.url}'")
            proxy.fault("GET", "/api/v1/messages", "stall", seconds=30, times=1000)
            self.launch(env={"QD_HTTP_TIMEOUT": "5"})
            self.open_folder("Quarantine")

            typed = []

            def listing_asked():
                if ("GET", "/api/v1/messages") in proxy.requests:
                    return True
                # Asked for the password (none remembered yet): typed once.
                # Typed again as the list's first request stalls, it signed in a
                # second time, and Retry then raced that sign-in's listing.
                fields = qdui.find_all(self.window, "text", T["Password"])
                if not typed and fields and qdui.is_sensitive(fields[0]) and \
                        not qdui.text_of(fields[0]):
                    qdui.set_text(fields[0], "demo")
                    qdui.click(qdui.find(self.window, "push button", T["Sign In"]))
                    typed.append(True)
                return False
            qdharness.wait_for(listing_asked, 30, "the window to ask for the list")
            # The sentence around the gateway's address (in Japanese the
            # address comes first: the part before it is empty).
            before, after = T["timed out"].split("%s")
            qdui.wait_for_label(self.window, lambda t: t.startswith(before) and t.endswith(after)
                                and len(t) > len(before) + len(after), 40,
                                "the time-out to be shown")
            self.shot("gateway-timed-out")
            proxy.clear()
            asked = len(proxy.requests)
            qdui.click(qdui.find(self.page, "push button", T["Retry"]))
            qdharness.wait_for(lambda: ("GET", "/api/v1/messages") in proxy.requests[asked:],
                               20, "Retry to ask the gateway again")
            self.wait_count(lambda t: t is not None and t != T["No messages"],
                            "the list once the gateway answers")


class MailSystemGateway(WindowTest):
    """The quarantine of a Postfix + rspamd + Dovecot system keeps no Junk (it
    is in the person's mailbox): the window offers no Junk tab there."""

    def test_no_junk_tab(self):
        with Gateway() as mail_system:
            mail_system.add_user("demo", "demo", "demo@example.com", "Demo User")
            mail_system.ingest("demo", "quarantine", "graymail",
                               [message("Held by the mail system")], category="marketing")
            # Releases would go to this port; this test releases nothing.
            mail_system.start(extra_args=["--relay", f"127.0.0.1:{qdharness.free_port()}"])
            session.set_setting("gateway-url", mail_system.url)
            self.sign_in_if_asked()
            self.wait_count(lambda t: t is not None and t.endswith(" " + T["one message"]))

            def tabs():
                return [qdui.accessible_name(tab) for tab in qdui.find_all(
                    self.window, "page tab",
                    predicate=lambda a: a.getState().contains(qdui.pyatspi.STATE_VISIBLE))]
            shown = qdharness.wait_for(tabs, 20, "the view switcher's tabs")
            self.assertIn(T["Quarantine"], shown)
            self.assertIn(T["Report Spam"], shown)
            self.assertNotIn(T["Junk"], shown)
            self.shot("mail-system-no-junk")


class RememberedSignIn(WindowTest):
    """With a remembered password the window opens on the list's page, signing
    in, and goes straight to the rows: the sign-in form is never drawn. Cancel
    and Sign Out work while it signs in, and a remembered sign-in that fails
    lands on the form, saying why.

    GTK 4.8 tells AT-SPI nothing of which page of a stack is shown (no SHOWING
    state, no showing events: tried), so whether the form was drawn is what the
    window's bench hook saw: the sign-in page mapped before the first rows
    ("qd-bench: sign-in-shown", QD_BENCH=1; src/app/qd-bench.c)."""

    def remember(self):
        """Signs in once, so that the keyring holds the password, and quits."""
        self.sign_in_if_asked()
        qdharness.stop_process(self.app_proc)

    def cancel(self):
        """The Cancel button of the list's page while signing in: its name, then
        its label ("…Cancel")."""
        return qdui.find(self.page, "push button", timeout=30, predicate=lambda a:
                         qdui.accessible_name(a).startswith(T["Cancel Signing In"]))

    def wait_form(self):
        """The sign-in form, shown and ready: its password field, empty."""
        password = qdui.find(self.window, "text", T["Password"], timeout=30,
                             predicate=qdui.is_sensitive)
        self.assertEqual(qdui.text_of(password), "")
        return password

    def test_starts_straight_into_the_list(self):
        import re
        gateway.ingest("demo", "quarantine", "graymail", [message("Remembered start")])
        self.remember()
        before = len(session.app_log())
        self.launch(env={"QD_BENCH": "1"})
        self.open_folder("Quarantine")
        qdui.find(self.page, "list item", timeout=30,
                  predicate=lambda a: "Remembered start" in qdui.accessible_name(a))
        self.shot("remembered-start")
        drawn = qdharness.wait_for(lambda: re.search(r"^qd-bench: sign-in-shown (\S+)$",
                                                     session.app_log()[before:], re.M),
                                   20, "the window to say whether it drew the form")
        self.assertEqual(float(drawn.group(1)), 0, "the sign-in form was drawn on the way")

    def test_cancel_and_sign_out_while_signing_in(self):
        with FaultProxy(lambda: gateway.url) as proxy:
            session.set_setting("gateway-url", f"'{proxy.url}'")
            self.remember()
            self.assertIsNotNone(session.secret("gateway-password", proxy.url, "demo"))
            # The session was kept with the password.
            self.assertIsNotNone(session.secret("gateway-token", proxy.url, "demo"))
            # The gateway takes its time, to go on with the kept session as to
            # sign in: the window stays signing in, and its form, not shown
            # meanwhile, takes no password (it is built only when first shown;
            # before that it was kept busy).
            proxy.fault("GET", "/api/v1/session", "stall", seconds=30, times=1000)
            proxy.fault("POST", "/api/v1/session", "stall", seconds=30, times=1000)
            self.launch()
            self.open_folder("Quarantine")
            cancel = self.cancel()
            qdharness.wait_for(lambda: qdui.is_sensitive(cancel), 30, "Cancel, signing in")
            qdui.wait_for_label(self.page, lambda t: t == T["Signing In…"], 10,
                                "the list's page to say it is signing in")
            self.assertFalse([field for field in qdui.find_all(self.window, "text", T["Password"])
                              if qdui.is_sensitive(field)],
                             "the sign-in form takes a password while signing in")
            self.shot("signing-in")

            qdui.click(cancel)
            self.wait_form()
            # The form is back, so the main view's Cancel went with it.
            qdharness.wait_for(lambda: not qdui.is_sensitive(cancel), 10, "Cancel to go")
            # Cancelled is not signed out: the password stays for the next start.
            self.assertIsNotNone(session.secret("gateway-password", proxy.url, "demo"))
            qdharness.stop_process(self.app_proc)

            self.launch()
            self.open_folder("Quarantine")
            qdharness.wait_for(lambda: qdui.is_sensitive(self.cancel()), 30,
                               "Cancel, signing in")
            qdui.do_action(qdui.find(self.window, "push button", T["Main menu"]))
            qdui.do_action(qdui.find(self.window, "menu item", T["Sign Out"]))
            self.wait_form()
            qdharness.wait_for(lambda: session.secret("gateway-password", proxy.url, "demo")
                               is None, 20, "the remembered password to be forgotten")
            self.assertIsNone(session.secret("gateway-token", proxy.url, "demo"),
                              "the kept session outlived Sign Out")
            self.assertEqual(session.setting("password-remembered"), "false")
            qdharness.stop_process(self.app_proc)

            # Nothing remembered now: the next start opens on the form, as before.
            self.launch()
            self.open_folder("Quarantine")
            self.assertFalse(qdui.is_sensitive(self.cancel()))
            self.wait_form()

    def store_secret(self, kind, secret):
        subprocess.run(["secret-tool", "store", "--label", "Quarantine Desk test",
                        "xdg:schema", "io.github.quarantinedesk.QuarantineDesk.Secret",
                        "kind", kind, "server", gateway.url, "user", "demo"],
                       input=secret.encode(), env=session.env, check=True, timeout=20)

    def test_kept_session_goes_on_without_a_password(self):
        """The next start goes on with the session kept beside the password: it
        asks the gateway who that session is, and does not sign in again."""
        with FaultProxy(lambda: gateway.url) as proxy:
            session.set_setting("gateway-url", f"'{proxy.url}'")
            self.remember()
            before = len(proxy.requests)
            self.launch()
            self.open_folder("Quarantine")
            self.wait_count(lambda text: text is not None)
            made = proxy.requests[before:]
            self.assertIn(("GET", "/api/v1/session"), made)
            self.assertNotIn(("POST", "/api/v1/session"), made, "signed in again")

    def test_kept_session_ended_signs_in_with_the_password(self):
        """The session kept from the last start has ended at the gateway (signed
        out elsewhere): the remembered password signs in instead, the list comes,
        and the new session is kept."""
        self.remember()
        ended = session.secret("gateway-token", gateway.url, "demo")
        self.assertIsNotNone(ended, "a remembered sign-in keeps its session")
        subprocess.run(["curl", "-sf", "-X", "DELETE", "-H", f"Authorization: Bearer {ended}",
                        f"{gateway.url}/api/v1/session"], check=True, timeout=20)
        self.launch()
        self.open_folder("Quarantine")
        self.wait_count(lambda text: text is not None)
        kept = qdharness.wait_for(
            lambda: (lambda t: t if t not in (None, ended) else None)(
                session.secret("gateway-token", gateway.url, "demo")),
            20, "the new session to be kept")
        self.assertNotEqual(kept, ended)

    def test_wrong_remembered_password_lands_on_the_form(self):
        self.remember()
        # The kept session has ended too, else it would go on without the password.
        self.store_secret("gateway-token", "not-a-session")
        self.store_secret("gateway-password", "not-the-password")
        self.assertEqual(session.secret("gateway-password", gateway.url, "demo"),
                         "not-the-password")
        self.launch()
        qdui.wait_for_label(self.window, lambda t: t == T["wrong password"], 30,
                            "the sign-in page to say the password is wrong")
        password = self.wait_form()
        self.open_folder("Quarantine")
        self.assertFalse(qdui.is_sensitive(self.cancel()))
        self.shot("remembered-wrong-password")
        # Signed in again, the right password is remembered for the tests after this one.
        qdui.set_text(password, "demo")
        qdui.click(qdui.find(self.window, "push button", T["Sign In"]))
        self.open_folder("Quarantine")
        self.wait_count(lambda text: text is not None)


MAILBOX_PASSWORD = "mailbox-Secret-1"


class MailboxTest(WindowTest):
    """A private Dovecot for the class, and how to fill, read and sign in to
    it (no tests of its own)."""

    @classmethod
    def setUpClass(cls):
        cls.root_cm = temporary_directory("qd-ui-dovecot-")
        root = cls.root_cm.__enter__()
        cls.dovecot = Dovecot(root, imap=qdharness.free_port(), lmtp=qdharness.free_port(),
                              users=[{"username": u, "password": MAILBOX_PASSWORD}
                                     for u in ("both", "alone", "approves")])
        cls.dovecot.start()

    @classmethod
    def tearDownClass(cls):
        cls.dovecot.stop()
        cls.root_cm.__exit__(None, None, None)

    def imap(self, user):
        """A signed-in connection, for a "with" block: it logs out at its end,
        since Dovecot allows a user only ten connections from one address."""
        import imaplib
        m = imaplib.IMAP4("127.0.0.1", self.dovecot.imap, timeout=30)
        try:
            m.login(user, MAILBOX_PASSWORD)
        except BaseException:
            m.shutdown()
            raise
        return m

    def fill_junk(self, user, subjects):
        with self.imap(user) as m:
            when = dt.datetime.now().astimezone() - dt.timedelta(hours=1)
            for i, subject in enumerate(subjects):
                data = (f"From: Deals <deals{i}@shop.example>\r\nTo: {user}@example.com\r\n"
                        f"Subject: {subject}\r\nMessage-ID: <{user}-{i}@shop.example>\r\n"
                        f"Date: {email.utils.format_datetime(when)}\r\n"
                        "X-QD-Graymail: marketing\r\n\r\nHello\r\n").encode()
                typ, answer = m.append("Junk", "", imaplib_time(when), data)
                self.assertEqual(typ, "OK", answer)

    def folder(self, user, name):
        """{Message-ID: flags} of folder NAME, examined read-only; fails on a duplicate."""
        import re
        with self.imap(user) as m:
            typ, _ = m.select(name, readonly=True)
            self.assertEqual(typ, "OK")
            typ, data = m.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            found = {}
            for part in data:
                if isinstance(part, tuple):
                    mid = part[1].decode().split(":", 1)[1].strip()
                    self.assertNotIn(mid, found, f"{mid} twice in {name}")
                    found[mid] = re.search(rb"FLAGS \(([^)]*)\)", part[0]).group(1).decode()
            return found

    def connect_mailbox(self, user):
        session.set_setting("imap-host", "127.0.0.1")
        session.set_setting("imap-port", str(self.dovecot.imap))
        session.set_setting("imap-security", "none")
        session.set_setting("imap-user", user)

    def sign_in_with_mailbox(self, gateway_too):
        """Fills the passwords the sign-in page asks for, and signs in."""
        self.launch()
        mailbox = qdui.find(self.window, "text", T["Mailbox Password"], timeout=30)
        qdharness.wait_for(lambda: qdui.is_sensitive(mailbox), 30, "the sign-in page")
        qdui.set_text(mailbox, MAILBOX_PASSWORD)
        if gateway_too:
            qdui.set_text(qdui.find(self.window, "text", T["Password"]), "demo")
        self.shot("sign-in-mailbox" + ("" if gateway_too else "-alone"))
        qdui.click(qdui.find(self.window, "push button", T["Sign In"]))

    def tabs(self):
        return [qdui.accessible_name(tab) for tab in qdui.find_all(
            self.window, "page tab",
            predicate=lambda a: a.getState().contains(qdui.pyatspi.STATE_VISIBLE))]


class MailboxJunk(MailboxTest):
    """Junk from the person's own mailbox (a private Dovecot): listed, searched,
    and everything matching moved to INBOX, checked over IMAP with imaplib."""

    def test_search_and_move_everything_matching_to_inbox(self):
        wanted = [f"Weekly deal {i}" for i in range(230)]
        others = [f"Other offer {i}" for i in range(20)]
        self.fill_junk("both", wanted + others)
        self.connect_mailbox("both")
        self.sign_in_with_mailbox(gateway_too=True)
        qdharness.wait_for(lambda: T["Junk"] in self.tabs() and T["Quarantine"] in self.tabs(),
                           30, "both the Quarantine and the Junk tabs")
        qdui.do_action(qdui.find(self.window, "page tab", T["Junk"]))
        self.open_folder("Junk")
        self.wait_count(lambda t: t is not None and t.startswith("250"), "250 in Junk")
        self.shot("mailbox-junk")
        # The category the gateway's header names is shown on the rows.
        qdui.find(self.page, "list item", predicate=lambda a: "Weekly deal" in
                  qdui.accessible_name(a) and T["Graymail"] in qdui.accessible_name(a))

        qdui.set_text(qdui.find(self.page, "entry", T["Search sender or subject"]), "Weekly")
        self.wait_count(lambda t: t is not None and t.startswith("230"), "230 matching")
        self.menu_item(T["More actions"], T["Select All Matching"])
        qdui.click(qdui.find(self.page, "push button", T["Move to Inbox"]))
        self.wait_count(lambda t: t == T["No messages"], "the matching messages to leave Junk")
        self.shot("mailbox-junk-moved")

        inbox, junk = self.folder("both", "INBOX"), self.folder("both", "Junk")
        self.assertEqual(sorted(inbox), sorted(f"<both-{i}@shop.example>" for i in range(230)))
        self.assertEqual(sorted(junk), sorted(f"<both-{i}@shop.example>"
                                              for i in range(230, 250)))
        # Moved as they were: never marked read, no flag added (\\Recent is the
        # server's own, for this examining session).
        self.assertEqual({flags.replace("\\Recent", "").strip() for flags in inbox.values()},
                         {""})

    def test_move_and_approve_the_senders_at_the_gateway(self):
        api = gateway.login("demo", "demo")
        senders = [f"deals{i}@shop.example" for i in range(3)]
        for address in senders:
            # Approved senders would change what other tests' mail does.
            self.addCleanup(api.delete, f"/approved-senders/{urllib.parse.quote(address)}")
        self.fill_junk("approves", [f"Approve me {i}" for i in range(3)])
        with self.imap("approves") as m:
            when = dt.datetime.now().astimezone() - dt.timedelta(minutes=30)
            typ, answer = m.append("Junk", "", imaplib_time(when), (
                "From: undisclosed-recipients:;\r\nSubject: Approve me too\r\n"
                "Message-ID: <approves-none@shop.example>\r\n"
                f"Date: {email.utils.format_datetime(when)}\r\n\r\nHello\r\n").encode())
            self.assertEqual(typ, "OK", answer)
        self.connect_mailbox("approves")
        self.sign_in_with_mailbox(gateway_too=True)
        qdharness.wait_for(lambda: T["Junk"] in self.tabs(), 30, "the Junk tab")
        qdui.do_action(qdui.find(self.window, "page tab", T["Junk"]))
        self.open_folder("Junk")
        self.wait_count(lambda t: t is not None and t.startswith("4"), "4 in Junk")

        self.menu_item(T["More actions"], T["Select All Matching"])
        self.menu_item(T["More actions"], T["Move to Inbox and Approve Sender"])
        self.wait_count(lambda t: t is not None and t.startswith("1 "), "one left in Junk")
        moved = ngettext("%u message moved to your inbox", "%u messages moved to your inbox", 3)
        toast = T["%s; %u not handled"] % (moved % 3, 1)
        qdui.wait_for_label(self.window, lambda text: text == toast, 30, "the summary")
        self.shot("mailbox-junk-approved")
        qdui.click(qdui.find(self.window, "push button", T["Details"]))
        dialog = qdharness.wait_for(lambda: (windows_named(
            self.app, T["Some Messages Were Not Handled"]) or [None])[0], 20,
            "the dialog of what was not handled")
        self.assertIn(T["sender unknown"], "\n".join(qdui.labels(dialog)))
        self.shot("mailbox-junk-approved-details")

        self.assertEqual(sorted(self.folder("approves", "INBOX")),
                         sorted(f"<approves-{i}@shop.example>" for i in range(3)))
        self.assertEqual(list(self.folder("approves", "Junk")), ["<approves-none@shop.example>"])
        approved = {s["address"] for s in api.get("/approved-senders").body["senders"]}
        self.assertTrue(set(senders) <= approved, approved)

    def test_wrong_mailbox_password_says_so_and_keeps_the_form(self):
        session.set_setting("gateway-url", "")
        self.connect_mailbox("alone")
        # A person typing the password: none remembered from another test, or
        # the window would sign in by itself and never show the form.
        subprocess.run(["secret-tool", "clear", "kind", "imap-password",
                        "server", f"127.0.0.1:{self.dovecot.imap}", "user", "alone"],
                       env=session.env, timeout=20)
        self.assertIsNone(session.secret("imap-password", f"127.0.0.1:{self.dovecot.imap}",
                                         "alone"))
        self.launch()
        mailbox = qdui.find(self.window, "text", T["Mailbox Password"], timeout=30)
        qdharness.wait_for(lambda: qdui.is_sensitive(mailbox), 30, "the sign-in page")
        qdui.set_text(mailbox, "not-the-password")
        qdui.click(qdui.find(self.window, "push button", T["Sign In"]))
        expected = T["mailbox refused"] % ("127.0.0.1", "alone")
        qdui.wait_for_label(self.window, lambda text: text == expected, 30,
                            "the sign-in page to say the mailbox refused the password")
        self.shot("mailbox-wrong-password")
        # Still on the sign-in page, ready for another try; no tab is on screen.
        self.assertTrue(qdui.is_sensitive(qdui.find(self.window, "text", T["Mailbox Password"])))
        self.assertEqual(qdui.find_all(self.window, "page tab", predicate=lambda a: a.getState()
                                       .contains(qdui.pyatspi.STATE_SHOWING)), [])

    def test_mailbox_alone_has_junk_but_no_quarantine(self):
        self.fill_junk("alone", ["Only in my mailbox"])
        session.set_setting("gateway-url", "")
        self.connect_mailbox("alone")
        self.sign_in_with_mailbox(gateway_too=False)
        qdharness.wait_for(lambda: T["Junk"] in self.tabs(), 30, "the Junk tab")
        shown = self.tabs()
        self.assertNotIn(T["Quarantine"], shown)
        self.assertIn(T["Report Spam"], shown)
        self.assertIn(T["Submissions"], shown)
        qdui.do_action(qdui.find(self.window, "page tab", T["Junk"]))
        self.open_folder("Junk")
        self.wait_count(lambda t: t is not None and t.startswith("1"), "the one Junk message")
        self.shot("mailbox-alone")


class MailboxTwins(MailboxTest):
    """A message held at the gateway and also in the mailbox's Junk (the same
    Message-ID) names both places, on both pages; others name one. Released
    or moved out of Junk in one place, its copy in the other is deleted."""

    def test_held_and_in_junk_is_one_message(self):
        stamp = f"{LANG}-{time.time_ns()}"
        when = dt.datetime.now().astimezone() - dt.timedelta(minutes=5)

        def message(subject, mid):
            return (f"From: Twin Deals <twin@shop.example>\r\nTo: demo@example.com\r\n"
                    f"Subject: {subject}\r\nMessage-ID: <{mid}>\r\n"
                    f"Date: {email.utils.format_datetime(when)}\r\n\r\nHello\r\n").encode()

        released = message(f"Twin offer {stamp}", f"twin-{stamp}@shop.example")
        moved = message(f"Twin moved {stamp}", f"moved-{stamp}@shop.example")
        [released_id] = gateway.ingest("demo", "quarantine", "spam", [released])
        [moved_id] = gateway.ingest("demo", "quarantine", "spam", [moved])
        gateway.ingest("demo", "quarantine", "spam",
                       [message(f"Held only {stamp}", f"held-{stamp}@shop.example")])
        with self.imap("both") as m:
            for data in (released, moved,
                         message(f"Junk only {stamp}", f"junk-{stamp}@shop.example")):
                typ, answer = m.append("Junk", "", imaplib_time(when), data)
                self.assertEqual(typ, "OK", answer)
        self.connect_mailbox("both")
        self.sign_in_with_mailbox(gateway_too=True)
        qdharness.wait_for(lambda: T["Junk"] in self.tabs() and T["Quarantine"] in self.tabs(),
                           30, "both the Quarantine and the Junk tabs")

        def row(subject):
            return qdui.find(self.page, "list item", timeout=30,
                             predicate=lambda a: subject in qdui.accessible_name(a))

        def names(subject, place):
            return qdharness.wait_for(lambda: place in qdui.accessible_name(row(subject)), 30,
                                      f"“{subject}” to name {place}")

        def only(subject):
            qdui.set_text(qdui.find(self.page, "entry", T["Search sender or subject"]), subject)
            self.wait_count(lambda t: t is not None and t.startswith("1"), f"“{subject}” alone")
            self.menu_item(T["More actions"], T["Select All Matching"])

        api = gateway.login("demo", "demo")
        qdui.do_action(qdui.find(self.window, "page tab", T["Quarantine"]))
        self.open_folder("Quarantine")
        names(f"Twin offer {stamp}", T["Also in Junk"])
        self.assertNotIn(T["Also in Junk"], qdui.accessible_name(row(f"Held only {stamp}")))
        # The preview names the other place too, and what an action does there.
        only(f"Twin offer {stamp}")
        qdui.wait_for_label(self.page, lambda t: t == T["twin in Junk"], 30,
                            "the preview to name the Junk copy")
        self.shot("twins-quarantine")
        # Released here, its copy leaves Junk: it is not in the mailbox twice.
        qdui.click(qdui.find(self.page, "push button", T["Release"]))
        qdharness.wait_for(lambda: f"<twin-{stamp}@shop.example>"
                           not in self.folder("both", "Junk"), 30,
                           "the released message's copy to leave Junk")
        self.assertEqual(api.get(f"/messages/{released_id}").body["status"], "released")

        qdui.do_action(qdui.find(self.window, "page tab", T["Junk"]))
        self.open_folder("Junk")
        names(f"Twin moved {stamp}", T["Also held in quarantine"])
        self.shot("twins-junk")
        self.assertNotIn(T["Also held in quarantine"],
                         qdui.accessible_name(row(f"Junk only {stamp}")))
        # Moved to the Inbox here, its held copy is deleted: never released twice.
        only(f"Twin moved {stamp}")
        qdui.click(qdui.find(self.page, "push button", T["Move to Inbox"]))
        qdharness.wait_for(lambda: api.get(f"/messages/{moved_id}").body["status"] == "deleted",
                           30, "the moved message's held copy to be deleted")
        self.assertIn(f"<moved-{stamp}@shop.example>", self.folder("both", "INBOX"))
        junk = self.folder("both", "Junk")
        self.assertNotIn(f"<moved-{stamp}@shop.example>", junk)
        self.assertIn(f"<junk-{stamp}@shop.example>", junk)


def imaplib_time(when):
    import imaplib
    return imaplib.Time2Internaldate(when)


def split_parts(raw):
    """The bodies of a multipart message's parts, exactly as sent (RFC 2046
    §5.1.1), with each part's Content-Type."""
    import email.parser
    import email.policy
    head, _, body = raw.partition(b"\r\n\r\n")
    headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(
        head + b"\r\n\r\n")
    boundary = headers.get_boundary().encode("ascii")
    parts = []
    for piece in (b"\r\n" + body).split(b"\r\n--" + boundary)[1:]:
        if piece.startswith(b"--"):
            break
        part_head, _, part_body = piece[2:].partition(b"\r\n\r\n")
        part_headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(
            part_head + b"\r\n\r\n")
        parts.append((part_headers.get_content_type(), part_body))
    return parts


class ReportFromInbox(MailboxTest):
    """Missed spam picked in the mailbox's Inbox (a private Dovecot): the
    exact bytes IMAP keeps reach a real SMTP server, then just those two go
    to Junk, unread; a message older than the sample age limit is not offered."""
    prefix = ""  # of the screenshots' names

    def setUp(self):
        super().setUp()
        self.use_smtp_server()

    def fill_inbox(self, user):
        """{subject: UID} of INBOX after appending three recent messages and one
        received (INTERNALDATE) a week ago."""
        with self.imap(user) as m:
            now = dt.datetime.now().astimezone()
            for subject, age in (("Cheap watches today", dt.timedelta(hours=3)),
                                 ("Prize waiting for you", dt.timedelta(hours=2)),
                                 ("Lunch on Friday", dt.timedelta(hours=1)),
                                 ("Old cheap watches", dt.timedelta(days=7))):
                when = now - age
                data = (f"Received: from mx.spam.example by mail.example.com; "
                        f"{email.utils.format_datetime(when)}\r\n"
                        f"From: Offers <offers@spam.example>\r\nTo: {user}@example.com\r\n"
                        f"Subject: {subject}\r\n"
                        f"Message-ID: <{subject.replace(' ', '-')}@spam.example>\r\n"
                        f"Date: {email.utils.format_datetime(when)}\r\n"
                        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        "Content-Transfer-Encoding: 8bit\r\n\r\n"
                        f"{subject}: 今日だけ, trailing space \r\n\r\n").encode()
                typ, answer = m.append("INBOX", "", imaplib_time(when), data)
                self.assertEqual(typ, "OK", answer)
            m.select("INBOX", readonly=True)
            typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            import re
            return {part[1].decode().split(":", 1)[1].strip():
                    int(re.search(rb"UID (\d+)", part[0]).group(1))
                    for part in data if isinstance(part, tuple)}

    def peek(self, user, uid):
        """What UID FETCH BODY.PEEK[] of an INBOX message returns."""
        with self.imap(user) as m:
            m.select("INBOX", readonly=True)
            typ, data = m.uid("FETCH", str(uid), "(BODY.PEEK[])")
            self.assertEqual(typ, "OK")
            return data[0][1]

    def press(self, acc):
        """Clicks ACC with the pointer, through the X server, as a person would:
        GTK 4.8 gives check boxes and switches no accessible action."""
        x, y, w, h = acc.queryComponent().getExtents(qdui.pyatspi.DESKTOP_COORDS)
        subprocess.run(["xdotool", "mousemove", "--sync", str(x + w // 2), str(y + h // 2),
                        "click", "1"], env=session.env, check=True)

    def picks(self, picker):
        return {qdui.accessible_name(a) for a in qdui.find_all(picker, "check box")}

    def test_pick_two_send_them_unmodified_and_move_them_to_junk(self):
        user = "both"
        uids = self.fill_inbox(user)
        before = {uid: self.peek(user, uid) for uid in uids.values()}
        pick_name = self.open_picker(user)
        picker = self.app  # the picker is a window of its own
        qdharness.wait_for(lambda: pick_name("Lunch on Friday") in self.picks(picker), 30,
                           "the Inbox's recent messages in the picker")
        shown = self.picks(picker)
        for subject in ("Cheap watches today", "Prize waiting for you", "Lunch on Friday"):
            self.assertIn(pick_name(subject), shown)
        # Older than the sample age limit by its INTERNALDATE: not offered.
        self.assertNotIn(pick_name("Old cheap watches"), shown)
        self.shot(self.prefix + "inbox-picker")

        for subject in ("Cheap watches today", "Prize waiting for you"):
            check = qdui.find(self.app, "check box", pick_name(subject))
            self.press(check)
            qdharness.wait_for(lambda c=check: qdui.is_checked(c), 10, f"{subject} to be picked")
        # GTK 4.8 tells AT-SPI a switch is a check box.
        switch = qdui.find(self.app, "check box", T["Move to Junk after sending"])
        self.press(switch)
        qdharness.wait_for(lambda: qdui.is_checked(switch), 10, "the switch to be on")
        self.shot(self.prefix + "inbox-picker-picked")
        qdui.click(qdui.find(self.app, "push button", T["Add to Report"]))
        # GTK 4.8 can crash when the accessibility tree is read while a window
        # goes away: let the picker close before reading it again.
        time.sleep(3)

        send = qdui.find(self.window, "push button", T["Send Report"])
        qdharness.wait_for(lambda: qdui.is_sensitive(send), 30, "the picked samples to be sendable")
        for subject in ("Cheap watches today", "Prize waiting for you"):
            qdui.wait_for_label(self.window, lambda t, s=subject: t == s, 20,
                                f"the row of {subject}")
        self.shot(self.prefix + "report-from-inbox")
        # Nothing moved before the report is sent.
        self.assertEqual(self.folder(user, "Junk"), {})
        qdui.click(send)

        [submission] = qdharness.wait_for(lambda: self.smtp.accepted(), 30, "the report")
        parts = split_parts(submission["data"])
        attached = [body for kind, body in parts if kind == "message/rfc822"]
        self.assertEqual(sorted(attached), sorted([before[uids["Cheap watches today"]],
                                                   before[uids["Prize waiting for you"]]]))

        def junk():
            found = self.folder(user, "Junk")
            return found if len(found) == 2 else None
        moved = qdharness.wait_for(junk, 30, "the two reported messages to be in Junk")
        self.shot(self.prefix + "report-from-inbox-sent")
        # The summary comes after the report's own toast.
        qdui.wait_for_label(self.window, lambda t: t == T["2 moved to Junk"], 30,
                            "the summary of the move to Junk")
        self.shot(self.prefix + "report-from-inbox-moved")
        self.assertEqual(sorted(moved), ["<Cheap-watches-today@spam.example>",
                                         "<Prize-waiting-for-you@spam.example>"])
        inbox = self.folder(user, "INBOX")
        self.assertEqual(sorted(inbox), ["<Lunch-on-Friday@spam.example>",
                                         "<Old-cheap-watches@spam.example>"])
        # Read with PEEK and moved as they were: no flag added, never \Seen.
        for flags in list(moved.values()) + list(inbox.values()):
            self.assertEqual(flags.replace("\\Recent", "").strip(), "")
        # The others are untouched, byte for byte.
        self.assertEqual(self.peek(user, uids["Lunch on Friday"]), before[uids["Lunch on Friday"]])


    def open_picker(self, user):
        """Signs in with the gateway and USER's mailbox and opens the Inbox picker
        on the Report Spam page; returns a function naming a row's check box."""
        self.connect_mailbox(user)
        self.sign_in_with_mailbox(gateway_too=True)
        qdharness.wait_for(lambda: T["Junk"] in self.tabs() and T["Report Spam"] in self.tabs(),
                           30, "the Junk and Report Spam tabs")
        qdui.do_action(qdui.find(self.window, "page tab", T["Report Spam"]))
        # Its name, then its label when that differs ("…(I)…" in Japanese).
        qdui.click(qdui.find(self.window, "push button", timeout=30, predicate=lambda a: (
            qdui.accessible_name(a).startswith(T["Add from Inbox…"]) and
            a.getState().contains(qdui.pyatspi.STATE_VISIBLE))))
        return lambda subject: T["Pick “%s”"].replace("%s", subject)

    def test_vanished_message_is_named_and_a_refused_report_moves_nothing(self):
        user = "alone"
        uids = self.fill_inbox(user)
        pick_name = self.open_picker(user)
        qdharness.wait_for(lambda: pick_name("Lunch on Friday") in self.picks(self.app), 30,
                           "the Inbox's recent messages in the picker")
        # Deleted by another mail program after the picker listed it.
        with self.imap(user) as m:
            m.select("INBOX")
            m.uid("STORE", str(uids["Lunch on Friday"]), "+FLAGS.SILENT", "(\\Deleted)")
            m.expunge()
        for subject in ("Lunch on Friday", "Cheap watches today"):
            check = qdui.find(self.app, "check box", pick_name(subject))
            self.press(check)
            qdharness.wait_for(lambda c=check: qdui.is_checked(c), 10, f"{subject} to be picked")
        self.press(qdui.find(self.app, "check box", T["Move to Junk after sending"]))
        qdui.click(qdui.find(self.app, "push button", T["Add to Report"]))
        # The picker stays, naming the one it could not fetch; that one stays picked.
        before, after = T["could not be fetched"].split("%s")[:2]
        qdui.wait_for_label(self.app, lambda t: (before + "Lunch on Friday" + after) in t, 30,
                            "the picker to name the message it could not fetch")
        self.assertTrue(qdui.is_checked(qdui.find(self.app, "check box",
                                                  pick_name("Lunch on Friday"))))
        self.shot(self.prefix + "inbox-picker-failed")
        qdui.click(qdui.find(self.app, "push button", T["Cancel"]))

        # The one fetched is on the page; the server refuses the report for good.
        expected = self.peek(user, uids["Cheap watches today"])
        self.smtp.plan("550")
        send = qdui.find(self.window, "push button", T["Send Report"])
        qdharness.wait_for(lambda: qdui.is_sensitive(send), 30, "the sample to be sendable")
        qdui.wait_for_label(self.window, lambda t: t == "Cheap watches today", 20, "its row")
        qdui.click(send)
        qdharness.wait_for(lambda: [r for r in self.smtp.records() if r["outcome"] == "550"], 30,
                           "the refused report")
        qdharness.wait_for(lambda: qdui.is_sensitive(send), 30, "the refused sample to stay")
        time.sleep(3)
        self.assertEqual(self.folder(user, "Junk"), {}, "moved to Junk though not sent")
        # Sent once the server takes it: then it goes to Junk.
        self.smtp.plan(default="accept")
        qdui.click(send)
        [submission] = qdharness.wait_for(lambda: self.smtp.accepted(), 30, "the report")
        attached = [body for kind, body in split_parts(submission["data"])
                    if kind == "message/rfc822"]
        self.assertEqual(attached, [expected])
        moved = qdharness.wait_for(lambda: self.folder(user, "Junk"), 30,
                                   "the reported message to be in Junk")
        self.assertEqual(sorted(moved), ["<Cheap-watches-today@spam.example>"])
        self.assertEqual(sorted(self.folder(user, "INBOX")),
                         ["<Old-cheap-watches@spam.example>",
                          "<Prize-waiting-for-you@spam.example>"])


class ReportFromInboxNarrow(ReportFromInbox):
    """The same in a window as narrow as a phone's: the picker fits in it."""
    width, height = 400, 700
    prefix = "narrow-"


class Accessibility(WindowTest):
    INTERACTIVE = {"push button", "toggle button", "check box", "radio button", "text",
                   "entry", "password text", "combo box", "menu item", "check menu item",
                   "radio menu item", "spin button", "page tab", "slider", "switch"}

    def test_every_control_has_a_name(self):
        self.sign_in_if_asked()
        for tab in ("Quarantine", "Junk", "Report Spam", "Submissions"):
            qdui.do_action(qdui.find(self.window, "page tab", T[tab]))
        unnamed = set()
        for acc in qdui.walk(self.app):
            try:
                role = acc.getRoleName()
            except Exception:
                continue
            name = qdui.accessible_name(acc)
            # A GTK or libadwaita class name is what GTK says when nobody named it.
            # List rows and the row of column titles are read aloud too.
            if (role in self.INTERACTIVE or role in ("list item", "table row")) and \
                    (not name or name.startswith(("Gtk", "Adw"))):
                parent = qdui.accessible_name(acc.parent) if acc.parent else ""
                unnamed.add(f"{role} {name!r} in {parent!r}")
        self.assertEqual(sorted(unnamed), [])


class SortByColumn(WindowTest):
    def subjects(self):
        """The subjects of the rows, top to bottom, as their sentences say them."""
        names = [qdui.accessible_name(a) for a in qdui.find_all(self.page, "list item")]
        return [word for name in names for word in ("Apple", "Banana", "Cherry")
                if f"Sorted {word}" in name]

    def wait_order(self, order, what):
        try:
            qdharness.wait_for(lambda: self.subjects() == order, 20, what)
        except qdharness.WaitTimeout:
            self.shot(f"failed-{self.id().split('.')[-1]}")
            raise AssertionError(f"{what}: the rows read {self.subjects()}")

    def test_header_sorts_by_subject_both_ways(self):
        now = dt.datetime.now().astimezone()
        for minutes, word in enumerate(("Banana", "Apple", "Cherry")):
            gateway.ingest("demo", "quarantine", "spam", [message(f"Sorted {word}")],
                           received=now - dt.timedelta(minutes=minutes + 1))
        self.sign_in_if_asked()
        qdui.set_text(qdui.find(self.page, "entry", T["Search sender or subject"]), "Sorted")
        self.wait_count(lambda t: t is not None and t.startswith("3"), "the three messages")
        self.wait_order(["Banana", "Apple", "Cherry"], "newest first, as the list opens")

        subject = qdui.find(self.page, "push button", T["Subject"])
        qdui.click(subject)
        self.wait_order(["Apple", "Banana", "Cherry"], "sorted by subject from A")
        self.shot("sorted-by-subject")
        qdui.click(subject)
        self.wait_order(["Cherry", "Banana", "Apple"], "sorted by subject from Z")


class SafePreview(WindowTest):
    def test_remote_content_is_never_fetched(self):
        port = pixel_server.server_address[1]
        html = (f"<html><head><link rel=stylesheet href='http://127.0.0.1:{port}/style.css'>"
                f"<script src='http://127.0.0.1:{port}/app.js'></script></head><body>"
                f"<p>Unique preview body text</p><img src='http://127.0.0.1:{port}/pixel.png'>"
                f"<iframe src='http://127.0.0.1:{port}/frame'></iframe>"
                f"<a href='javascript:alert(1)'>click</a></body></html>")
        gateway.ingest("demo", "quarantine", "spam", [message("Tracking pixel test", html=html)])
        self.sign_in_if_asked()
        search = qdui.find(self.page, "entry", T["Search sender or subject"])
        qdui.set_text(search, "Tracking pixel test")
        self.wait_count(lambda t: t is not None and t.startswith("1"), "the one message")
        self.menu_item(T["More actions"], T["Select All Matching"])
        qdui.wait_for_label(self.page, lambda t: t == "Tracking pixel test", 20,
                            "the preview's subject")
        body = qdui.find(self.page, "label", None,
                         predicate=lambda a: "Unique preview body text" in qdui.text_of(a))
        self.assertNotIn("alert", qdui.text_of(body))
        self.shot("preview")
        # Give any stray fetch time to arrive; none may.
        time.sleep(2)
        self.assertEqual(pixel_hits, [])


class NarrowWindow(WindowTest):
    width, height = 400, 700

    def test_narrow_layout(self):
        gateway.ingest("demo", "quarantine", "spam", [message("Narrow window message")])
        self.sign_in_if_asked()
        self.wait_count(lambda t: t is not None and t != T["No messages"])
        self.shot("narrow-list")

    def test_no_software_opengl_without_a_gpu(self):
        """Without a GPU (no DRM render node: Xvfb here, a virtual machine, a
        remote desktop), GL could only be llvmpipe: the window draws with cairo
        and never loads Mesa or LLVM (src/app/main.c)."""
        dri = Path("/dev/dri")
        if dri.is_dir() and any(p.name.startswith("renderD") for p in dri.iterdir()):
            self.skipTest("this machine has a GPU render node")
        self.sign_in_if_asked()
        maps = Path(f"/proc/{self.app_proc.pid}/maps").read_text()
        self.assertIn("libgtk-4", maps)  # the window's process, not another
        loaded = [lib for lib in ("libLLVM", "swrast_dri", "libGLX_mesa", "libEGL_mesa")
                  if lib in maps]
        self.assertEqual(loaded, [], "software OpenGL was loaded")


class ReasonAtEveryWidth(WindowTest):
    """At the default width (1100 px, the preview beside the list), at 1280
    and at 400 px every row says why its message was held: in its
    accessible name, and on screen (the screenshots)."""
    width, height = 1100, 760

    def test_every_row_names_its_reason(self):
        stamp = f"{self.width}-{time.time_ns()}"
        held = {f"Why held spam {stamp}": ("spam", None, T["Spam"]),
                f"Why held social {stamp}": ("graymail", "social", T["Social network"]),
                f"Why held phishing {stamp}": ("phishing", None, T["Phishing"])}
        for subject, (reason, category, _) in held.items():
            gateway.ingest("demo", "quarantine", reason, [message(subject)], category=category)
        self.sign_in_if_asked()
        qdui.set_text(qdui.find(self.page, "entry", T["Search sender or subject"]), stamp)
        self.wait_count(lambda t: t is not None and t.startswith("3"), "the three messages")

        def names():
            # Read once per row: a row the list recycles meanwhile says "Loading…".
            found = [qdui.accessible_name(a) for a in qdui.find_all(self.page, "list item")]
            found = [n for n in found if stamp in n]
            return found if len(found) == 3 else None

        for name in qdharness.wait_for(names, 30, "the three rows"):
            subject = next(s for s in held if s in name)
            self.assertIn(held[subject][2], name)
        # Sorting stays a click away at this width too.
        qdui.find(self.page, "push button", T["Subject"])
        self.shot(f"reasons-{self.width}")


class ReasonAtEveryWidthWide(ReasonAtEveryWidth):
    width, height = 1280, 800


class ReasonAtEveryWidthNarrow(ReasonAtEveryWidth):
    width, height = 400, 700


class KeyboardOnly(WindowTest):
    """Signing in, searching, selecting and releasing with the keyboard alone:
    key presses go through the X server (xdotool), as a person's would."""

    def tab_to(self, role, name=None, limit=12):
        """Presses Tab until the focus is on ROLE (NAME); returns what it passed on the way."""
        passed = []
        for _ in range(limit):
            self.keys("Tab")
            focus = qdharness.wait_for(self.focused, 10, "a focused control")
            if focus[0] == role and (name is None or focus[1] == name):
                return passed
            passed.append(focus)
        self.shot(f"failed-{self.id().split('.')[-1]}")
        self.fail(f"Tab never reached {role} {name or ''}; it went through {passed}")

    def test_sign_in_search_release(self):
        data = message("Keyboard newsletter")
        gateway.ingest("demo", "quarantine", "graymail", [data])
        gateway.ingest("demo", "quarantine", "graymail", [message("Another keyboard-free one")])
        if self.launch_signed_in_or_asked() == "ask":
            # The page puts the focus in the password field: type, then Enter.
            self.type("demo")
            self.keys("Return")
        self.wait_count(lambda text: text is not None)

        self.keys("ctrl+f")
        qdharness.wait_for(lambda: self.focused() == ("entry", T["Search sender or subject"]),
                           10, "the focus in the search field")
        self.type("Keyboard newsletter")
        self.wait_count(lambda t: t is not None and t.startswith("1"), "one match")

        # From the search field, Tab goes through the filters left to right, then the list.
        passed = self.tab_to("list item")
        self.assertEqual([name for _, name in passed],
                         [T["All Reasons"], T["All Categories"], T["Any Time"]])
        # The row itself says who, what and why, not GTK's class name.
        row_name = self.focused()[1]
        for part in ("Shop", "news@shop.example", "Keyboard newsletter", T["Graymail"]):
            self.assertIn(part, row_name)
        self.keys("space")
        release = qdui.find(self.page, "push button", T["Release"])
        qdharness.wait_for(lambda: qdui.is_sensitive(release), 10, "Release for the selection")
        self.tab_to("push button", T["Release"])
        self.shot("keyboard-release")
        self.keys("Return")
        self.wait_count(lambda t: t == T["No messages"], "the released message to leave")

        inbox = [p.read_bytes() for p in (gateway.data_dir / "mail" / "demo" / "new").iterdir()]
        self.assertEqual(inbox.count(data), 1)
        self.assertFalse([m for m in inbox if b"Another keyboard-free one" in m])


def open_tab(root, name):
    """Shows the page of the tab NAME under ROOT, and waits until it is shown:
    a switcher's button acts when GtkButton's activation ends, 250 ms after the
    action, and a click meanwhile on a button of the page not yet shown (not
    realized) is dropped without a word."""
    tab = qdui.find(root, "page tab", name)
    qdui.do_action(tab)
    qdharness.wait_for(lambda: tab.getState().contains(qdui.pyatspi.STATE_SELECTED), 10,
                       f"the {name!r} tab shown")


def windows_named(app, name):
    """The application's windows titled NAME (a button may be called so too)."""
    return [w for w in app if w is not None and qdui.accessible_name(w) == name]


class SignOutFromEachPage(WindowTest):
    """Signing out, from whichever page, leaves nothing of the session
    reachable: no message, selection, preview or search of the user, no
    sample waiting to be reported."""

    HELD = "Sign-out held secret"
    JUNK = "Sign-out junk secret"
    SAMPLE = "Sign-out sample secret"

    def traces(self):
        """What the window still says of the signed-out session, anywhere in it."""
        found = set()
        for acc in qdui.walk(self.app):
            try:
                said = qdui.accessible_name(acc) + "\n" + qdui.text_of(acc)
            except Exception:  # gone while we looked
                continue
            for secret in (self.HELD, self.JUNK, self.SAMPLE):
                if secret in said:
                    found.add(f"{acc.getRoleName()} {said.strip()!r}")
        return sorted(found)

    def use_every_page(self, sample):
        """Visits every page, leaving on each what a session leaves."""
        qdui.do_action(qdui.find(self.window, "page tab", T["Quarantine"]))
        self.open_folder("Quarantine")
        qdui.set_text(qdui.find(self.page, "entry", T["Search sender or subject"]), self.HELD)
        self.wait_count(lambda t: t is not None and t.startswith("1"), "the held message")
        self.menu_item(T["More actions"], T["Select All Matching"])
        qdui.wait_for_label(self.page, lambda t: t == self.HELD, 20, "the preview's subject")

        qdui.do_action(qdui.find(self.window, "page tab", T["Junk"]))
        self.open_folder("Junk")
        qdui.find(self.page, "list item", timeout=30,
                  predicate=lambda a: self.JUNK in qdui.accessible_name(a))

        # Handed to the running window, as from a file manager: it shows Report Spam.
        opener = session.start_app(str(sample))
        self.addCleanup(qdharness.stop_process, opener)
        qdui.wait_for_label(self.window, lambda t: t == self.SAMPLE, 20, "the sample's row")

        qdui.do_action(qdui.find(self.window, "page tab", T["Submissions"]))
        time.sleep(1)

    def open_main_menu(self):
        """Opens the main menu; its items are found under the button that
        holds it, not by walking the whole window."""
        button = qdui.find(self.window, "push button", T["Main menu"])
        qdui.do_action(button)
        return button

    def main_menu_items(self):
        """The names of the main menu's items, the menu opened and closed again."""
        button = self.open_main_menu()
        qdui.find(button, "menu item")
        names = [qdui.accessible_name(a) for a in qdui.find_all(button, "menu item")]
        self.keys("Escape")
        return names

    def sign_out(self):
        qdui.do_action(qdui.find(self.open_main_menu(), "menu item", T["Sign Out"]))
        password = qdui.find(self.window, "text", T["Password"], predicate=qdui.is_sensitive)
        self.assertEqual(qdui.text_of(password), "")
        # The sign-in page is shown: the menu no longer offers to sign out.
        qdharness.wait_for(lambda: T["Sign Out"] not in self.main_menu_items(), 10,
                           "the main menu without Sign Out")
        return password

    def test_sign_out_from_each_page(self):
        gateway.ingest("demo", "quarantine", "spam",
                       [message(self.HELD, sender="Private <friend@private.example>")])
        gateway.ingest("demo", "junk", "spam", [message(self.JUNK)])
        received = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
        sample = session.root / "sign-out-sample.eml"
        sample.write_bytes(qdharness.make_message("Spammer <spam@bulk.example>",
                                                  "demo@example.com", self.SAMPLE, "Buy now.",
                                                  received=received))
        self.sign_in_if_asked()
        for tab in ("Quarantine", "Junk", "Report Spam", "Submissions"):
            with self.subTest(signed_out_from=tab):
                self.use_every_page(sample)
                qdui.do_action(qdui.find(self.window, "page tab", T[tab]))
                password = self.sign_out()
                try:
                    qdharness.wait_for(lambda: not self.traces(), 10,
                                       "the session's traces to go")
                except qdharness.WaitTimeout:
                    self.shot(f"failed-sign-out-from-{tab.lower().replace(' ', '-')}")
                    self.fail(f"signed out from {tab}, the window still says {self.traces()}")
                if tab == "Report Spam":
                    self.shot("signed-out")
                # Signed in again, the pages load afresh.
                qdui.set_text(password, "demo")
                qdui.click(qdui.find(self.window, "push button", T["Sign In"]))
                qdharness.wait_for(lambda: T["Sign Out"] in self.main_menu_items(), 30,
                                   "the main menu with Sign Out")


class SenderLists(WindowTest):
    """Sender Lists, from the main menu: what the gateway has, an address and
    a domain added, one removed, each change checked at the gateway; a list
    that fails to load says why, and Retry loads it."""

    FRIEND = "friend@partner.example"
    ADDED = "newsletter@club.example"
    DOMAIN = "@spam-lists.example"

    def senders(self, api, which):
        r = api.get(f"/{which}-senders")
        self.assertEqual(r.status, 200)
        return {s["address"] for s in r.body["senders"]}

    def rows(self, panel):
        return [qdui.accessible_name(a) for a in qdui.find_all(panel, "list item")]

    def test_list_add_remove(self):
        api = gateway.login("demo", "demo")
        self.assertIn(api.post("/approved-senders", {"address": self.FRIEND}).status, (200, 201))
        for which, entry in (("approved", self.FRIEND), ("approved", self.ADDED),
                             ("blocked", self.DOMAIN)):
            # Approved or blocked senders would change what other tests' mail does.
            self.addCleanup(api.delete, f"/{which}-senders/{urllib.parse.quote(entry)}")
        proxy = FaultProxy(lambda: gateway.url)
        proxy.__enter__()
        self.addCleanup(proxy.__exit__, None, None, None)
        session.set_setting("gateway-url", f"'{proxy.url}'")
        # The blocked list fails as the window opens; its page says so, with Retry.
        proxy.fault("GET", "/api/v1/blocked-senders", "500", times=5)
        self.sign_in_if_asked()
        qdui.do_action(qdui.find(self.window, "push button", T["Main menu"]))
        qdui.do_action(qdui.find(self.window, "menu item", T["Sender Lists…"]))
        lists = qdharness.wait_for(lambda: (windows_named(self.app, T["Sender Lists"]) or
                                            [None])[0], 20, "the Sender Lists window")
        approved = qdui.find(lists, "panel", T["Approved Senders"])
        qdui.find(approved, "list item", timeout=30,
                  predicate=lambda a: self.FRIEND in qdui.accessible_name(a))

        # Ctrl+F searches the list shown.
        self.keys("ctrl+f")
        qdharness.wait_for(lambda: self.focused(lists) == ("entry", T["Search approved senders"]),
                           10, "the focus in the search field")
        search = qdui.find(approved, "entry", T["Search approved senders"])

        entry = qdui.find(approved, "text", T["Address or Domain"])
        add = qdui.find(approved, "push button", T["Add"])
        qdui.set_text(entry, "not an address")
        qdui.click(add)
        qdui.wait_for_label(approved, lambda t: t == T["not an address"] % ("not an address",
                                                                            "@example.com"),
                            10, "the sentence for a malformed address")
        self.shot("sender-lists-malformed")
        qdui.set_text(entry, " Newsletter@Club.Example")
        qdui.click(add)
        qdharness.wait_for(lambda: self.ADDED in self.senders(api, "approved"), 20,
                           "the address at the gateway")
        qdui.find(approved, "list item", predicate=lambda a: self.ADDED in qdui.accessible_name(a))
        qdui.set_text(search, "club")
        qdharness.wait_for(lambda: (lambda rows: len(rows) == 1 and self.ADDED in rows[0])(
            self.rows(approved)), 10, "the search to keep only the added address")
        qdui.set_text(search, "")

        open_tab(lists, T["Blocked"])
        blocked = qdui.find(lists, "panel", T["Blocked Senders"])
        qdui.wait_for_label(blocked, lambda t: t == T["gateway problem"].replace("%u", "500"),
                            20, "the sentence for the list that failed")
        self.shot("sender-lists-error")
        proxy.clear()
        qdui.click(qdui.find(blocked, "push button", T["Retry"]))
        qdui.wait_for_label(blocked, lambda t: t == T["No Blocked Senders"], 20,
                            "the empty list's status")
        self.shot("sender-lists-empty")
        qdui.set_text(qdui.find(blocked, "text", T["Address or Domain"]), "*@Spam-Lists.example")
        qdui.click(qdui.find(blocked, "push button", T["Add"]))
        qdharness.wait_for(lambda: self.DOMAIN in self.senders(api, "blocked"), 20,
                           "the domain at the gateway")
        qdui.find(blocked, "list item", predicate=lambda a: self.DOMAIN in qdui.accessible_name(a))
        self.shot("sender-lists-blocked")

        open_tab(lists, T["Approved"])
        qdui.click(qdui.find(approved, "push button", T["Remove %s"] % self.FRIEND))
        qdharness.wait_for(lambda: self.FRIEND not in self.senders(api, "approved"), 20,
                           "the removal at the gateway")
        qdharness.wait_for(lambda: not [r for r in self.rows(approved) if self.FRIEND in r], 10,
                           "the removed row to go")
        self.assertEqual(self.senders(api, "approved") & {self.ADDED, self.FRIEND}, {self.ADDED})
        self.shot("sender-lists")
        # The toast's Undo puts it back.
        qdui.click(qdui.find(lists, "push button", T["Undo"]))
        qdharness.wait_for(lambda: self.FRIEND in self.senders(api, "approved"), 20,
                           "Undo to put the address back at the gateway")
        qdui.find(approved, "list item", predicate=lambda a: self.FRIEND in qdui.accessible_name(a))
        unnamed = [f"{a.getRoleName()} in {qdui.accessible_name(a.parent)!r}"
                   for a in qdui.walk(lists)
                   if a.getRoleName() in Accessibility.INTERACTIVE | {"list item"} and
                   not qdui.accessible_name(a).strip(" ,")]
        self.assertEqual(unnamed, [])

        # As narrow as a phone: the switcher moves to the bottom.
        subprocess.run(["xdotool", "search", "--name", f"^{T['Sender Lists']}$",
                        "windowsize", "360", "640"], env=session.env, check=True)
        self.shot("sender-lists-narrow")
        self.keys("Escape")
        qdharness.wait_for(lambda: not windows_named(self.app, T["Sender Lists"]), 10,
                           "Escape to close the window")


class Accelerators(WindowTest):
    """The application's accelerators act on the page shown."""

    def test_search_refresh_and_add(self):
        self.sign_in_if_asked()
        quarantine = self.page

        # Ctrl+F: the search field of the page shown, not another page's.
        self.keys("ctrl+f")
        qdharness.wait_for(lambda: self.focused(quarantine) ==
                           ("entry", T["Search sender or subject"]), 10,
                           "the focus in Quarantine's search field")
        qdui.do_action(qdui.find(self.window, "page tab", T["Junk"]))
        self.open_folder("Junk")
        junk = self.page
        self.wait_count(lambda t: t is not None, "the Junk list")
        self.keys("ctrl+f")
        qdharness.wait_for(lambda: self.focused(junk) ==
                           ("entry", T["Search sender or subject"]), 10,
                           "the focus in Junk's search field")

        # Ctrl+R and F5: the page shown asks the gateway again.
        qdui.do_action(qdui.find(self.window, "page tab", T["Quarantine"]))
        self.page = quarantine
        qdui.set_text(qdui.find(self.page, "entry", T["Search sender or subject"]),
                      "Accelerator refresh")
        self.wait_count(lambda t: t == T["No messages"], "no match yet")
        gateway.ingest("demo", "quarantine", "spam", [message("Accelerator refresh one")])
        self.keys("ctrl+r")
        self.wait_count(lambda t: t is not None and t.startswith("1"), "Ctrl+R to bring it")
        gateway.ingest("demo", "quarantine", "spam", [message("Accelerator refresh two")])
        self.keys("F5")
        self.wait_count(lambda t: t is not None and t.startswith("2"), "F5 to bring it")

        # Ctrl+O: Report Spam, asking for samples.
        self.keys("ctrl+o")
        try:
            qdharness.wait_for(lambda: windows_named(self.app, T["Add Samples"]), 20,
                               "the file chooser to add samples")
        finally:
            self.shot("add-samples")
        self.keys("Escape")
        qdharness.wait_for(lambda: not windows_named(self.app, T["Add Samples"]), 10,
                           "the file chooser to close")


PEERS = Path(os.environ.get("QD_SOURCE_ROOT", Path(__file__).parents[2])) / "tests" / "peers"


class Peer:
    """A simulator of tests/peers run as a process, as a person's gateway would
    be: seeded from a state file, its JSON line read for its address."""

    def __init__(self, script, state, *args):
        self.script, self.state, self.args = script, Path(state), args
        self.proc = None
        self.info = {}

    def start(self, *extra):
        self.proc = subprocess.Popen([sys.executable, str(PEERS / self.script), "serve",
                                      "--state", str(self.state), *self.args, *extra],
                                     stdout=subprocess.PIPE, text=True, start_new_session=True)
        self.info = json.loads(self.proc.stdout.readline())
        return self.info

    def stop(self):
        if self.proc is not None:
            qdharness.stop_process(self.proc)
            self.proc.stdout.close()
            self.proc = None


class OtherGatewayTest(WindowTest):
    """The window signed in to a gateway of another kind than ours."""

    def setUp(self):
        super().setUp()
        # Nothing of it stays for the tests after: the kind, the pin, the CA.
        for key in ("gateway-kind", "gateway-fingerprint", "ca-file"):
            self.addCleanup(session.set_setting, key, "''")
        self.addCleanup(session.set_setting, "password-remembered", "false")
        session.set_setting("gateway-kind", "''")
        session.set_setting("gateway-fingerprint", "''")
        session.set_setting("password-remembered", "false")

    def choose_kind(self, index, name):
        """Chooses the gateway's type on the sign-in page, as from the keyboard:
        GTK 4.8 gives a combo row no action (its list only opens)."""
        combo = qdui.find(self.window, "combo box", T["Gateway Type"])
        qdharness.wait_for(lambda: qdui.is_sensitive(combo), 30, "the sign-in form")

        def focus_combo():
            if self.focused() == ("combo box", T["Gateway Type"]):
                return True
            self.keys("shift+Tab")
            return False
        qdharness.wait_for(focus_combo, 20, "the focus on the gateway's type")
        self.keys("space")
        time.sleep(0.5)  # the popover's list takes the focus as it opens
        self.keys(*(["Home"] + ["Down"] * index + ["Return"]))
        qdharness.wait_for(lambda: name in [qdui.accessible_name(a)
                                            for a in qdui.find_all(combo, "label")],
                           10, f"{name!r} chosen")

    def accept_certificate(self, fingerprint):
        """The question about a certificate no authority vouches for: it names
        the fingerprint; accepting it signs in."""
        accept = qdui.find(self.app, "push button", T["Accept and Sign In"], timeout=30)
        qdui.wait_for_label(self.app, lambda t: fingerprint in t, 10,
                            "the certificate's fingerprint in the question")
        qdui.find(self.app, "label", T["Trust This Gateway’s Certificate?"])
        self.shot(f"{self.SHOT}-certificate")
        qdui.click(accept)

    def in_dialog(self, role, name, timeout=20):
        """A widget of a window of the application other than the main one."""
        main = qdui.accessible_name(self.window)

        def look():
            for w in self.app:
                if w is not None and qdui.accessible_name(w) != main:
                    found = qdui.find_all(w, role, name)
                    if found:
                        return found[0]
            return None
        return qdharness.wait_for(look, timeout, f"a {role} named {name!r} in a dialog")

    def wait_quarantine(self):
        """The Quarantine page, once signed in (a picture of the window if not)."""
        try:
            self.page = qdui.find(self.window, "panel", T["Quarantine"], timeout=40)
        except qdharness.WaitTimeout:
            self.shot(f"failed-{self.id().split('.')[-1]}")
            raise

    def restart_signed_in(self, count):
        """Quits and starts again: the window signs in with what the keyring
        kept, straight into the list of COUNT messages."""
        qdharness.stop_process(self.app_proc)

        def gone():
            # Else the bus may still name the one that quit, and the test find it.
            return not [a for a in qdui.pyatspi.Registry.getDesktop(0)
                        if a is not None and a.name == "quarantine-desk"]
        qdharness.wait_for(gone, 20, "the window that quit to leave the AT-SPI bus")
        self.launch()
        self.wait_quarantine()
        self.wait_count(lambda t: t is not None and t.startswith(str(count)),
                        "the list, signed in with what the keyring kept")

    def sign_out(self, kind, server, user):
        """Signs out from the main menu: the keyring forgets the gateway's secret."""
        qdui.do_action(qdui.find(self.window, "push button", T["Main menu"]))
        qdui.do_action(qdui.find(self.window, "menu item", T["Sign Out"]))
        qdui.find(self.window, "text", T["Password"], predicate=qdui.is_sensitive)
        qdharness.wait_for(lambda: session.secret(kind, server, user) is None, 20,
                           "the keyring to forget the gateway's secret")

    def sign_in(self, password):
        qdui.set_text(qdui.find(self.window, "text", T["Password"]), password)
        qdui.click(qdui.find(self.window, "push button", T["Sign In"]))

    def select_one(self, subject):
        """Finds SUBJECT by the search field and selects it: the preview shows it."""
        qdui.set_text(qdui.find(self.page, "entry", T["Search sender or subject"]), subject)
        self.wait_count(lambda t: t is not None and t.startswith("1"), f"{subject!r} alone")
        self.menu_item(T["More actions"], T["Select All Matching"])
        qdui.wait_for_label(self.page, lambda t: t == subject, 20, "the preview's subject")


def pmg_mail(subject, sender, receiver="alice@example.com"):
    raw = qdharness.make_message(sender, receiver, subject, f"Body of {subject}.")
    return {"receiver": receiver, "raw": raw.decode(), "age": 3600, "spamlevel": 7,
            "spaminfo": [{"name": "BAYES_99", "score": 3.5, "desc": "Bayes spam probability"}]}


def visible(root, role, name):
    """The widgets of ROLE and NAME under ROOT that are shown."""
    return qdui.find_all(root, role, name, predicate=lambda a: a.getState().contains(
        qdui.pyatspi.STATE_VISIBLE))


class ProxmoxTest(OtherGatewayTest):
    """Proxmox Mail Gateway (tests/peers/pmgsim.py, HTTPS with its own
    self-signed certificate): the type chosen, the certificate accepted and
    pinned, a password or a spam report's link, then its quarantine."""

    SHOT = "pmg"
    USER = "alice@example.com"

    def setUp(self):
        super().setUp()
        self.state = session.root / f"pmg-{self.id().split('.')[-1]}.json"
        self.state.write_text(json.dumps({
            "users": [{"pmail": self.USER, "password": "pmg-Secret-1", "aliases": []}],
            "mails": [pmg_mail("PMG first offer", "Shop <news@shop.example>"),
                      pmg_mail("PMG second offer", "Deals <promo@deals.example>"),
                      pmg_mail("PMG third offer", "Store <info@store.example>")],
            "options": {"auth_fail_delay": 0.2}}))
        self.pmg = Peer("pmgsim.py", self.state)
        self.addCleanup(self.pmg.stop)
        self.sim = self.pmg.start()
        session.set_setting("gateway-url", f"'{self.sim['url']}'")
        session.set_setting("username", f"'{self.USER}'")

    def mails(self):
        """The simulator's mails by subject, as its state file has them now."""
        state = json.loads(self.state.read_text())
        return {m.get("subject") or email.message_from_bytes(
                    base64.b64decode(m["raw_base64"]))["Subject"]: m for m in state["mails"]}, state

    def password_certificate_release_welcomelist(self):
        self.launch()
        self.choose_kind(2, "Proxmox Mail Gateway")
        self.shot(f"{self.SHOT}-sign-in")
        self.sign_in("pmg-Secret-1")
        self.accept_certificate(self.sim["fingerprint"])
        self.open_folder("Quarantine")
        self.wait_count(lambda t: t is not None and t.startswith("3"), "the three held mails")
        self.shot(f"{self.SHOT}-quarantine")
        # Remembered: the kind, and the certificate pinned for this address.
        self.assertEqual(session.setting("gateway-kind"), "'pmg'")
        self.assertEqual(session.setting("gateway-fingerprint"), f"'{self.sim['fingerprint']}'")
        # PMG cannot filter by reason or category: the list offers neither.
        self.assertEqual(visible(self.page, "push button", T["All Categories"]), [])
        self.assertEqual(visible(self.page, "push button", T["All Reasons"]), [])
        self.assertEqual(visible(self.window, "page tab", T["Junk"]), [])

        self.select_one("PMG first offer")
        qdui.find(self.page, "label", None,
                  predicate=lambda a: "Body of PMG first offer." in qdui.text_of(a))
        self.shot(f"{self.SHOT}-preview")
        qdui.click(qdui.find(self.page, "push button", T["Release"]))
        self.wait_count(lambda t: t == T["No messages"], "the delivered mail to leave")
        qdharness.wait_for(lambda: self.mails()[0]["PMG first offer"]["state"] == "delivered",
                           20, "the simulator to deliver it")

        self.select_one("PMG second offer")
        self.menu_item(T["More actions"], T["Release and Approve Sender"])
        self.wait_count(lambda t: t == T["No messages"], "the welcomelisted mail to leave")
        qdharness.wait_for(lambda: self.mails()[0]["PMG second offer"]["state"] == "delivered",
                           20, "the simulator to deliver the second")
        mails, state = self.mails()
        self.assertIn("promo@deals.example", state["lists"][self.USER]["WL"])
        self.assertEqual(mails["PMG third offer"]["state"], "new")
        # The password was remembered (the switch is on); no ticket is kept for it.
        self.assertEqual(session.secret("gateway-password", self.sim["url"], self.USER),
                         "pmg-Secret-1")
        self.assertIsNone(session.secret("gateway-token", self.sim["url"], self.USER))
        # The next start signs in by itself, to the certificate pinned; Sign Out forgets.
        self.restart_signed_in(1)
        self.sign_out("gateway-password", self.sim["url"], self.USER)


class ProxmoxGateway(ProxmoxTest):
    def test_password_certificate_release_welcomelist(self):
        self.password_certificate_release_welcomelist()

    def pane_said(self, lists, pane):
        """What a pane of Sender Lists holds, for a failure's message: its
        visible labels (the add row's error among them; GTK 4.8 says nothing
        of what is on screen, so a hidden stack page's labels are there too),
        the window's other labels (the toasts), the rows, the entry, the tabs."""
        def shown(a):
            return a.getState().contains(qdui.pyatspi.STATE_VISIBLE)
        own = [qdui.accessible_name(a) for a in qdui.find_all(pane, "label") if shown(a)]
        entry = qdui.find_all(pane, "text", T["Address or Domain"])
        return {"labels": own,
                "window": [t for t in (qdui.accessible_name(a) for a in
                                       qdui.find_all(lists, "label") if shown(a))
                           if t not in own],
                "rows": [qdui.accessible_name(a) for a in qdui.find_all(pane, "list item")],
                "entry": qdui.text_of(entry[0]) if entry else None,
                "entry sensitive": qdui.is_sensitive(entry[0]) if entry else None,
                "tabs selected": [qdui.accessible_name(a) for a in
                                  qdui.find_all(lists, "page tab") if
                                  a.getState().contains(qdui.pyatspi.STATE_SELECTED)]}

    def test_sender_lists(self):
        """Sender Lists against PMG: its welcomelist shown, a whole domain
        blocked in PMG's form (*@domain), then removed, each read back from
        the simulator's state."""
        self.launch(env={"G_MESSAGES_DEBUG": "qd-core quarantine-desk"})
        self.choose_kind(2, "Proxmox Mail Gateway")
        self.sign_in("pmg-Secret-1")
        self.accept_certificate(self.sim["fingerprint"])
        self.open_folder("Quarantine")
        self.wait_count(lambda t: t is not None and t.startswith("3"), "the three held mails")
        qdui.do_action(qdui.find(self.window, "push button", T["Main menu"]))
        qdui.do_action(qdui.find(self.window, "menu item", T["Sender Lists…"]))
        lists = qdharness.wait_for(lambda: (windows_named(self.app, T["Sender Lists"]) or
                                            [None])[0], 20, "the Sender Lists window")
        open_tab(lists, T["Blocked"])
        blocked = qdui.find(lists, "panel", T["Blocked Senders"])
        # Its label is in the tree while the list loads too; an Add then is
        # still sent (the list is read again after it).
        qdui.wait_for_label(blocked, lambda t: t == T["No Blocked Senders"], 20,
                            "the empty blocked list")
        log_from = len(session.app_log())
        entry = qdui.find(blocked, "text", T["Address or Domain"])
        qdui.set_text(entry, "@Bulk.example")
        qdharness.wait_for(lambda: qdui.text_of(entry) == "@Bulk.example", 10,
                           "the domain typed")
        qdui.click(qdui.find(blocked, "push button", T["Add"]))
        try:
            qdharness.wait_for(lambda: "*@bulk.example" in
                               self.mails()[1]["lists"].get(self.USER, {}).get("BL", []), 20,
                               "the domain blocked at the gateway, in its form")
        except qdharness.WaitTimeout:
            self.shot("failed-pmg-sender-lists")
            self.fail(f"the domain never reached the gateway; the pane showed "
                      f"{self.pane_said(lists, blocked)}; the app's log:\n"
                      f"{session.app_log()[log_from:][-6000:]}")
        qdui.find(blocked, "list item", timeout=20,
                  predicate=lambda a: "bulk.example" in qdui.accessible_name(a))
        self.shot("pmg-sender-lists")
        qdui.click(qdui.find(blocked, "push button", T["Remove %s"] % "*@bulk.example"))
        qdharness.wait_for(lambda: "*@bulk.example" not in
                           self.mails()[1]["lists"].get(self.USER, {}).get("BL", []), 20,
                           "the domain unblocked at the gateway")
        self.keys("Escape")

    def test_kind_found_out_still_asks_for_the_certificate(self):
        """The kind left to be found out: the probe accepts any certificate
        (nothing secret goes out), but in a process of its own, so the
        client does not resume its TLS session and skip the question."""
        self.launch()
        self.sign_in("pmg-Secret-1")
        self.accept_certificate(self.sim["fingerprint"])
        self.open_folder("Quarantine")
        self.wait_count(lambda t: t is not None and t.startswith("3"), "the three held mails")
        self.assertEqual(session.setting("gateway-kind"), "'pmg'")
        self.assertEqual(session.setting("gateway-fingerprint"), f"'{self.sim['fingerprint']}'")

    def test_pasted_link(self):
        session.set_setting("gateway-url", "''")
        self.launch()
        self.choose_kind(2, "Proxmox Mail Gateway")
        link = qdui.find(self.window, "text", T["Or the Quarantine Link from a Spam Report"])
        qdui.set_text(link, self.sim["links"][self.USER])
        self.shot("pmg-link")
        qdui.click(qdui.find(self.window, "push button", T["Sign In"]))
        self.accept_certificate(self.sim["fingerprint"])
        self.open_folder("Quarantine")
        self.wait_count(lambda t: t is not None and t.startswith("3"), "the three held mails")
        self.assertEqual(session.setting("gateway-url"), f"'{self.sim['url']}'")
        # The link's ticket is kept alone, as qdesk keeps it (it says when it
        # ends: PMGQUAR:user:HEXTIME::signature), and no password.
        kept = session.secret("gateway-token", self.sim["url"], self.USER)
        self.assertTrue(kept.startswith("PMGQUAR:"), kept[:8])
        issued = dt.datetime.fromtimestamp(int(kept.split("::")[0].rsplit(":", 1)[1], 16),
                                           dt.timezone.utc)
        self.assertGreater(issued, dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1))
        self.assertIsNone(session.secret("gateway-password", self.sim["url"], self.USER))
        # The next start signs in with the ticket; Sign Out forgets it.
        self.restart_signed_in(3)
        self.sign_out("gateway-token", self.sim["url"], self.USER)

    def test_changed_certificate_is_refused(self):
        # Accepted before: the settings pin the first certificate.
        session.set_setting("gateway-kind", "'pmg'")
        session.set_setting("gateway-fingerprint", f"'{self.sim['fingerprint']}'")
        self.pmg.stop()
        again = self.pmg.start("--port", str(self.sim["port"]))
        self.assertNotEqual(again["fingerprint"], self.sim["fingerprint"])
        self.launch()
        self.sign_in("pmg-Secret-1")
        before, after = T["certificate changed"].split("%s")[0], \
            T["certificate changed"].split("%s")[-1]
        qdui.wait_for_label(self.window, lambda t: t.startswith(before) and t.endswith(after)
                            and again["fingerprint"] in t, 30,
                            "the sentence saying the certificate changed")
        self.shot("pmg-certificate-changed")
        self.assertEqual(session.setting("gateway-fingerprint"), f"'{self.sim['fingerprint']}'")
        # Signing in again asks whether to accept the new one; cancelled, nothing changes.
        qdui.click(qdui.find(self.window, "push button", T["Sign In"]))
        qdui.find(self.app, "label", T["Accept the Gateway’s New Certificate?"], timeout=20)
        qdui.click(qdui.find(self.app, "push button", T["Cancel"]))
        self.assertEqual(session.setting("gateway-fingerprint"), f"'{self.sim['fingerprint']}'")
        self.assertFalse(any(m["state"] != "new" for m in self.mails()[0].values()))


class ProxmoxGatewayNarrow(ProxmoxTest):
    width, height = 400, 700
    SHOT = "pmg-narrow"

    def test_password_certificate_release_welcomelist(self):
        self.password_certificate_release_welcomelist()


class CloudGateway(OtherGatewayTest):
    """The cloud service's Email Quarantine API (tests/peers/cloudsim.py), its
    certificate trusted through the CA file of Preferences."""

    SHOT = "cloud"
    USER = "alice@example.com"

    def test_sign_in_release_delete(self):
        state = session.root / "cloud-state.json"
        saved = session.root / "cloud-saved.json"
        state.write_text(json.dumps({"users": [{
            "username": self.USER, "password": "cloud-Secret-1",
            "mails": [{"id": "000", "type": "SPAM", "subject": "Cloud offer one",
                       "sender": "news@shop.example", "sender_name": "Shop"},
                      {"id": "001", "type": "NEWSLETTER", "subject": "Cloud newsletter two",
                       "sender": "letters@news.example", "sender_name": "News"},
                      {"id": "002", "type": "SPAM", "subject": "Cloud offer three",
                       "sender": "promo@deals.example", "sender_name": "Deals"}]}]}))
        cloud = Peer("cloudsim.py", state, "--save", str(saved))
        self.addCleanup(cloud.stop)
        sim = cloud.start()
        session.set_setting("gateway-url", f"'{sim['url']}'")
        session.set_setting("username", f"'{self.USER}'")
        session.set_setting("ca-file", f"'{sim['ca_file']}'")
        self.launch()
        self.choose_kind(3, "Symantec Email Security.cloud")
        self.sign_in("cloud-Secret-1")
        self.wait_quarantine()
        self.wait_count(lambda t: t is not None and t.startswith("3"), "the three held mails")
        self.shot("cloud-quarantine")
        self.assertEqual(session.setting("gateway-kind"), "'symantec'")
        # No Junk of its own.
        self.assertEqual(visible(self.window, "page tab", T["Junk"]), [])

        self.select_one("Cloud offer one")
        qdui.click(qdui.find(self.page, "push button", T["Release"]))
        self.wait_count(lambda t: t == T["No messages"], "the released mail to leave")
        self.select_one("Cloud offer three")
        qdui.click(qdui.find(self.page, "push button", T["Delete"]))
        qdui.click(self.in_dialog("push button", T["Delete"]))
        self.wait_count(lambda t: t == T["No messages"], "the deleted mail to leave")
        self.assertEqual(session.secret("gateway-password", sim["url"], self.USER),
                         "cloud-Secret-1")
        # The service still lists what it released (the simulator as the spec has it).
        self.restart_signed_in(2)
        self.sign_out("gateway-password", sim["url"], self.USER)
        cloud.stop()
        [user] = json.loads(saved.read_text())["users"]
        mails = {m["subject"]: m for m in user["mails"]}
        self.assertTrue(mails["Cloud offer one"]["released"])
        self.assertFalse(mails["Cloud offer one"]["deleted"])
        self.assertTrue(mails["Cloud offer three"]["deleted"] or
                        "Cloud offer three" not in mails)
        self.assertFalse(mails["Cloud newsletter two"]["released"] or
                         mails["Cloud newsletter two"]["deleted"])


class GatewayBatches(OtherGatewayTest):
    """1 200 held mails released in one step at another kind of gateway, its
    simulator in a process of its own (tests/lib/qdpeerproc.py) so that a
    test can turn it during the release, as the qdesk tests do."""

    COUNT = 1200
    USER = "alice@example.com"

    def count(self):
        """The number the count label says, or None."""
        text = self.count_text()
        if text is None or text == T["No messages"]:
            return 0 if text is not None else None
        digits = "".join(c for c in text.split(T["many messages"])[0] if c.isdigit())
        return int(digits) if digits else None

    def toast(self, text, what, timeout=60):
        """Waits for a label of the window saying TEXT (a toast's title); when
        it does not come, says what the window and the gateway show instead."""
        seen = set()

        def look():
            labels = qdui.labels(self.window)
            seen.update(labels)
            return text if text in labels else None
        try:
            return qdharness.wait_for(look, timeout, what)
        except qdharness.WaitTimeout:
            self.shot(f"failed-{self.id().split('.')[-1]}")
            self.fail(f"no {text!r}: the window said {sorted(seen)}; the gateway's mails "
                      f"are {collections.Counter(self.states())}")

    def release_all(self):
        """Selects every message matching (not only those loaded) and releases them."""
        self.menu_item(T["More actions"], T["Select All Matching"])
        qdui.click(qdui.find(self.page, "push button", T["Release"]))

    def released(self, n):
        return ngettext("%u message released", "%u messages released", n) % n

    def not_handled(self, done, left):
        return T["%s; %u not handled"] % (self.released(done), left)

    def details(self):
        """Opens the outcome's details from its toast: the dialog's text."""
        qdui.click(qdui.find(self.window, "push button", T["Details"]))
        dialog = qdharness.wait_for(lambda: (windows_named(
            self.app, T["Some Messages Were Not Handled"]) or [None])[0], 20,
            "the dialog of what was not handled")
        return "\n".join(qdui.labels(dialog)), dialog


PMG_SEED = """
def mail(n, receiver, age):
    raw = (f"From: Shop <news@shop.example>\\nTo: {receiver}\\nSubject: Batch offer {n}\\n"
           f"Message-ID: <batch-{n}@shop.example>\\n\\nBuy number {n} today.\\n")
    return sim.add_mail(raw, receiver, spamlevel=7, time=int(sim.now - age),
                        spaminfo=[{'name': 'BAYES_99', 'score': 3.5, 'desc': 'Bayes'}]).id
"""


class ProxmoxGatewayBatches(GatewayBatches):
    """PMG holding 1 200 spam mails for the user: released in batches that
    stay under the body limit of older servers (64 KiB), and a ticket that
    ends in the middle of the release."""

    SHOT = "pmg-batches"

    def setUp(self):
        super().setUp()
        self.peer = PeerProcess("pmg", version="9.1.0", auth_fail_delay=0.2,
                                body_limit=64 * 1024)
        self.peer.start()
        self.addCleanup(self.peer.stop)
        self.peer.run(PMG_SEED)
        self.peer.run("sim.add_user(u, 'pmg-Secret-1')", u=self.USER)
        # Within the last day, one every ten seconds: the list's first window has them all.
        self.ids = self.peer.run("result = [mail(n, u, 60 + n * 10) for n in range(c)]",
                                 u=self.USER, c=self.COUNT)
        session.set_setting("gateway-url", f"'{self.peer.info['url']}'")
        session.set_setting("username", f"'{self.USER}'")

    def states(self):
        return self.peer.run("result = [sim.mails[i].state for i in ids]", ids=self.ids)

    def listed(self, n):
        """Whether the count says N: PMG counts nothing, so a page that ends
        where a time window does stands for one more row, not looked at yet
        (the view has not scrolled there, or the ticket ended first)."""
        return self.count() in (n, n + 1)

    def posts(self, since=0):
        """The deliveries the simulator was asked for: (target, status)."""
        return self.peer.run("result = [(r[1], r[2]) for r in sim.requests[n:] "
                             "if r[0] == 'POST' and 'quarantine/content' in r[1]]", n=since)

    def sign_in_listed(self):
        self.launch()
        self.choose_kind(2, "Proxmox Mail Gateway")
        self.sign_in("pmg-Secret-1")
        self.accept_certificate(self.peer.info["fingerprint"])
        self.open_folder("Quarantine")
        self.wait_count(lambda t: self.count() == self.COUNT, "the 1 200 held mails")

    def test_release_1200_in_batches(self):
        self.sign_in_listed()
        self.shot("pmg-1200")
        self.release_all()
        self.toast(self.released(self.COUNT), "the outcome: all 1 200 released")
        self.wait_count(lambda t: t == T["No messages"], "the released mails to leave")
        self.shot("pmg-1200-released")
        self.assertEqual(self.states(), ["delivered"] * self.COUNT)
        posts = self.posts()
        self.assertGreaterEqual(len(posts), 2, "1 200 ids make more than one batch")
        # A batch over the body limit would have been refused (413).
        self.assertEqual({status for _, status in posts}, {200}, posts)

    def test_rows_that_come_after_select_all_read_as_selected(self):
        """Select All Matching chooses the rows not loaded yet too: as the
        list scrolls down and their page comes, they read as selected, as
        Release will act on them (GTK 4.8's selection forgets rows whose
        item a page replaces)."""
        self.sign_in_listed()
        self.menu_item(T["More actions"], T["Select All Matching"])
        # No message to read: the preview says how many are chosen, not that none is.
        chosen = ngettext("%s Message Selected", "%s Messages Selected", self.COUNT)
        # The count as the locale writes it: 1,200 or 1200.
        qdui.wait_for_label(self.page, lambda t: t in (chosen % f"{self.COUNT:,}",
                                                       chosen % self.COUNT),
                            20, "the preview's count of the chosen")

        def rows():
            # A row still loading has no address in its name.
            found = {}
            for a in qdui.find_all(self.page, "list item"):
                name = qdui.accessible_name(a)
                if "@" in name:
                    found[name] = a.getState().contains(qdui.pyatspi.STATE_SELECTED)
            return found
        before = set(rows())
        # The message list: the largest list shown (a hidden list box has no size).
        x, y, w, h = max((a.queryComponent().getExtents(qdui.pyatspi.DESKTOP_COORDS)
                          for a in qdui.find_all(self.page, "list")), key=lambda e: e[2] * e[3])
        # Down to the oldest, whose pages come only now (the newest are on top).
        subprocess.run(["xdotool", "mousemove", "--sync", str(x + w // 2), str(y + h // 2),
                        "click", "--repeat", "800", "--delay", "5", "5"],
                       env=session.env, check=True)
        fresh = qdharness.wait_for(
            lambda: (lambda now: {n: s for n, s in now.items() if n not in before}
                     if any(re.search(r"Batch offer 11\d\d\D", n) for n in now) else None)(
                rows()), 30, "the oldest rows, their pages come after the choice")
        self.shot(f"{self.SHOT}-selected-after")
        self.assertEqual([n for n, chosen in fresh.items() if not chosen], [],
                         "rows that came after Select All Matching, not shown selected")

    def test_ticket_ends_during_the_release(self):
        self.sign_in_listed()
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
        self.release_all()
        # The batch stops, and the window says what happened and what to do.
        self.toast(T["%s; %u not handled. %s"] % (self.released(1000), 200, T["session ended"]),
                   "the outcome: 200 not released, and why")
        self.shot("pmg-ticket-ended")
        # What was done stays done; nothing else was: 1 000 delivered, 200 still held.
        states = self.states()
        self.assertEqual(states.count("delivered"), 1000)
        self.assertEqual(states.count("new"), 200)
        self.wait_count(lambda t: self.listed(200), "the 200 not released still listed")
        # The details name each one not handled, with the same reason.
        said, dialog = self.details()
        self.assertIn(T["session ended"], said)
        qdui.click(qdui.find(dialog, "push button", T["Close"]))

        # Signed in again, the rest is released.
        self.peer.run("module.PmgSim._content_post = original")
        self.sign_out("gateway-password", self.peer.info["url"], self.USER)
        self.sign_in("pmg-Secret-1")
        self.wait_quarantine()
        self.wait_count(lambda t: self.listed(200), "the 200 left, signed in again")
        self.release_all()
        self.toast(self.released(200), "the outcome: the other 200 released")
        self.wait_count(lambda t: t == T["No messages"], "the released mails to leave")
        self.assertEqual(self.states(), ["delivered"] * self.COUNT)



CLOUD_SEED = """
def mail(n, user, age_h):
    return sim.add_mail(user, type='SPAM', sender='news@shop.example', sender_name='Shop',
                        subject=f'Cloud batch offer {n}',
                        received_ms=sim.now_ms - int(age_h * 3600_000))
"""


class CloudGatewayBatches(GatewayBatches):
    """The cloud service holding 1 200 spam mails for the user: released in
    batches of at most 100 (the simulator refuses more), and the password
    changed elsewhere in the middle of the release."""

    SHOT = "cloud-batches"

    def setUp(self):
        super().setUp()
        self.peer = PeerProcess("cloud", switches={"batch_limit": 100})
        self.peer.start()
        self.addCleanup(self.peer.stop)
        self.peer.run(CLOUD_SEED)
        self.peer.run("sim.add_user(u, 'cloud-Secret-1')", u=self.USER)
        self.ids = self.peer.run("result = [mail(n, u, 1 + n * 0.01) for n in range(c)]",
                                 u=self.USER, c=self.COUNT)
        session.set_setting("gateway-url", f"'{self.peer.info['url']}'")
        session.set_setting("username", f"'{self.USER}'")
        session.set_setting("ca-file", f"'{self.peer.info['ca_file']}'")

    def states(self):
        return self.peer.run("result = ['released' if m['released'] else 'deleted' "
                             "if m['deleted'] else 'new' "
                             "for m in (sim.mail(u, i) for i in ids)]",
                             u=self.USER, ids=self.ids)

    def releases(self, since=0):
        """The statuses of the release requests, each a batch."""
        return self.peer.run("result = [r.status for r in sim.requests[n:] "
                             "if r.path.endswith('/release')]", n=since)

    def sign_in_listed(self, password="cloud-Secret-1", first=True):
        if first:
            self.launch()
            self.choose_kind(3, "Symantec Email Security.cloud")
        self.sign_in(password)
        self.wait_quarantine()
        self.wait_count(lambda t: self.count() == self.COUNT, "the 1 200 held mails")

    def test_release_1200_in_batches(self):
        self.sign_in_listed()
        self.shot("cloud-1200")
        self.release_all()
        self.toast(self.released(self.COUNT), "the outcome: all 1 200 released")
        self.shot("cloud-1200-released")
        self.assertEqual(self.states(), ["released"] * self.COUNT)
        statuses = self.releases()
        # Twelve batches at least; one over the limit would have been refused (400).
        self.assertGreaterEqual(len(statuses), 12, statuses)
        self.assertEqual(set(statuses), {200}, statuses)

    def test_password_changed_during_the_release(self):
        self.sign_in_listed()
        # The service's "session" is the password: changed elsewhere after the first batch.
        self.peer.run("""
original = module.CloudSim._release
def release(self, sw, user, path, seen):
    try:
        return original(self, sw, user, path, seen)
    finally:
        user.password = 'cloud-Secret-2'
module.CloudSim._release = release
""")
        self.release_all()
        self.toast(T["%s; %u not handled. %s"] % (self.released(100), 1100, T["cloud refused"]),
                   "the outcome: 1 100 not released, and why")
        self.shot("cloud-password-changed")
        states = self.states()
        self.assertEqual(states.count("released"), 100)
        self.assertEqual(states.count("new"), 1100)
        # Refused once, never tried again (the service may lock the account).
        self.assertEqual(self.releases().count(401), 1)
        self.wait_count(lambda t: self.count() == 1100, "the 1 100 not released still listed")
        said, dialog = self.details()
        self.assertIn(T["cloud refused"], said)
        qdui.click(qdui.find(dialog, "push button", T["Close"]))

        # Signed in again with the new password, the rest is released (the
        # service lists what it released too: everything is listed again).
        self.peer.run("module.CloudSim._release = original")
        self.sign_out("gateway-password", self.peer.info["url"], self.USER)
        self.sign_in_listed("cloud-Secret-2", first=False)
        self.release_all()
        self.toast(self.released(self.COUNT), "the outcome: the 1 200 released")
        self.assertEqual(self.states(), ["released"] * self.COUNT)


if __name__ == "__main__":
    qdharness.require("qd-gateway")
    unittest.main(verbosity=2)
