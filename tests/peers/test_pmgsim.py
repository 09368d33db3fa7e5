#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PMG simulator held to its specification's checklist (§11), over real TLS."""

import base64
import gzip
import json
import os
import re
import socket
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
import pmgsim  # noqa: E402

FAST = 0.05          # auth_fail_delay for every test that does not measure it

SPAM = (b"Received: from mx.example.net\n"
        b"From: Shop Team <news@shop.example.net>\n"
        b"To: Alice.Smith@example.com\n"
        b"Subject: Last chance\n"
        b"\n"
        b"Dear customer\n")


def spam(subject="Last chance", sender=None, from_="Shop Team <news@shop.example.net>",
         body=b"Dear customer\n"):
    head = f"From: {from_}\nSubject: {subject}\n"
    if sender:
        head += f"Sender: {sender}\n"
    return head.encode() + b"\n" + body


class Resp:
    def __init__(self, proto, status, reason, headers, body):
        self.proto, self.status, self.reason = proto, status, reason
        self.headers, self.body = headers, body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<{self.proto} {self.status} {self.reason!r} {self.body[:300]!r}>"


class Conn:
    """One TLS connection, the server's certificate pinned by SHA-256."""

    def __init__(self, port, pin):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        raw = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.sock = ctx.wrap_socket(raw)
        got = pmgsim.fingerprint_of(self.sock.getpeercert(binary_form=True))
        if got != pin:
            self.sock.close()
            raise ssl.SSLError(f"pin mismatch: {got} != {pin}")
        self.file = self.sock.makefile("rb")

    def close(self):
        self.file.close()
        self.sock.close()

    def send(self, data: bytes):
        self.sock.sendall(data)

    def request(self, method, target, headers=(), body=None, ticket=None, csrf=None,
                form=None, js=None):
        lines = [f"{method} {target} HTTP/1.1", "Host: pmg.example.com:8006"]
        if ticket:
            lines.append("Cookie: PMGAuthCookie=" + urllib.parse.quote(ticket, safe=""))
        if csrf:
            lines.append(f"CSRFPreventionToken: {csrf}")
        if form is not None:
            body = form.encode() if isinstance(form, str) else urllib.parse.urlencode(form).encode()
            lines.append("Content-Type: application/x-www-form-urlencoded")
        if js is not None:
            body = json.dumps(js).encode()
            lines.append("Content-Type: application/json")
        lines += list(headers)
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b""))
        return self.response(head=method == "HEAD")

    def response(self, head=False):
        status = self.file.readline().decode("latin-1").rstrip("\r\n")
        m = re.fullmatch(r"(HTTP/\d\.\d) (\d{3}) (.*)", status)
        if not m:
            raise AssertionError(f"bad status line {status!r}")
        headers = {}
        while True:
            line = self.file.readline().decode("latin-1")
            if line in ("\r\n", "\n", ""):
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        body = self.file.read(length) if length else b""
        return Resp(m.group(1), int(m.group(2)), m.group(3), headers, body)

    def closed(self, wait=4.0):
        """True when the server closed the connection within WAIT seconds
        (below the simulator's 5-second idle timeout)."""
        self.sock.settimeout(wait)
        try:
            return self.file.read(1) == b""
        except (ConnectionError, ssl.SSLError):
            return True
        except TimeoutError:
            return False


class SimTest(unittest.TestCase):
    """One simulator per class; each test gets its own users."""

    sim_kw = {"auth_fail_delay": FAST}

    @classmethod
    def setUpClass(cls):
        cls.sim = pmgsim.PmgSim(**cls.sim_kw).start()
        cls.addClassCleanup(cls.sim.stop)

    _n = 0

    def setUp(self):
        self.saved = {k: getattr(self.sim, k) for k in
                      ("version_text", "body_limit", "sendlink", "lifetime", "view_images")}
        self.addCleanup(lambda: [setattr(self.sim, k, v) for k, v in self.saved.items()])
        SimTest._n += 1
        self.domain = f"d{SimTest._n}.example.com"
        self.pmail = f"alice@{self.domain}"
        self.sim.add_user(self.pmail, "s3cret pass", aliases=[f"Alice.Smith@{self.domain}"])
        self.other = f"bob@{self.domain}"
        self.sim.add_user(self.other, "bobpw")

    def conn(self):
        c = Conn(self.sim.port, self.sim.fingerprint)
        self.addCleanup(c.close)
        return c

    def call(self, method, target, **kw):
        return self.conn().request(method, target, **kw)

    def login(self, username=None, password="s3cret pass"):
        r = self.call("POST", "/api2/json/access/ticket",
                      form={"username": username or self.pmail, "password": password})
        self.assertEqual(r.status, 200, r)
        return r.json()["data"]

    def session(self, pmail=None):
        own = pmail in (None, self.pmail)
        d = self.login(pmail or self.pmail, "s3cret pass" if own else "bobpw")
        return d["ticket"], d["CSRFPreventionToken"]

    def add(self, raw=SPAM, receiver=None, **kw):
        return self.sim.add_mail(raw, receiver or self.pmail, **kw)

    # assertions with the whole answer in the message
    def assertAnswer(self, r, status, reason, conn=None):
        self.assertEqual((r.status, r.reason), (status, reason), r)
        if conn is not None:
            error = status >= 400
            self.assertEqual(conn.closed(4.0 if error else 1.0), error,
                             "connection left open" if error else "connection closed after success")

    def assertJsonError(self, r, status, message, errors=None):
        self.assertEqual((r.status, r.reason), (status, message.split("\n")[0]), r)
        self.assertEqual(r.headers.get("content-type"), "application/json;charset=UTF-8")
        expected = {"data": None, "message": message}
        if errors is not None:
            expected["errors"] = errors
        self.assertEqual(r.json(), expected)

    def assertParamError(self, r, errors):
        self.assertJsonError(r, 400, "Parameter verification failed.\n", errors)

    def assertAuthStage(self, r, reason):
        self.assertEqual((r.status, r.reason), (401, reason), r)
        self.assertEqual(r.body, b"")
        self.assertNotIn("content-type", r.headers)


# ---------------------------------------------------------------------------
# Transport and encoding

class Transport(SimTest):

    def test_tls_self_signed_cn_is_the_node_name(self):
        out = subprocess.run(["openssl", "x509", "-noout", "-subject", "-issuer", "-ext",
                              "subjectAltName", "-in", str(self.sim.cert_path)],
                             capture_output=True, text=True, check=False).stdout
        self.assertIn("subject=CN = pmg", out)
        self.assertIn("issuer=CN = pmg", out)
        self.assertNotIn("Alternative Name", out)
        self.assertRegex(self.sim.fingerprint, r"^([A-F0-9]{2}:){31}[A-F0-9]{2}$")
        raw = socket.create_connection(("127.0.0.1", self.sim.port), timeout=20)
        with self.assertRaises(ssl.SSLCertVerificationError):
            ssl.create_default_context().wrap_socket(raw, server_hostname="127.0.0.1")
        raw.close()

    def test_swapped_certificate_breaks_the_pin(self):
        old = self.sim.fingerprint
        new = self.sim.swap_certificate()
        self.assertNotEqual(old, new)
        with self.assertRaisesRegex(ssl.SSLError, "pin mismatch"):
            Conn(self.sim.port, old)
        r = self.call("GET", "/api2/json/access/ticket")
        self.assertEqual(r.json(), {"data": None})

    def test_plain_http_is_redirected_to_https(self):
        for method, code, reason in (("GET", 301, "Moved Permanently"),
                                     ("POST", 308, "Permanent Redirect")):
            with socket.create_connection(("127.0.0.1", self.sim.port), timeout=20) as s:
                s.sendall(f"{method} /api2/json/version HTTP/1.1\r\nHost: pmg:8006\r\n"
                          "Content-Length: 0\r\n\r\n".encode())
                data = b""
                while chunk := s.recv(4096):
                    data += chunk
            self.assertTrue(data.startswith(f"HTTP/1.1 {code} {reason}\r\n".encode()), data)
            self.assertIn(b"Location: https://pmg:8006/api2/json/version\r\n", data)

    def test_unknown_path_and_method_are_501_with_json(self):
        ticket, csrf = self.session()
        c = self.conn()
        r = c.request("GET", "/api2/json/quarantine/foo", ticket=ticket)
        self.assertJsonError(r, 501, "Method 'GET /quarantine/foo' not implemented\n")
        self.assertTrue(c.closed())
        r = self.call("PUT", "/api2/json/quarantine/content", ticket=ticket, csrf=csrf)
        self.assertJsonError(r, 501, "Method 'PUT /quarantine/content' not implemented\n")
        r = self.call("GET", "/api2/htmlmail/version", ticket=ticket)
        self.assertJsonError(r, 501, "Method 'GET /version' not implemented\n")
        r = self.call("GET", "/api2/json/version", ticket=ticket)
        self.assertEqual(r.status, 200, r)
        r = self.call("GET", "/version", ticket=ticket)
        self.assertEqual(r.status, 404, r)

    def test_other_methods_are_501(self):
        for method in ("HEAD", "PATCH", "OPTIONS"):
            c = self.conn()
            r = c.request(method, "/api2/json/access/ticket")
            self.assertAnswer(r, 501, f"method '{method}' not available", c)

    def test_chunked_body_is_501(self):
        c = self.conn()
        c.send(b"POST /api2/json/access/ticket HTTP/1.1\r\nHost: x\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n5\r\nab=cd\r\n0\r\n\r\n")
        self.assertAnswer(c.response(), 501, "chunked transfer encoding not supported", c)

    def test_body_limit_512_and_64_kib(self):
        for limit in (512 * 1024, 64 * 1024):
            self.sim.body_limit = limit
            body = b"username=x&password=" + b"a" * (limit - 20)
            self.assertEqual(len(body), limit)
            r = self.call("POST", "/api2/json/access/ticket", body=body)
            self.assertJsonError(r, 401, "authentication failure\n")
            c = self.conn()             # answered before the body is read
            c.send(b"POST /api2/json/access/ticket HTTP/1.1\r\nHost: x\r\n"
                   b"Content-Length: %d\r\n\r\n" % (limit + 1))
            r = c.response()
            self.assertAnswer(r, 501, "for data too large", c)
            self.assertEqual(r.headers["content-type"], "text/plain;charset=UTF-8")
            self.assertEqual(r.body, b"for data too large")

    def test_body_on_get_or_delete_is_501(self):
        ticket, csrf = self.session()
        for method in ("DELETE", "GET"):
            c = self.conn()
            r = c.request(method, "/api2/json/quarantine/welcomelist?address=a%40b.example",
                          ticket=ticket, csrf=csrf, body=b"x=1")
            self.assertAnswer(r, 501, f"Unexpected content for method '{method}'", c)
            self.assertFalse(r.body.startswith(b"{"))

    def test_unsupported_content_type_is_506(self):
        c = self.conn()
        r = c.request("POST", "/api2/json/access/ticket", body=b"username=a",
                      headers=["Content-Type: text/plain; charset=UTF-8"])
        self.assertAnswer(r, 506, "upload 'Content-Type 'text/plain' not implemented", c)
        r = self.call("POST", "/api2/json/access/ticket",
                      body=f"username={self.pmail}&password=s3cret+pass".encode(),
                      headers=["Content-Type: application/x-www-form-urlencoded; charset=UTF-8"])
        self.assertEqual(r.status, 200, r)

    def test_http_2_is_506(self):
        c = self.conn()
        c.send(b"GET /api2/json/version HTTP/2.0\r\nHost: x\r\n\r\n")
        r = c.response()
        self.assertEqual((r.proto, r.status, r.reason),
                         ("HTTP/1.0", 506, "http protocol version 2.0 not supported"))
        self.assertTrue(c.closed())

    def test_form_pairs_split_on_semicolon_too(self):
        ticket, csrf = self.session()
        a, b = self.add(), self.add()
        r = self.call("POST", "/api2/json/quarantine/content", ticket=ticket, csrf=csrf,
                      form=f"id={a.id};{b.id}&action=delete")
        self.assertParamError(r, {b.id: pmgsim.MSG_UNKNOWN})
        self.assertEqual(self.sim.mails[a.id].state, "new")
        r = self.call("POST", "/api2/json/quarantine/content", ticket=ticket, csrf=csrf,
                      form=f"id={a.id}%3B{b.id}&action=delete")
        self.assertEqual(r.json(), {"data": None})
        self.assertEqual((self.sim.mails[a.id].state, self.sim.mails[b.id].state),
                         ("deleted", "deleted"))

    def test_plus_is_a_space_and_query_overrides_body(self):
        r = self.call("POST", "/api2/json/access/ticket",
                      form=f"username={self.pmail}&password=s3cret+pass")
        self.assertEqual(r.status, 200, r)
        r = self.call("POST", "/api2/json/access/ticket?password=s3cret%20pass",
                      form=f"username={self.pmail}&password=wrong")
        self.assertEqual(r.status, 200, r)
        r = self.call("POST", "/api2/json/access/ticket?password=wrong",
                      form=f"username={self.pmail}&password=s3cret+pass")
        self.assertJsonError(r, 401, "authentication failure\n")

    def test_json_body_and_dc(self):
        r = self.call("POST", "/api2/json/access/ticket",
                      js={"username": self.pmail, "password": "s3cret pass"})
        self.assertEqual(r.json()["data"]["username"], f"{self.pmail}@quarantine")
        ticket, csrf = self.session()
        a = self.add()
        r = self.call("POST", "/api2/json/quarantine/content", ticket=ticket, csrf=csrf,
                      js={"id": a.id, "action": "deliver"})
        self.assertEqual(r.json(), {"data": None})
        self.assertEqual(self.sim.mails[a.id].state, "delivered")
        r = self.call("GET", f"/api2/json/quarantine/content?id={self.add().id}&_dc=1718000000",
                      ticket=ticket)
        self.assertEqual(r.status, 200, r)
        c = self.conn()
        r = c.request("POST", "/api2/json/access/ticket", body=b'{"username":',
                      headers=["Content-Type: application/json"])
        self.assertEqual(r.status, 500, r)
        self.assertEqual(r.headers["content-type"], "text/plain;charset=UTF-8")
        self.assertTrue(c.closed())

    def test_duplicate_keys_fail(self):
        ticket, _ = self.session()
        a = self.add()
        r = self.call("GET", f"/api2/json/quarantine/content?id={a.id}&id={a.id}", ticket=ticket)
        self.assertParamError(r, {"id": "type check ('string') failed - got ARRAY"})

    def test_strict_validation_texts(self):
        ticket, csrf = self.session()
        a = self.add()
        get = lambda q: self.call("GET", "/api2/json/quarantine/" + q, ticket=ticket)  # noqa: E731
        self.assertParamError(get(f"content?id={a.id}&foo=1"), {"foo": pmgsim.MSG_UNKNOWN})
        self.assertParamError(get("content"), {"id": pmgsim.MSG_MISSING})
        for bad in (f"x{a.id}", f"{a.id}x", "C1R2"):
            self.assertParamError(get(f"content?id={bad}"),
                                  {"id": "value does not match the regex pattern"})
        self.assertParamError(get("content?id=C1R1T" + "1" * 56),
                              {"id": "value may only be 60 characters long"})
        self.assertParamError(get("content?id=" + "x" * 61),
                              {"id": "value does not match the regex pattern\\n"
                                     "value may only be 60 characters long"})
        self.assertParamError(get(f"content?id={a.id}&raw=true"),
                              {"raw": "type check ('boolean') failed - got 'true'"})
        self.assertParamError(get("spam?starttime=abc"),
                              {"starttime": "type check ('integer') failed - got 'abc'"})
        self.assertParamError(get("spam?starttime=-1"),
                              {"starttime": "value must have a minimum value of 0"})
        r = self.call("POST", "/api2/json/quarantine/content", ticket=ticket, csrf=csrf,
                      form={"id": a.id, "action": "x"})
        self.assertParamError(r, {"action": "value 'x' does not have a value in the enumeration "
                                            "'welcomelist, blocklist, whitelist, blacklist, "
                                            "deliver, delete, mark-seen, mark-unseen'"})
        self.assertEqual(get(f"content?id={a.id}&raw=1").status, 200)
        self.assertEqual(get(f"content?id={a.id}&raw=0").status, 200)

    def test_reason_is_first_line_and_errors_close(self):
        ticket, _ = self.session()
        c = self.conn()
        r = c.request("GET", "/api2/json/quarantine/content?id=C0R999999T1", ticket=ticket)
        self.assertAnswer(r, 500, "no such mail (C0R999999T1)")
        self.assertEqual(r.json()["message"], "no such mail (C0R999999T1)\n")
        self.assertEqual(r.headers["connection"], "close")
        self.assertTrue(c.closed())

    def test_keep_alive_after_success_with_fixed_headers(self):
        ticket, _ = self.session()
        c = self.conn()
        for _ in range(3):
            r = c.request("GET", "/api2/json/version", ticket=ticket)
            self.assertAnswer(r, 200, "OK")
            self.assertEqual(r.headers["server"], "pve-api-daemon/3.0")
            self.assertEqual(r.headers["cache-control"], "max-age=0")
            self.assertEqual(r.headers["pragma"], "no-cache")
            self.assertIn("expires", r.headers)
            self.assertEqual(r.headers["content-type"], "application/json;charset=UTF-8")
        self.assertFalse(c.closed(1.0))

    def test_100_requests_per_connection_and_idle_timeout(self):
        c = self.conn()
        for n in range(1, 101):
            r = c.request("GET", "/api2/json/access/ticket")
            self.assertEqual((r.status, r.headers["connection"]),
                             (200, "close" if n == 100 else "Keep-Alive"), n)
        self.assertTrue(c.closed())
        self.sim.idle_timeout = 0.5
        self.addCleanup(setattr, self.sim, "idle_timeout", 5.0)
        c = self.conn()
        self.assertEqual(c.request("GET", "/api2/json/access/ticket").status, 200)
        start = time.monotonic()
        self.assertTrue(c.closed())
        self.assertLess(time.monotonic() - start, 3.0)

    def test_refused_peer_gets_no_response(self):
        self.sim.refuse_connections = True
        self.addCleanup(setattr, self.sim, "refuse_connections", False)
        with self.assertRaises((ssl.SSLError, ConnectionError)):
            self.conn()

    def test_gzip_when_accepted_and_large(self):
        ticket, _ = self.session()
        for n in range(8):
            self.add(age=100 + n)
        plain = self.call("GET", "/api2/json/quarantine/spam", ticket=ticket)
        self.assertNotIn("content-encoding", plain.headers)
        self.assertGreater(len(plain.body), 1024)
        r = self.call("GET", "/api2/json/quarantine/spam", ticket=ticket,
                      headers=["Accept-Encoding: gzip"])
        self.assertEqual(r.headers["content-encoding"], "gzip")
        self.assertEqual(gzip.decompress(r.body), plain.body)
        r = self.call("GET", "/api2/json/version", ticket=ticket,
                      headers=["Accept-Encoding: gzip"])
        self.assertNotIn("content-encoding", r.headers)


# ---------------------------------------------------------------------------
# Authentication

class Authentication(SimTest):

    def test_login_realm_and_aliases(self):
        d = self.login(self.pmail)
        self.assertEqual((d["username"], d["role"]), (f"{self.pmail}@quarantine", "quser"))
        self.assertRegex(d["ticket"], rf"^PMG:{re.escape(self.pmail)}@quarantine:"
                                      r"[0-9A-F]{8}::[A-Za-z0-9+/]+={0,2}$")
        self.assertRegex(d["CSRFPreventionToken"], r"^[0-9A-F]{8}:[A-Za-z0-9+/]+$")
        d = self.login(f"alice.smith@{self.domain}")
        self.assertEqual(d["username"], f"{self.pmail}@quarantine")
        d = self.login(f"{self.pmail}@quarantine")
        self.assertEqual(d["username"], f"{self.pmail}@quarantine")
        r = self.call("POST", "/api2/json/access/ticket",
                      form={"username": self.pmail, "password": "s3cret pass", "realm": "pmg"})
        self.assertJsonError(r, 401, "authentication failure\n")

    def test_wrong_password_and_long_username(self):
        c = self.conn()
        r = c.request("POST", "/api2/json/access/ticket",
                      form={"username": self.pmail, "password": "nope"})
        self.assertJsonError(r, 401, "authentication failure\n")
        self.assertTrue(c.closed())
        r = self.call("POST", "/api2/json/access/ticket",
                      form={"username": "a" * 53 + "@example.com", "password": "x"})
        self.assertParamError(r, {"username": "value may only be 64 characters long"})
        r = self.call("POST", "/api2/json/access/ticket", form={"username": self.pmail})
        self.assertParamError(r, {"password": pmgsim.MSG_MISSING})

    def test_second_factor_is_announced_and_its_ticket_refused(self):
        self.sim.add_user(f"tfa@{self.domain}", "pw", tfa=True)
        d = self.login(f"tfa@{self.domain}", "pw")
        self.assertEqual(d["NeedTFA"], 1)
        self.assertTrue(d["ticket"].startswith("PMG:!tfa!"), d)
        r = self.call("GET", "/api2/json/version", ticket=d["ticket"])
        self.assertAuthStage(r, "permission denied - invalid PMG ticket")

    def test_no_set_cookie(self):
        r = self.call("POST", "/api2/json/access/ticket",
                      form={"username": self.pmail, "password": "s3cret pass"})
        self.assertNotIn("set-cookie", r.headers)

    def test_pmg_ticket_lifetime_and_skew(self):
        userid = f"{self.pmail}@quarantine"
        now = self.sim.now
        for issued, ok in ((now - 7190, True), (now - 7210, False),
                           (now + 290, True), (now + 310, False)):
            r = self.call("GET", "/api2/json/version",
                          ticket=self.sim.mint_ticket(userid, issued))
            if ok:
                self.assertEqual(r.status, 200, (issued - now, r))
            else:
                self.assertAuthStage(r, "permission denied - invalid PMG ticket")
        r = self.call("GET", "/api2/json/version",
                      ticket=self.sim.mint_ticket(userid, forged=True))
        self.assertAuthStage(r, "permission denied - invalid PMG ticket")
        r = self.call("GET", "/api2/json/version", ticket="garbage")
        self.assertAuthStage(r, "permission denied - invalid PMG ticket")

    def test_clock_expires_a_ticket(self):
        ticket, _ = self.session()
        self.sim.advance(7201)
        self.addCleanup(self.sim.advance, -7201)
        r = self.call("GET", "/api2/json/version", ticket=ticket)
        self.assertAuthStage(r, "permission denied - invalid PMG ticket")

    def test_renewal(self):
        userid = f"{self.pmail}@quarantine"
        old = self.sim.mint_ticket(userid, self.sim.now - 3600)
        d = self.login(userid, old)
        self.assertNotEqual(d["ticket"], old)
        self.assertEqual(d["username"], userid)
        self.assertEqual(self.sim.verify_ticket(d["ticket"]), userid)
        self.assertEqual(self.login(self.pmail, old)["username"], userid)
        for username, ticket in ((userid, self.sim.mint_ticket(userid, self.sim.now - 7300)),
                                 (f"{self.other}@quarantine", old)):
            r = self.call("POST", "/api2/json/access/ticket",
                          form={"username": username, "password": ticket})
            self.assertJsonError(r, 401, "authentication failure\n")

    def test_pmgquar_login_and_direct_use(self):
        quar = self.sim.mint_quarantine_ticket(self.pmail)
        self.assertRegex(quar, rf"^PMGQUAR:{re.escape(self.pmail)}:[0-9A-F]{{8}}::"
                               r"[A-Za-z0-9+/]+={0,2}$")
        d = self.login(self.pmail, quar)
        self.assertEqual(d["ticket"], quar)
        self.assertEqual((d["username"], d["role"]), (f"{self.pmail}@quarantine", "quser"))
        a = self.add(age=100)
        r = self.call("GET", "/api2/json/quarantine/spam", ticket=quar)
        self.assertEqual([m["id"] for m in r.json()["data"]], [a.id])
        r = self.call("POST", "/api2/json/quarantine/content", ticket=quar,
                      csrf=d["CSRFPreventionToken"], form={"id": a.id, "action": "delete"})
        self.assertEqual(r.json(), {"data": None})
        r = self.call("POST", "/api2/json/access/ticket",
                      form={"username": self.other, "password": quar})
        self.assertJsonError(r, 401, "authentication failure\n")

    def test_pmgquar_lifetime_skew_and_forgery(self):
        now, life = self.sim.now, self.sim.lifetime * 86400
        cases = ((now - life + 30, True), (now - life - 30, False), (now + 10, True),
                 (now + 30, False))
        for issued, ok in cases:
            quar = self.sim.mint_quarantine_ticket(self.pmail, issued)
            r = self.call("GET", "/api2/json/version", ticket=quar)
            if ok:
                self.assertEqual(r.status, 200, (issued - now, r))
            else:
                self.assertAuthStage(r, "permission denied - invalid PMGQUAR ticket")
        self.sim.lifetime = 1
        quar = self.sim.mint_quarantine_ticket(self.pmail, now - 86400 - 30)
        self.assertAuthStage(self.call("GET", "/api2/json/version", ticket=quar),
                             "permission denied - invalid PMGQUAR ticket")
        for quar in (self.sim.mint_quarantine_ticket(self.pmail, expired=True),
                     self.sim.mint_quarantine_ticket(self.pmail, forged=True)):
            self.assertAuthStage(self.call("GET", "/api2/json/version", ticket=quar),
                                 "permission denied - invalid PMGQUAR ticket")
            r = self.call("POST", "/api2/json/access/ticket",
                          form={"username": self.pmail, "password": quar})
            self.assertJsonError(r, 401, "authentication failure\n")

    def test_report_links(self):
        a = self.add()
        quar = self.sim.mint_quarantine_ticket(self.pmail)
        link = urllib.parse.urlsplit(self.sim.report_link(self.pmail, ticket=quar))
        self.assertEqual((link.scheme, link.netloc, link.path),
                         ("https", f"127.0.0.1:{self.sim.port}", "/quarantine"))
        self.assertEqual(urllib.parse.parse_qs(link.query), {"ticket": [quar]})
        link = self.sim.report_link(self.pmail, a, action="deliver", ticket=quar)
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
        self.assertEqual(q["cselect"], [a.id])
        self.assertEqual(q["action"], ["deliver"])
        self.assertRegex(q["date"][0], r"^\d{4}-\d\d-\d\d$")
        link = self.sim.report_link(self.pmail, ticket=quar, double_encoded=True)
        once = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["ticket"][0]
        self.assertTrue(once.startswith("PMGQUAR%3A"), once)
        self.assertEqual(urllib.parse.unquote(once), quar)
        self.assertEqual(self.login(self.pmail, urllib.parse.unquote(once))["ticket"], quar)

    def test_cookie_and_authorization(self):
        ticket, _ = self.session()
        for header in (f"Cookie: PMGAuthCookie={urllib.parse.quote(ticket, safe='')}",
                       f"Cookie: PMGAuthCookie={ticket}",
                       f"Cookie: a=b; PMGAuthCookie={urllib.parse.quote(ticket, safe='')}; c=d",
                       f"Authorization: PMGAuthCookie={ticket}",
                       f"Authorization: PMGAuthCookie {ticket}"):
            r = self.call("GET", "/api2/json/version", headers=[header])
            self.assertEqual(r.status, 200, (header, r))
        r = self.call("GET", "/api2/json/version",
                      headers=["Authorization: Bearer " + ticket])
        self.assertAuthStage(r, "No ticket")

    def test_csrf(self):
        ticket, csrf = self.session()
        other_ticket, other_csrf = self.session(self.other)
        userid = f"{self.pmail}@quarantine"
        a = self.add()
        post = lambda token: self.call(  # noqa: E731
            "POST", "/api2/json/quarantine/welcomelist", ticket=ticket, csrf=token,
            form={"address": "x@y.example"})
        for token in (None, other_csrf, self.sim.mint_csrf(userid, self.sim.now - 7210),
                      self.sim.mint_csrf(userid, self.sim.now + 310), "00000000:abc"):
            self.assertAuthStage(post(token), "Permission denied - invalid csrf token")
        self.assertEqual(self.sim.list_of(self.pmail, "WL"), [])
        self.assertEqual(post(self.sim.mint_csrf(userid, self.sim.now - 7190)).status, 200)
        self.assertEqual(post(csrf).json(), {"data": None})
        self.assertEqual(self.call("GET", f"/api2/json/quarantine/content?id={a.id}",
                                   ticket=ticket).status, 200)
        r = self.call("DELETE", "/api2/json/quarantine/welcomelist?address=x%40y.example",
                      ticket=ticket)
        self.assertAuthStage(r, "Permission denied - invalid csrf token")
        r = self.call("POST", "/api2/json/access/ticket", ticket=ticket,
                      form={"username": self.pmail, "password": ticket})
        self.assertEqual(r.status, 200, r)

    def test_auth_stage_texts(self):
        r = self.call("GET", "/api2/json/quarantine/spam")
        self.assertAuthStage(r, "No ticket")
        r = self.call("GET", "/api2/json/version",
                      ticket=self.sim.mint_quarantine_ticket(self.pmail, forged=True))
        self.assertAuthStage(r, "permission denied - invalid PMGQUAR ticket")
        c = self.conn()
        r = c.request("GET", "/api2/json/version", ticket="PMG:x@quarantine:00000000::AAAA")
        self.assertAuthStage(r, "permission denied - invalid PMG ticket")
        self.assertTrue(c.closed())


class AuthDelay(SimTest):
    """The spec's delay, at its default of 3 s."""

    sim_kw = {}

    def test_auth_stage_failure_waits_3_s(self):
        self.assertEqual(self.sim.auth_fail_delay, 3.0)
        c = self.conn()
        start = time.monotonic()
        r = c.request("GET", "/api2/json/version")
        self.assertGreaterEqual(time.monotonic() - start, 2.9)
        self.assertAuthStage(r, "No ticket")
        self.assertTrue(c.closed())

    def test_login_failure_is_padded_to_3_s_but_not_400(self):
        start = time.monotonic()
        r = self.call("POST", "/api2/json/access/ticket",
                      form={"username": self.pmail, "password": "nope"})
        self.assertGreaterEqual(time.monotonic() - start, 2.9)
        self.assertJsonError(r, 401, "authentication failure\n")
        start = time.monotonic()
        r = self.call("POST", "/api2/json/access/ticket", form={"username": "a" * 65,
                                                                "password": "x"})
        self.assertLess(time.monotonic() - start, 2.0)
        self.assertEqual(r.status, 400, r)


# ---------------------------------------------------------------------------
# Quarantine data

class Quarantine(SimTest):

    def spam_list(self, ticket, query=""):
        r = self.call("GET", "/api2/json/quarantine/spam" + query, ticket=ticket)
        self.assertEqual(r.status, 200, r)
        return r.json()["data"]

    def test_records_and_ids(self):
        made = self.sim.add_mail_for(SPAM, [f"Alice.Smith@{self.domain}", self.other])
        ids = [re.fullmatch(r"C(\d+)R(\d+)T(\d+)", m.id) for m in made]
        self.assertTrue(all(ids), made)
        self.assertEqual(ids[0][1], ids[1][1])
        self.assertEqual(ids[0][2], ids[1][2])
        self.assertEqual(int(ids[1][3]), int(ids[0][3]) + 1)
        self.assertLess(int(ids[0][3]), 1 << 28)
        self.assertEqual((made[0].pmail, made[0].receiver),
                         (self.pmail, f"Alice.Smith@{self.domain}"))
        self.assertEqual((made[0].state, made[0].seen), ("new", 0))
        ticket, _ = self.session()
        item, = self.spam_list(ticket)
        self.assertEqual(item["receiver"], f"Alice.Smith@{self.domain}")
        self.assertEqual(item["pmail"], self.pmail)

    def content(self, ticket, mail_id):
        r = self.call("GET", f"/api2/json/quarantine/content?id={mail_id}", ticket=ticket)
        self.assertEqual(r.status, 200, r)
        return r.json()["data"]

    def test_default_window_and_bounds(self):
        ticket, csrf = self.session()
        now = int(self.sim.now)
        inside = self.add(time=now - 86390)
        self.add(time=now - 86410)                 # before the default start
        newest = self.add(time=now - 5)
        self.assertEqual([m["id"] for m in self.spam_list(ticket)], [inside.id, newest.id])
        self.assertEqual([m["id"] for m in self.spam_list(ticket, f"?endtime={now + 10}")],
                         [inside.id, newest.id])   # start stays now − 24 h
        start = now - 86390
        got = self.spam_list(ticket, f"?starttime={start}")
        self.assertEqual([m["id"] for m in got], [inside.id, newest.id])
        got = self.spam_list(ticket, f"?starttime={start + 1}&endtime={now - 5}")
        self.assertEqual(got, [])                  # start inclusive, end exclusive
        got = self.spam_list(ticket, f"?starttime={start}&endtime={now - 4}")
        self.assertEqual([m["id"] for m in got], [inside.id, newest.id])
        self.assertEqual(self.spam_list(ticket, f"?starttime={now}&endtime={now - 100}"), [])

    def test_only_new_own_ascending(self):
        ticket, csrf = self.session()
        late, early = self.add(age=100), self.add(age=200)
        handled = self.add(age=150)
        self.add(receiver=self.other, age=120)
        self.call("POST", "/api2/json/quarantine/content", ticket=ticket, csrf=csrf,
                  form={"id": handled.id, "action": "delete"})
        self.assertEqual([m["id"] for m in self.spam_list(ticket)], [early.id, late.id])
        r = self.call("GET", f"/api2/json/quarantine/spam?pmail={urllib.parse.quote(self.other)}",
                      ticket=ticket)
        self.assertParamError(r, {"pmail": "parameter not allowed with role 'quser'"})
        r = self.call("GET", f"/api2/json/quarantine/spam?pmail={self.pmail.upper()}",
                      ticket=ticket)
        self.assertParamError(r, {"pmail": "parameter not allowed with role 'quser'"})
        self.assertEqual(len(self.spam_list(ticket, f"?pmail={self.pmail}")), 2)

    def test_fields_per_version(self):
        ticket, _ = self.session()
        rules = [{"name": "BAYES_99", "score": 3.5, "desc": "Bayes"},
                 {"name": "R2", "score": 6.96}, {"name": "R3", "score": -1.2}]
        plain = self.add(spamlevel=9, spaminfo=rules)
        self.add(spam(sender="Other <list@lists.example.org>"), age=30)
        base = {"id", "time", "bytes", "envelope_sender", "from", "subject", "receiver",
                "spamlevel"}
        expect = {"8.2.3": base, "9.0.1": base, "9.0.7": base,
                  "9.0.8": base | {"spamlevel_positive", "spamlevel_negative", "seen"},
                  "9.0.9": base | {"score-positive", "score-negative", "seen"},
                  "9.0.10": base | {"score-positive", "score-negative", "seen", "pmail"},
                  "9.1": base | {"score-positive", "score-negative", "seen", "pmail"}}
        for version, keys in expect.items():
            self.sim.version = version
            first, second = self.spam_list(ticket)
            self.assertEqual(set(first), keys, version)
            self.assertEqual(set(second), keys | {"sender"}, version)
        self.assertEqual(first["id"], plain.id)
        self.assertEqual(second["sender"], "Other <list@lists.example.org>")
        self.assertEqual((first["from"], first["subject"], first["bytes"], first["spamlevel"]),
                         ("Shop Team <news@shop.example.net>", "Last chance", len(SPAM), 9))
        self.assertIsInstance(first["time"], int)
        self.assertEqual((first["score-positive"], first["score-negative"], first["seen"]),
                         (10.46, -1.2, 0))
        self.add(spam(sender="Shop Team <news@shop.example.net>"), age=10)
        self.assertNotIn("sender", self.spam_list(ticket)[-1])
        self.add(spam(subject="=?UTF-8?B?w6k=?="), age=7)
        self.assertEqual(self.spam_list(ticket)[-1]["subject"], "\u00e9")    # decoded
        self.add(subject="=?UTF-8?B?w6k=?= given", sender="S <s@x.example>", age=5)
        self.assertEqual((self.spam_list(ticket)[-1]["subject"],
                          self.spam_list(ticket)[-1]["sender"]),
                         ("=?UTF-8?B?w6k=?= given", "S <s@x.example>"))

    def test_content(self):
        ticket, csrf = self.session()
        body = b"".join(b"line %04d of the body, to be long enough\n" % n for n in range(200))
        a = self.add(spam(body=body), spaminfo=[{"name": "R1", "score": 2.0}])
        d = self.content(ticket, a.id)
        self.assertEqual(d["header"], "From: Shop Team <news@shop.example.net>\n"
                                      "Subject: Last chance\n\n")
        self.assertTrue(d["content"].endswith("\n... mail truncated (> 4096 bytes)\n"))
        kept = d["content"][:-len(pmgsim.TRUNCATE_MARK)]
        self.assertGreaterEqual(len(kept), 4096)
        self.assertLess(len(kept), 4096 + 42)
        self.assertTrue(body.decode().startswith(kept))
        self.assertEqual(d["spaminfo"], [{"name": "R1", "score": 2.0, "desc": "-"}])
        self.assertEqual(d["file"], a.file)
        d = self.call("GET", f"/api2/json/quarantine/content?id={a.id}&raw=1",
                      ticket=ticket).json()["data"]
        self.assertEqual(d["content"], body.decode())
        self.call("POST", "/api2/json/quarantine/content", ticket=ticket, csrf=csrf,
                  form={"id": a.id, "action": "deliver"})
        r = self.call("GET", f"/api2/json/quarantine/content?id={a.id}", ticket=ticket)
        self.assertEqual(r.status, 200, r)

    def test_content_charset_and_foreign_mail(self):
        ticket, _ = self.session()
        a = self.add(b"From: a@b.example\nContent-Type: text/plain; charset=ISO-8859-1\n\n"
                     b"caf\xe9\n")
        d = self.content(ticket, a.id)
        self.assertEqual(d["content"], "caf\u00e9\n")
        foreign = self.add(receiver=self.other)
        c = self.conn()
        r = c.request("GET", f"/api2/json/quarantine/content?id={foreign.id}", ticket=ticket)
        self.assertJsonError(r, 403, "Permission check failed (mail does not belong to user "
                                     f"'{self.pmail}@quarantine' ({self.other}))\n")
        self.assertTrue(c.closed())
        r = self.call("GET", "/api2/json/quarantine/content?id=C0R0T0", ticket=ticket)
        self.assertJsonError(r, 500, "no such mail (C0R0T0)\n")

    def test_htmlmail(self):
        ticket, _ = self.session()
        a = self.add(b"From: a@b.example\nContent-Type: text/html\n\n"
                     b"<p>Hi<script>alert(1)</script><img src=\"http://t.example/x.png\"></p>\n")
        r = self.call("GET", f"/api2/htmlmail/quarantine/content?id={a.id}", ticket=ticket)
        self.assertEqual((r.status, r.headers["content-type"]), (200, "text/html;charset=UTF-8"))
        self.assertIn(b"<p>Hi", r.body)
        self.assertNotIn(b"<script", r.body)
        c = self.conn()
        r = c.request("GET", "/api2/htmlmail/quarantine/content?id=C0R0T1", ticket=ticket)
        self.assertAnswer(r, 500, "no such mail (C0R0T1)", c)
        self.assertEqual(r.headers["content-type"], "text/plain;charset=UTF-8")
        self.assertEqual(r.body, b"Error 500: no such mail (C0R0T1)\n")
        foreign = self.add(receiver=self.other)
        r = self.call("GET", f"/api2/htmlmail/quarantine/content?id={foreign.id}", ticket=ticket)
        self.assertEqual(r.status, 403)
        self.assertTrue(r.body.startswith(b"Error 403: Permission check failed (mail does not"))

    def test_images_parameter_and_external_images(self):
        ticket, _ = self.session()
        a = self.add(b"From: a@b.example\nContent-Type: text/html\n\n"
                     b"<p>x<img src=\"https://t.example/p.png\"></p>\n")
        url = f"/api2/json/quarantine/content?id={a.id}&images=1"
        self.assertNotIn("external_images",
                         self.call("GET", url, ticket=ticket).json()["data"])
        self.sim.view_images = "on-demand"
        self.assertEqual(self.call("GET", url, ticket=ticket).json()["data"]["external_images"], 1)
        r = self.call("GET", f"/api2/htmlmail/quarantine/content?id={a.id}", ticket=ticket)
        self.assertNotIn(b"https://t.example/p.png", r.body)
        r = self.call("GET", f"/api2/htmlmail/quarantine/content?id={a.id}&images=1",
                      ticket=ticket)
        self.assertIn(b"https://t.example/p.png", r.body)
        self.sim.version = "9.0.7"
        self.assertParamError(self.call("GET", url, ticket=ticket),
                              {"images": pmgsim.MSG_UNKNOWN})

    MULTI = (b"From: Shop <news@shop.example.net>\nSubject: invoice\nMIME-Version: 1.0\n"
             b"Content-Type: multipart/mixed; boundary=XX\n\n--XX\n"
             b"Content-Type: text/plain\n\nhello\n--XX\n"
             b"Content-Type: application/pdf\nContent-Disposition: attachment; filename=inv.pdf\n"
             b"Content-Transfer-Encoding: base64\n\n" + base64.b64encode(b"%PDF-1.4 fake") +
             b"\n--XX--\n")

    def test_listattachments_and_download(self):
        ticket, _ = self.session()
        a = self.add(self.MULTI)
        r = self.call("GET", f"/api2/json/quarantine/listattachments?id={a.id}", ticket=ticket)
        self.assertEqual(r.json()["data"], [
            {"id": 0, "name": "part-0", "size": 5, "content-type": "text/plain",
             "content-disposition": None},
            {"id": 1, "name": "inv.pdf", "size": 13, "content-type": "application/pdf",
             "content-disposition": "attachment"}])
        for query in ("", "&attachmentid=0"):
            r = self.call("GET", f"/api2/json/quarantine/download?mailid={a.id}{query}",
                          ticket=ticket)
            self.assertEqual((r.status, r.headers["content-type"], r.body),
                             (200, "message/rfc822", self.MULTI))
            self.assertNotIn("content-disposition", r.headers)
        r = self.call("GET", f"/api2/json/quarantine/download?mailid={a.id}&attachmentid=1",
                      ticket=ticket)
        self.assertEqual((r.headers["content-type"], r.body), ("application/pdf", b"%PDF-1.4 fake"))
        r = self.call("GET", f"/api2/json/quarantine/download?mailid={a.id}&attachmentid=2",
                      ticket=ticket)
        self.assertParamError(r, {"attachmentid": "Invalid Attachment ID for Mail."})
        single = self.add()
        r = self.call("GET", f"/api2/json/quarantine/listattachments?id={single.id}",
                      ticket=ticket)
        self.assertEqual([p["id"] for p in r.json()["data"]], [0])

    def test_download_last_modified_304(self):
        ticket, _ = self.session()
        a = self.add(time=1718000000)
        c = self.conn()
        r = c.request("GET", f"/api2/json/quarantine/download?mailid={a.id}", ticket=ticket)
        self.assertEqual(r.headers["last-modified"], "Mon, 10 Jun 2024 06:13:20 GMT")
        r = c.request("GET", f"/api2/json/quarantine/download?mailid={a.id}", ticket=ticket,
                      headers=[f"If-Modified-Since: {r.headers['last-modified']}"])
        self.assertAnswer(r, 304, "Not Modified")
        self.assertEqual(r.body, b"")
        r = c.request("GET", f"/api2/json/quarantine/download?mailid={a.id}", ticket=ticket,
                      headers=["If-Modified-Since: Mon, 10 Jun 2024 06:13:19 GMT"])
        self.assertEqual((r.status, r.body), (200, SPAM))
        self.assertFalse(c.closed(1.0))

    def act(self, ticket, csrf, ids, action):
        return self.call("POST", "/api2/json/quarantine/content", ticket=ticket, csrf=csrf,
                         form={"id": ";".join(ids), "action": action})

    def test_batch_stops_at_first_error(self):
        ticket, csrf = self.session()
        a, b = self.add(), self.add()
        foreign = self.add(receiver=self.other)
        r = self.act(ticket, csrf, [a.id, foreign.id, b.id], "deliver")
        self.assertEqual(r.status, 403, r)
        self.assertEqual((a.state, foreign.state, b.state), ("delivered", "new", "new"))
        r = self.act(ticket, csrf, [b.id, "C0R0T0", a.id], "delete")
        self.assertJsonError(r, 500, "no such mail (C0R0T0)\n")
        self.assertEqual((b.state, a.state), ("deleted", "delivered"))

    def test_handled_mail_is_a_silent_success(self):
        ticket, csrf = self.session()
        a = self.add()
        for _ in range(2):
            self.assertEqual(self.act(ticket, csrf, [a.id, a.id], "deliver").json(), {"data": None})
        self.assertEqual([d[0] for d in self.sim.delivered].count(a.id), 1)
        self.assertEqual(self.act(ticket, csrf, [a.id], "delete").json(), {"data": None})
        self.assertEqual(a.state, "delivered")

    def test_handled_mail_is_delivered_again_before_8_1_7(self):
        ticket, csrf = self.session()
        a = self.add()
        self.sim.version = "8.1.6"
        for _ in range(2):
            self.assertEqual(self.act(ticket, csrf, [a.id], "deliver").status, 200)
        self.assertEqual([d[0] for d in self.sim.delivered].count(a.id), 2)

    def test_list_actions(self):
        ticket, csrf = self.session()
        a = self.add(spam(sender="List <list@lists.example.org>"))
        b = self.add(spam(from_='"Evil, Eve" <eve@evil.example>, x@y.example'))
        self.sim.lists[self.pmail] = {"WL": [], "BL": ["list@lists.example.org"]}
        self.assertEqual(self.act(ticket, csrf, [a.id], "welcomelist").status, 200)
        self.assertEqual(a.state, "delivered")
        self.assertEqual(self.sim.list_of(self.pmail, "WL"), ["list@lists.example.org"])
        self.assertEqual(self.sim.list_of(self.pmail, "BL"), [])
        self.assertEqual(self.act(ticket, csrf, [b.id], "blacklist").status, 200)
        self.assertEqual(b.state, "deleted")
        self.assertEqual(self.sim.list_of(self.pmail, "BL"), ["eve@evil.example"])
        self.assertEqual(self.act(ticket, csrf, [b.id], "whitelist").status, 200)
        self.assertEqual(self.sim.list_of(self.pmail, "WL"),
                         ["eve@evil.example", "list@lists.example.org"])
        self.assertEqual(b.state, "deleted")

    def test_seen_flags_and_versions(self):
        ticket, csrf = self.session()
        a = self.add()
        self.assertEqual(self.act(ticket, csrf, [a.id], "mark-seen").status, 200)
        self.assertEqual(self.spam_list(ticket)[0]["seen"], 1)
        self.assertEqual(self.act(ticket, csrf, [a.id], "mark-unseen").status, 200)
        self.assertEqual((a.seen, a.state), (0, "new"))
        self.sim.version = "9.0.7"
        self.assertParamError(self.act(ticket, csrf, [a.id], "mark-seen"), {
            "action": "value 'mark-seen' does not have a value in the enumeration "
                      "'welcomelist, blocklist, whitelist, blacklist, deliver, delete'"})
        self.sim.version = "8.2.3"
        self.assertParamError(self.act(ticket, csrf, [a.id], "welcomelist"), {
            "action": "value 'welcomelist' does not have a value in the enumeration "
                      "'whitelist, blacklist, deliver, delete'"})
        self.sim.version = "9.0.1"
        r = self.act(ticket, csrf, [a.id], "whitelist")
        self.assertEqual((r.status, r.reason[:46]),
                         (500, "internal error, unknown action 'whitelist' at "))
        self.assertEqual(a.state, "new")
        self.sim.version = "9.0.2"
        self.assertEqual(self.act(ticket, csrf, [a.id], "whitelist").status, 200)
        self.assertEqual(a.state, "delivered")

    def test_delivery_failure(self):
        ticket, csrf = self.session()
        a = self.add()
        a.deliver_error = "451 4.3.0 try again"
        r = self.act(ticket, csrf, [a.id], "deliver")
        self.assertJsonError(r, 500, f"deliver quarantined mail '{a.id}' (/var/spool/pmg/"
                                     f"{a.file}) to {self.pmail} failed: 451 4.3.0 try again\n")

    def list_call(self, method, name, ticket, csrf=None, **form):
        path = f"/api2/json/quarantine/{name}"
        if method == "DELETE":
            return self.call(method, f"{path}?{urllib.parse.urlencode(form)}", ticket=ticket,
                             csrf=csrf)
        if method == "GET":
            r = self.call(method, path, ticket=ticket)
            self.assertEqual(r.status, 200, r)
            return [e["address"] for e in r.json()["data"]]
        return self.call(method, path, ticket=ticket, csrf=csrf, form=form)

    def test_sender_lists(self):
        ticket, csrf = self.session()
        r = self.list_call("POST", "blocklist", ticket, csrf, address="b@x.example,x.example")
        self.assertEqual(r.json(), {"data": None})
        r = self.list_call("POST", "welcomelist", ticket, csrf,
                           address="x.example,a@z.example,B@x.example,*@p.example,"
                                   "@bad.example,a@b@c")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.list_call("GET", "welcomelist", ticket),       # byte order
                         ["*@p.example", "B@x.example", "a@z.example", "x.example"])
        self.assertEqual(self.list_call("GET", "blacklist", ticket), ["b@x.example"])
        self.assertIn("@bad.example", self.sim.lists[self.pmail]["WL"])
        r = self.list_call("DELETE", "whitelist", ticket, csrf, address="nothere,x y z")
        self.assertEqual(r.json(), {"data": None})
        self.assertNotIn("@bad.example", self.sim.lists[self.pmail]["WL"])
        r = self.list_call("DELETE", "welcomelist", ticket, csrf, address="x.example,B@x.example")
        self.assertEqual(self.list_call("GET", "welcomelist", ticket),
                         ["*@p.example", "a@z.example"])
        r = self.list_call("POST", "welcomelist", ticket, csrf, address="a b")
        self.assertParamError(r, {"address": "value does not match the regex pattern"})
        r = self.list_call("POST", "welcomelist", ticket, csrf, address="ab")
        self.assertParamError(r, {"address": "value must be at least 3 characters long"})
        r = self.list_call("DELETE", "welcomelist", ticket, csrf, address="ab")
        self.assertParamError(r, {"address": "value must be at least 3 characters long"})
        r = self.list_call("POST", "welcomelist", ticket, csrf, address="c@d.example",
                           pmail=self.other)
        self.assertParamError(r, {"pmail": "parameter not allowed with role 'quser'"})

    def test_sender_list_limits(self):
        ticket, csrf = self.session()
        long = "a" * 502 + "@x.example"
        r = self.list_call("POST", "welcomelist", ticket, csrf, address=long + "x")
        self.assertJsonError(r, 500, f"email address '{long}x' is too long (> 512 characters)\n")
        r = self.list_call("POST", "welcomelist", ticket, csrf, address=long)
        self.assertEqual(r.status, 200, r)
        many = ",".join(f"{n:04d}" + "b" * 490 + "@x.example" for n in range(400))
        for version, name in (("9.1", "welcomelist"), ("8.2.3", "whitelist")):
            self.sim.version = version
            r = self.list_call("POST", name, ticket, csrf, address=many)
            self.assertJsonError(r, 500, f"{name} size exceeds limit (> 200000 bytes)\n")
        self.assertEqual(self.list_call("GET", "whitelist", ticket), [long])

    def test_list_names_per_version(self):
        ticket, csrf = self.session()
        self.sim.version = "8.2.3"
        r = self.call("GET", "/api2/json/quarantine/welcomelist", ticket=ticket)
        self.assertJsonError(r, 501, "Method 'GET /quarantine/welcomelist' not implemented\n")
        self.assertEqual(self.list_call("GET", "whitelist", ticket), [])
        names = [e["name"] for e in self.call("GET", "/api2/json/quarantine",
                                              ticket=ticket).json()["data"]]
        self.assertEqual(names[:2], ["whitelist", "blacklist"])
        self.assertNotIn("link", names)
        self.sim.version = "9.0.9"
        names = [e["name"] for e in self.call("GET", "/api2/json/quarantine",
                                              ticket=ticket).json()["data"]]
        self.assertEqual(names, pmgsim.INDEX_9[:-1])
        self.sim.version = "9.1"
        names = [e["name"] for e in self.call("GET", "/api2/json/quarantine",
                                              ticket=ticket).json()["data"]]
        self.assertEqual(names, pmgsim.INDEX_9)
        for name in ("welcomelist", "blocklist", "whitelist", "blacklist"):
            self.assertEqual(self.list_call("GET", name, ticket), [], name)

    def test_forbidden_endpoints(self):
        ticket, _ = self.session()
        for name in ("virus", "attachment", "spamusers", "spamstatus", "virusstatus",
                     "quarusers", "link"):
            c = self.conn()
            r = c.request("GET", f"/api2/json/quarantine/{name}", ticket=ticket)
            self.assertJsonError(r, 403, "Permission check failed\n")
            self.assertTrue(c.closed(), name)
        self.sim.version = "9.0.9"
        r = self.call("GET", "/api2/json/quarantine/link", ticket=ticket)
        self.assertEqual(r.status, 501, r)

    def test_version_and_unauthenticated_endpoints(self):
        ticket, _ = self.session()
        self.assertAuthStage(self.call("GET", "/api2/json/version"), "No ticket")
        for version, release in (("9.1.0", "9.1"), ("8.2.3", "8.2")):
            self.sim.version = version
            d = self.call("GET", "/api2/json/version", ticket=ticket).json()["data"]
            self.assertEqual((d["version"], d["release"]), (version, release))
            self.assertRegex(d["repoid"], r"^[0-9a-f]{12}$")
        quar = self.sim.mint_quarantine_ticket(self.pmail)
        self.assertEqual(self.call("GET", "/api2/json/version", ticket=quar).status, 200)
        self.assertEqual(self.call("GET", "/api2/json/access/ticket").json(), {"data": None})
        start = time.monotonic()
        r = self.call("GET", "/api2/json/quarantine/sendlink")
        self.assertJsonError(r, 501, "Method 'GET /quarantine/sendlink' not implemented\n")
        self.assertLess(time.monotonic() - start, 2.0)

    def test_purge(self):
        ticket, _ = self.session()
        local = time.localtime(self.sim.now)
        midnight = time.mktime((local.tm_year, local.tm_mon, local.tm_mday, 0, 0, 0, 0, 0, -1))
        cutoff = int(midnight) - 7 * 86400
        old, kept = self.add(time=cutoff - 1), self.add(time=cutoff + 1)
        gone = self.sim.purge()
        self.assertIn(old.id, gone)
        self.assertNotIn(kept.id, gone)
        r = self.call("GET", f"/api2/json/quarantine/content?id={old.id}", ticket=ticket)
        self.assertJsonError(r, 500, f"no such mail ({old.id})\n")
        self.assertEqual(self.call("GET", f"/api2/json/quarantine/content?id={kept.id}",
                                   ticket=ticket).status, 200)


class SendLink(SimTest):

    sim_kw = {"auth_fail_delay": FAST, "sendlink_delay": 0.4, "sendlink_min_time": 0.2}

    def send(self, address):
        start = time.monotonic()
        r = self.call("POST", "/api2/json/quarantine/sendlink", form={"mail": address})
        return r, time.monotonic() - start

    def test_disabled(self):
        self.sim.sendlink = False
        r, _ = self.send(self.pmail)
        self.assertJsonError(r, 500, "This feature is not enabled\n")

    def test_limits(self):
        self.sim.sendlink = True
        self.sim.advance(10)
        r, took = self.send(self.pmail)
        self.assertEqual(r.json(), {"data": None})
        self.assertGreaterEqual(took, 0.2)
        address, link = self.sim.sent_links[-1]
        self.assertEqual(address, self.pmail)
        ticket = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["ticket"][0]
        self.assertEqual(self.sim.verify_quarantine_ticket(ticket), f"{self.pmail}@quarantine")
        r, took = self.send(self.other)
        self.assertJsonError(r, 500, "Too many requests. Please try again later\n")
        self.assertGreaterEqual(took, 0.4)
        self.sim.advance(6)
        r, took = self.send(self.pmail)
        self.assertJsonError(r, 500, f"Too many requests for '{self.pmail}', only one request "
                                     "perhour is permitted. Please try again later\n")
        self.assertGreaterEqual(took, 0.4)
        self.sim.advance(6)
        count = len(self.sim.sent_links)
        r, took = self.send("someone@elsewhere.example")
        self.assertEqual(r.json(), {"data": None})
        self.assertGreaterEqual(took, 0.4)
        self.assertEqual(len(self.sim.sent_links), count)
        self.sim.advance(3600)
        r, _ = self.send(f"Alice.Smith@{self.domain}")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.sim.sent_links[-1][0], f"Alice.Smith@{self.domain}")


class ProcessMode(unittest.TestCase):

    def test_serve_seeds_prints_and_saves(self):
        with tempfile.TemporaryDirectory(prefix="pmgsim-test-") as tmp:
            state = Path(tmp) / "state.json"
            state.write_text(json.dumps({
                "users": [{"pmail": "carol@example.com", "password": "pw"}],
                "mails": [{"receiver": "carol@example.com", "raw": SPAM.decode(), "age": 60,
                           "id": "C0R7T123"}],
                "options": {"auth_fail_delay": FAST}}))
            proc = subprocess.Popen([sys.executable, str(HERE / "pmgsim.py"), "serve",
                                     "--state", str(state), "--version", "9.0.9"],
                                    stdout=subprocess.PIPE, text=True)
            self.addCleanup(proc.stdout.close)
            self.addCleanup(proc.wait, 30)
            self.addCleanup(proc.kill)
            ready = json.loads(proc.stdout.readline())
            self.assertRegex(ready["url"], r"^https://127\.0\.0\.1:\d+$")
            self.assertEqual(ready["version"], "9.0.9")
            link = ready["links"]["carol@example.com"]
            quar = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["ticket"][0]
            c = Conn(ready["port"], ready["fingerprint"])
            self.addCleanup(c.close)
            r = c.request("POST", "/api2/json/access/ticket",
                          form={"username": "carol@example.com", "password": quar})
            csrf = r.json()["data"]["CSRFPreventionToken"]
            r = c.request("GET", "/api2/json/quarantine/spam", ticket=quar)
            self.assertEqual([m["id"] for m in r.json()["data"]], ["C0R7T123"])
            self.assertNotIn("pmail", r.json()["data"][0])
            r = c.request("POST", "/api2/json/quarantine/content", ticket=quar, csrf=csrf,
                          form={"id": "C0R7T123", "action": "delete"})
            self.assertEqual(r.json(), {"data": None})
            saved = json.loads(state.read_text())
            self.assertEqual(saved["mails"][0]["state"], "deleted")
            proc.terminate()
            self.assertEqual(proc.wait(30), 0)


if __name__ == "__main__":
    h.require("openssl")
    unittest.main(verbosity=2)
