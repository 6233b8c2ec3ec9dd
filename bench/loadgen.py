"""A load-generator process: many picows websocket clients, driven over stdin/stdout.

Each client behaves like an attendee's page (``static/js/socket.js``): it connects,
says ``auth.hello``, joins one room, and after a lost connection comes back with the
same jittered exponential backoff. For every ``announcement.posted`` push it records
the post index and the delivery latency, read from the ``t=<ns> i=<n>`` stamp the
moderator put in the text (intended send time on the shared CLOCK_MONOTONIC).

The harness sends one JSON command per line and reads one JSON answer per line;
see :meth:`Generator.command`. Pushes are parsed with ``bytes.find`` rather than
``json.loads``: at 50,000 frames a second the generator must stay cheaper than the
server it measures.

For the vote burst each client may sign in as its own attendee (``tokens``: a file of
one token per client, indexed from 0 like the clients), votes once at an intended time
(``vote``), and keeps, for the poll's pushes (``poll.voted``, ``poll.changed``), the
highest ``total`` it has seen and when it first saw it: O(1) per client, so the
harness can tell afterwards who saw the exact final count, and when. The reaction burst
works the same way (``react``): each client claps once, and keeps the highest applause
total it has seen in the ``reaction.added`` pushes, and how many such pushes it got.
"""

from __future__ import annotations

import asyncio
import gc
import json
import math
import random
import sys
import time
from array import array
from collections import deque
from typing import Any

import uvloop
from picows import WSFrame, WSListener, WSMsgType, WSTransport, ws_connect

from bench.common import raise_fd_limit

PUSH = b'{"type":"announcement.posted"'
STAMP = b'"text":"t='
POLL_PUSH = b'{"type":"poll.'
TOTAL = b'"total":'
REACTION_PUSH = b'{"type":"reaction.added"'
APPLAUSE = b'"applause":'
VOTE_ID = "v"  # the id of a client's one vote: also its idempotency key
TICK = 0.02  # how often the event loop checks its own lag
HEARTBEAT = 20.0  # seconds between two conn.ping of one client, as static/js/socket.js
PING = json.dumps({"type": "conn.ping", "id": "p", "data": {"visible": True}},
                  separators=(",", ":")).encode()
PONG = b'{"type":"reply","id":"p"'

SEND_QUANTUM = 0.001  # the shortest sleep between two votes' sends


def backoff(attempt: int) -> float:
    """The delay before reconnecting, as in static/js/socket.js."""
    return min(10.0, 0.3 * 2 ** min(attempt, 6)) * (0.5 + random.random())


class Client(WSListener):
    """One connection of one simulated attendee; a new one per reconnect."""

    def __init__(self, generator: Generator, index: int) -> None:
        super().__init__()
        self.generator = generator
        self.index = index
        self.transport: WSTransport | None = None

    def on_ws_connected(self, transport: WSTransport) -> None:
        self.transport = transport
        transport.send(WSMsgType.TEXT, self.generator.hello_for(self.index))

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        if frame.msg_type == WSMsgType.TEXT:
            self.generator.received(self, frame.get_payload_as_bytes())
        elif frame.msg_type == WSMsgType.CLOSE:
            transport.send_close(frame.get_close_code())
            transport.disconnect()

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        self.generator.lost(self)


class Generator:
    """All the clients of this process and what they measured."""

    def __init__(self, urls: list[str], first: int, count: int, token: str | None, room: str,
                 concurrency: int, tokens: list[str] | None = None) -> None:
        self.urls = urls
        self.first = first
        self.count = count
        self.room = room
        self.concurrency = concurrency
        hello: dict[str, Any] = {"token": token} if token else {}
        self.hello = json.dumps({"type": "auth.hello", "id": "h", "data": hello}).encode()
        self.tokens = tokens  # one per client (global index), or None: all share ``token``
        self.join = json.dumps({"type": "room.join", "id": "j", "data": {"room": room}}).encode()
        self.clients: dict[int, Client] = {}
        self.waiting: dict[int, asyncio.Future[bool]] = {}
        self.attempts = [0] * count
        self.index_log = array("l")
        self.latency_log = array("q")
        self.reconnect = False
        self.closing = False
        self.disconnects = 0
        self.connects = 0
        self.connect_failures = 0
        self.errors: deque[str] = deque(maxlen=5)
        # Reconnect-storm bookkeeping, reset by the "arm" command.
        self.expect_ids: list[str] | None = None
        self.rejoined: set[int] = set()
        self.rejoin_first = 0
        self.rejoin_last = 0
        self.bad_snapshots = 0
        self.max_lag = 0.0
        # Vote-burst bookkeeping, per local client slot; set up by the "vote" command.
        self.intended = array("q", bytes(8 * count))  # intended send time of the vote, ns
        self.sent = array("q", bytes(8 * count))  # when the vote actually left, ns
        self.acked = array("q", bytes(8 * count))  # reply receive time, 0 = none yet
        self.best_total = array("q", [-1]) * count  # highest poll total seen in a push
        self.best_ns = array("q", bytes(8 * count))  # when that total was first seen
        self.choice = array("b", bytes(count))
        self.vote_ok = 0
        self.vote_errors: dict[str, int] = {}
        self.votes_sent = 0
        self.votes_unsent = 0
        self.send_lag = 0
        self.voting: asyncio.Task[None] | None = None
        self.reaction_pushes = 0  # reaction.added frames received, all clients together
        self.pings = self.pongs = 0

    async def heartbeats(self) -> None:
        """Every connected client sends ``conn.ping`` (page visible) every 20 s, as the
        pages do, the clients' pings spread evenly over those 20 s."""
        while True:
            indices = sorted(self.clients)
            batches = max(1, min(len(indices), round(HEARTBEAT / 0.05)))
            per_batch = max(1, math.ceil(len(indices) / batches))
            batch_every = HEARTBEAT / batches
            for start in range(0, max(1, len(indices)), per_batch):
                for index in indices[start:start + per_batch]:
                    client = self.clients.get(index)
                    transport = client.transport if client is not None else None
                    if transport is not None and not transport.is_disconnected:
                        transport.send(WSMsgType.TEXT, PING)
                        self.pings += 1
                await asyncio.sleep(batch_every)

    def hello_for(self, index: int) -> bytes:
        if self.tokens is None:
            return self.hello
        return json.dumps({"type": "auth.hello", "id": "h",
                           "data": {"token": self.tokens[index]}}).encode()

    # -- frames -------------------------------------------------------------------------

    def received(self, client: Client, payload: bytes) -> None:
        if payload.startswith(PONG):
            self.pongs += 1
            return
        if payload.startswith(PUSH):
            at = payload.find(STAMP)
            if at < 0:
                return
            now = time.monotonic_ns()
            start = at + len(STAMP)
            space = payload.index(b" ", start)
            end = payload.index(b" ", space + 3)
            self.latency_log.append(now - int(payload[start:space]))
            self.index_log.append(int(payload[space + 3:end]))
            return
        if payload.startswith(POLL_PUSH):
            self.poll_push(client, payload, TOTAL)
            return
        if payload.startswith(REACTION_PUSH):
            self.reaction_pushes += 1
            self.poll_push(client, payload, APPLAUSE)
            return
        message = json.loads(payload)
        kind = message.get("type")
        if message.get("id") == VOTE_ID:
            self.vote_answer(client, kind == "reply", message)
            return
        if kind == "reply" and message.get("id") == "h":
            assert client.transport is not None
            client.transport.send(WSMsgType.TEXT, self.join)
        elif kind == "reply" and message.get("id") == "j":
            self.joined(client, message)
        elif kind == "error":
            self.errors.append(f"{message.get('code')}: {message.get('message')}")
            self.settle(client.index, False)

    def joined(self, client: Client, message: dict[str, Any]) -> None:
        self.attempts[client.index - self.first] = 0
        if self.reconnect and client.index not in self.rejoined:
            now = time.monotonic_ns()
            self.rejoined.add(client.index)
            self.rejoin_first = self.rejoin_first or now
            self.rejoin_last = now
            if self.expect_ids is not None:
                ids = [a["id"] for a in message.get("result", {}).get("announcements", [])]
                if ids != self.expect_ids:
                    self.bad_snapshots += 1
                    self.errors.append(f"snapshot lists {ids}, expected {self.expect_ids}")
        self.settle(client.index, True)

    def poll_push(self, client: Client, payload: bytes, key: bytes) -> None:
        """Keep the highest total (after ``key``) this client has seen and when it first saw it.

        One poll is in play, so a push carries at most one ``total`` (``null`` while a
        poll keeps its results for the end), and one kind of reaction is sent, so a push
        carries at most one applause total: no JSON decoding needed.
        """
        at = payload.find(key)
        if at < 0:
            return
        start = at + len(key)
        end = start
        while end < len(payload) and 48 <= payload[end] <= 57:
            end += 1
        if end == start:
            return
        total = int(payload[start:end])
        slot = client.index - self.first
        if total > self.best_total[slot]:
            self.best_total[slot] = total
            self.best_ns[slot] = time.monotonic_ns()

    def vote_answer(self, client: Client, ok: bool, message: dict[str, Any]) -> None:
        slot = client.index - self.first
        if self.acked[slot]:
            return
        self.acked[slot] = time.monotonic_ns()
        if ok:
            self.vote_ok += 1
        else:
            code = str(message.get("code"))
            self.vote_errors[code] = self.vote_errors.get(code, 0) + 1
            self.errors.append(f"vote refused: {code}: {message.get('message')}")
            self.acked[slot] = -self.acked[slot]  # answered, but not an ack

    async def vote_all(self, frames: list[bytes], start_ns: int, spread: float, slots: int,
                       offset: int, total: int) -> None:
        """Each client sends one of ``frames`` (client *i* the frame *i* mod their number)
        once, open-loop: slot ``j * slots + offset`` of ``total`` evenly spaced over
        ``spread`` seconds from ``start_ns``, whatever the answers do."""
        step = spread * 1e9 / max(1, total)
        order = []
        for slot in range(self.count):
            index = self.first + slot
            self.intended[slot] = start_ns + int((slot * slots + offset) * step)
            self.choice[slot] = index % len(frames)
            order.append(slot)
        for slot in order:  # already in time order: slots grow with the local index
            # Never early (a timer may fire up to the clock's resolution before its time),
            # and at most one wake-up per millisecond: the votes due by then leave together,
            # each up to 1 ms late, which its latency includes. Shorter sleeps would spin.
            while (delay := (self.intended[slot] - time.monotonic_ns()) / 1e9) > 0:
                await asyncio.sleep(max(delay, SEND_QUANTUM))
            client = self.clients.get(self.first + slot)
            transport = client.transport if client is not None else None
            if transport is None or transport.is_disconnected:
                self.votes_unsent += 1
                continue
            now = self.sent[slot] = time.monotonic_ns()
            self.send_lag = max(self.send_lag, now - self.intended[slot])
            transport.send(WSMsgType.TEXT, frames[self.choice[slot]])
            self.votes_sent += 1

    def vote_results(self, options: int) -> dict[str, Any]:
        """Per client: ack latency (ns, or -1 unanswered / -2 refused), best total, when.

        ``from_send_ns``: the same latencies measured from the actual send, which leaves
        out how late the generator sent (it still includes how late it read the answer).
        """
        latencies, from_send, per_option = [], [], [0] * options
        for slot in range(self.count):
            acked = self.acked[slot]
            if acked > 0:
                latencies.append(acked - self.intended[slot])
                from_send.append(acked - self.sent[slot])
                per_option[self.choice[slot]] += 1
            else:
                latencies.append(-2 if acked < 0 else -1)
        return {"latency_ns": latencies, "from_send_ns": from_send,
                "best_total": self.best_total.tolist(), "best_ns": self.best_ns.tolist(),
                "per_option": per_option,
                "last_ack_ns": max((a for a in self.acked if a > 0), default=0),
                "max_lag_ms": self.max_lag * 1000, "send_lag_ms": self.send_lag / 1e6,
                "errors": list(self.errors)}

    def settle(self, index: int, ok: bool) -> None:
        future = self.waiting.pop(index, None)
        if future is not None and not future.done():
            future.set_result(ok)

    # -- connections --------------------------------------------------------------------

    async def open(self, index: int) -> bool:
        """Connect client ``index`` and wait for its room snapshot."""
        future = asyncio.get_running_loop().create_future()
        self.waiting[index] = future
        client = Client(self, index)
        self.clients[index] = client
        self.connects += 1
        try:
            await ws_connect(lambda: client, self.urls[index % len(self.urls)],
                             websocket_handshake_timeout=30, enable_auto_pong=True)
            return await asyncio.wait_for(future, 60)
        except Exception as error:  # noqa: BLE001 - refused, reset, timed out: retry alike
            self.connect_failures += 1
            self.errors.append(f"{type(error).__name__}: {error}")
            self.waiting.pop(index, None)
            if client.transport is not None:
                client.transport.disconnect()
            elif self.reconnect and not self.closing:
                self.retry(index)
            return False

    def lost(self, client: Client) -> None:
        if self.clients.get(client.index) is not client:
            return
        self.disconnects += 1
        self.settle(client.index, False)
        if self.reconnect and not self.closing:
            self.retry(client.index)

    def retry(self, index: int) -> None:
        slot = index - self.first
        self.attempts[slot] += 1
        delay = backoff(self.attempts[slot])
        loop = asyncio.get_running_loop()
        loop.call_later(delay, lambda: loop.create_task(self.open(index)))

    async def connect_all(self) -> dict[str, Any]:
        """Open every client, ``concurrency`` handshakes at a time so the backlog holds."""
        started = time.monotonic()
        queue = deque(range(self.first, self.first + self.count))
        results = {"joined": 0, "failed": 0}

        async def worker() -> None:
            while queue:
                ok = await self.open(queue.popleft())
                results["joined" if ok else "failed"] += 1

        await asyncio.gather(*(worker() for _ in range(self.concurrency)))
        # Thousands of long-lived connection objects make every full collection slow;
        # frozen, they are skipped, and the generator's pauses stop showing as latency.
        gc.collect()
        gc.freeze()
        return {**results, "seconds": time.monotonic() - started}

    async def watch_lag(self) -> None:
        """Track how late the event loop runs: a lagging generator inflates latency."""
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(TICK)
            self.max_lag = max(self.max_lag, loop.time() - before - TICK)

    # -- commands -----------------------------------------------------------------------

    async def command(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["cmd"]
        if name == "connect":
            return await self.connect_all()
        if name == "count":
            return {"received": len(self.latency_log), "disconnects": self.disconnects,
                    "pings": self.pings, "pongs": self.pongs,
                    "connected": sum(1 for c in self.clients.values()
                                     if c.transport is not None
                                     and not c.transport.is_disconnected)}
        if name == "mark":
            self.max_lag = 0.0
            return {"ok": True}
        if name == "arm":
            self.reconnect = True
            self.expect_ids = request.get("expect_ids")
            self.rejoined.clear()
            self.rejoin_first = self.rejoin_last = 0
            self.bad_snapshots = self.connects = self.connect_failures = 0
            return {"ok": True}
        if name == "storm":
            return {"rejoined": len(self.rejoined), "first_ns": self.rejoin_first,
                    "last_ns": self.rejoin_last, "bad": self.bad_snapshots,
                    "connects": self.connects, "failures": self.connect_failures,
                    "errors": list(self.errors)}
        if name == "dump":
            with open(request["path"], "wb") as out:
                array("q", [len(self.index_log)]).tofile(out)
                self.index_log.tofile(out)
                self.latency_log.tofile(out)
            return {"frames": len(self.latency_log), "max_lag_ms": self.max_lag * 1000,
                    "errors": list(self.errors)}
        if name in ("vote", "react"):
            if name == "vote":
                frames = [{"type": "poll.vote", "id": VOTE_ID,
                           "data": {"poll": request["poll"], "choices": [k]}}
                          for k in range(request["options"])]
            else:
                frames = [{"type": "reaction.send", "id": VOTE_ID,
                           "data": {"session": self.room, "kind": "applause"}}]
            self.voting = asyncio.create_task(self.vote_all(
                [json.dumps(f, separators=(",", ":")).encode() for f in frames],
                request["start_ns"], request["spread"], request["slots"],
                request["offset"], request["total"]))
            return {"ok": True}
        if name == "votes":
            return {"sent": self.votes_sent, "unsent": self.votes_unsent, "ok": self.vote_ok,
                    "refused": sum(self.vote_errors.values()), "codes": self.vote_errors,
                    "done": self.voting is not None and self.voting.done(),
                    "pushes": self.reaction_pushes,
                    "final": sum(1 for t in self.best_total if t >= request.get("total", 0))}
        if name == "vote-results":
            return self.vote_results(request["options"])
        if name == "close":
            self.closing = True
            for client in self.clients.values():
                if client.transport is not None:
                    client.transport.disconnect()
            return {"ok": True}
        return {"error": f"unknown command {name}"}


def read_dump(path: str) -> tuple[array, array]:
    """The post indices and latencies (ns) that a generator dumped."""
    with open(path, "rb") as source:
        count = array("q")
        count.fromfile(source, 1)
        indices, latencies = array("l"), array("q")
        indices.fromfile(source, count[0])
        latencies.fromfile(source, count[0])
    return indices, latencies


async def serve(generator: Generator) -> None:
    """Answer the harness's commands, one JSON line each, until stdin closes."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 20)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    lag = asyncio.create_task(generator.watch_lag())
    beats = asyncio.create_task(generator.heartbeats())
    while line := await reader.readline():
        answer = await generator.command(json.loads(line))
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    lag.cancel()
    beats.cancel()


def main() -> None:
    spec = json.loads(sys.argv[1])
    raise_fd_limit()
    tokens = None
    if spec.get("tokens"):
        with open(spec["tokens"]) as source:
            tokens = json.load(source)
    generator = Generator(spec["urls"], spec["first"], spec["count"], spec.get("token"),
                          spec["room"], spec.get("concurrency", 200), tokens)
    # uvloop's event loop costs less per frame than asyncio's: the generator must stay
    # cheaper than the server it measures (docs/benchmarks.md).
    uvloop.run(serve(generator))


if __name__ == "__main__":
    main()
