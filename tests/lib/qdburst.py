# SPDX-License-Identifier: GPL-3.0-or-later
"""qdburst — the seed incident as real mail, for build-aux/demo --real-mail
and the stack benchmark.

An evening's wave of newsletters (dated 19:00–21:00) that the graymail rules
hold, with social, forum and bulk mail, spam and phishing that rspamd
refuses and holds, suspicious mail that goes to Junk, and ordinary mail that
reaches the Inbox. Every message goes through Postfix's public port; what
happens to it is rspamd's and qd-gateway's decision, not this module's.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Iterator

import qdharness as h

SHOPS = [
    ("Garden Weekly", "news@garden-weekly.example", "This week in the garden"),
    ("北海道グルメ便", "info@hokkaido-gourmet.example", "【期間限定】冬の味覚セール"),
    ("Travel Deals", "deals@travel-deals.example", "48 hours only: city breaks"),
    ("書店だより", "mag@shoten.example", "今月の新刊のお知らせ"),
    ("Office Supply Co.", "offers@office-supply.example", "Your monthly savings"),
    ("Cloud Tools Digest", "digest@cloudtools.example", "Release notes and webinars"),
]
SOCIAL = [("Network", "notification@facebookmail.com", "You have 3 new notifications"),
          ("Professional Network", "messages-noreply@linkedin.com", "Someone viewed your profile")]
FORUM = [("Gardeners group", "gardeners@googlegroups.com", "Digest: 12 new posts"),
         ("Dev forum", "forum@groups.io", "New reply in “Build errors on Debian”")]
PEOPLE = [("Alice Example", "alice@partner.example", "Minutes of Thursday's meeting"),
          ("田中 太郎", "tanaka@torihikisaki.example", "見積書送付のご連絡"),
          ("Bob Builder", "bob@contractor.example", "Site visit next week")]


@dataclass
class Mail:
    kind: str            # what it is meant to be: marketing, social, forum, bulk, spam,
                         # phishing, suspect, clean
    sender: str          # the envelope sender
    data: bytes
    client_ip: str | None = None


def evening(today: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """19:00 and 21:00 local time of the last evening that has passed."""
    now = dt.datetime.now().astimezone()
    day = today or (now.date() if now.hour >= 21 else now.date() - dt.timedelta(days=1))
    start = dt.datetime.combine(day, dt.time(19, 0)).astimezone()
    return start, start + dt.timedelta(hours=2)


def burst(to: str, count: int = 120, seed: int = 20261206) -> Iterator[Mail]:
    """COUNT messages for TO: two in three graymail from the evening wave."""
    rnd = random.Random(seed)
    start, end = evening()
    span = (end - start).total_seconds()
    kinds = (["marketing"] * 50 + ["social"] * 8 + ["forum"] * 8 + ["bulk"] * 8
             + ["spam"] * 8 + ["phishing"] * 4 + ["suspect"] * 6 + ["clean"] * 8)
    for n in range(count):
        kind = kinds[n % len(kinds)] if n < len(kinds) else rnd.choice(kinds)
        when = start + dt.timedelta(seconds=rnd.uniform(0, span))
        yield _mail(kind, to, when, n, rnd)


def _mail(kind: str, to: str, when: dt.datetime, n: int, rnd: random.Random) -> Mail:
    unsubscribe = None
    ip = None
    headers: list[tuple[str, str]] = []
    if kind == "marketing":
        name, addr, subject = rnd.choice(SHOPS)
        sender = f"bounce-{n}@{addr.split('@')[1]}"
        unsubscribe = addr
    elif kind == "social":
        name, addr, subject = rnd.choice(SOCIAL)
        sender = addr
        unsubscribe = addr
    elif kind == "forum":
        name, addr, subject = rnd.choice(FORUM)
        sender = addr
        unsubscribe = addr
    elif kind == "bulk":
        name, addr, subject = ("Announcements", "announce@bulk-sender.example",
                               "Important update to our terms")
        sender = addr
        ip = f"198.2.{128 + n % 60}.{10 + n % 200}"   # a bulk-mail service's network
    elif kind in ("spam", "phishing", "suspect"):
        name, addr, subject = {
            "spam": ("Prize Center", "winner@prize-center.example", "You have won a gift card"),
            "phishing": ("IT Helpdesk", "helpdesk@examp1e-it.example",
                         "パスワードの有効期限が切れます"),
            "suspect": ("Crypto Tips", "tips@crypto-tips.example", "Double your savings"),
        }[kind]
        sender = addr
        # The stack's test rules judge by this header (build-aux/stack only).
        headers.append(("X-QD-Test", kind))
    else:
        name, addr, subject = rnd.choice(PEOPLE)
        sender = addr
    if unsubscribe:
        headers.append(("List-Unsubscribe", f"<mailto:{unsubscribe}?subject=unsubscribe>"))
    body = {
        "marketing": "New arrivals and this week's offers are on our site.\n",
        "clean": "Please find the details below; let me know if anything is missing.\n",
    }.get(kind, "Details are in the message below.\n")
    data = h.make_message(f"{name} <{addr}>", to, f"{subject} #{n}", body, date=when,
                          extra_headers=headers, crlf=True)
    return Mail(kind, sender, data, ip)
