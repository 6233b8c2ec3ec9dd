"""One websocket client, as the hub sees it."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Coroutine
from dataclasses import dataclass, field
from typing import Any

from rencontre.engine.messages import Actor


@dataclass(eq=False, slots=True)
class Connection:
    """Writes prepared frames straight to the socket, and drops a client that stops reading.

    The write buffer is the only queue: when a client lets it grow past
    ``send_limit`` bytes the connection is aborted rather than buffered
    without bound. The client reconnects and gets a fresh snapshot.
    """

    transport: asyncio.Transport
    send_limit: int
    lang: str = "en"
    actor: Actor | None = None
    # A handful of topics per client: a list costs a third of a set's memory.
    topics: list[str] = field(default_factory=list)
    dropped: bool = False
    max_frame: int = 64 * 1024  # the largest message this client may send
    # Idempotency keys of a connection not signed in: its own namespace, made on first use.
    anonymous: str | None = None
    visible: bool = True  # the page says so with every heartbeat (online presence)
    # Commands being answered. Most clients are idle: no set until the first command.
    _tasks: set[asyncio.Task[None]] | None = None

    @property
    def in_flight(self) -> Collection[asyncio.Task[None]]:
        return self._tasks or ()

    def run(self, handler: Coroutine[Any, Any, None]) -> None:
        """Answer a command concurrently with this client's others."""
        if self._tasks is None:
            self._tasks = set()
        task = asyncio.create_task(handler)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        if self._tasks is not None:
            self._tasks.discard(task)
            if not self._tasks:
                self._tasks = None

    def cancel(self) -> None:
        """Stop answering: the client has gone."""
        for task in tuple(self.in_flight):
            task.cancel()

    def send(self, frame: bytes) -> None:
        transport = self.transport
        if transport.is_closing():
            return
        if transport.get_write_buffer_size() > self.send_limit:
            self.dropped = True
            transport.abort()
            return
        transport.write(frame)
