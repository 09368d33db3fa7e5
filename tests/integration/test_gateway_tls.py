#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qd-gateway serving the API over HTTPS with a self-signed certificate."""

import os
import ssl
import sys
import tempfile
import urllib.error
from pathlib import Path

sys.path.insert(0, str(Path(os.environ.get("QD_SOURCE_ROOT")
                            or Path(__file__).resolve().parents[2]) / "tests" / "lib"))
import qdharness as h  # noqa: E402


class Tls(h.GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        tmp = cls.enterClassContext(tempfile.TemporaryDirectory(prefix="qd-tls-"))
        cls.cert, cls.key = h.make_self_signed_cert(tmp)
        cls.gw = cls.start_gateway(tls=(cls.cert, cls.key))
        cls.name, cls.pw, _ = cls.gw.new_user("tls")

    def test_ready_file_names_https(self):
        self.assertTrue(self.gw.ready["url"].startswith("https://127.0.0.1:"), self.gw.ready)

    def test_https_with_the_certificate_as_ca(self):
        api = h.Api(self.gw.url, cafile=self.cert)
        r = api.get("/info", token=None)
        self.assertOk(r)
        self.assertEqual(r.body["api_version"], 1)
        api.login(self.name, self.pw)
        self.assertOk(api.get("/messages"))

    def test_localhost_name_verifies_too(self):
        api = h.Api(f"https://localhost:{self.gw.http_port}", cafile=self.cert)
        self.assertOk(api.get("/info", token=None))

    def test_verification_fails_without_the_certificate(self):
        api = h.Api(self.gw.url, context=ssl.create_default_context())
        with self.assertRaises(urllib.error.URLError) as cm:
            api.get("/info", token=None)
        self.assertIsInstance(cm.exception.reason, ssl.SSLCertVerificationError)

    def test_plain_http_is_not_served(self):
        api = h.Api(f"http://127.0.0.1:{self.gw.http_port}", timeout=10)
        try:
            r = api.get("/info", token=None)
        except (OSError, h.http.client.HTTPException):
            return  # no HTTP answer at all: fine
        self.assertNotEqual(r.status, 200, "the API answered over plain HTTP on the TLS port")

    def test_tls_options_go_together(self):
        with h.Gateway() as gw:
            proc = gw.run("serve", "--data", gw.data_dir, "--listen", "127.0.0.1:0",
                          "--tls-cert", self.cert, check=False, timeout=30)
            self.assertNotEqual(proc.returncode, 0)

    def test_unreadable_key_fails_to_start(self):
        with h.Gateway() as gw:
            bogus = gw.work / "bogus.pem"
            bogus.write_text("not a key\n")
            proc = gw.run("serve", "--data", gw.data_dir, "--listen", "127.0.0.1:0",
                          "--tls-cert", self.cert, "--tls-key", bogus, check=False, timeout=30)
            self.assertNotEqual(proc.returncode, 0)


if __name__ == "__main__":
    h.main(requires=["openssl"])
