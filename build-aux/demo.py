#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo: rspamd, qd-gateway with demo data, and the application.

Run through build-aux/demo, which builds first. Everything runs on
loopback in a temporary directory and stops on Ctrl+C or when the window
closes.
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


def main() -> int:
    # Stopped from outside (SIGTERM) as with Ctrl+C: everything started goes too.
    signal.signal(signal.SIGTERM, interrupted)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        print("demo: there is no display here. Run build-aux/demo in a desktop session "
              "(or under xvfb-run to try it headless).", file=sys.stderr)
        return 1

    work = Path(tempfile.mkdtemp(prefix="quarantine-desk-demo-"))
    app = None
    try:
        with qdharness.Rspamd() as rspamd, qdharness.Gateway(work / "gateway") as gateway:
            print("demo: seeding demo data…", flush=True)
            seeded = gateway.run("seed-demo", "--data", gateway.data_dir, "--count", "300",
                                 "--samples", work / "samples")
            print(seeded.stdout.decode().strip())
            gateway.start(rspamd_url=rspamd.url, smtp=True, name="Demo Mail Gateway",
                          submission_address="spam-submissions@demo.example")
            print(f"demo: gateway at {gateway.url}, submissions by SMTP on "
                  f"127.0.0.1:{gateway.smtp_port}")

            # The demo's settings live beside its data, not in the user's own.
            env = dict(os.environ)
            env["XDG_CONFIG_HOME"] = str(work / "config")
            env["GSETTINGS_BACKEND"] = "keyfile"
            env["GSETTINGS_SCHEMA_DIR"] = str(BUILD / "data")
            env["QD_LOCALEDIR"] = str(BUILD / "po")
            env["QD_DEMO_HINT"] = ("Demo gateway: user “demo”, password “demo”. "
                                   f"Samples to report are in {work / 'samples'}.")
            for key, value in (("gateway-url", gateway.url), ("username", "demo")):
                subprocess.run(["gsettings", "set", qdharness.application_id(),
                                key, value], env=env, check=True)
            print("demo: opening Quarantine Desk (close the window or press Ctrl+C to stop)")
            app = subprocess.Popen([str(BUILD / "src" / "app" / "quarantine-desk")], env=env)
            app.wait()
    except KeyboardInterrupt:
        print("\ndemo: stopping…")
    finally:
        if app is not None and app.poll() is None:
            app.terminate()
            try:
                app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                app.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
