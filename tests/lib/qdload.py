# SPDX-License-Identifier: GPL-3.0-or-later
"""How busy the rest of the machine was while a benchmark ran (bench/run, bench/mailbox)."""

import os
import resource
import time


class OtherLoad:
    """The share of the machine's CPU that other processes used while the
    block ran: ours are every child process, waited for by its end."""

    @staticmethod
    def _busy() -> float:
        with open("/proc/stat", encoding="utf-8") as stat:
            fields = [int(f) for f in stat.readline().split()[1:]]
        idle = fields[3] + fields[4]
        return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")

    def __enter__(self):
        self.start = time.monotonic()
        self.busy = self._busy()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.ours = children.ru_utime + children.ru_stime + time.process_time()
        return self

    def __exit__(self, *exc):
        wall = time.monotonic() - self.start
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        ours = children.ru_utime + children.ru_stime + time.process_time() - self.ours
        other = max(0.0, self._busy() - self.busy - ours)
        self.percent = 100 * other / (wall * os.cpu_count())
