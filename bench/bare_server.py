"""The bare baseline: the least a websocket server must do to serve the same scenarios.

A plain ``websockets`` asyncio server, compression off, that speaks just enough of
Rencontre's protocol for the load generator: ``auth.hello`` and ``room.join`` get
trivial replies, and ``announcement.post`` is broadcast to the room (or, without a
room, to everyone who said hello) with ``websockets.asyncio.server.broadcast``. No
log, no checks, no persistence: what Rencontre costs beyond this is its own.

``--replay FILE`` reads and decodes every row of a Rencontre SQLite log before
listening, the floor for the restart scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sqlite3
import time
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from bench.common import raise_fd_limit


class Bare:
    """The state of the baseline: who listens where, and what was announced."""

    def __init__(self) -> None:
        self.seq = 0
        self.everyone: set[ServerConnection] = set()
        self.rooms: dict[str, set[ServerConnection]] = {}
        self.announcements: dict[str | None, list[dict[str, Any]]] = {}

    def reply(self, ws: ServerConnection, message_id: Any, result: dict[str, Any]) -> str:
        return json.dumps({"type": "reply", "id": message_id, "ok": True, "seq": self.seq,
                           "result": result}, separators=(",", ":"))

    def handle(self, ws: ServerConnection, message: dict[str, Any]) -> str:
        kind, data, message_id = message.get("type"), message.get("data") or {}, message.get("id")
        if kind == "auth.hello":
            self.everyone.add(ws)
            return self.reply(ws, message_id, {"seq": self.seq, "time": time.time(), "me": None,
                                               "announcements": self.announcements.get(None, [])})
        if kind == "room.join":
            room = data["room"]
            self.rooms.setdefault(room, set()).add(ws)
            return self.reply(ws, message_id, {"seq": self.seq, "room": room,
                                               "announcements": self.announcements.get(room, [])})
        if kind == "announcement.post":
            return self.post(ws, message_id, data)
        return json.dumps({"type": "error", "id": message_id, "code": "request.unknown-type"})

    def post(self, ws: ServerConnection, message_id: Any, data: dict[str, Any]) -> str:
        self.seq += 1
        room = data.get("room")
        announcement = {"id": f"an{self.seq}", "text": data["text"], "room": room,
                        "posted_at": time.time(), "expires_at": None, "author": "Moderator"}
        self.announcements.setdefault(room, []).append(announcement)
        push = json.dumps({"type": "announcement.posted", "seq": self.seq, "room": room,
                           "announcement": announcement}, separators=(",", ":"),
                          ensure_ascii=False)
        broadcast(self.rooms.get(room, ()) if room else self.everyone, push)
        return self.reply(ws, message_id, {"id": announcement["id"]})

    def forget(self, ws: ServerConnection) -> None:
        self.everyone.discard(ws)
        for members in self.rooms.values():
            members.discard(ws)


def health(connection: ServerConnection, request: Request) -> Response | None:
    """Answer ``GET /healthz`` like Rencontre does, so the harness can wait for readiness."""
    if request.path != "/healthz":
        return None
    body = b'{"status":"ok","backend":"bare"}'
    return Response(HTTPStatus.OK.value, "OK",
                    Headers([("Content-Type", "application/json"),
                             ("Content-Length", str(len(body)))]), body)


def replay(path: str) -> int:
    """Read and decode every entry of a SQLite log: the least any replay must do."""
    db = sqlite3.connect(path)
    count = 0
    for (body,) in db.execute("SELECT body FROM log ORDER BY seq"):
        json.loads(body)
        count += 1
    db.close()
    return count


async def main(port: int) -> None:
    bare = Bare()

    async def handler(ws: ServerConnection) -> None:
        try:
            async for text in ws:
                answer = bare.handle(ws, json.loads(text))
                await ws.send(answer)
        except ConnectionClosed:
            pass
        finally:
            bare.forget(ws)

    # Exit at once on Ctrl-C: the kernel closes every socket. A graceful close of 10,000
    # websockets takes websockets ~20 s, which would say nothing about the restart.
    asyncio.get_running_loop().add_signal_handler(signal.SIGINT, os._exit, 0)
    # The same accept backlog as `rencontre serve`, so a reconnect storm compares servers,
    # not the kernel's SYN retransmission timers.
    async with serve(handler, "127.0.0.1", port, compression=None, process_request=health,
                     max_size=4 * 65536, backlog=4096) as server:
        print(f"bare server on {port}", flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--replay", metavar="SQLITE", help="decode this log before listening")
    args = parser.parse_args()
    raise_fd_limit()
    if args.replay:
        print(f"replayed {replay(args.replay)} entries", flush=True)
    try:
        asyncio.run(main(args.port))
    except KeyboardInterrupt:
        pass
