"""A small websocket client that speaks the Rencontre protocol, for tests."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import websockets

_ids = itertools.count(1)


class Client:
    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self.pushes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.replies: dict[Any, asyncio.Future[dict[str, Any]]] = {}
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, url: str, token: str | None = None, **kwargs: Any) -> Client:
        client = cls(await websockets.connect(url, **kwargs))
        client.snapshot = await client.call("auth.hello", {"token": token} if token else {})
        return client

    async def _read(self) -> None:
        try:
            await self._dispatch()
        except websockets.ConnectionClosed:
            pass

    async def _dispatch(self) -> None:
        async for text in self.ws:
            message = json.loads(text)
            if message["type"] in ("reply", "error") and message.get("id") in self.replies:
                self.replies.pop(message["id"]).set_result(message)
            else:
                await self.pushes.put(message)

    async def send(self, type: str, data: dict[str, Any] | None = None,
                   id: Any = None) -> dict[str, Any]:
        """Send a message; return the whole reply or error message."""
        id = id if id is not None else f"t{next(_ids)}"
        future = self.replies[id] = asyncio.get_running_loop().create_future()
        await self.ws.send(json.dumps({"type": type, "id": id, "data": data or {}}))
        return await asyncio.wait_for(future, 10)

    async def call(self, type: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a message and return its result; fail the test on an error."""
        reply = await self.send(type, data)
        assert reply["type"] == "reply", reply
        return reply["result"]

    async def push(self, type: str, timeout: float = 10) -> dict[str, Any]:
        """The next push of ``type``, skipping others."""
        async with asyncio.timeout(timeout):
            while True:
                message = await self.pushes.get()
                if message["type"] == type:
                    return message

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()


def ws_url(app_client) -> str:
    """The websocket address of an in-process test server."""
    return str(app_client.make_url("/ws")).replace("http", "ws", 1)


async def pair(url: str, organiser: Client, label: str) -> Client:
    """A kiosk, paired with a code the organiser made, as staff pair one at the venue."""
    code = (await organiser.call("kiosk.pairing-code", {"label": label}))["code"]
    anonymous = await Client.connect(url)
    token = (await anonymous.call("kiosk.pair", {"code": code}))["token"]
    await anonymous.close()
    return await Client.connect(url, token)
