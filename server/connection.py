"""One websocket client, as the hub sees it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from engine.messages import Actor


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
    topics: set[str] = field(default_factory=set)
    dropped: bool = False

    def send(self, frame: bytes) -> None:
        transport = self.transport
        if transport.is_closing():
            return
        if transport.get_write_buffer_size() > self.send_limit:
            self.dropped = True
            transport.abort()
            return
        transport.write(frame)
