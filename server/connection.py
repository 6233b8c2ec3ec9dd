"""One websocket client, as the hub sees it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Collection, Coroutine
from dataclasses import dataclass, field
from typing import Any

from rencontre.engine.messages import Actor
from rencontre.server.limits import Bucket


@dataclass(eq=False, slots=True)
class Connection:
    """Writes prepared frames straight to the socket, and drops a client that stops reading.

    The socket's send buffer (capped, see :func:`bound_kernel_buffer`) and the
    transport's write buffer are the only queues: when a client lets them hold more
    than ``send_limit`` bytes the connection is aborted rather than buffered
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
    kernel_buffer: int = 0  # bytes the socket's send buffer holds at most (counted in the limit)
    address: str = ""  # the client's, as the limits count it
    bucket: Bucket | None = None  # its message budget (server/limits.py), from its first message
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
        # The transport buffers only once the kernel's send buffer is full: both count.
        if transport.get_write_buffer_size() > self.send_limit - self.kernel_buffer:
            self.dropped = True
            transport.abort()
            return
        transport.write(frame)


def bound_kernel_buffer(transport: asyncio.BaseTransport, send_limit: int) -> int:
    """Cap the socket's send buffer to a quarter of ``send_limit``; return its size.

    Most of the limit stays for the transport's buffer, which must hold a large
    snapshot (the programme) while a slow link drains it.

    Left to itself the kernel grows it to megabytes for a client that read fast once,
    and a client that stopped reading would hold all that before the send limit saw a
    byte: the limit must cover everything queued for a client, the kernel's part too.
    """
    sock = transport.get_extra_info("socket")
    if sock is None:
        return 0
    try:
        # Linux doubles what it is asked for (its own bookkeeping): read back the real size.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, max(4096, send_limit // 8))
        return min(sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF), send_limit // 4)
    except OSError:
        return 0
