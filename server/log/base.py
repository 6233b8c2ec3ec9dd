"""What every log backend offers, and the group commit they share."""

from __future__ import annotations

import asyncio
import json
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

from rencontre.engine.upgrades import NewerFormat, stamp, upgrade

Entry = tuple[int, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state as of entry ``seq``, pickled by code of ``version``."""

    seq: int
    version: str
    body: bytes


class LogUnavailable(Exception):
    """The log cannot be reached; nothing was written."""


class LogRewound(LogUnavailable):
    """The log lost entries this process has seen (a Redis restarted without its data).

    Nothing is written on such a log: this process stops following it for good.
    """


class LogTooNew(LogUnavailable):
    """The log holds entries of a newer format than this code reads (engine/upgrades.py)."""


class UnloggableEntry(ValueError):
    """This one entry cannot be written (not encodable); its batch neighbours were."""


def encode(entry: dict[str, Any]) -> str:
    return json.dumps(stamp(entry), separators=(",", ":"), ensure_ascii=False)


def decode(body: str | bytes) -> dict[str, Any]:
    """The entry in ``body``, upgraded to the current format; raises :class:`LogTooNew`."""
    try:
        return upgrade(json.loads(body))
    except NewerFormat as error:
        raise LogTooNew(str(error)) from None


class Log(ABC):
    """An append-only sequence of entries numbered 1, 2, 3 …

    Appends from concurrent callers are gathered and written together, so a
    burst of commands costs one disk flush or one network round trip.
    """

    backend: str

    def __init__(self) -> None:
        # Told how long each batch took to write (the hub's metrics set it).
        self.observe_write: Callable[[float], None] = lambda seconds: None
        self._pending: list[tuple[str, asyncio.Future[int]]] = []
        self._flushing: asyncio.Task[None] | None = None
        # The highest seq this process has read, written or restored: the log may not end before.
        self.seen = 0

    @abstractmethod
    async def open(self) -> None:
        """Connect, create what is missing, check durability settings."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def _write(self, bodies: list[str]) -> int:
        """Append ``bodies`` in order, durably; return the sequence number of the last."""

    @abstractmethod
    async def read(self, after: int, limit: int, block: float = 0) -> list[Entry]:
        """Up to ``limit`` entries after ``after``, waiting up to ``block`` seconds for one."""

    @abstractmethod
    async def last_seq(self) -> int:
        """The sequence number of the last entry; raises LogUnavailable."""

    @abstractmethod
    async def destroy(self) -> None:
        """Delete every entry and the snapshot: the event starts afresh (the demo's reset)."""

    @abstractmethod
    async def probe(self) -> None:
        """Write something small durably, as an append would; raise LogUnavailable if that fails."""

    @abstractmethod
    async def save_snapshot(self, snapshot: Snapshot) -> None:
        """Keep ``snapshot`` unless a later one is kept already."""

    @abstractmethod
    async def load_snapshot(self) -> Snapshot | None:
        """The latest snapshot, if any."""

    @abstractmethod
    async def set_aside_snapshot(self, snapshot: Snapshot) -> str:
        """Move ``snapshot`` out of the way (it does not load), keeping it; say where it went."""

    def append(self, entry: dict[str, Any]) -> asyncio.Future[int]:
        """Queue ``entry``; the future gives its sequence number once it is durable.

        Queuing is synchronous, so entries keep the order in which callers
        appended them.
        """
        future = asyncio.get_running_loop().create_future()
        try:
            body = encode(entry)
            body.encode("utf-8")
        except (ValueError, TypeError, RecursionError) as error:
            # Refused alone, before it can join a batch and fail it for everyone.
            future.set_exception(UnloggableEntry(str(error)))
            return future
        self._pending.append((body, future))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        return future

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            started = time.perf_counter()
            try:
                last = await self._write([body for body, _ in batch])
            except LogUnavailable as error:
                self._fail(batch, error)
                continue
            except Exception:  # noqa: BLE001 - something in one entry: find which
                # Nothing of the batch was written (one transaction, one script):
                # each entry goes alone, so that only the bad one fails.
                for one in batch:
                    await self._write_alone(one)
                continue
            self.observe_write(time.perf_counter() - started)
            self._resolve(batch, last)

    async def _write_alone(self, pending: tuple[str, asyncio.Future[int]]) -> None:
        try:
            last = await self._write([pending[0]])
        except LogUnavailable as error:
            self._fail([pending], error)
        except Exception as error:  # noqa: BLE001 - this entry's own fault
            self._fail([pending], UnloggableEntry(str(error)))
        else:
            self._resolve([pending], last)

    @staticmethod
    def _fail(batch: list[tuple[str, asyncio.Future[int]]], error: Exception) -> None:
        for _, future in batch:
            if not future.done():
                future.set_exception(error)

    @staticmethod
    def _resolve(batch: list[tuple[str, asyncio.Future[int]]], last: int) -> None:
        first = last - len(batch) + 1
        for offset, (_, future) in enumerate(batch):
            if not future.done():
                future.set_result(first + offset)
