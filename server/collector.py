"""Garbage collection paced for thousands of long-lived connections.

CPython's full collection walks every object it tracks. With 10,000 websockets
that is some 700,000 objects and a pause of 300 ms in the middle of a fan-out.
Nearly all of them live as long as their connection, so once connections have
arrived they are frozen (``gc.freeze``: left out of every later collection, at
no cost). A frozen connection that closes leaves its reference cycles (about 30
objects) until the next thaw: ``gc.unfreeze``, a full collection, ``gc.freeze``
again. A thaw comes once a quarter of the frozen connections have closed,
CPython's own rule for full collections counted in connections instead of
objects, so a crowd arriving at a session never triggers one.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

EVERY = 2.0  # seconds between two looks
MIN_CLOSED = 500  # below this many closed connections a thaw is not worth its pause


@dataclass(slots=True)
class Collector:
    """Counts connections as they come and go, and freezes or thaws the heap."""

    opened: int = 0  # connections opened since the last freeze
    closed: int = 0  # connections closed since the last thaw
    frozen: int = 0  # connections open at the last freeze or thaw

    def connected(self) -> None:
        self.opened += 1

    def disconnected(self) -> None:
        self.closed += 1

    def due(self) -> str | None:
        """``"thaw"``, ``"freeze"`` or None: what :meth:`step` would do now."""
        if self.closed >= max(MIN_CLOSED, self.frozen // 4):
            return "thaw"
        if self.opened:
            return "freeze"
        return None

    def step(self, open_connections: int) -> str | None:
        action = self.due()
        if action == "thaw":
            started = time.perf_counter()
            gc.unfreeze()
            collected = gc.collect()
            gc.freeze()
            log.info("thawed after %d closed connections: %d objects collected in %.0f ms",
                     self.closed, collected, (time.perf_counter() - started) * 1000)
            self.closed = 0
        elif action == "freeze":
            # Collect the young generations first, so no short-lived cycle is frozen.
            gc.collect(1)
            gc.freeze()
        if action is not None:
            self.opened = 0
            self.frozen = open_connections
        return action

    async def run(self, open_connections: Callable[[], int]) -> None:
        while True:
            await asyncio.sleep(EVERY)
            self.step(open_connections())
