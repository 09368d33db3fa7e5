#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The mail system of build-aux/stack, in the foreground (see qdstack.py)."""

import argparse
import os
import signal
import sys
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "tests" / "lib"))


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(prog="build-aux/stack",
                                     description="A private Postfix + rspamd + Dovecot "
                                                 "with qd-gateway as its quarantine.")
    parser.add_argument("build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("dir", type=Path, help="where every file of the stack goes")
    parser.add_argument("--junk", action="append", default=[], metavar="CATEGORY",
                        help="file this graymail category into Junk instead of holding it "
                             "(marketing, social, forum, bulk; repeatable)")
    args = parser.parse_args()
    os.environ.setdefault("QD_SOURCE_ROOT", str(TOP))
    os.environ.setdefault("QD_BUILD_ROOT", str(args.build.resolve()))

    import qdstack  # after the environment qdharness reads

    for category in args.junk:
        if category not in qdstack.CATEGORIES:
            print(f"stack: “{category}” is not a graymail category; use one of "
                  f"{', '.join(qdstack.CATEGORIES)}.", file=sys.stderr)
            return 2
    signal.signal(signal.SIGTERM, interrupted)
    stack = qdstack.Stack(args.dir, policy={c: "junk" for c in args.junk})
    try:
        stack.start()
        path = stack.write_description()
        print(f"stack: ready, described in {path} (Ctrl+C stops it)", flush=True)
        signal.pause()
    except qdstack.StackError as e:
        print(f"stack: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstack: stopping…", flush=True)
    finally:
        stack.stop()
        (args.dir / "stack.json").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
