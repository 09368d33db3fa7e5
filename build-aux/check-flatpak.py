#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest without building it (building needs the network)."""

import json
import os
import sys

# Usage: check-flatpak.py MANIFEST [RELEASE-ID]; meson passes meson.build's
# release id (base_application_id).
APP_ID = sys.argv[2] if len(sys.argv) > 2 else "io.github.quarantinedesk.QuarantineDesk"

def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)

with open(sys.argv[1], encoding="utf-8") as f:
    try:
        manifest = json.load(f)
    except ValueError as e:
        fail(f"the manifest is not valid JSON: {e}")

if manifest.get("command") != "quarantine-desk":
    fail("command must be quarantine-desk")
if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
    fail("the GNOME runtime and SDK are expected")

args = manifest.get("finish-args", [])
for needed in ("--share=network", "--socket=wayland", "--socket=fallback-x11"):
    if needed not in args:
        fail(f"finish-args lack {needed}")
# Files come through the file chooser portal, secrets and notifications
# through their portals: no broad access.
for arg in args:
    if arg.startswith("--filesystem="):
        fail(f"{arg}: the app must not need direct file system access")
    if arg in ("--socket=x11", "--device=all", "--talk-name=org.freedesktop.Flatpak"):
        fail(f"{arg} is more than the app needs")

modules = manifest.get("modules", [])
names = [m.get("name") for m in modules if isinstance(m, dict)]
if "gmime" not in names:
    fail("GMime is not in the runtime and must be built as a module")
if names[-1:] != ["quarantine-desk"]:
    fail("the last module must be quarantine-desk itself")
for module in modules:
    for source in module.get("sources", []):
        if source.get("type") in ("archive", "file"):
            if not source.get("url", "").startswith("https://"):
                fail(f"{module['name']}: sources must be fetched over https")
            sha = source.get("sha256", "")
            if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
                fail(f"{module['name']}: every downloaded source needs a sha256")
app = modules[-1]
if "-Dgateway=false" not in app.get("config-opts", []):
    fail("the reference gateway is not part of the Flatpak: -Dgateway=false")
# The app-id is the one the build installs its files under: a development
# build (-Ddevelopment=true) adds .Devel to the release id.
app_id = APP_ID + ".Devel" if "-Ddevelopment=true" in app.get("config-opts", []) else APP_ID
if manifest.get("app-id") != app_id:
    fail(f"app-id is {manifest.get('app-id')!r}, but the build installs {app_id!r}")
if os.path.basename(sys.argv[1]) != app_id + ".json":
    fail(f"the manifest is named after its app-id: {app_id}.json")
print(f"ok: {len(modules)} modules, {len(args)} finish-args")
