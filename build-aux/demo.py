#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo: rspamd, qd-gateway with demo data, and the application.

Run through build-aux/demo, which builds first. Everything runs on
loopback in a temporary directory and stops on Ctrl+C or when the window
closes. With --real-mail the gateway is the quarantine of a private
Postfix + rspamd + Dovecot (build-aux/stack), filled by real mail.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent
BUILD = Path(sys.argv[1]) if len(sys.argv) > 1 else TOP / "_build"
os.environ.setdefault("QD_SOURCE_ROOT", str(TOP))
os.environ.setdefault("QD_BUILD_ROOT", str(BUILD))
sys.path.insert(0, str(TOP / "tests" / "lib"))

import qdharness  # noqa: E402


def interrupted(signum, frame):
    raise KeyboardInterrupt


def open_app(work: Path, gateway_url: str, hint: str) -> None:
    """Quarantine Desk on GATEWAY_URL with the user name filled in, until
    its window closes; its settings live in WORK, not in the user's own."""
    env = dict(os.environ)
    env["XDG_CONFIG_HOME"] = str(work / "config")
    env["GSETTINGS_BACKEND"] = "keyfile"
    env["GSETTINGS_SCHEMA_DIR"] = str(BUILD / "data")
    env["QD_LOCALEDIR"] = str(BUILD / "po")
    env["QD_DEMO_HINT"] = hint
    for key, value in (("gateway-url", gateway_url), ("username", "demo")):
        subprocess.run(["gsettings", "set", qdharness.application_id(), key, value],
                       env=env, check=True)
    print("demo: opening Quarantine Desk (close the window or press Ctrl+C to stop)")
    app = subprocess.Popen([str(BUILD / "src" / "app" / "quarantine-desk")], env=env)
    try:
        app.wait()
    finally:
        if app.poll() is None:
            app.terminate()
            try:
                app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                app.kill()


def seeded(work: Path) -> None:
    with qdharness.Rspamd() as rspamd, qdharness.Gateway(work / "gateway") as gateway:
        print("demo: seeding demo data…", flush=True)
        out = gateway.run("seed-demo", "--data", gateway.data_dir, "--count", "300",
                          "--samples", work / "samples")
        print(out.stdout.decode().strip())
        gateway.start(rspamd_url=rspamd.url, smtp=True, name="Demo Mail Gateway",
                      submission_address="spam-submissions@demo.example")
        print(f"demo: gateway at {gateway.url}, submissions by SMTP on "
              f"127.0.0.1:{gateway.smtp_port}")
        open_app(work, gateway.url,
                 "Demo gateway: user “demo”, password “demo”. "
                 f"Samples to report are in {work / 'samples'}.")


def real_mail(work: Path) -> None:
    import qdburst
    import qdstack

    print("demo: starting Postfix, rspamd, Dovecot and qd-gateway…", flush=True)
    # Postfix and Dovecot drop root and must pass through to the stack's files.
    work.chmod(0o711)
    with qdstack.Stack(work / "stack") as stack:
        stack.write_description()
        replies: dict[str, dict[int, int]] = {}
        for mail in qdburst.burst("demo@example.com"):
            code, _ = stack.send(mail.data, ["demo@example.com"], sender=mail.sender,
                                 client_ip=mail.client_ip)
            by_code = replies.setdefault(mail.kind, {})
            by_code[code] = by_code.get(code, 0) + 1
        stack.wait_delivered()
        for kind, by_code in replies.items():
            print(f"demo: {kind:9} " + ", ".join(f"{n} answered {c}"
                                                   for c, n in sorted(by_code.items())))
        imap = stack.description()["imap"]
        print(f"demo: the mail system is described in {work / 'stack' / 'stack.json'}; "
              f"Inbox and Junk over IMAP at {imap['host']}:{imap['port']} (demo / demo)")
        open_app(work, stack.gateway.url,
                 "Real mail: user “demo”, password “demo”. Held mail came through "
                 "Postfix and rspamd; Inbox and Junk are in Dovecot.")


def main() -> int:
    # Stopped from outside (SIGTERM) as with Ctrl+C: everything started goes too.
    signal.signal(signal.SIGTERM, interrupted)
    options = sys.argv[2:]
    unknown = [o for o in options if o != "--real-mail"]
    if unknown:
        print(f"demo: unknown option {unknown[0]}; the only one is --real-mail.",
              file=sys.stderr)
        return 2
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        print("demo: there is no display here. Run build-aux/demo in a desktop session "
              "(or under xvfb-run to try it headless).", file=sys.stderr)
        return 1

    work = Path(tempfile.mkdtemp(prefix="quarantine-desk-demo-"))
    try:
        if "--real-mail" in options:
            real_mail(work)
        else:
            seeded(work)
    except KeyboardInterrupt:
        print("\ndemo: stopping…")
    except Exception as e:  # noqa: BLE001 - one sentence, not a traceback
        if type(e).__name__ != "StackError":
            raise
        print(f"demo: {e}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
