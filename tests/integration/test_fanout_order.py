"""Fan-out in chunks: every client gets every push, in seq order, while others are served."""

from __future__ import annotations

import asyncio
import json

import websockets

from rencontre.server.hub import CHUNK
from tests.integration.wsclient import Client

POSTS = 6


async def test_many_clients_get_every_push_in_order(app_client):
    url = str(app_client.make_url("/ws")).replace("http", "ws", 1)
    token = app_client.tokens["attendee"]
    listeners = []
    for _ in range(CHUNK * 3 + 7):  # each push takes several turns of the event loop
        ws = await websockets.connect(url)
        await ws.send(json.dumps({"type": "auth.hello", "id": "h", "data": {"token": token}}))
        await ws.recv()
        listeners.append(ws)
    moderator = await Client.connect(url, app_client.tokens["Moderator panel"])
    sent = await asyncio.gather(*(moderator.send("announcement.post", {"text": f"n{n}"})
                                  for n in range(POSTS)))
    seqs = sorted(reply["seq"] for reply in sent)

    async def pushes(ws) -> list[int]:
        got = []
        async with asyncio.timeout(20):
            while len(got) < POSTS:
                message = json.loads(await ws.recv())
                if message["type"] == "announcement.posted":
                    got.append(message["seq"])
        return got

    received = await asyncio.gather(*(pushes(ws) for ws in listeners))
    assert all(got == seqs for got in received), "each client: every post once, in seq order"
    for ws in listeners:
        await ws.close()
    await moderator.close()
