# SPDX-License-Identifier: GPL-3.0-or-later
"""Driving the real window through the accessibility tree (pyatspi).

Import this module only after the DesktopSession's bus address is in
os.environ: pyatspi connects to the accessibility bus when imported.
"""

from __future__ import annotations

import re
import time
from typing import Callable, Iterator

import pyatspi

import qdharness


def _walk_roles(acc, depth: int = 0) -> Iterator:
    """(accessible, role name) under ACC, ACC first.  Every property read is
    a D-Bus round trip (GTK 4.8 offers AT-SPI no cache): the role is read
    once a node."""
    if acc is None or depth > 60:
        return
    try:
        role = acc.getRoleName()
    except Exception:  # gone while we looked: the window rebuilt that part
        return
    yield acc, role
    try:
        count = acc.childCount
    except Exception:
        return
    for i in range(count):
        try:
            child = acc.getChildAtIndex(i)
        except Exception:  # the tree changes under us while the window works
            continue
        yield from _walk_roles(child, depth + 1)


def walk(acc, depth: int = 0) -> Iterator:
    for found, _ in _walk_roles(acc, depth):
        yield found


def application(name: str = "quarantine-desk", timeout: float = 30):
    def find():
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            if app is not None and app.name == name:
                return app
        return None
    return qdharness.wait_for(find, timeout, f"the application {name!r} on the AT-SPI bus")


MNEMONIC = re.compile(r"\(_?[A-Za-z0-9]\)$")


def plain_label(text: str) -> str:
    """A label as read aloud: no mnemonic underscore, no Japanese-style "(_S)"."""
    return MNEMONIC.sub("", text).replace("_", "")


def accessible_name(acc) -> str:
    """The name as a person would hear it: without GTK 4.8's doubled
    mnemonic label ("_Apply Apply", "適用(_A) 適用(A)") or a mnemonic suffix."""
    try:
        name = acc.name or ""
    except Exception:
        return ""
    for i, c in enumerate(name):
        if c == " " and name[i + 1:] and plain_label(name[:i]) == plain_label(name[i + 1:]):
            return plain_label(name[i + 1:])
    return MNEMONIC.sub("", name)


def _matches(root, role: str, name: str | None, predicate: Callable | None) -> Iterator:
    for acc, acc_role in _walk_roles(root):
        if acc_role != role:
            continue
        if name is not None and accessible_name(acc) != name:
            continue
        if predicate is not None and not predicate(acc):
            continue
        yield acc


def find_all(root, role: str, name: str | None = None,
             predicate: Callable | None = None) -> list:
    return list(_matches(root, role, name, predicate))


def find(root, role: str, name: str | None = None, timeout: float = 20,
         predicate: Callable | None = None):
    """The first accessible of ROLE (and NAME) under ROOT, waiting for it."""
    return qdharness.wait_for(lambda: next(_matches(root, role, name, predicate), None),
                              timeout, f"a {role} named {name!r}")


def is_sensitive(acc) -> bool:
    return acc.getState().contains(pyatspi.STATE_SENSITIVE)


def is_checked(acc) -> bool:
    return acc.getState().contains(pyatspi.STATE_CHECKED)


def do_action(acc, action: str | None = None) -> None:
    """Performs ACTION (or the first one); a widget that only wraps the
    actionable one (GtkMenuButton wraps a button) delegates to its child."""
    for target in walk(acc):
        try:
            iface = target.queryAction()
        except NotImplementedError:
            continue
        for i in range(iface.nActions):
            if action is None or iface.getName(i) == action:
                iface.doAction(i)
                return
    raise AssertionError(f"{accessible_name(acc)!r} has no action {action!r}")


def click(acc) -> None:
    qdharness.wait_for(lambda: is_sensitive(acc), 20, f"{accessible_name(acc)!r} to be sensitive")
    do_action(acc)


def set_text(acc, text: str) -> None:
    editable = acc.queryEditableText()
    editable.setTextContents(text)


def text_of(acc) -> str:
    try:
        t = acc.queryText()
        return t.getText(0, t.characterCount)
    except NotImplementedError:
        return accessible_name(acc)


def labels(root) -> list[str]:
    return [accessible_name(a) for a in find_all(root, "label")]


def wait_for_label(root, predicate: Callable[[str], bool], timeout: float = 20,
                   what: str = "a label") -> str:
    def look():
        for text in labels(root):
            if predicate(text):
                return text
        return None
    return qdharness.wait_for(look, timeout, what)
