"""The format of log entries, and how an entry of an older format is read.

A log outlives the code that wrote it: an event's log is kept for years as its
record, and a server is upgraded between two days of an event. Every entry is
written with the format version of the code that wrote it (``"v"``); entries
written before versions existed have none and are format 1.

A newer server reads every older format: :data:`UPGRADES` turns an entry of
format *n* into one of format *n* + 1, step by step, before it is applied. A
format whose entries need no change (2 only added ``"v"``) has no step. An
older server never guesses at a newer format: it refuses the entry, so that
two processes cannot reach different states from one log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

FORMAT = 2
"""The format of the entries this code writes, and the newest it reads."""

UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
"""``UPGRADES[n]`` turns an entry of format ``n`` into one of format ``n + 1``."""


class NewerFormat(Exception):
    """An entry written by a newer version of Rencontre, which this one cannot apply."""

    def __init__(self, version: object) -> None:
        super().__init__(
            f"the log holds entries in format {version}, written by a newer Rencontre; "
            f"this one reads formats 1 to {FORMAT}: upgrade Rencontre to serve this event")
        self.version = version


def version_of(entry: dict[str, Any]) -> int:
    version = entry.get("v", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise NewerFormat(version)
    return version


def upgrade(entry: dict[str, Any]) -> dict[str, Any]:
    """``entry`` in the current format; raises :class:`NewerFormat` if it is newer."""
    version = version_of(entry)
    if version > FORMAT:
        raise NewerFormat(version)
    while version < FORMAT:
        step = UPGRADES.get(version)
        if step is not None:
            entry = step(entry)
        version += 1
    return entry


def stamp(entry: dict[str, Any]) -> dict[str, Any]:
    """``entry`` with the format version this code writes."""
    return {"v": FORMAT, **entry}
