"""Connections that come and go leave nothing behind, although arrivals are frozen."""

from __future__ import annotations

import asyncio
import gc
import weakref
from pathlib import Path

import websockets
from aiohttp.test_utils import TestClient, TestServer

from server.app import create_app
from server.cli import prepare_event
from server.collector import MIN_CLOSED
from server.settings import Settings
from server.views import HUB


async def test_closed_connections_are_freed_after_churn(tmp_path: Path) -> None:
    settings = Settings(data=str(tmp_path / "data"), demo=True)
    app = create_app(settings)
    client = TestClient(TestServer(app))
    await client.start_server()
    hub = app[HUB]
    await prepare_event(hub, settings)
    url = str(client.make_url("/ws")).replace("http", "ws", 1)
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
            assert hub.collector.step(len(hub.connections)) == "freeze"
            await asyncio.gather(*(ws.close() for ws in sockets))
            async with asyncio.timeout(10):
                while hub.connections:
                    await asyncio.sleep(0.01)
        assert hub.collector.step(0) == "thaw"
        gc.collect()
        alive = sum(1 for ref in gone if ref() is not None)
        assert alive == 0, f"{alive} of {len(gone)} closed connections' transports in memory"
    finally:
        gc.unfreeze()
        await client.close()
