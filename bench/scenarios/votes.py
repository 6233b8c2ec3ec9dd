"""Scenario 3, vote burst: every attendee of a session answers one poll within 5 s.

Setup (not measured): for Rencontre, the organiser credential that ``serve --demo``
prints grants one attendee per client with ``access.grant``, pipelined over one
websocket, so that the N ballots come from N distinct principals (a vote counts once
per principal); the bare baseline counts one ballot per connection. Then the clients
connect and join ``s01``, and a staff connection creates and opens one poll there.

Measured: each client votes once, open-loop, at an intended time evenly spread over
5 s; its ack latency is the reply's receive time minus that intended time. Once the
last vote is answered the staff connection closes the poll. Every client keeps the
highest ``total`` it has seen in the poll's pushes and when it first saw it, so the
"time to the exact final count" of a client is that moment minus the last vote's ack.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.attendees import granting
from bench.common import LOAD_CPU, SERVER_CPU, CpuMeter, percentile
from bench.drive import (
    INTRUDERS,
    LAGGING_SECONDS,
    SATURATED_CPU,
    loaded,
    server_cpu,
    start_profiler,
)
from bench.scenarios.base import Metric, Options, Sample, Scenario
from bench.targets import ROOM, Bare, Rencontre, Target

SPREAD = 5.0  # seconds over which the votes are spread (issue 5)
OPTIONS = ["Keynote", "Workshops", "Hallway track", "Lightning talks"]
GRANT_WINDOW = 256  # access.grant commands in flight on the organiser's websocket
ANSWER_TIMEOUT = 15.0  # after the last intended vote, for the last answer
FINAL_TIMEOUT = 5.0  # after the close, for every client to hold the final count


class Staff:
    """One staff websocket (the harness): sends commands, keeps answers and poll pushes."""

    def __init__(self, target: Target, token: str | None) -> None:
        self.target = target
        self.token = token
        self.ws: ClientConnection | None = None
        self.answers: dict[str, dict[str, Any]] = {}
        self.waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.closed_poll: dict[str, Any] | None = None
        self.reader: asyncio.Task[None] | None = None
        self.count = 0

    async def open(self, join: bool = True) -> Staff:
        self.ws = await connect(self.target.moderator_urls[0], compression=None, max_size=None,
                                open_timeout=30)
        self.reader = asyncio.create_task(self._read())
        await self.command("auth.hello", {"token": self.token} if self.token else {})
        if join:
            await self.command("room.join", {"room": ROOM})
        return self

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for text in self.ws:
                message = json.loads(text)
                kind = message.get("type")
                if kind in ("reply", "error"):
                    waiter = self.waiters.pop(str(message.get("id")), None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(message)
                elif kind == "poll.changed" and message["poll"].get("status") == "closed":
                    self.closed_poll = message["poll"]
        except ConnectionClosed:
            pass
        for waiter in self.waiters.values():
            if not waiter.done():
                waiter.set_exception(ConnectionError("the staff connection closed"))

    async def send(self, type: str, data: dict[str, Any]) -> asyncio.Future[dict[str, Any]]:
        """Send a command; the future resolves with its answer."""
        assert self.ws is not None
        self.count += 1
        # An id is the idempotency key of the principal, across its connections: unique.
        message_id = f"s{self.count}-{uuid.uuid4().hex}"
        future = asyncio.get_running_loop().create_future()
        self.waiters[message_id] = future
        await self.ws.send(json.dumps({"type": type, "id": message_id, "data": data}))
        return future

    async def command(self, type: str, data: dict[str, Any], timeout: float = 30
                      ) -> dict[str, Any]:
        answer = await asyncio.wait_for(await self.send(type, data), timeout)
        if answer.get("type") != "reply":
            raise RuntimeError(f"{type} refused: {answer.get('code')}: {answer.get('message')}")
        return answer

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)


async def grant_attendees(target: Target, count: int) -> list[str]:
    """``count`` attendee tokens from ``access.grant``, pipelined over one websocket."""
    organiser = await Staff(target, target.organiser_token).open(join=False)
    window = asyncio.Semaphore(GRANT_WINDOW)
    tokens: list[str] = [""] * count

    async def one(k: int) -> None:
        async with window:
            answer = await organiser.command(
                "access.grant", {"role": "attendee", "name": f"Bench attendee {k:05d}"}, 120)
            tokens[k] = answer["result"]["token"]

    try:
        await asyncio.gather(*(one(k) for k in range(count)))
    finally:
        await organiser.close()
    return tokens


class VoteBurst(Scenario):
    number = 3
    key = "votes"
    title = "Vote burst: attendees of one session answer one poll"
    metrics = (
        Metric("ack_p50_ms", "vote ack p50", "ms"),
        Metric("ack_p99_ms", "vote ack p99", "ms", "<= 200 ms"),
        Metric("ack_max_ms", "vote ack max", "ms"),
        Metric("ack_reach_pct", "votes acked", "%", "100 %", digits=2),
        Metric("final_p50_ms", "last ack to exact final count p50", "ms"),
        Metric("final_p99_ms", "last ack to exact final count p99", "ms", "<= 1000 ms"),
        Metric("final_max_ms", "last ack to exact final count max", "ms"),
        Metric("final_reach_pct", "clients with the exact final count", "%", "100 %", digits=2),
        Metric("miscounted", "final count minus distinct voters", "", "0", digits=0),
        Metric("cpu_us_per_vote", "server CPU per vote", "µs", digits=0),
        Metric("server_cpu_pct", "server CPU", "%"),
    )

    def describe(self, options: Options) -> str:
        return (f"Vote burst: {options.clients:,} attendees of one session answer one poll "
                f"within {SPREAD:g} s (open-loop, evenly spread)")

    def targets(self, options: Options) -> list[Target]:
        return [Rencontre(options.workdir), Bare(options.workdir)]

    async def measure(self, target: Target, options: Options) -> Sample:
        clients = options.clients
        notes: list[str] = []

        setup = granting(options, clients, notes)
        async with loaded(target, clients, options, setup=setup) as load:
            generators = load.generators
            staff = await Staff(target, target.moderator_token).open()
            poll = (await staff.command("poll.create", {
                "session": ROOM, "question": "Which format should we keep next year?",
                "options": OPTIONS}))["result"]["id"]
            await staff.command("poll.open", {"poll": poll})
            await asyncio.sleep(0.5)  # the open's pushes reach every client first
            await generators.ask("mark")
            load_cpu, server_core = CpuMeter(LOAD_CPU), CpuMeter(SERVER_CPU)
            spies = await start_profiler(target, SPREAD + 0.5, options.profile)
            gen_cpu0 = server_cpu(generators.pids)
            cpu0, started = server_cpu(target.pids), time.monotonic()
            start_ns = time.monotonic_ns() + 200_000_000
            count = len(generators.procs)
            await generators.ask_each("vote", [
                {"poll": poll, "start_ns": start_ns, "spread": SPREAD, "slots": count,
                 "offset": g, "total": clients, "options": len(OPTIONS)} for g in range(count)])
            deadline = time.monotonic() + 0.2 + SPREAD + ANSWER_TIMEOUT
            while True:
                status = await generators.ask("votes")
                sent = sum(s["sent"] for s in status)
                answered = sum(s["ok"] + s["refused"] for s in status)
                if all(s["done"] for s in status) and answered >= sent:
                    break
                if time.monotonic() > deadline:
                    notes.append(f"{target.name}: {sent - answered} votes unanswered "
                                 f"{ANSWER_TIMEOUT:g} s after the last one was sent")
                    break
                await asyncio.sleep(0.05)
            await staff.command("poll.close", {"poll": poll})
            deadline = time.monotonic() + FINAL_TIMEOUT
            while staff.closed_poll is None and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            final = staff.closed_poll
            expected = final["total"] if final else sum(s["ok"] for s in status)
            while True:
                holding = sum(s["final"] for s in await generators.ask("votes", total=expected))
                if holding >= clients or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.05)
            elapsed = time.monotonic() - started
            cpu = server_cpu(target.pids) - cpu0
            gen_cpu = (server_cpu(generators.pids) - gen_cpu0) / elapsed
            busy, intruders = load_cpu.busy(), server_core.busy() - cpu / elapsed
            results = await generators.ask("vote-results", options=len(OPTIONS))
            await staff.close()
            for spy in spies:
                await spy.wait()

        numbers, more = self.summarise(target.name, clients, final, results)
        votes_ok = sum(sum(r["per_option"]) for r in results)
        numbers["cpu_us_per_vote"] = 1e6 * cpu / max(1, votes_ok)
        numbers["server_cpu_pct"] = 100 * cpu / elapsed
        notes += more
        lag = max(r["max_lag_ms"] for r in results)
        send_lag = max(r["send_lag_ms"] for r in results)
        if intruders > INTRUDERS:
            notes.append(f"{target.name}: other processes took {intruders:.0%} of the server "
                         "CPU during the window: numbers disturbed")
        if busy >= SATURATED_CPU:
            notes.append(f"{target.name}: load CPU {busy:.0%} busy: the generator saturates; "
                         "latency includes its queueing")
        if lag > LAGGING_SECONDS * 1000:
            notes.append(f"{target.name}: a generator's event loop lagged up to {lag:.0f} ms")
        if send_lag > LAGGING_SECONDS * 1000:
            from_send = sorted(v / 1e6 for r in results for v in r["from_send_ns"])
            notes.append(f"{target.name}: a vote left up to {send_lag:.0f} ms after its "
                         "intended time (counted in its latency); from the actual send, ack "
                         f"p99 {percentile(from_send, 0.99):.1f} ms")
        notes.append(f"{target.name}: load CPU {busy:.0%} busy (generators {gen_cpu:.0%}), "
                     f"generator lag ≤ {lag:.0f} ms, "
                     f"vote send lag ≤ {send_lag:.0f} ms, window {elapsed:.1f} s")
        return Sample(numbers, load.notes() + notes)

    @staticmethod
    def summarise(name: str, clients: int, final: dict[str, Any] | None,
                  results: list[dict[str, Any]]) -> tuple[dict[str, float], list[str]]:
        """The numbers of one run from the generators' per-client records.

        ``final`` is the closed poll as the staff connection received it; its ``total``
        must equal the number of acknowledged votes (one distinct voter each), and its
        counts the choices those voters sent.
        """
        notes: list[str] = []
        latencies = sorted(v / 1e6 for r in results for v in r["latency_ns"] if v >= 0)
        refused = sum(1 for r in results for v in r["latency_ns"] if v == -2)
        unanswered = sum(1 for r in results for v in r["latency_ns"] if v == -1)
        voters = len(latencies)
        per_option = [sum(column) for column in zip(*(r["per_option"] for r in results),
                                                    strict=True)]
        last_ack = max(r["last_ack_ns"] for r in results)
        if final is None:
            notes.append(f"{name}: WRONG: no poll.changed with the closed poll reached the "
                         "staff connection")
            total, counts = -1, []
        else:
            total, counts = final["total"], final["counts"]
        if total != voters or counts != per_option:
            notes.append(f"{name}: WRONG FINAL COUNT: total {total}, counts {counts}; "
                         f"{voters} distinct voters were acknowledged, choosing {per_option}")
        if refused:
            codes = sorted({e for r in results for e in r["errors"]})
            notes.append(f"{name}: {refused} votes refused, e.g. {codes[:3]}")
        if unanswered:
            notes.append(f"{name}: {unanswered} votes never answered")
        finals = sorted((ns - last_ack) / 1e6 for r in results
                        for best, ns in zip(r["best_total"], r["best_ns"], strict=True)
                        if best == total)
        beyond = sum(1 for r in results for best in r["best_total"] if best > total)
        if beyond:
            notes.append(f"{name}: WRONG: {beyond} clients were shown a total above the "
                         f"final {total}")
        if finals and finals[0] < 0:
            notes.append(f"{name}: {sum(1 for f in finals if f < 0)} clients had the final "
                         "count before the last ack reached its voter (counted as 0)")
        finals = [max(0.0, f) for f in finals]
        numbers = {
            "ack_p50_ms": percentile(latencies, 0.50), "ack_p99_ms": percentile(latencies, 0.99),
            "ack_max_ms": latencies[-1] if latencies else 0.0,
            "ack_reach_pct": 100.0 * voters / max(1, clients),
            "final_p50_ms": percentile(finals, 0.50), "final_p99_ms": percentile(finals, 0.99),
            "final_max_ms": finals[-1] if finals else 0.0,
            "final_reach_pct": 100.0 * len(finals) / max(1, clients),
            "miscounted": (total - voters) if final is not None else float(voters),
        }
        return numbers, notes
