"""Minutes of attendance, from intervals: pure functions, no state, no clock.

An interval is ``(start, end)`` in Unix seconds; ``end`` is ``None`` while it is
still open. Every count of minutes in Rencontre (the ledger's reports, the live
counts, the CSV, the certificates) comes from :func:`session_minutes`, so they
all say the same thing.

A person counts once per session: a minute spent on site is never also counted
online, whatever the phone in their pocket was showing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Interval = tuple[float, float | None]
Closed = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Minutes:
    """Whole minutes on site and online (online minutes exclude the on-site ones)."""

    onsite: int = 0
    online: int = 0

    @property
    def total(self) -> int:
        return self.onsite + self.online


def clip(intervals: Iterable[Interval], start: float, end: float) -> list[Closed]:
    """``intervals`` cut to ``[start, end]``; an open interval runs to ``end``."""
    out = []
    for begin, finish in intervals:
        a = max(begin, start)
        b = min(end if finish is None else finish, end)
        if b > a:
            out.append((a, b))
    return out


def union(intervals: Iterable[Closed]) -> list[Closed]:
    """The same time as ``intervals``, as sorted intervals that do not overlap."""
    merged: list[list[float]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def subtract(intervals: Sequence[Closed], taken: Sequence[Closed]) -> list[Closed]:
    """The time in ``intervals`` outside ``taken``; both sorted and disjoint (see :func:`union`)."""
    out = []
    for a, b in intervals:
        cursor = a
        for c, d in taken:
            if d <= cursor or c >= b:
                continue
            if c > cursor:
                out.append((cursor, c))
            cursor = max(cursor, d)
        if cursor < b:
            out.append((cursor, b))
    return out


def seconds(intervals: Iterable[Closed]) -> float:
    return sum(b - a for a, b in intervals)


def session_seconds(onsite: Iterable[Interval], online: Iterable[Interval],
                    start: float, end: float) -> tuple[float, float]:
    """Seconds on site, and online but not on site, within ``[start, end]``."""
    there = union(clip(onsite, start, end))
    away = subtract(union(clip(online, start, end)), there)
    return seconds(there), seconds(away)


def session_minutes(onsite: Iterable[Interval], online: Iterable[Interval],
                    start: float, end: float) -> Minutes:
    """Minutes on site and online within a session held from ``start`` to ``end``.

    Seconds are added up before rounding down to whole minutes, so that many
    short visits are not each rounded away.
    """
    there, away = session_seconds(onsite, online, start, end)
    return Minutes(int(there // 60), int(away // 60))


def present_at(intervals: Iterable[Interval], moment: float) -> bool:
    """Whether one of ``intervals`` covers ``moment`` (an open one covers all after its start)."""
    return any(a <= moment and (b is None or moment < b) for a, b in intervals)


def stays(moves: Iterable[tuple[float, str, str | None]]) -> dict[str, list[Interval]]:
    """Per session, the on-site intervals that door scans ``(at, kind, session)`` make, in
    time order: ``in`` opens one (closing the one open elsewhere), ``out`` closes the one in
    its session, ``out`` with no session (leaving the venue) closes whatever is open."""
    out: dict[str, list[Interval]] = {}
    here: str | None = None
    since = 0.0
    for at, kind, session in moves:
        if kind == "in":
            if here == session:
                continue
            if here is not None:
                out.setdefault(here, []).append((since, at))
            here, since = session, at
        elif here is not None and session in (None, here):
            out.setdefault(here, []).append((since, at))
            here = None
    if here is not None:
        out.setdefault(here, []).append((since, None))
    return out
