"""Process plumbing and /proc readings shared by the harness, the targets and the generator."""

from __future__ import annotations

import os
import resource
import shutil
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
# The server under test gets CPU 0, every load generator and the harness itself CPU 1,
# so that the generator's work never competes with the server it measures.
SERVER_CPU = 0
LOAD_CPU = 1

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], T | None], timeout: float, what: str,
             interval: float = 0.02) -> T:
    """Poll ``check`` until it returns something true; exceptions count as "not yet"."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except Exception:  # noqa: BLE001 - a refused connection just means: not yet
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def raise_fd_limit() -> int:
    """Lift the soft open-file limit to the hard one: 10,000 sockets need it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def pinned(command: list[str], cpu: int) -> list[str]:
    """``command`` run on one CPU with taskset, when there is taskset and more than one CPU."""
    if shutil.which("taskset") and (os.cpu_count() or 1) > cpu:
        return ["taskset", "-c", str(cpu), *command]
    return command


def pin_self(cpu: int) -> bool:
    """Keep this process (the harness, the moderator) off the server's CPU."""
    try:
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError, ValueError):
        return False
    return True


def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid``, from /proc/<pid>/stat (fields 14 and 15)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_bytes(pid: int) -> int:
    """Resident set size of ``pid``, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class CpuMeter:
    """How busy one CPU was between two readings of /proc/stat, from 0 to 1."""

    def __init__(self, cpu: int) -> None:
        self.cpu = cpu
        self.start = self._read()

    def _read(self) -> tuple[int, int]:
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith(f"cpu{self.cpu} "):
                values = [int(v) for v in line.split()[1:]]
                idle = values[3] + values[4]
                return sum(values) - idle, sum(values)
        return 0, 0

    def busy(self) -> float:
        busy0, total0 = self.start
        busy1, total1 = self._read()
        return (busy1 - busy0) / max(1, total1 - total0)


def percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of an ascending list (0 when empty)."""
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[rank]
