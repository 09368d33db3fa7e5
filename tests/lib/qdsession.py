# SPDX-License-Identifier: GPL-3.0-or-later
"""A private desktop session for tests: its own home, D-Bus session bus,
gnome-keyring, settings, and (for UI tests) X server and accessibility bus.

Nothing leaks into the real user's session: every path lives in a
temporary directory, and every process started here is stopped on exit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

import qdharness

# The schema id is the application id, which a -Ddevelopment=true build changes.
SCHEMA = qdharness.application_id()


def require_program(program: str, package: str) -> None:
    """Like qdharness.require(), for a program of the desktop session:
    missing, it fails in CI and skips (77) elsewhere."""
    if shutil.which(program):
        return
    why = f"{program} is not installed (Debian: {package})"
    if qdharness.in_ci():
        raise SystemExit(f"FAIL: {why}; CI=true, so a missing component is an error")
    print(f"SKIP: {why}")
    raise SystemExit(qdharness.SKIP_EXIT_STATUS)


class DesktopSession:
    """Context manager: ``with DesktopSession() as s: s.run_qdesk(...)``."""

    def __init__(self, keyring: bool = True, keyring_password: str = "session-unlock"):
        self._tmp = tempfile.TemporaryDirectory(prefix="qd-session-")
        self.root = Path(self._tmp.name)
        self._procs: list[subprocess.Popen] = []
        self._want_keyring = keyring
        self._keyring_password = keyring_password
        self.env = dict(os.environ)
        for name in ("home", "run", "data", "config", "cache"):
            (self.root / name).mkdir(mode=0o700)
        self.env.update({
            "HOME": str(self.root / "home"),
            "XDG_RUNTIME_DIR": str(self.root / "run"),
            "XDG_DATA_HOME": str(self.root / "data"),
            "XDG_CONFIG_HOME": str(self.root / "config"),
            "XDG_CACHE_HOME": str(self.root / "cache"),
            "GSETTINGS_BACKEND": "keyfile",
            "GSETTINGS_SCHEMA_DIR": str(qdharness.build_root() / "data"),
            "LANGUAGE": os.environ.get("LANGUAGE", "en"),
            "LC_ALL": os.environ.get("LC_ALL", "C.UTF-8"),
            "NO_AT_BRIDGE": "1",
        })
        self.env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        self.env.pop("DISPLAY", None)
        self.env.pop("WAYLAND_DISPLAY", None)
        self.bus_address: str | None = None

    def __enter__(self) -> "DesktopSession":
        try:
            self._start_bus()
            if self._want_keyring:
                self._start_keyring()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for proc in reversed(self._procs):
            qdharness.stop_process(proc, timeout=5)
        self._procs.clear()
        self._tmp.cleanup()

    # --- services -------------------------------------------------------------

    def _spawn(self, args: Sequence[str], **kw) -> subprocess.Popen:
        kw.setdefault("env", self.env)
        proc = subprocess.Popen(list(args), start_new_session=True, **kw)
        self._procs.append(proc)
        return proc

    def _start_bus(self) -> None:
        require_program("dbus-daemon", "dbus")
        with open(self.root / "dbus.log", "wb") as log:
            proc = self._spawn(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                               stdout=subprocess.PIPE, stderr=log)
        line = proc.stdout.readline().decode().strip()
        proc.stdout.close()
        if not line:
            raise AssertionError("dbus-daemon did not print its address")
        self.bus_address = line
        self.env["DBUS_SESSION_BUS_ADDRESS"] = line

    def _start_keyring(self) -> None:
        require_program("gnome-keyring-daemon", "gnome-keyring")
        require_program("secret-tool", "libsecret-tools")
        with open(self.root / "keyring.log", "wb") as log:
            proc = self._spawn(["gnome-keyring-daemon", "--unlock", "--components=secrets",
                                "--foreground"], stdin=subprocess.PIPE, stdout=log, stderr=log)
        proc.stdin.write(self._keyring_password.encode())
        proc.stdin.close()
        # Ready when the Secret Service answers on the bus.
        qdharness.wait_for(self._secret_service_ready, 20, "gnome-keyring's Secret Service")

    def _secret_service_ready(self) -> bool:
        probe = subprocess.run(
            ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
             "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
             "string:org.freedesktop.secrets"],
            env=self.env, capture_output=True, timeout=10)
        return b"boolean true" in probe.stdout

    def start_display(self, width: int = 1280, height: int = 800) -> str:
        """An X server of that size; the accessibility bus comes with the session bus."""
        require_program("Xvfb", "xvfb")
        read_fd, write_fd = os.pipe()
        self._spawn(["Xvfb", "-displayfd", str(write_fd), "-screen", "0",
                     f"{width}x{height}x24", "-nolisten", "tcp"],
                    pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise AssertionError("Xvfb did not report its display")
        self.env["DISPLAY"] = f":{number}"
        self.env.pop("NO_AT_BRIDGE", None)
        self.env["GTK_A11Y"] = "atspi"
        return self.env["DISPLAY"]

    def screenshot(self, path: Path) -> None:
        """The whole screen as a PNG (ImageMagick's import)."""
        require_program("import", "imagemagick")
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["import", "-window", "root", str(path)], env=self.env, check=True,
                       timeout=30)

    def set_setting(self, key: str, value: str) -> None:
        subprocess.run(["gsettings", "set", SCHEMA, key, value], env=self.env, check=True,
                       timeout=20)

    def start_app(self, *args: str, env: dict | None = None) -> subprocess.Popen:
        binary = qdharness.build_root() / "src" / "app" / "quarantine-desk"
        log = open(self.root / "app.log", "ab")
        proc = self._spawn([str(binary), *args], stdout=log, stderr=log,
                           **({"env": {**self.env, **env}} if env else {}))
        log.close()
        return proc

    def app_log(self) -> str:
        path = self.root / "app.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # --- helpers --------------------------------------------------------------

    def secret(self, kind: str, server: str, user: str) -> str | None:
        """What the keyring holds for these attributes (None when nothing)."""
        proc = subprocess.run(["secret-tool", "lookup", "kind", kind, "server", server,
                               "user", user], env=self.env, capture_output=True, timeout=20)
        return proc.stdout.decode() if proc.returncode == 0 and proc.stdout else None

    def setting(self, key: str) -> str:
        proc = subprocess.run(["gsettings", "get", SCHEMA, key], env=self.env,
                              capture_output=True, timeout=20, check=True)
        return proc.stdout.decode().strip()

    def run_qdesk(self, *args: str, input: bytes | str | None = None, timeout: float = 120,
                  env: dict | None = None) -> subprocess.CompletedProcess:
        if isinstance(input, str):
            input = input.encode()
        binary = qdharness.build_root() / "src" / "cli" / "qdesk"
        return subprocess.run([str(binary), *map(str, args)], env={**self.env, **(env or {})},
                              input=input if input is not None else b"", capture_output=True,
                              timeout=timeout)

    def files_containing(self, needle: bytes) -> list[Path]:
        """Every file under the session's directories whose bytes contain NEEDLE."""
        found = []
        for path in self.root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                try:
                    if needle in path.read_bytes():
                        found.append(path)
                except OSError:
                    pass
        return found
