#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Email Quarantine API simulator (cloudsim.py) held to its specification (§10, §5)."""

import base64
import email.utils
import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("QD_SOURCE_ROOT") or HERE.parents[1])
sys.path.insert(0, str(ROOT / "tests" / "lib"))
sys.path.insert(0, str(HERE))

import qdharness as h  # noqa: E402
from cloudsim import EU_HOST, US_HOST, CloudSim, make_certificate  # noqa: E402

NOW = 1728206441148          # the clock of every test (ms)
HOUR, DAY = 3600_000, 86400_000
ALICE, BOB, PW = "alice@example.com", "bob@example.org", "correct horse"
ALL_TYPES_COUNTS = ("spam_count", "newsletter_count", "dataprotection_count",
                    "imagecontrol_count", "dlp_count", "compliance_count")

SIM: CloudSim | None = None
_TMP: tempfile.TemporaryDirectory | None = None


def setUpModule():
    global SIM, _TMP
    _TMP = tempfile.TemporaryDirectory(prefix="qd-cloudsim-test-")
    cert = make_certificate(_TMP.name)
    SIM = CloudSim(now_ms=NOW, cert=cert).start()


def tearDownModule():
    SIM.stop()
    _TMP.cleanup()


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<Answer {self.status} {self.body[:300]!r}>"


class SimTest(unittest.TestCase):
    """A reset simulator with alice's quarantine and bob's, and a client
    speaking over verified TLS with http.client."""

    def setUp(self):
        self.sim = SIM
        self.sim.reset()
        sim = self.sim
        sim.add_user(ALICE, PW, user_id=17)
        sim.add_user(BOB, "bob's password", user_id=18)
        self.spam_old = sim.add_mail(
            ALICE, id="000", type="SPAM", sender="news@shop.example.net",
            sender_name="Shop Team", subject="Last chance", received_ms=NOW - 10 * DAY,
            size=18342, envelope_sender="bounce-7781@mailer.example.net",
            headers=[("Date", "Wed, 02 Oct 2024 04:37:01 +0000"),
                     ("From", "Shop Team <news@shop.example.net>"), ("To", ALICE),
                     ("Subject", "Last chance"), ("Message-ID", "<abc@shop.example.net>"),
                     ("Content-Type", "multipart/alternative;"),
                     ("X-SpamQuarantineInfo", "spam detected heuristically"),
                     ("Received", "from a.example by b.example"),
                     ("Received", "from c.example by a.example")],
            attachments=[{"name": "offer.pdf", "type": "application/pdf"}],
            bodyparts=[{"type": 'text/plain; charset="UTF-8"', "content": "Buy now \u2014 50%"},
                       {"type": 'text/html; charset="UTF-8"',
                        "content": '<p onclick="x()">Buy</p><script>evil()</script>'}])
        self.news = sim.add_mail(ALICE, id="001", type="NEWSLETTER",
                                 sender="news@list.example.org", sender_name="News",
                                 subject="Weekly digest", received_ms=NOW - 2 * DAY,
                                 size=5120, released=True, viewed=True)
        self.ci = sim.add_mail(ALICE, id="002", type="CI", sender="carol@partner.example",
                               subject="Invoice 42", received_ms=NOW - DAY, size=300,
                               rules=["test"],
                               actions={"preview_message": False, "release_message": False})
        self.dlp = sim.add_mail(ALICE, id="003", type="DLP", sender=ALICE,
                                subject="Quarterly report", received_ms=NOW - 3 * HOUR,
                                size=900, dlp_message_id="dlp-77")
        self.spam_new = sim.add_mail(ALICE, id="004", type="SPAM", sender="x@cheap.example",
                                     sender_name="Cheap", subject="Cheap invoice offer",
                                     received_ms=NOW - HOUR, size=700)
        self.deleted = sim.add_mail(ALICE, id="005", type="SPAM", sender="y@old.example",
                                    subject="Gone", received_ms=NOW - 5 * DAY, deleted=True)
        self.bobs = sim.add_mail(BOB, id="100", type="SPAM", subject="For Bob",
                                 received_ms=NOW - HOUR)

    # -- client ---------------------------------------------------------------

    def call(self, method, path, query=None, body=None, user=ALICE, password=PW,
             headers=None, host=None, raw_target=None):
        target = raw_target or (path + ("?" + urllib.parse.urlencode(query) if query else ""))
        all_headers = {"Accept": "application/json"}
        if user is not None:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            all_headers["Authorization"] = "Basic " + token
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        if host is None:
            context = ssl.create_default_context(cafile=self.sim.ca_file)
            conn = http.client.HTTPSConnection("127.0.0.1", self.sim.port, timeout=10,
                                               context=context)
        else:
            conn = self.sim.connection(host)
        try:
            conn.request(method, target, body=body, headers=all_headers)
            r = conn.getresponse()
            return Answer(r.status, r.headers, r.read())
        finally:
            conn.close()

    def ok(self, *args, **kwargs):
        """A call that must answer HTTP 200 with status SUCCESS; its JSON."""
        r = self.call(*args, **kwargs)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "application/json")
        body = r.json()
        self.assertEqual(body["status"], "SUCCESS", body)
        return body

    def refused(self, http_status, *args, message=None, **kwargs):
        """A refusal, under both forms of the `rejection` switch."""
        self.sim.set(rejection="failure")
        r = self.call(*args, **kwargs)
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual(body["status"], "FAILURE", body)
        if message is not None:
            self.assertEqual(body["message"], message)
        self.sim.set(rejection="http")
        r = self.call(*args, **kwargs)
        self.assertEqual(r.status, http_status, r)
        extra = {k: v for k, v in body.items() if k not in ("status", "message")}
        self.assertEqual(r.json(), {"status": "FAILURE", "code": http_status,
                                    "message": body["message"], **extra})
        self.sim.set(rejection="failure")
        return body

    def ids(self, query=None, **kwargs):
        return [m["id"] for m in self.ok("GET", "/v1/mails", query, **kwargs)["mail_list"]]


# ---------------------------------------------------------------------------
# §3 Basic auth on every request; 401 body variants

class Auth(SimTest):

    def test_no_credentials_401_json_by_default(self):
        r = self.call("GET", "/v1/mails", user=None)
        self.assertEqual(r.status, 401)
        self.assertEqual(r.headers["Content-Type"], "application/json")
        self.assertEqual(r.json(), {"status": "FAILURE", "code": 401, "message": "Unauthorized"})
        self.assertIsNone(r.headers["WWW-Authenticate"])

    def test_wrong_password_and_unknown_user(self):
        self.assertEqual(self.call("GET", "/v1/mails", password="wrong").status, 401)
        self.assertEqual(self.call("GET", "/v1/mails", user="eve@example.com").status, 401)
        self.assertEqual(self.call("GET", "/v1/mails", user=ALICE.upper()).status, 401)

    def test_401_body_empty(self):
        self.sim.set(error_body="empty")
        r = self.call("GET", "/v1/mails", password="wrong")
        self.assertEqual(r.status, 401)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.headers["Content-Length"], "0")
        self.assertIsNone(r.headers["Content-Type"])

    def test_401_body_html(self):
        self.sim.set(error_body="html")
        r = self.call("GET", "/v1/users/whitelist", password="wrong")
        self.assertEqual(r.status, 401)
        self.assertEqual(r.headers["Content-Type"], "text/html; charset=UTF-8")
        self.assertTrue(r.body.startswith(b"<!DOCTYPE html>"), r.body)
        self.assertIn(b"<h1>401 Unauthorized</h1>", r.body)

    def test_www_authenticate_switch(self):
        self.sim.set(www_authenticate=True)
        r = self.call("GET", "/v1/mails", user=None)
        self.assertEqual(r.status, 401)
        self.assertEqual(r.headers["WWW-Authenticate"], 'Basic realm="Email Quarantine"')

    def test_every_request_needs_credentials_no_session(self):
        context = ssl.create_default_context(cafile=self.sim.ca_file)
        conn = http.client.HTTPSConnection("127.0.0.1", self.sim.port, context=context,
                                           timeout=10)
        token = base64.b64encode(f"{ALICE}:{PW}".encode()).decode()
        try:
            conn.request("GET", "/v1/mails", headers={"Authorization": "Basic " + token})
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            self.assertIsNone(r.headers["Set-Cookie"])
            conn.request("GET", "/v1/mails")  # the same kept-alive connection
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 401)
        finally:
            conn.close()

    def test_malformed_authorization(self):
        for value in ("Bearer abc", "Basic !!!", "Basic " + base64.b64encode(b"nocolon").decode(),
                      "Basic " + base64.b64encode(b"\xff\xfe:x").decode()):
            r = self.call("GET", "/v1/mails", user=None, headers={"Authorization": value})
            self.assertEqual(r.status, 401, value)

    def test_lockout_after_failures(self):
        # §9.3: by default no lockout
        for _ in range(5):
            self.assertEqual(self.call("GET", "/v1/mails", password="wrong").status, 401)
        self.assertEqual(self.call("GET", "/v1/mails").status, 200)
        self.sim.set(lockout_after=3)
        for _ in range(3):
            self.assertEqual(self.call("GET", "/v1/mails", password="wrong").status, 401)
        self.assertTrue(self.sim.user(ALICE).locked)
        self.assertEqual(self.call("GET", "/v1/mails").status, 401)
        self.sim.unlock(ALICE)
        self.assertEqual(self.call("GET", "/v1/mails").status, 200)

    def test_sso_account_without_password(self):
        self.sim.add_user("sso@example.com", None)
        self.assertEqual(self.call("GET", "/v1/mails", user="sso@example.com",
                                   password="").status, 401)
        self.assertEqual(self.call("GET", "/v1/mails", user="sso@example.com",
                                   password="None").status, 401)

    def test_no_api_access(self):
        # §9.2
        self.sim.add_user("dan@example.com", "pw", api_access=False)
        r = self.call("GET", "/v1/mails", user="dan@example.com", password="pw")
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json(), {"status": "FAILURE", "code": 403, "message": "Forbidden"})
        self.sim.set(no_api_access_status=401)
        r = self.call("GET", "/v1/mails", user="dan@example.com", password="pw")
        self.assertEqual(r.status, 401)

    def test_requests_are_recorded(self):
        self.call("GET", "/v1/mails", {"page_size": 200}, headers={"X-Test": "1"})
        self.call("GET", "/v1/mails", password="wrong")
        seen = self.sim.requests
        self.assertEqual([(s.method, s.path, s.status, s.user) for s in seen],
                         [("GET", "/v1/mails", 200, ALICE), ("GET", "/v1/mails", 401, None)])
        self.assertEqual(seen[0].query, {"page_size": ["200"]})
        self.assertEqual(seen[0].headers["accept"], "application/json")
        self.assertEqual(seen[0].headers["x-test"], "1")


# ---------------------------------------------------------------------------
# §2 base paths, 404, regions, TLS

class Paths(SimTest):

    def test_each_base_path_answers(self):
        self.ok("GET", "/v1/mails")
        self.ok("GET", "/v1/mails/preview", {"q": self.spam_old})
        self.ok("POST", "/v1/mails/release", body={"mail_list": [self.spam_new]})
        self.ok("POST", "/v1/mails/delete", body=[self.spam_new])
        self.ok("GET", "/v1/users/whitelist")
        self.ok("GET", "/v1/users/blacklist")

    def test_anything_else_404(self):
        for path in ("/", "/v1", "/v1/", "/v1/mails/", "/V1/mails", "/v2/mails",
                     "/v1/mails/raw", "/v1/mail", "/v1/users", "/v1/users/greylist",
                     "/api/v1/mails", "/v1/mails/preview/000"):
            for user in (ALICE, None):
                r = self.call("GET", path, user=user)
                self.assertEqual(r.status, 404, path)
                self.assertEqual(r.json(), {"status": "FAILURE", "code": 404,
                                            "message": "Not Found"})

    def test_404_body_variants(self):
        self.sim.set(error_body="empty")
        r = self.call("GET", "/nowhere")
        self.assertEqual((r.status, r.body), (404, b""))
        self.sim.set(error_body="html")
        r = self.call("GET", "/nowhere")
        self.assertEqual(r.status, 404)
        self.assertIn(b"<h1>404 Not Found</h1>", r.body)

    def test_wrong_method_405(self):
        r = self.call("POST", "/v1/mails", body={})
        self.assertEqual(r.status, 405)
        self.assertEqual(r.headers["Allow"], "GET")
        r = self.call("GET", "/v1/mails/release")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.headers["Allow"], "POST")
        r = self.call("DELETE", "/v1/users/whitelist")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.headers["Allow"], "GET, POST")

    def test_path_prefix_custom_base(self):
        self.sim.set(path_prefix="/quarantine")
        self.assertTrue(self.sim.base_url.endswith(f":{self.sim.port}/quarantine"))
        self.assertEqual(self.call("GET", "/v1/mails").status, 404)
        self.assertEqual(self.call("GET", "/quarantine/v1/mails").status, 200)
        self.assertEqual(self.sim.requests[-1].path, "/quarantine/v1/mails")

    def test_base_url_and_region_urls(self):
        port = self.sim.port
        self.assertEqual(self.sim.base_url, f"https://127.0.0.1:{port}")
        self.assertEqual(self.sim.region_url("eu"), f"https://{EU_HOST}:{port}")
        self.assertEqual(self.sim.region_url("us"), f"https://{US_HOST}:{port}")
        self.assertEqual(self.sim.resolve_entry("us"), f"{US_HOST}:{port}:127.0.0.1")
        self.assertEqual(EU_HOST, "api.eu.quarantine.symantec.com")
        self.assertEqual(US_HOST, "api.us.quarantine.symantec.com")

    def test_python_client_helper(self):
        self.sim.set(path_prefix="/q")
        r = self.sim.request("GET", "/v1/mails", user=ALICE, password=PW,
                             query={"filter_type": "DLP"}, host=EU_HOST)
        self.assertEqual(r.status, 200)
        self.assertEqual([m["id"] for m in r.json()["mail_list"]], [self.dlp])
        self.assertEqual((self.sim.requests[-1].path, self.sim.requests[-1].host),
                         ("/q/v1/mails", f"{EU_HOST}:{self.sim.port}"))
        r = self.sim.request("POST", "/v1/mails/delete", user=ALICE, password=PW,
                             body=[self.dlp])
        self.assertEqual(r.json(), {"status": "SUCCESS"})
        self.assertEqual(self.sim.request("GET", "/v1/mails").status, 401)

    def test_certificate_names_the_regional_hosts(self):
        for host in (EU_HOST, US_HOST, "localhost"):
            r = self.call("GET", "/v1/mails", host=host)
            self.assertEqual(r.status, 200, host)
            self.assertEqual(self.sim.requests[-1].host, f"{host}:{self.sim.port}")

    def test_unlisted_host_name_fails_verification(self):
        with self.assertRaises(ssl.SSLCertVerificationError):
            self.call("GET", "/v1/mails", host="api.ap.quarantine.symantec.com")

    def test_verification_fails_without_the_ca(self):
        conn = http.client.HTTPSConnection("127.0.0.1", self.sim.port, timeout=10,
                                           context=ssl.create_default_context())
        with self.assertRaises(ssl.SSLCertVerificationError):
            conn.request("GET", "/v1/mails")
        conn.close()

    def test_plain_http_not_served(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.sim.port, timeout=10)
        try:
            conn.request("GET", "/v1/mails")
            status = conn.getresponse().status
        except (OSError, http.client.HTTPException):
            status = None
        finally:
            conn.close()
        self.assertIsNone(status)

    def test_region_switch(self):
        self.sim.set(region="eu")
        self.assertEqual(self.call("GET", "/v1/mails", host=EU_HOST).status, 200)
        self.assertEqual(self.call("GET", "/v1/mails", host=US_HOST).status, 404)
        self.assertEqual(self.call("GET", "/v1/mails").status, 404)
        self.sim.set(region="us", wrong_region_status=401)
        self.assertEqual(self.call("GET", "/v1/mails", host=US_HOST).status, 200)
        r = self.call("GET", "/v1/mails", host=EU_HOST)
        self.assertEqual(r.status, 401)
        self.assertEqual(r.json(), {"status": "FAILURE", "code": 401, "message": "Unauthorized"})


# ---------------------------------------------------------------------------
# §5.1 list

class List(SimTest):

    def test_default_answer_shape(self):
        body = self.ok("GET", "/v1/mails")
        self.assertEqual(list(body)[:11], ["status", "start", "end", "total", *ALL_TYPES_COUNTS,
                                           "mail_list"])
        self.assertEqual({k: body[k] for k in ("start", "end", "total")},
                         {"start": 0, "end": 4, "total": 5})
        self.assertEqual({k: body[k] for k in ALL_TYPES_COUNTS},
                         {"spam_count": 2, "newsletter_count": 1, "dataprotection_count": 1,
                          "imagecontrol_count": 0, "dlp_count": 1, "compliance_count": 2})
        # default sort: received date, newest first; the deleted one is left out
        self.assertEqual([m["id"] for m in body["mail_list"]],
                         [self.spam_new, self.dlp, self.ci, self.news, self.spam_old])
        self.assertEqual(body["mail_list"][-1], {
            "id": "000",
            "metadata": {"email_date_received": NOW - 10 * DAY,
                         "quarantine_info": {"rules": [], "direction": "inbound",
                                             "quarantine_type": "SPAM"},
                         "email_is_viewed": False, "email_is_released": False,
                         "quarantine_reason": "SS",
                         "email_sender": "Shop Team (news@shop.example.net)",
                         "service_type": "ess", "master_recipient": ALICE, "user_id": 17,
                         "email_envelope_sender": "bounce-7781@mailer.example.net",
                         "email_subject": "Last chance", "email_size": 18342,
                         "email_envelope_recipient": ALICE},
            "actions": {"view_subject": True, "delete_message": True,
                        "preview_message": True, "release_message": True}})
        news = body["mail_list"][3]["metadata"]
        self.assertEqual((news["email_is_released"], news["email_released_to"],
                          news["email_is_viewed"]), (True, "recipient", True))
        ci = body["mail_list"][2]
        self.assertEqual(ci["metadata"]["quarantine_info"],
                         {"rules": ["test"], "direction": "inbound", "quarantine_type": "CI"})
        self.assertEqual(ci["metadata"]["quarantine_reason"], "CC")
        self.assertEqual(ci["actions"], {"view_subject": True, "delete_message": True,
                                         "preview_message": False, "release_message": False})

    def test_only_the_callers_mail(self):
        self.assertEqual(self.ids(user=BOB, password="bob's password"), [self.bobs])

    def test_sort_order_and_column(self):
        self.assertEqual(self.ids({"sort_order": "asc"}),
                         [self.spam_old, self.news, self.ci, self.dlp, self.spam_new])
        self.assertEqual(self.ids({"sort_column": "email_subject", "sort_order": "asc"}),
                         [self.spam_new, self.ci, self.spam_old, self.dlp, self.news])
        self.assertEqual(self.ids({"sort_column": "email_size", "sort_order": "desc"}),
                         [self.spam_old, self.news, self.dlp, self.spam_new, self.ci])
        self.sim.set(default_sort_order="asc")
        self.assertEqual(self.ids()[0], self.spam_old)

    def test_bad_sort_refused(self):
        self.refused(400, "GET", "/v1/mails", {"sort_column": "nope"},
                     message="unknown sort_column nope")
        self.refused(400, "GET", "/v1/mails", {"sort_order": "up"})

    def test_paging(self):
        pages = []
        for start in (0, 2, 4):
            body = self.ok("GET", "/v1/mails", {"sort_order": "desc", "start_index": start,
                                                "page_size": 2})
            pages.append((body["start"], body["end"], body["total"],
                          [m["id"] for m in body["mail_list"]]))
        self.assertEqual(pages, [(0, 1, 5, [self.spam_new, self.dlp]),
                                 (2, 3, 5, [self.ci, self.news]),
                                 (4, 4, 5, [self.spam_old])])
        self.assertEqual(self.sim.requests[1].query,
                         {"sort_order": ["desc"], "start_index": ["2"], "page_size": ["2"]})

    def test_empty_page_end_variants(self):
        q = {"start_index": 5, "page_size": 2}
        body = self.ok("GET", "/v1/mails", q)
        self.assertEqual((body["start"], body["end"], body["total"], body["mail_list"]),
                         (5, 4, 5, []))
        self.sim.set(empty_page_end="start")
        self.assertEqual(self.ok("GET", "/v1/mails", q)["end"], 5)
        self.sim.set(empty_page_end="zero")
        self.assertEqual(self.ok("GET", "/v1/mails", q)["end"], 0)
        self.sim.set(empty_page_end="absent")
        self.assertNotIn("end", self.ok("GET", "/v1/mails", q))

    def test_page_size_limits(self):
        self.assertEqual(len(self.ids({"page_size": 10000})), 5)
        self.assertEqual(len(self.ids({"page_size": 10001})), 5)  # clamped by default
        self.sim.set(oversize_page="reject")
        self.assertEqual(len(self.ids({"page_size": 10000})), 5)
        self.refused(400, "GET", "/v1/mails", {"page_size": 10001},
                     message="page_size is at most 10000")
        self.refused(400, "GET", "/v1/mails", {"page_size": 0})
        self.refused(400, "GET", "/v1/mails", {"start_index": -1})
        self.refused(400, "GET", "/v1/mails", {"start_index": "two"},
                     message="start_index must be an integer")

    def test_default_page_size(self):
        self.sim.set(default_page_size=2)
        body = self.ok("GET", "/v1/mails")
        self.assertEqual((len(body["mail_list"]), body["end"], body["total"]), (2, 1, 5))

    def test_filter_type(self):
        expected = {"SPAM": [self.spam_new, self.spam_old], "NEWSLETTER": [self.news],
                    "COMPLIANCE": [self.dlp, self.ci], "DLP": [self.dlp], "CI": [self.ci],
                    "CO": [], "II": [], "IO": []}
        for value, ids in expected.items():
            self.assertEqual(self.ids({"filter_type": value}), ids, value)
        self.refused(400, "GET", "/v1/mails", {"filter_type": "spam"},
                     message="unknown filter_type spam")

    def test_counts_scope(self):
        body = self.ok("GET", "/v1/mails", {"filter_type": "SPAM"})
        self.assertEqual([body[k] for k in ALL_TYPES_COUNTS], [2, 0, 0, 0, 0, 0])
        self.sim.set(counts_scope="whole")
        body = self.ok("GET", "/v1/mails", {"filter_type": "SPAM"})
        self.assertEqual([body[k] for k in ALL_TYPES_COUNTS], [2, 1, 1, 0, 1, 2])
        self.assertEqual(body["total"], 2)

    def test_image_control_and_outbound_counts(self):
        self.sim.add_mail(ALICE, type="IO", subject="picture", received_ms=NOW - 1)
        body = self.ok("GET", "/v1/mails", {"filter_type": "COMPLIANCE"})
        self.assertEqual([body[k] for k in ALL_TYPES_COUNTS], [0, 0, 1, 1, 1, 3])
        self.assertEqual(body["mail_list"][0]["metadata"]["quarantine_info"]["direction"],
                         "outbound")

    def test_include_deleted(self):
        self.assertNotIn(self.deleted, self.ids({"include_deleted": "NO"}))
        self.assertEqual(self.ids({"include_deleted": "YES"}),
                         [self.spam_new, self.dlp, self.ci, self.news, self.deleted,
                          self.spam_old])
        body = self.ok("GET", "/v1/mails", {"include_deleted": "YES"})
        self.assertNotIn("email_is_deleted", body["mail_list"][4]["metadata"])
        self.sim.set(show_deleted_flag=True)
        body = self.ok("GET", "/v1/mails", {"include_deleted": "YES"})
        self.assertIs(body["mail_list"][4]["metadata"]["email_is_deleted"], True)
        self.assertNotIn("email_is_deleted", body["mail_list"][0]["metadata"])
        self.refused(400, "GET", "/v1/mails", {"include_deleted": "yes"})

    def test_after_before_milliseconds(self):
        self.assertEqual(self.ids({"after": NOW - 2 * DAY - 1}),
                         [self.spam_new, self.dlp, self.ci, self.news])
        # exclusive bounds by default
        self.assertEqual(self.ids({"after": NOW - 2 * DAY}), [self.spam_new, self.dlp, self.ci])
        self.assertEqual(self.ids({"before": NOW - DAY}), [self.news, self.spam_old])
        self.assertEqual(self.ids({"after": NOW - 2 * DAY, "before": NOW - HOUR}),
                         [self.dlp, self.ci])
        self.sim.set(time_bounds="inclusive")
        self.assertEqual(self.ids({"after": NOW - 2 * DAY, "before": NOW - HOUR}),
                         [self.spam_new, self.dlp, self.ci, self.news])
        # seconds are not milliseconds: after=NOW/1000 is 1970 in ms, so everything matches
        self.assertEqual(len(self.ids({"after": NOW // 1000})), 5)
        self.refused(400, "GET", "/v1/mails", {"after": "2024-10-06"})

    def test_clock(self):
        self.assertEqual(self.sim.now_ms, NOW)
        self.assertEqual(self.sim.advance(90), NOW + 90_000)
        late = self.sim.add_mail(ALICE, subject="late")
        self.assertEqual(self.sim.mail(ALICE, late)["received_ms"], NOW + 90_000)
        self.assertEqual(self.ids({"after": NOW}), [late])

    def test_view_subject_false_hides_the_subject(self):
        hidden = self.sim.add_mail(ALICE, subject="secret", actions={"view_subject": False})
        item = self.ok("GET", "/v1/mails")["mail_list"][0]
        self.assertEqual(item["id"], hidden)
        self.assertNotIn("email_subject", item["metadata"])
        self.assertIs(item["actions"]["view_subject"], False)

    def test_admin_parameters(self):
        # an ordinary user: ignored, or refused
        self.assertEqual(self.ids({"user": BOB}), self.ids())
        self.sim.set(admin_params="reject")
        self.refused(403, "GET", "/v1/mails", {"user": BOB})
        self.sim.add_user("admin@example.org", "pw", admin=True)
        admin = {"user": "admin@example.org", "password": "pw"}
        self.assertEqual(self.ids({"user": ALICE}, **admin),
                         [self.spam_new, self.dlp, self.ci, self.news, self.spam_old])
        self.assertEqual(self.ids({"admin_domain": "example.org"}, **admin), [self.bobs])
        self.assertEqual(len(self.ids({"admin_domain": "ALL"}, **admin)), 6)


# ---------------------------------------------------------------------------
# §5.1 the q search expression

class Query(SimTest):

    def q(self, expr):
        return self.ids({"q": expr})

    def test_single_terms(self):
        self.assertEqual(self.q("(email_subject:invoice)"), [self.spam_new, self.ci])
        self.assertEqual(self.q("(email_subject:INVOICE)"), [self.spam_new, self.ci])
        self.assertEqual(self.q("(email_subject:last chance)"), [self.spam_old])
        self.assertEqual(self.q("(email_sender:Shop Team)"), [self.spam_old])
        self.assertEqual(self.q("(email_envelope_sender:bounce-7781@mailer.example.net)"),
                         [self.spam_old])
        self.assertEqual(self.q("(email_envelope_recipient:alice@example.com)"),
                         self.ids())
        self.assertEqual(self.q("(dlp_message_id:dlp-77)"), [self.dlp])
        self.assertEqual(self.q("(email_subject:invo)"), [])

    def test_raw_fields_are_exact(self):
        self.assertEqual(self.q("(email_subject.raw:Last chance)"), [self.spam_old])
        self.assertEqual(self.q("(email_subject.raw:last chance)"), [])
        self.assertEqual(self.q("(email_subject.raw:Last)"), [])
        self.assertEqual(self.q("(email_envelope_sender.raw:x@cheap.example)"), [self.spam_new])
        self.assertEqual(self.q("(email_envelope_recipient.raw:alice@example.com)"), self.ids())

    def test_and_or_and_groups(self):
        self.assertEqual(self.q("(email_subject:invoice) AND (email_sender:cheap)"),
                         [self.spam_new])
        self.assertEqual(self.q("(email_subject:digest) OR (email_subject:report)"),
                         [self.dlp, self.news])
        # AND binds tighter than OR
        self.assertEqual(self.q("(email_subject:digest) OR (email_subject:invoice) AND "
                                "(email_sender:carol)"), [self.ci, self.news])
        self.assertEqual(self.q("((email_subject:digest) OR (email_subject:invoice)) AND "
                                "(email_sender:carol)"), [self.ci])

    def test_quotes_and_escapes(self):
        odd = self.sim.add_mail(ALICE, subject="Re: (urgent) pay", received_ms=NOW - 1)
        self.assertEqual(self.q('(email_subject.raw:"Re: (urgent) pay")'), [odd])
        self.assertEqual(self.q(r"(email_subject.raw:Re\: \(urgent\) pay)"), [odd])
        self.sim.set(q_escapes=False)
        self.refused(400, "GET", "/v1/mails", {"q": r"(email_subject.raw:Re\: \(urgent\) pay)"})
        self.sim.set(q_quotes=False)
        self.assertEqual(self.q('(email_subject:"pay")'), [odd])  # quotes are just characters
        self.refused(400, "GET", "/v1/mails", {"q": '(email_subject.raw:"Re: (urgent) pay")'})

    def test_wildcards(self):
        self.assertEqual(self.q("(email_subject:invo*)"), [])
        self.sim.set(q_wildcards=True)
        self.assertEqual(self.q("(email_subject:invo*)"), [self.spam_new, self.ci])
        self.assertEqual(self.q("(email_subject.raw:Last*)"), [self.spam_old])

    def test_bad_expressions_refused(self):
        for expr in ("invoice", "email_subject:invoice", "(subject:invoice)",
                     "(email_sender.raw:x)", "(email_subject:)", "(email_subject:a",
                     "(email_subject:a) and (email_subject:b)", "(email_subject:a) AND",
                     "(email_subject:a))"):
            body = self.refused(400, "GET", "/v1/mails", {"q": expr})
            self.assertTrue(body["message"].startswith("bad q: "), body)


# ---------------------------------------------------------------------------
# §9.5, §9.6, §9.7, §9.9 answer variants

class Variants(SimTest):

    def test_numbers_as_strings(self):
        self.sim.set(numbers_as_strings=True)
        body = self.ok("GET", "/v1/mails", {"page_size": 2})
        self.assertEqual([body[k] for k in ("start", "end", "total", *ALL_TYPES_COUNTS)],
                         ["0", "1", "5", "2", "1", "1", "0", "1", "2"])
        md = body["mail_list"][0]["metadata"]
        self.assertEqual((md["email_date_received"], md["email_size"], md["user_id"]),
                         (str(NOW - HOUR), "700", "17"))
        body = self.ok("GET", "/v1/users/whitelist")
        self.assertEqual((body["total"], body["start"], body["end"]), ("0", "0", "-1"))

    def test_booleans_as_strings_or_ints(self):
        self.sim.set(booleans_as="string")
        item = self.ok("GET", "/v1/mails")["mail_list"][2]
        self.assertEqual((item["metadata"]["email_is_viewed"], item["actions"]["release_message"],
                          item["actions"]["delete_message"]), ("false", "false", "true"))
        self.sim.set(booleans_as="int")
        item = self.ok("GET", "/v1/mails")["mail_list"][3]
        self.assertEqual((item["metadata"]["email_is_released"], item["actions"]["view_subject"]),
                         (1, 1))

    def test_missing_and_extra_fields(self):
        self.sim.set(omit_actions=True, omit_metadata=["email_size", "quarantine_info"])
        item = self.ok("GET", "/v1/mails")["mail_list"][0]
        self.assertNotIn("actions", item)
        self.assertNotIn("email_size", item["metadata"])
        self.assertNotIn("quarantine_info", item["metadata"])
        self.assertEqual(item["metadata"]["email_subject"], "Cheap invoice offer")
        self.sim.set(omit_actions=False, omit_metadata=(), extra_fields=True)
        body = self.ok("GET", "/v1/mails")
        self.assertIn("x_cloudsim_extra", body)
        self.assertIn("x_cloudsim_extra", body["mail_list"][0])
        self.assertIn("x_cloudsim_extra", body["mail_list"][0]["metadata"])
        self.assertIn("x_cloudsim_extra",
                      self.ok("GET", "/v1/mails/preview", {"q": self.spam_old})["details"])

    def test_insert_between_pages(self):
        self.sim.set(insert_between_pages=1)
        first = self.ids({"page_size": 3, "start_index": 0})
        second = self.ids({"page_size": 3, "start_index": 3})
        self.assertEqual(first, [self.spam_new, self.dlp, self.ci])
        # a new mail arrived on top: the second page repeats the last of the first
        self.assertEqual(second, [self.ci, self.news, self.spam_old])

    def test_retention(self):
        self.sim.set(retention_days=7)
        self.assertNotIn(self.spam_old, self.ids())
        self.assertIsNone(self.sim.mail(ALICE, self.spam_old))
        self.assertIsNotNone(self.sim.mail(ALICE, self.news))
        # a mail seeded deleted was deleted when received (5 days ago): past 3 days
        self.sim.set(retention_days=None, deleted_retention_days=3)
        self.assertNotIn(self.deleted, self.ids({"include_deleted": "YES"}))
        self.assertIsNone(self.sim.mail(ALICE, self.deleted))
        self.assertIn(self.news, self.ids({"include_deleted": "YES"}))

    def test_base64_ids_need_url_encoding(self):
        self.sim.set(id_style="base64")
        mid = self.sim.add_mail(ALICE, subject="odd id", received_ms=NOW)
        self.assertTrue({"+", "/", "="} <= set(mid), mid)
        self.assertEqual(self.ids()[0], mid)
        self.ok("GET", "/v1/mails/preview", {"q": mid})
        # the raw id in a query string: '+' reads as a space, so no such mail
        self.refused(404, "GET", "/v1/mails/preview", raw_target="/v1/mails/preview?q=" + mid)


class RetentionFix(SimTest):

    def test_deleted_retention_counts_from_deletion(self):
        self.ok("POST", "/v1/mails/delete", body=[self.spam_new])
        self.sim.set(deleted_retention_days=3)
        self.assertIn(self.spam_new, self.ids({"include_deleted": "YES"}))
        self.sim.advance(3 * 86400 + 1)
        self.assertNotIn(self.spam_new, self.ids({"include_deleted": "YES"}))
        self.assertIsNone(self.sim.mail(ALICE, self.spam_new))


# ---------------------------------------------------------------------------
# §5.2 preview

class Preview(SimTest):

    def test_shape(self):
        body = self.ok("GET", "/v1/mails/preview", {"q": self.spam_old})
        self.assertEqual(body, {"status": "SUCCESS", "details": {
            "headers": {"date": "Wed, 02 Oct 2024 04:37:01 +0000",
                        "from": "Shop Team <news@shop.example.net>", "to": ALICE,
                        "subject": "Last chance", "message-id": "<abc@shop.example.net>",
                        "content-type": "multipart/alternative;",
                        "x-spamquarantineinfo": "spam detected heuristically",
                        "received": "from c.example by a.example",
                        "mailfrom": "bounce-7781@mailer.example.net"},
            "attachments": [{"name": "offer.pdf", "type": "application/pdf"}],
            "bodypart": [{"type": 'text/plain; charset="UTF-8"', "content": "Buy now \u2014 50%"},
                         {"type": 'text/html; charset="UTF-8"',
                          "content": '<p onclick="x()">Buy</p><script>evil()</script>'}]}})

    def test_default_headers_from_the_fields(self):
        body = self.ok("GET", "/v1/mails/preview", {"q": self.spam_new})
        self.assertEqual(body["details"]["headers"], {
            "date": email.utils.formatdate((NOW - HOUR) / 1000, usegmt=True),
            "from": "Cheap <x@cheap.example>", "to": ALICE, "subject": "Cheap invoice offer",
            "message-id": "<004@cloudsim.invalid>",
            "content-type": 'text/plain; charset="UTF-8"', "mailfrom": "x@cheap.example"})
        self.assertEqual(body["details"]["attachments"], [])
        self.assertEqual(body["details"]["bodypart"],
                         [{"type": 'text/plain; charset="UTF-8"',
                           "content": "Cheap invoice offer\n"}])

    def test_marks_viewed(self):
        self.ok("GET", "/v1/mails/preview", {"q": self.spam_old})
        self.assertTrue(self.sim.mail(ALICE, self.spam_old)["viewed"])
        self.sim.set(preview_marks_viewed=False)
        self.ok("GET", "/v1/mails/preview", {"q": self.spam_new})
        self.assertFalse(self.sim.mail(ALICE, self.spam_new)["viewed"])

    def test_forbidden_unknown_missing(self):
        self.refused(403, "GET", "/v1/mails/preview", {"q": self.ci},
                     message="the policy does not allow a preview of this mail")
        self.assertFalse(self.sim.mail(ALICE, self.ci)["viewed"])
        self.refused(404, "GET", "/v1/mails/preview", {"q": "nope"}, message="no mail nope")
        self.refused(404, "GET", "/v1/mails/preview", {"q": self.bobs})
        self.refused(400, "GET", "/v1/mails/preview")

    def test_repeated_headers(self):
        def received():
            body = self.ok("GET", "/v1/mails/preview", {"q": self.spam_old})
            return body["details"]["headers"]["received"]
        self.assertEqual(received(), "from c.example by a.example")
        self.sim.set(repeated_headers="first")
        self.assertEqual(received(), "from a.example by b.example")
        self.sim.set(repeated_headers="join")
        self.assertEqual(received(), "from a.example by b.example\nfrom c.example by a.example")
        self.sim.set(repeated_headers="array")
        self.assertEqual(received(), ["from a.example by b.example",
                                      "from c.example by a.example"])

    def test_html_sanitised_and_truncated(self):
        self.sim.set(preview_html="sanitized")
        parts = self.ok("GET", "/v1/mails/preview", {"q": self.spam_old})["details"]["bodypart"]
        self.assertEqual(parts[1]["content"], "<p>Buy</p>")
        self.assertEqual(parts[0]["content"], "Buy now \u2014 50%")
        self.sim.set(preview_html="raw", preview_truncate=4)
        parts = self.ok("GET", "/v1/mails/preview", {"q": self.spam_old})["details"]["bodypart"]
        self.assertEqual([p["content"] for p in parts], ["Buy ", "<p o"])

    def test_charsets(self):
        mid = self.sim.add_mail(ALICE, bodyparts=[{"type": "text/plain; charset=iso-8859-1",
                                                   "content": "café"}])
        def part():
            return self.ok("GET", "/v1/mails/preview", {"q": mid})["details"]["bodypart"][0]
        self.assertEqual(part(), {"type": "text/plain; charset=iso-8859-1", "content": "café"})
        self.sim.set(preview_charset="utf8")
        self.assertEqual(part(), {"type": 'text/plain; charset="UTF-8"', "content": "café"})
        self.sim.set(preview_charset="undecoded")
        mid = self.sim.add_mail(ALICE, bodyparts=[{"type": "text/plain; charset=utf-8",
                                                   "content": "café"}])
        self.assertEqual(part(), {"type": "text/plain; charset=utf-8", "content": "cafÃ©"})


# ---------------------------------------------------------------------------
# §5.3 release, §5.4 delete

class Release(SimTest):

    def test_release_sets_state(self):
        body = self.ok("POST", "/v1/mails/release", body={"mail_list": [self.spam_old]})
        self.assertEqual(body, {"status": "SUCCESS"})
        state = self.sim.mail(ALICE, self.spam_old)
        self.assertEqual((state["released"], state["released_to"], state["release_count"]),
                         (True, ALICE, 1))
        self.assertEqual(self.sim.deliveries, [{"user": ALICE, "id": self.spam_old,
                                                "recipient": ALICE, "headers": {},
                                                "encrypt": False}])
        md = self.ok("GET", "/v1/mails")["mail_list"][4]["metadata"]
        self.assertEqual((md["email_is_released"], md["email_released_to"]), (True, "recipient"))
        self.sim.set(released_to="address")
        md = self.ok("GET", "/v1/mails")["mail_list"][4]["metadata"]
        self.assertEqual(md["email_released_to"], ALICE)

    def test_options(self):
        options = {"recipient": "other@example.com", "headers": {"x-header-1": "X-Foo: bar"},
                   "encrypt": True}
        self.ok("POST", "/v1/mails/release",
                body={"mail_list": [self.spam_old, self.spam_new], "options": options})
        self.assertEqual(self.sim.deliveries[1], {"user": ALICE, "id": self.spam_new,
                                                  "recipient": "other@example.com",
                                                  "headers": {"x-header-1": "X-Foo: bar"},
                                                  "encrypt": True})
        md = self.ok("GET", "/v1/mails")["mail_list"][0]["metadata"]
        self.assertEqual(md["email_released_to"], "other@example.com")
        self.refused(400, "POST", "/v1/mails/release",
                     body={"mail_list": [self.news], "options": {"headers": {"X-Foo": "bar"}}})

    def test_options_switch(self):
        self.sim.set(release_options="reject")
        self.refused(403, "POST", "/v1/mails/release",
                     body={"mail_list": [self.news], "options": {"encrypt": True}})
        self.ok("POST", "/v1/mails/release", body={"mail_list": [self.spam_new]})
        self.sim.set(release_options="ignore")
        self.ok("POST", "/v1/mails/release", body={"mail_list": [self.spam_old],
                                                    "options": {"recipient": "x@example.com"}})
        self.assertEqual(self.sim.mail(ALICE, self.spam_old)["released_to"], ALICE)

    def test_forbidden_release_changes_nothing(self):
        self.refused(403, "POST", "/v1/mails/release", body={"mail_list": [self.spam_new, self.ci]},
                     message="the policy does not allow this for mail 002")
        self.assertFalse(self.sim.mail(ALICE, self.spam_new)["released"])
        self.assertFalse(self.sim.mail(ALICE, self.ci)["released"])
        self.assertEqual(self.sim.deliveries, [])

    def test_bad_bodies(self):
        for body in ([self.spam_new], {}, {"mail_list": []}, {"mail_list": self.spam_new},
                     {"mail_list": [1]}, {"mail_list": [self.spam_new], "options": []}):
            self.refused(400, "POST", "/v1/mails/release", body=body)
        self.refused(400, "POST", "/v1/mails/release", body=b"{not json",
                     message="the body is not JSON")
        self.assertFalse(self.sim.mail(ALICE, self.spam_new)["released"])

    def test_unknown_ids(self):
        body = self.ok("POST", "/v1/mails/release", body={"mail_list": [self.spam_new, "nope"]})
        self.assertEqual(body, {"status": "SUCCESS"})
        self.assertTrue(self.sim.mail(ALICE, self.spam_new)["released"])
        self.sim.set(unknown_ids="reject")
        body = self.refused(404, "POST", "/v1/mails/release",
                            body={"mail_list": [self.spam_old, self.deleted]})
        self.assertEqual(body["failed_ids"], [self.deleted])
        self.assertFalse(self.sim.mail(ALICE, self.spam_old)["released"])
        self.sim.set(unknown_ids="partial")
        r = self.call("POST", "/v1/mails/release", body={"mail_list": [self.spam_old, "nope"]})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json(), {"status": "FAILURE", "message": "some ids were not found",
                                    "failed_ids": ["nope"]})
        self.assertTrue(self.sim.mail(ALICE, self.spam_old)["released"])

    def test_batch_limit(self):
        self.sim.set(batch_limit=2)
        self.refused(400, "POST", "/v1/mails/release",
                     body={"mail_list": [self.spam_new, self.spam_old, self.news]},
                     message="at most 2 ids per request")
        self.ok("POST", "/v1/mails/release", body={"mail_list": [self.spam_new, self.spam_old]})
        self.refused(400, "POST", "/v1/mails/delete",
                     body=[self.spam_new, self.spam_old, self.news])

    def test_rerelease(self):
        self.ok("POST", "/v1/mails/release", body={"mail_list": [self.news]})
        self.assertEqual(self.sim.mail(ALICE, self.news)["release_count"], 2)
        self.sim.set(rerelease="reject")
        self.refused(409, "POST", "/v1/mails/release", body={"mail_list": [self.news]},
                     message="already released: 001")
        self.assertEqual(self.sim.mail(ALICE, self.news)["release_count"], 2)


class Delete(SimTest):

    def test_bare_array_marks_deleted(self):
        body = self.ok("POST", "/v1/mails/delete", body=[self.spam_new, self.news])
        self.assertEqual(body, {"status": "SUCCESS"})
        self.assertEqual(self.sim.requests[-1].json(), [self.spam_new, self.news])
        state = self.sim.mail(ALICE, self.spam_new)
        self.assertEqual((state["deleted"], state["deleted_ms"]), (True, NOW))
        self.assertEqual(self.ids(), [self.dlp, self.ci, self.spam_old])
        self.assertEqual(self.ok("GET", "/v1/mails")["total"], 3)
        self.assertEqual(self.ids({"include_deleted": "YES"}),
                         [self.spam_new, self.dlp, self.ci, self.news, self.deleted,
                          self.spam_old])
        # deleting again is harmless
        self.ok("POST", "/v1/mails/delete", body=[self.spam_new])

    def test_object_body_refused(self):
        self.refused(400, "POST", "/v1/mails/delete", body={"mail_list": [self.spam_new]},
                     message="the body must be a bare array of mail ids")
        self.refused(400, "POST", "/v1/mails/delete", body=[])
        self.assertFalse(self.sim.mail(ALICE, self.spam_new)["deleted"])

    def test_delete_forbidden(self):
        locked = self.sim.add_mail(ALICE, type="CO", actions={"delete_message": False})
        self.refused(403, "POST", "/v1/mails/delete", body=[locked, self.spam_new])
        self.assertFalse(self.sim.mail(ALICE, locked)["deleted"])
        self.assertFalse(self.sim.mail(ALICE, self.spam_new)["deleted"])

    def test_other_users_mail_is_unknown(self):
        self.ok("POST", "/v1/mails/delete", body=[self.bobs])
        self.assertFalse(self.sim.mail(BOB, self.bobs)["deleted"])
        self.sim.set(unknown_ids="reject")
        self.refused(404, "POST", "/v1/mails/delete", body=[self.bobs])


# ---------------------------------------------------------------------------
# §5.5, §5.6 allow/block lists

class Lists(SimTest):

    def setUp(self):
        super().setUp()
        self.partner = self.sim.add_list_item(ALICE, "whitelist", "partner.example",
                                              "our supplier", date_created=NOW - 2 * DAY)
        self.colleague = self.sim.add_list_item(ALICE, "whitelist", "bob@example.org",
                                                "colleague", date_created=NOW - DAY,
                                                date_amended=NOW - HOUR)
        self.blocked = self.sim.add_list_item(ALICE, "blacklist", "spam.example", "junk",
                                              date_created=NOW - 3 * DAY)

    def merge(self, which="whitelist", **fields):
        body = {"action": "MERGE", "suduls_user": ALICE, **fields}
        return self.ok("POST", f"/v1/users/{which}", body=body)

    def test_list_shape(self):
        body = self.ok("GET", "/v1/users/whitelist")
        self.assertEqual(body, {"status": "SUCCESS", "total": 2, "start": 0, "end": 1, "items": [
            {"id": self.colleague, "value": "bob@example.org", "type": "email",
             "description": "colleague", "date_created": "2024-10-05T09:20:41Z",
             "date_amended": "2024-10-06T08:20:41Z"},
            {"id": self.partner, "value": "partner.example", "type": "domain",
             "description": "our supplier", "date_created": "2024-10-04T09:20:41Z",
             "date_amended": "2024-10-04T09:20:41Z"}]})
        body = self.ok("GET", "/v1/users/blacklist")
        self.assertEqual([i["id"] for i in body["items"]], [self.blocked])
        self.assertEqual(self.ok("GET", "/v1/users/whitelist", user=BOB,
                                 password="bob's password")["items"], [])

    def test_list_parameters(self):
        def ids(query):
            return [i["id"] for i in self.ok("GET", "/v1/users/whitelist", query)["items"]]
        self.assertEqual(ids({"sort_order": "asc"}), [self.partner, self.colleague])
        self.assertEqual(ids({"sort_column": "type", "sort_order": "asc"}),
                         [self.partner, self.colleague])
        self.assertEqual(ids({"sort_column": "description", "sort_order": "desc"}),
                         [self.partner, self.colleague])
        self.assertEqual(ids({"q": "PARTNER"}), [self.partner])
        self.assertEqual(ids({"from_date": NOW - DAY - 1}), [self.colleague])
        self.assertEqual(ids({"to_date": NOW - DAY - 1}), [self.partner])
        self.assertEqual(ids({"page_size": 1, "start_index": 1}), [self.partner])
        self.refused(400, "GET", "/v1/users/whitelist", {"sort_column": "value"})
        self.sim.set(suduls_date_unit="s")
        self.assertEqual(ids({"from_date": (NOW - DAY) // 1000 - 1}), [self.colleague])

    def test_date_formats(self):
        def created():
            return self.ok("GET", "/v1/users/blacklist")["items"][0]["date_created"]
        self.sim.set(suduls_date_format="text")
        self.assertEqual(created(), "2024-10-03 09:20:41")
        self.sim.set(suduls_date_format="ms")
        self.assertEqual(created(), NOW - 3 * DAY)
        self.sim.set(suduls_date_format="s")
        self.assertEqual(created(), (NOW - 3 * DAY) // 1000)
        self.sim.set(numbers_as_strings=True)
        self.assertEqual(created(), str((NOW - 3 * DAY) // 1000))

    def test_merge_adds_with_derived_type(self):
        self.sim.advance(60)
        self.assertEqual(self.merge(email_or_domain="new.example",
                                    description="added by Quarantine Desk"),
                         {"status": "SUCCESS"})
        self.merge("blacklist", email_or_domain="eve@evil.example", description="")
        items = self.sim.list_items(ALICE, "whitelist")
        self.assertEqual({k: items[-1][k] for k in ("value", "type", "description",
                                                    "date_created", "date_amended")},
                         {"value": "new.example", "type": "domain",
                          "description": "added by Quarantine Desk",
                          "date_created": NOW + 60_000, "date_amended": NOW + 60_000})
        self.assertEqual(self.sim.list_items(ALICE, "blacklist")[-1]["type"], "email")
        self.assertEqual(self.sim.requests[-1].json(),
                         {"action": "MERGE", "suduls_user": ALICE,
                          "email_or_domain": "eve@evil.example", "description": ""})
        self.sim.set(suduls_return_id=True)
        body = self.merge(email_or_domain="third.example", description="x")
        self.assertEqual(body["id"], self.sim.list_items(ALICE, "whitelist")[-1]["id"])

    def test_merge_updates_by_id(self):
        self.sim.advance(60)
        self.merge(suduls_itemId=self.colleague, email_or_domain="example.org",
                   description="the whole domain")
        item = [i for i in self.sim.list_items(ALICE, "whitelist") if i["id"] == self.colleague]
        self.assertEqual(item, [{"id": self.colleague, "value": "example.org", "type": "domain",
                                 "description": "the whole domain",
                                 "date_created": NOW - DAY, "date_amended": NOW + 60_000}])
        self.assertEqual(len(self.sim.list_items(ALICE, "whitelist")), 2)
        self.refused(404, "POST", "/v1/users/whitelist",
                     body={"action": "MERGE", "suduls_user": ALICE, "suduls_itemId": "nope",
                           "email_or_domain": "a.example", "description": ""})
        # an id of the other list is not this list's
        self.refused(404, "POST", "/v1/users/whitelist",
                     body={"action": "MERGE", "suduls_user": ALICE,
                           "suduls_itemId": self.blocked, "email_or_domain": "a.example",
                           "description": ""})

    def test_delete_by_item_id(self):
        self.assertEqual(self.ok("POST", "/v1/users/whitelist",
                                 body={"action": "DELETE", "suduls_itemId": self.partner}),
                         {"status": "SUCCESS"})
        self.assertEqual([i["id"] for i in self.sim.list_items(ALICE, "whitelist")],
                         [self.colleague])
        self.refused(404, "POST", "/v1/users/whitelist",
                     body={"action": "DELETE", "suduls_itemId": self.partner},
                     message=f"no item {self.partner}")
        self.refused(400, "POST", "/v1/users/blacklist", body={"action": "DELETE"})
        self.refused(400, "POST", "/v1/users/blacklist",
                     body={"action": "REMOVE", "suduls_itemId": self.blocked})
        self.refused(400, "POST", "/v1/users/blacklist", body=[self.blocked])
        self.assertEqual(len(self.sim.list_items(ALICE, "blacklist")), 1)

    def test_suduls_user(self):
        other = {"action": "MERGE", "suduls_user": BOB, "email_or_domain": "a.example",
                 "description": ""}
        self.refused(403, "POST", "/v1/users/whitelist", body=other)
        self.assertEqual(self.sim.list_items(BOB, "whitelist"), [])
        self.sim.set(suduls_other_user="allow")
        self.ok("POST", "/v1/users/whitelist", body=other)
        self.assertEqual([i["value"] for i in self.sim.list_items(BOB, "whitelist")],
                         ["a.example"])
        bare = {"action": "MERGE", "email_or_domain": "b.example", "description": ""}
        self.refused(400, "POST", "/v1/users/whitelist", body=bare,
                     message="suduls_user is required")
        self.sim.set(suduls_user_required=False)
        self.ok("POST", "/v1/users/whitelist", body=bare)
        self.assertEqual(self.sim.list_items(ALICE, "whitelist")[-1]["value"], "b.example")

    def test_duplicates(self):
        self.merge(email_or_domain="Partner.example", description="again")
        items = self.sim.list_items(ALICE, "whitelist")
        self.assertEqual(len(items), 2)
        self.assertEqual([i["description"] for i in items if i["id"] == self.partner], ["again"])
        self.sim.set(suduls_duplicates="duplicate")
        self.merge(email_or_domain="partner.example", description="twice")
        self.assertEqual(len(self.sim.list_items(ALICE, "whitelist")), 3)
        self.sim.set(suduls_duplicates="reject")
        self.refused(409, "POST", "/v1/users/whitelist",
                     body={"action": "MERGE", "suduls_user": ALICE,
                           "email_or_domain": "bob@example.org", "description": ""})

    def test_both_lists(self):
        self.merge(email_or_domain="spam.example", description="")  # allowed by default
        self.assertEqual(len(self.sim.list_items(ALICE, "blacklist")), 1)
        self.assertEqual(self.sim.list_items(ALICE, "whitelist")[-1]["value"], "spam.example")
        self.sim.set(suduls_both_lists="reject")
        self.refused(409, "POST", "/v1/users/blacklist",
                     body={"action": "MERGE", "suduls_user": ALICE,
                           "email_or_domain": "partner.example", "description": ""},
                     message="partner.example is on the whitelist")
        self.sim.set(suduls_both_lists="move")
        self.merge("blacklist", email_or_domain="partner.example", description="")
        self.assertEqual([i["value"] for i in self.sim.list_items(ALICE, "whitelist")],
                         ["bob@example.org", "spam.example"])
        self.assertEqual([i["value"] for i in self.sim.list_items(ALICE, "blacklist")],
                         ["spam.example", "partner.example"])

    def test_validation(self):
        def bad(value, **extra):
            self.refused(400, "POST", "/v1/users/whitelist",
                         body={"action": "MERGE", "suduls_user": ALICE,
                               "email_or_domain": value, "description": "", **extra})
        for value in ("", "nodot", "a@", "@example.com", "a b@example.com", "*@example.com",
                      "*.example.com", "x" * 250 + ".com", 7):
            bad(value)
        self.sim.set(suduls_wildcards=True)
        self.merge(email_or_domain="*@example.com", description="")
        self.merge(email_or_domain="*.example.com", description="")
        self.assertEqual([i["type"] for i in self.sim.list_items(ALICE, "whitelist")][-2:],
                         ["email", "domain"])
        self.sim.set(suduls_description_required=True)
        self.refused(400, "POST", "/v1/users/whitelist",
                     body={"action": "MERGE", "suduls_user": ALICE,
                           "email_or_domain": "c.example"}, message="description is required")
        self.sim.set(suduls_max_items=4)
        self.refused(400, "POST", "/v1/users/whitelist",
                     body={"action": "MERGE", "suduls_user": ALICE,
                           "email_or_domain": "c.example", "description": ""})
        self.assertEqual(len(self.sim.list_items(ALICE, "whitelist")), 4)


# ---------------------------------------------------------------------------
# §10 switches: failures, 429, 5xx, slow, dropped; content type

class Faults(SimTest):

    def test_failure_with_http_200(self):
        self.sim.add_fault("failure", path="/v1/mails")
        r = self.call("GET", "/v1/mails")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json(), {"status": "FAILURE", "message": "simulated failure"})
        self.ok("GET", "/v1/mails")
        self.sim.add_fault("failure", status_value="ERROR", method="POST")
        self.ok("GET", "/v1/mails")  # the fault waits for a POST
        r = self.call("POST", "/v1/mails/delete", body=[self.spam_new])
        self.assertEqual(r.json()["status"], "ERROR")
        self.assertFalse(self.sim.mail(ALICE, self.spam_new)["deleted"])

    def test_failure_status_switch(self):
        self.sim.set(failure_status="ERROR")
        r = self.call("GET", "/v1/mails/preview", {"q": "nope"})
        self.assertEqual((r.status, r.json()["status"]), (200, "ERROR"))

    def test_429_with_retry_after(self):
        self.sim.add_fault(429, times=2)
        for _ in range(2):
            r = self.call("GET", "/v1/mails")
            self.assertEqual(r.status, 429)
            self.assertEqual(r.headers["Retry-After"], "30")
            self.assertEqual(r.json(), {"status": "FAILURE", "code": 429,
                                        "message": "simulated fault"})
        self.ok("GET", "/v1/mails")
        self.sim.set(retry_after_format="http-date", retry_after=120)
        self.sim.add_fault(429)
        r = self.call("GET", "/v1/mails")
        self.assertEqual(r.headers["Retry-After"],
                         email.utils.formatdate(NOW / 1000 + 120, usegmt=True))

    def test_5xx(self):
        self.sim.add_fault(503, path="/v1/mails/release")
        self.sim.add_fault(500)
        r = self.call("POST", "/v1/mails/release", body={"mail_list": [self.spam_new]})
        self.assertEqual((r.status, r.headers["Retry-After"]), (503, "30"))
        self.assertFalse(self.sim.mail(ALICE, self.spam_new)["released"])
        self.sim.set(error_body="html")
        r = self.call("GET", "/v1/mails")
        self.assertEqual((r.status, r.headers["Retry-After"]), (500, None))
        self.assertIn(b"<h1>500 simulated fault</h1>", r.body)
        self.sim.add_fault(502, retry_after=None, times=None)
        for _ in range(3):
            self.assertEqual(self.call("GET", "/v1/users/whitelist").status, 502)
        self.sim.faults.clear()
        self.ok("GET", "/v1/users/whitelist")

    def test_rate_limit(self):
        self.sim.set(rate_limit=(2, 60))
        self.ok("GET", "/v1/mails")
        self.ok("GET", "/v1/mails")
        r = self.call("GET", "/v1/mails")
        self.assertEqual((r.status, r.headers["Retry-After"]), (429, "60"))
        self.sim.advance(59)
        self.assertEqual(self.call("GET", "/v1/mails").headers["Retry-After"], "1")
        self.sim.advance(1)
        self.ok("GET", "/v1/mails")

    def test_slow_responses(self):
        self.sim.set(delay=0.4)
        began = time.monotonic()
        self.ok("GET", "/v1/mails")
        self.assertGreaterEqual(time.monotonic() - began, 0.4)
        self.sim.set(delay=0.0)
        self.sim.add_fault("delay", delay=0.4)
        began = time.monotonic()
        self.ok("GET", "/v1/mails")
        self.assertGreaterEqual(time.monotonic() - began, 0.4)
        began = time.monotonic()
        self.ok("GET", "/v1/mails")
        self.assertLess(time.monotonic() - began, 0.4)
        # a client with a shorter timeout gives up
        self.sim.add_fault("delay", delay=1.5)
        conn = self.sim.connection(timeout=0.5)
        with self.assertRaises(TimeoutError):
            conn.request("GET", "/v1/mails")
            conn.getresponse()
        conn.close()

    def test_dropped_connection(self):
        self.sim.add_fault("drop", path="/v1/mails/delete")
        with self.assertRaises(http.client.RemoteDisconnected):
            self.call("POST", "/v1/mails/delete", body=[self.spam_new])
        self.assertFalse(self.sim.mail(ALICE, self.spam_new)["deleted"])
        self.ok("POST", "/v1/mails/delete", body=[self.spam_new])

    def test_chunked_body(self):
        context = ssl.create_default_context(cafile=self.sim.ca_file)
        conn = http.client.HTTPSConnection("127.0.0.1", self.sim.port, context=context,
                                           timeout=10)
        token = base64.b64encode(f"{ALICE}:{PW}".encode()).decode()
        try:
            conn.request("POST", "/v1/mails/delete", body=iter([b'["00', b'4"]']),
                         headers={"Authorization": "Basic " + token,
                                  "Content-Type": "application/json"}, encode_chunked=True)
            r = conn.getresponse()
            self.assertEqual((r.status, json.loads(r.read())), (200, {"status": "SUCCESS"}))
        finally:
            conn.close()
        self.assertEqual(self.sim.requests[-1].headers["transfer-encoding"], "chunked")
        self.assertTrue(self.sim.mail(ALICE, self.spam_new)["deleted"])

    def test_strict_content_type(self):
        self.ok("POST", "/v1/mails/delete", body=json.dumps([self.spam_new]).encode())
        self.sim.set(strict_content_type=True)
        r = self.call("POST", "/v1/mails/delete", body=json.dumps([self.spam_old]).encode())
        self.assertEqual(r.status, 415)
        self.ok("POST", "/v1/mails/delete", body=[self.spam_old])

    def test_unknown_switch_or_value(self):
        with self.assertRaises(ValueError):
            self.sim.set(no_such_switch=True)
        with self.assertRaises(ValueError):
            self.sim.set(error_body="xml")
        with self.assertRaises(ValueError):
            self.sim.add_fault("explode")


# ---------------------------------------------------------------------------
# state files and the process

class Process(SimTest):

    def test_state_round_trip(self):
        self.ok("POST", "/v1/mails/release", body={"mail_list": [self.spam_old]})
        self.sim.set(numbers_as_strings=True)
        state = json.loads(json.dumps(self.sim.dump_state()))
        copy = CloudSim(state=state)
        self.assertEqual(copy.dump_state(), state)
        self.assertTrue(copy.mail(ALICE, self.spam_old)["released"])
        self.assertTrue(copy.switches.numbers_as_strings)

    def test_state_faults(self):
        copy = CloudSim(state={"faults": [{"kind": 503, "path": "/v1/mails", "retry_after": 2},
                                          {"kind": "drop", "times": None}]})
        self.assertEqual([(f.kind, f.path, f.times, f.retry_after) for f in copy.faults],
                         [(503, "/v1/mails", 1, 2), ("drop", None, None, None)])
        self.assertNotIn("faults", copy.dump_state())

    def test_serve_command(self):
        with tempfile.TemporaryDirectory(prefix="qd-cloudsim-serve-") as tmp:
            state, saved = Path(tmp) / "state.json", Path(tmp) / "saved.json"
            state.write_text(json.dumps({
                "now_ms": NOW, "switches": {"numbers_as_strings": True},
                "users": [{"username": ALICE, "password": PW,
                           "mails": [{"id": "m1", "type": "NEWSLETTER", "subject": "Hi"}],
                           "whitelist": [{"value": "partner.example", "description": "s"}]}]}))
            proc = subprocess.Popen([sys.executable, str(HERE / "cloudsim.py"), "serve",
                                     "--state", str(state), "--save", str(saved)],
                                    stdout=subprocess.PIPE, text=True)
            try:
                ready = json.loads(proc.stdout.readline())
                self.assertTrue(ready["url"].startswith("https://127.0.0.1:"), ready)
                self.assertEqual(ready["hosts"], {"eu": EU_HOST, "us": US_HOST})
                context = ssl.create_default_context(cafile=ready["ca_file"])
                conn = http.client.HTTPSConnection("127.0.0.1", ready["port"], context=context,
                                                   timeout=10)
                token = base64.b64encode(f"{ALICE}:{PW}".encode()).decode()
                conn.request("GET", "/v1/mails", headers={"Authorization": "Basic " + token})
                body = json.loads(conn.getresponse().read())
                self.assertEqual((body["total"], body["mail_list"][0]["id"],
                                  body["newsletter_count"]), ("1", "m1", "1"))
                conn.request("POST", "/v1/mails/delete", body=b'["m1"]',
                             headers={"Authorization": "Basic " + token,
                                      "Content-Type": "application/json"})
                self.assertEqual(json.loads(conn.getresponse().read()), {"status": "SUCCESS"})
                conn.close()
            finally:
                proc.send_signal(signal.SIGTERM)
                self.assertEqual(proc.wait(timeout=30), 0)
                proc.stdout.close()
            dump = json.loads(saved.read_text())
            self.assertTrue(dump["users"][0]["mails"][0]["deleted"])
            self.assertEqual(dump["users"][0]["whitelist"][0]["value"], "partner.example")
            self.assertFalse(Path(ready["ca_file"]).exists())


if __name__ == "__main__":
    h.require("openssl")
    unittest.main(verbosity=2)
