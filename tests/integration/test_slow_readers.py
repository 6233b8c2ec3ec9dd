"""A client that stops reading but keeps pinging is dropped once its queue passes the limit."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
import threading
import time

from tests.integration.wsclient import Client
from tests.support import ServerProcess

SEND_LIMIT = 256 * 1024


class StalledClient:
    """A websocket client that signs in, then never reads again but pings every 100 ms."""

    def __init__(self, port: int, token: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                           ).encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(1)
        assert response.startswith(b"HTTP/1.1 101"), response
        self.frame(0x1, json.dumps({"type": "auth.hello", "id": 1,
                                    "data": {"token": token}}).encode())
        self.dropped_at: float | None = None
        self._pinging = threading.Thread(target=self._ping, daemon=True)
        self._pinging.start()

    def frame(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        length = len(payload)
        header = bytes([0x80 | opcode])
        if length < 126:
            header += bytes([0x80 | length])
        else:
            header += bytes([0x80 | 126]) + struct.pack("!H", length)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _ping(self) -> None:
        while self.dropped_at is None:
            try:
                self.frame(0x9, b"still here")
                self.frame(0x1, json.dumps({"type": "conn.ping", "data": {}}).encode())
            except OSError:
                self.dropped_at = time.monotonic()
                return
            time.sleep(0.1)

    def close(self) -> None:
        self.dropped_at = self.dropped_at or time.monotonic()
        self.sock.close()


async def test_a_client_that_stops_reading_is_dropped_within_the_send_limit(tmp_path, servers):
    server = ServerProcess(tmp_path / "data", extra=["--send-limit", str(SEND_LIMIT)])
    servers.append(server)
    server.start()
    stalled = StalledClient(server.port, server.attendee_token)
    moderator = await Client.connect(server.ws_url, server.moderator_token)
    text = "x" * 500
    started = time.monotonic()
    posted = 0
    try:
        while stalled.dropped_at is None and posted < 4000:
            replies = await asyncio.gather(*(moderator.send("announcement.post", {"text": text})
                                             for _ in range(50)))
            assert all(reply["type"] == "reply" for reply in replies)
            posted += 50
        await asyncio.sleep(0.5)
        pushed = posted * (len(text) + 150)
        print(f"dropped after {posted} posts (~{pushed // 1024} KiB pushed) in "
              f"{(stalled.dropped_at or time.monotonic()) - started:.1f} s")
        assert stalled.dropped_at is not None, f"still connected after ~{pushed // 1024} KiB"
        # What the server held for it: its own buffers stay within the limit (plus a push).
        assert pushed < 4 * SEND_LIMIT
    finally:
        stalled.close()
        await moderator.close()
