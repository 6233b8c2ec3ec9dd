"""Summarise a py-spy collapsed-stack profile: where the server's samples went."""

from __future__ import annotations

from collections import Counter
from pathlib import Path


def summarise(path: Path, top: int = 25) -> str:
    """The functions with the most samples, inclusive (anywhere on the stack) and self (leaf)."""
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        samples = int(count)
        total += samples
        frames = [_short(frame) for frame in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += samples
        leaf[frames[-1]] += samples
    lines = [f"{total} samples in {path.name}", "", "inclusive:"]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(top)]
    lines += ["", "self:"]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in leaf.most_common(top)]
    return "\n".join(lines)


def _short(frame: str) -> str:
    """``send (server/connection.py:28)`` without the line number, paths from the repo."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "lib/python3"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{name} ({where})" if where else name
