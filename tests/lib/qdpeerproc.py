# SPDX-License-Identifier: GPL-3.0-or-later
"""A gateway simulator of tests/peers (pmgsim, cloudsim) in a process of its own, driven over a pipe.

The simulators' process mode (``serve``) takes its switches at start only;
the qdesk tests also turn them during a command (a session that expires in
a batch, a 401 in the middle of a listing), so this runs the simulator's
class in a child process and sends it Python statements, one JSON line
each, run with ``sim`` bound to the simulator::

    with PeerProcess("pmg", version="9.1.0", auth_fail_delay=0.2) as peer:
        peer.info["url"], peer.info["fingerprint"]
        peer.run("sim.add_user('a@example.com', 'pw')")
        peer.run("result = sim.mails[i].state", i="C1R1T1")   # → "new"

Statements run in one namespace that lives as long as the process, so a
test can keep state there (counters of a fault, say).  The child exits when
its standard input closes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

PEERS = Path(__file__).resolve().parents[1] / "peers"


class PeerProcess:
    """KIND "pmg" or "cloud"; keyword arguments go to the simulator's class."""

    def __init__(self, kind: str, **kwargs: Any):
        self.kind = kind
        self.kwargs = kwargs
        self.proc: subprocess.Popen | None = None
        self.info: dict = {}

    def __enter__(self) -> "PeerProcess":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, __file__, self.kind, json.dumps(self.kwargs)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.kind} simulator did not start")
        self.info = json.loads(line)

    def run(self, code: str, **values: Any) -> Any:
        """Runs CODE with SIM and VALUES bound; returns what it put in ``result``."""
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"code": code, "values": values}) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        if "error" in answer:
            raise RuntimeError(f"in the {self.kind} simulator: {answer['error']}")
        return answer["result"]

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc = None


def _child(kind: str, kwargs: dict) -> int:
    import traceback

    sys.path.insert(0, str(PEERS))
    if kind == "pmg":
        import pmgsim as module
        sim = module.PmgSim(**kwargs)
        sim.start()
        info = {"url": sim.base_url, "fingerprint": sim.fingerprint}
    else:
        import cloudsim as module
        sim = module.CloudSim(**kwargs)
        sim.start()
        info = {"url": sim.base_url, "ca_file": sim.ca_file}
    namespace: dict[str, Any] = {"sim": sim, "module": module}
    print(json.dumps(info), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        namespace.update(request["values"])
        namespace["result"] = None
        try:
            exec(request["code"], namespace)  # noqa: S102 (test code from the test itself)
            answer = {"result": namespace["result"]}
        except Exception:  # noqa: BLE001 (handed to the test)
            answer = {"error": traceback.format_exc()}
        print(json.dumps(answer, default=str), flush=True)
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], json.loads(sys.argv[2])))
