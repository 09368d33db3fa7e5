#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that a -Ddevelopment=true build installs the .Devel application id everywhere.

Usage: build-aux/check-devel-id.py BUILDDIR  (configured with -Ddevelopment=true)

A development build must install beside a release one: every installed file
named after the application id, and every mention of the id inside the
installed files (desktop file, metainfo, D-Bus service, GSettings schema,
icons, caches, the programs themselves), must carry the .Devel id. The only
release id left is the libsecret schema's (RELEASE_ID.Secret), which names the
stored passwords' format, not the application.
"""

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

RELEASE_ID = "io.github.quarantinedesk.QuarantineDesk"
DEVEL_ID = RELEASE_ID + ".Devel"
# What may follow the release id in an installed file.
ALLOWED_SUFFIXES = (b".Devel", b".Secret")

failures = []


def fail(text):
    failures.append(text)


def read_text(path):
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        fail(f"{path}: {e}")
        return ""


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    builddir = Path(sys.argv[1]).resolve()
    config_h = (builddir / "config.h").read_text(encoding="utf-8")
    if f'#define APPLICATION_ID "{DEVEL_ID}"' not in config_h:
        print(f"FAIL: {builddir} is not configured with -Ddevelopment=true "
              f"(config.h has no APPLICATION_ID {DEVEL_ID})")
        return 1

    with tempfile.TemporaryDirectory(prefix="qd-devel-install-") as destdir:
        proc = subprocess.run(["meson", "install", "-C", str(builddir), "--destdir", destdir,
                               "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if proc.returncode != 0:
            print(proc.stdout.decode(errors="replace"))
            print("FAIL: meson install failed")
            return 1
        # The installed tree: DESTDIR + prefix.
        options = json.loads(subprocess.run(
            ["meson", "introspect", str(builddir), "--buildoptions"],
            stdout=subprocess.PIPE, check=True).stdout)
        prefix = next(o["value"] for o in options if o["name"] == "prefix")
        root = Path(destdir + prefix)
        check_tree(root)

    for text in failures:
        print("FAIL: " + text)
    if failures:
        return 1
    print(f"ok: the development build installs {DEVEL_ID} throughout")
    return 0


def check_tree(root):
    share = root / "share"
    expected = {
        share / "applications" / f"{DEVEL_ID}.desktop": [f"Icon={DEVEL_ID}\n"],
        share / "metainfo" / f"{DEVEL_ID}.metainfo.xml": [
            f"<id>{DEVEL_ID}</id>",
            f'<launchable type="desktop-id">{DEVEL_ID}.desktop</launchable>'],
        share / "dbus-1" / "services" / f"{DEVEL_ID}.service": [
            f"Name={DEVEL_ID}\n", "/quarantine-desk --gapplication-service"],
        share / "glib-2.0" / "schemas" / f"{DEVEL_ID}.gschema.xml": [
            f'<schema id="{DEVEL_ID}" path="/{DEVEL_ID.replace(".", "/")}/">'],
        share / "icons" / "hicolor" / "scalable" / "apps" / f"{DEVEL_ID}.svg": [],
        share / "icons" / "hicolor" / "symbolic" / "apps" / f"{DEVEL_ID}-symbolic.svg": [],
    }
    for path, needles in expected.items():
        if not path.is_file():
            fail(f"{path.relative_to(root)} is not installed")
            continue
        text = read_text(path)
        for needle in needles:
            if needle not in text:
                fail(f"{path.relative_to(root)} lacks {needle.strip()!r}")

    # The programs look the schema and the icon up by APPLICATION_ID.
    for program in ("quarantine-desk", "qdesk"):
        path = root / "bin" / program
        if path.is_file() and DEVEL_ID.encode() not in path.read_bytes():
            fail(f"bin/{program} does not name {DEVEL_ID}")

    release = RELEASE_ID.encode()
    for path in sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink()):
        rel = path.relative_to(root)
        if RELEASE_ID in path.name and DEVEL_ID not in path.name:
            fail(f"{rel}: installed under the release id")
        if path.is_symlink():
            continue
        data = path.read_bytes()
        for match in re.finditer(re.escape(release), data):
            rest = data[match.end():match.end() + 16]
            if not rest.startswith(ALLOWED_SUFFIXES):
                context = data[max(0, match.start() - 40):match.end() + 16]
                fail(f"{rel}: names the release id: {context!r}")
                break

    # The installed schema is valid on its own.
    schemas = share / "glib-2.0" / "schemas"
    proc = subprocess.run(["glib-compile-schemas", "--strict", "--dry-run", str(schemas)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        fail("the installed schemas do not compile: " + proc.stdout.decode(errors="replace"))


if __name__ == "__main__":
    sys.exit(main())
