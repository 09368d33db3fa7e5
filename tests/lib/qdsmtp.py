# SPDX-License-Identifier: GPL-3.0-or-later
"""qdsmtp — a controllable SMTP server on 127.0.0.1 for tests, on Debian's
python3-aiosmtpd, independent of qd-gateway's own SMTP intake.

The server runs in a child process (``python3 qdsmtp.py serve DIR``) started
through ``qdharness.spawn`` — so it dies with the test — and with an
interpreter that has aiosmtpd (the test's own, else Debian's /usr/bin/python3).

It records every transaction (envelope, ESMTP parameters, raw DATA bytes as
received, after dot-unstuffing) and follows a *plan*: each transaction that
reaches DATA takes the next step of the plan, then the default:

* ``accept``  — 250, and the message is kept;
* ``421`` / ``451`` — temporary refusal after the data;
* ``550`` / ``552`` — permanent refusal after the data;
* ``drop``    — 354, read a little of the data, then close the connection;
* ``stall``   — 354, read a little, then wait (up to 60 s) before closing;
* ``hold``    — read the whole data and keep it (outcome "hold"), then hold
  the answer until ``release_held()`` (or 60 s), then 250.

The client side (``SmtpServer``) uses the standard library only.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import qdharness  # noqa: E402

_DEBIAN_PYTHON = "/usr/bin/python3"


def python_with_aiosmtpd() -> str | None:
    """An interpreter that can import aiosmtpd, or None."""
    if importlib.util.find_spec("aiosmtpd") is not None:
        return sys.executable
    for candidate in (_DEBIAN_PYTHON, shutil.which("python3")):
        if not candidate or not os.access(candidate, os.X_OK):
            continue
        probe = subprocess.run([candidate, "-c", "import aiosmtpd"], capture_output=True,
                               timeout=30)
        if probe.returncode == 0:
            return candidate
    return None


def require() -> str:
    """The interpreter to run the server with; a missing aiosmtpd fails the
    test when CI=true and skips it (77) otherwise, as qdharness.require()."""
    python = python_with_aiosmtpd()
    if python is not None:
        return python
    why = "python3-aiosmtpd is not installed (Debian: python3-aiosmtpd)"
    if qdharness.in_ci():
        sys.stderr.write(f"FAIL: {why}; CI=true, so a missing component is an error\n")
        sys.exit(1)
    sys.stderr.write(f"SKIP: {why}\n")
    sys.exit(qdharness.SKIP_EXIT_STATUS)


def _write_json(path: Path, value) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(value))
    os.replace(tmp, path)


class SmtpServer:
    """A controllable SMTP server (context manager).

    EIGHTBITMIME=False leaves 8BITMIME out of the EHLO reply; BINARYMIME
    adds BINARYMIME and CHUNKING; SIZE_LIMIT is the SIZE it announces and
    enforces; AUTH=(user, password) requires AUTH (PLAIN/LOGIN, without TLS:
    loopback only). TLS is "starttls" (required before MAIL) or "implicit"
    (SMTPS), with CERT=(cert_file, key_file).
    """

    def __init__(self, eightbitmime: bool = True, binarymime: bool = False,
                 size_limit: int = 32 * 1024 * 1024, auth: tuple[str, str] | None = None,
                 tls: str | None = None, cert: tuple | None = None):
        self.python = require()
        self._tmp = tempfile.TemporaryDirectory(prefix="qd-smtp-")
        self.dir = Path(self._tmp.name)
        self.config = {"eightbitmime": eightbitmime, "binarymime": binarymime,
                       "size_limit": size_limit, "auth": list(auth) if auth else None,
                       "tls": tls, "cert": [str(p) for p in cert] if cert else None}
        self.proc = None
        self.port: int | None = None
        self.plan()

    def __enter__(self) -> "SmtpServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
        self._tmp.cleanup()

    @property
    def server(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        _write_json(self.dir / "config.json", self.config)
        ready = self.dir / "ready.json"
        with contextlib.suppress(FileNotFoundError):
            ready.unlink()
        self.proc = qdharness.spawn([self.python, __file__, "serve", self.dir],
                                    log=self.dir / "server.log")

        def is_ready():
            if self.proc.poll() is not None:
                raise AssertionError("qdsmtp exited:\n" + self.log())
            try:
                return json.loads(ready.read_text())
            except (FileNotFoundError, ValueError):
                return None

        self.port = qdharness.wait_for(is_ready, timeout, "the SMTP server")["port"]

    def stop(self) -> None:
        if self.proc is not None:
            qdharness.stop_process(self.proc, timeout=5)
            self.proc = None

    def log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.dir / "server.log").read_text(errors="replace")[-4000:]
        return ""

    def plan(self, *steps: str, default: str = "accept") -> None:
        """The steps of the next transactions, then DEFAULT for the rest."""
        _write_json(self.dir / "plan.json", {"steps": list(steps), "default": default})

    def release_held(self) -> None:
        """Lets the transactions held by a ``hold`` step answer 250."""
        (self.dir / "release-held").touch()

    def records(self) -> list[dict]:
        """Every transaction that reached DATA, oldest first; "data" holds the
        bytes received (for drop/stall: the part read before closing)."""
        out = []
        for path in sorted((self.dir / "records").glob("*.json")):
            record = json.loads(path.read_text())
            record["data"] = path.with_suffix(".eml").read_bytes()
            out.append(record)
        return out

    def accepted(self) -> list[dict]:
        return [r for r in self.records() if r["outcome"] == "accept"]


# ---------------------------------------------------------------------------
# The server process (runs with an interpreter that has aiosmtpd)

def _serve(directory: Path) -> None:
    import asyncio
    import ssl

    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

    config = json.loads((directory / "config.json").read_text())
    records = directory / "records"
    records.mkdir(exist_ok=True)
    counter = [len(list(records.glob("*.json")))]

    def next_step() -> str:
        plan_path = directory / "plan.json"
        plan = json.loads(plan_path.read_text())
        if plan["steps"]:
            step = plan["steps"].pop(0)
            _write_json(plan_path, plan)
            return step
        return plan["default"]

    def peek_step() -> str:
        plan = json.loads((directory / "plan.json").read_text())
        return plan["steps"][0] if plan["steps"] else plan["default"]

    def record(envelope, outcome: str, data: bytes) -> None:
        counter[0] += 1
        base = records / f"{counter[0]:05d}"
        base.with_suffix(".eml").write_bytes(data)
        _write_json(base.with_suffix(".json"), {
            "outcome": outcome, "mail_from": envelope.mail_from,
            "mail_options": list(envelope.mail_options), "rcpt_tos": list(envelope.rcpt_tos)})

    class Handler:
        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            session.host_name = hostname
            if not config["eightbitmime"]:
                responses = [r for r in responses if "8BITMIME" not in r.upper()]
            if config["binarymime"]:
                responses[-1:-1] = ["250-BINARYMIME", "250-CHUNKING"]
            return responses

        async def handle_DATA(self, server, session, envelope):
            step = next_step()
            record(envelope, step, envelope.original_content)
            if step == "hold":
                for _ in range(600):
                    if (directory / "release-held").exists():
                        break
                    await asyncio.sleep(0.1)
            return {
                "accept": f"250 2.0.0 Ok: queued as QD{counter[0]:05d}",
                "421": "421 4.3.2 Service shutting down, try again later",
                "451": "451 4.3.0 Temporary local problem, try again later",
                "550": "550 5.7.1 Submission refused by policy of this test server",
                "552": "552 5.3.4 Message too big for this test server",
            }.get(step, "250 2.0.0 Ok")

    class ControlledSMTP(SMTP):
        async def smtp_DATA(self, arg):
            if self.envelope.rcpt_tos and peek_step() in ("drop", "stall"):
                step = next_step()
                await self.push("354 End data with <CR><LF>.<CR><LF>")
                partial = await self._reader.read(4096)
                record(self.envelope, step, partial)
                if step == "stall":
                    await asyncio.sleep(60)
                self.transport.abort()
                return
            await super().smtp_DATA(arg)

    def authenticator(server, session, envelope, mechanism, auth_data):
        user, password = config["auth"]
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        return AuthResult(success=ok)

    context = None
    if config["tls"]:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*config["cert"])

    def factory():
        kwargs = dict(data_size_limit=config["size_limit"], decode_data=False,
                      hostname="qdsmtp.test", enable_SMTPUTF8=False)
        if config["auth"]:
            kwargs.update(auth_required=True, auth_require_tls=False,
                          authenticator=authenticator)
        if config["tls"] == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        return ControlledSMTP(Handler(), **kwargs)

    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(factory, "127.0.0.1", 0,
                                          ssl=context if config["tls"] == "implicit" else None)
        port = server.sockets[0].getsockname()[1]
        _write_json(directory / "ready.json", {"port": port})
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def _main(argv: Sequence[str]) -> int:
    if len(argv) == 3 and argv[1] == "serve":
        _serve(Path(argv[2]))
        return 0
    sys.stderr.write("usage: qdsmtp.py serve DIR\n")
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
