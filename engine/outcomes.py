"""What each keyed command came to, remembered long enough for any retry."""

from __future__ import annotations

from collections import deque
from typing import Any

# Log time, not wall time: every process forgets the same keys at the same seq.
# Twelve hours covers a kiosk that spends a whole conference day offline.
KEEP_FOR = 12 * 3600.0


class Outcomes:
    """The outcome of every command applied with an idempotency key in the last
    :data:`KEEP_FOR` seconds of log time, by key.

    A retry within that window gets the first outcome again; after it, the
    key is forgotten and the command would be applied as new. Without a
    bound, a three-day log would keep one outcome per write in memory.
    """

    __slots__ = ("_by_key", "_order")

    def __init__(self) -> None:
        self._by_key: dict[str, tuple[float, dict[str, Any]]] = {}
        self._order: deque[tuple[float, str]] = deque()

    def __len__(self) -> int:
        return len(self._by_key)

    def __contains__(self, key: str) -> bool:
        return key in self._by_key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Outcomes) and self._by_key == other._by_key

    def get(self, key: str) -> dict[str, Any] | None:
        kept = self._by_key.get(key)
        return kept[1] if kept is not None else None

    def add(self, key: str, outcome: dict[str, Any], at: float) -> None:
        """Remember ``outcome`` for ``key``, applied at log time ``at``; forget expired keys."""
        self._by_key[key] = (at, outcome)
        self._order.append((at, key))
        horizon = at - KEEP_FOR
        order, by_key = self._order, self._by_key
        while order[0][0] < horizon:
            added, old = order.popleft()
            if by_key[old][0] == added:
                del by_key[old]

    def __getstate__(self) -> tuple[dict[str, tuple[float, dict[str, Any]]], deque]:
        return self._by_key, self._order

    def __setstate__(self, state: tuple[dict, deque]) -> None:
        self._by_key, self._order = state
