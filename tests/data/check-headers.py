#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a source file does not open with its one-line description and SPDX line.

A C file or header opens as src/core/qd-json.h does:

  /* qd-json.h — tolerant accessors over json-glib objects
   *
   * SPDX-License-Identifier: GPL-3.0-or-later
   */

A Python file or other script: its #! line if it has one, then
"# SPDX-License-Identifier: GPL-3.0-or-later", then a docstring that opens
with its description, or a "# description" comment.

Looks at the C, header and Python files under src/, tests/, bench/ and
build-aux/, and the scripts (files that start with #!) in bench/ and build-aux/.
"""

import argparse
import os
import re
import sys

DIRECTORIES = ["src", "tests", "bench", "build-aux"]
# Where scripts without an extension live (a test's data or a fuzzing
# corpus elsewhere may well start with #!).
SCRIPT_DIRECTORIES = ["bench", "build-aux"]
SPDX = "SPDX-License-Identifier: GPL-3.0-or-later"


def sources(root):
    for top in DIRECTORIES:
        for directory, subdirs, files in os.walk(os.path.join(root, top)):
            subdirs[:] = sorted(d for d in subdirs
                                if not d.startswith(".") and d != "__pycache__")
            for name in sorted(files):
                path = os.path.join(directory, name)
                if name.endswith((".c", ".h")):
                    yield path, "c"
                elif name.endswith(".py"):
                    yield path, "script"
                elif top in SCRIPT_DIRECTORIES and not os.path.splitext(name)[1]:
                    with open(path, "rb") as f:
                        if f.read(2) == b"#!":
                            yield path, "script"


def check_c(path, lines):
    """The problems of a C file's opening comment, as sentences."""
    name = os.path.basename(path)
    problems = []
    first = lines[0] if lines else ""
    if not re.match(r"/\* " + re.escape(name) + r" — \S", first):
        problems.append(f"its first line is not '/* {name} — what it holds' "
                        f"(it is {first!r})")
    comment = []
    for line in lines:
        comment.append(line)
        if "*/" in line:
            break
    if not any(line == " * " + SPDX for line in comment):
        problems.append(f"its opening comment lacks ' * {SPDX}'")
    return problems


def check_script(path, lines):
    problems = []
    rest = lines[1:] if lines and lines[0].startswith("#!") else lines
    if not rest or rest[0] != "# " + SPDX:
        return [f"'# {SPDX}' is not its first line (after the #! line, if any)"]
    # The description: a docstring opening with text, or a comment line,
    # after any bare '#' lines.
    for line in rest[1:]:
        if line.strip() == "#":
            continue
        if not re.match(r'(# \S|"""\S|r"""\S)', line):
            problems.append("the line after the SPDX line is not a description "
                            f"('\"\"\"What it holds.' or '# What it holds'; it is {line!r})")
        break
    else:
        problems.append("nothing follows the SPDX line")
    return problems


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-root",
                        default=os.environ.get("QD_SOURCE_ROOT", os.path.join(here, "..", "..")))
    args = parser.parse_args()
    root = os.path.abspath(args.source_root)

    failures = []
    count = 0
    for path, kind in sources(root):
        count += 1
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()[:40]
        problems = (check_c if kind == "c" else check_script)(path, lines)
        for problem in problems:
            failures.append(f"{os.path.relpath(path, root)}: {problem}")

    for failure in failures:
        print("FAIL: " + failure)
    if failures:
        print(f"\n{len(failures)} problem(s). Every source file opens with one line saying what "
              "it holds and the SPDX line (see src/core/qd-json.h).")
        return 1
    print(f"ok: {count} source files open with a description and the SPDX line")
    return 0


if __name__ == "__main__":
    sys.exit(main())
