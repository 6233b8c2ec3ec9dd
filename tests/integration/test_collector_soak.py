"""Connections that come and go leave nothing behind, although arrivals are frozen."""

from __future__ import annotations

import asyncio
import gc
import weakref

import websockets

from rencontre.server.collector import MIN_CLOSED


async def test_closed_connections_are_freed_after_churn(app_client) -> None:
    hub = app_client.hub
    url = str(app_client.make_url("/ws")).replace("http", "ws", 1)
    gone: list[weakref.ref] = []
    try:
        for _ in range(2):  # two waves, as attendees come and go between sessions
            sockets = await asyncio.gather(*(websockets.connect(url)
                                             for _ in range(MIN_CLOSED // 2 + 10)))
            async with asyncio.timeout(10):
                while len(hub.connections) < len(sockets):
                    await asyncio.sleep(0.01)
            # aiohttp leaves each closed connection's transport, request and protocol in
            # reference cycles: frozen, only a thaw can free them.
            gone += [weakref.ref(c.transport) for c in hub.connections]
            # The hub's own pacer may have stepped already: either way, the wave is frozen.
            hub.collector.step(len(hub.connections))
            await asyncio.gather(*(ws.close() for ws in sockets))
            async with asyncio.timeout(10):
                while hub.connections:
                    await asyncio.sleep(0.01)
        hub.collector.step(0)  # a thaw is due, unless the pacer just did it
        gc.collect()
        alive = sum(1 for ref in gone if ref() is not None)
        assert alive == 0, f"{alive} of {len(gone)} closed connections' transports in memory"
    finally:
        gc.unfreeze()
