"""What the scenarios share: generator processes, the moderator, and a measured fan-out."""

from __future__ import annotations

import asyncio
import json
import math
import shutil
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.common import (
    LOAD_CPU,
    SERVER_CPU,
    CpuMeter,
    cpu_seconds,
    percentile,
    pinned,
    rss_bytes,
)
from bench.loadgen import read_dump
from bench.targets import ROOM, Target

CLIENTS_PER_GENERATOR = 10_000
FILLER = "Please move to the plenary hall: the next session starts in five minutes."
# Thresholds past which a number says more about the load generator than the server.
SATURATED_CPU = 0.90
LAGGING_SECONDS = 0.050
INTRUDERS = 0.10  # share of the server CPU used by others past which a run is disturbed
QUIET = 0.15  # both CPUs at most this busy before a target is measured


async def wait_quiet(timeout: float = 90.0) -> float:
    """Wait until the machine is idle (other sessions share it); return how busy it stayed."""
    deadline = time.monotonic() + timeout
    while True:
        meters = [CpuMeter(SERVER_CPU), CpuMeter(LOAD_CPU)]
        await asyncio.sleep(0.5)
        busy = max(m.busy() for m in meters)
        if busy <= QUIET or time.monotonic() > deadline:
            return busy


class Generators:
    """Load-generator processes on the load CPU, each with its share of the clients.

    At most ``concurrency`` handshakes are in flight while connecting: below the servers'
    accept backlogs (aiohttp 128, websockets 100), so the set-up itself drops no SYN.
    """

    def __init__(self, target: Target, clients: int, processes: int | None = None,
                 concurrency: int = 100, tokens: Path | None = None) -> None:
        self.target = target
        self.clients = clients
        self.tokens = tokens  # a JSON list of one token per client: distinct attendees
        count = processes or max(1, math.ceil(clients / CLIENTS_PER_GENERATOR))
        self.shares = [clients // count + (1 if k < clients % count else 0) for k in range(count)]
        self.concurrency = max(1, concurrency // count)
        self.procs: list[asyncio.subprocess.Process] = []

    async def start(self) -> None:
        first = 0
        for share in self.shares:
            spec = {"urls": self.target.ws_urls, "first": first, "count": share,
                    "token": self.target.attendee_token, "room": ROOM,
                    "concurrency": self.concurrency,
                    "tokens": str(self.tokens) if self.tokens else None}
            first += share
            self.procs.append(await asyncio.create_subprocess_exec(
                *pinned([sys.executable, "-m", "bench.loadgen", json.dumps(spec)], LOAD_CPU),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                limit=1 << 22))

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    async def ask(self, cmd: str, **args: Any) -> list[dict[str, Any]]:
        """Send one command to every generator and gather their answers."""
        if "path" in args:
            return await self.ask_each(cmd, [{**args, "path": f"{args['path']}.{index}"}
                                             for index in range(len(self.procs))])
        return await self.ask_each(cmd, [args] * len(self.procs))

    async def ask_each(self, cmd: str, args: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send one command to every generator, each with its own arguments."""

        async def one(proc: asyncio.subprocess.Process, index: int) -> dict[str, Any]:
            assert proc.stdin is not None and proc.stdout is not None
            payload = (json.dumps({"cmd": cmd, **args[index]}) + "\n").encode()
            proc.stdin.write(payload)
            await proc.stdin.drain()
            answer = await proc.stdout.readline()
            if not answer:
                raise RuntimeError(f"load generator {proc.pid} exited")
            return json.loads(answer)

        return list(await asyncio.gather(*(one(p, k) for k, p in enumerate(self.procs))))

    async def total(self, key: str) -> int:
        return sum(answer[key] for answer in await self.ask("count"))

    async def connect(self) -> dict[str, Any]:
        answers = await self.ask("connect")
        return {"joined": sum(a["joined"] for a in answers),
                "failed": sum(a["failed"] for a in answers),
                "seconds": max(a["seconds"] for a in answers)}

    async def stop(self) -> None:
        for proc in self.procs:
            try:
                await asyncio.wait_for(self.ask_one_close(proc), 10)
                assert proc.stdin is not None
                proc.stdin.close()
                await asyncio.wait_for(proc.wait(), 10)
            except (TimeoutError, BrokenPipeError, ConnectionError):
                if proc.returncode is None:
                    proc.kill()
                await proc.wait()

    @staticmethod
    async def ask_one_close(proc: asyncio.subprocess.Process) -> None:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(b'{"cmd": "close"}\n')
        await proc.stdin.drain()
        await proc.stdout.readline()


@dataclass
class Moderator:
    """A moderator's connection per server that posts stamped announcements open-loop."""

    target: Target
    connections: list[ClientConnection] = field(default_factory=list)
    replies: dict[str, dict[str, Any]] = field(default_factory=dict)
    lags: list[float] = field(default_factory=list)
    run_id: str = field(default_factory=lambda: f"{time.time_ns():x}")
    readers: list[asyncio.Task[None]] = field(default_factory=list)

    async def open(self) -> Moderator:
        for url in self.target.moderator_urls:
            ws = await connect(url, compression=None, max_size=None, open_timeout=30)
            token = self.target.moderator_token
            await ws.send(json.dumps({"type": "auth.hello", "id": "h",
                                      "data": {"token": token} if token else {}}))
            while json.loads(await ws.recv()).get("id") != "h":
                pass
            self.connections.append(ws)
            self.readers.append(asyncio.create_task(self._read(ws)))
        return self

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for text in ws:
                message = json.loads(text)
                if message.get("type") in ("reply", "error") and message.get("id"):
                    self.replies[message["id"]] = message
        except ConnectionClosed:
            pass  # the server went away; post() will say so

    async def post(self, index: int, intended_ns: int, room: str | None = ROOM) -> str:
        """Send announcement ``index`` stamped with its intended send time; don't wait."""
        message_id = f"b{self.run_id}-{index}"
        data: dict[str, Any] = {"text": f"t={intended_ns} i={index} {FILLER}"}
        if room:
            data["room"] = room
        text = json.dumps({"type": "announcement.post", "id": message_id, "data": data})
        for ws in self.connections:
            await ws.send(text)
        return message_id

    async def schedule(self, first: int, count: int, rate: float) -> None:
        """Post ``count`` announcements at ``rate`` per second, whatever the replies do."""
        period_ns = int(1e9 / rate)
        start = time.monotonic_ns()
        for k in range(count):
            intended = start + k * period_ns
            delay = (intended - time.monotonic_ns()) / 1e9
            if delay > 0:
                await asyncio.sleep(delay)
            self.lags.append((time.monotonic_ns() - intended) / 1e9)
            await self.post(first + k, intended)

    async def post_and_wait(self, index: int, timeout: float = 10) -> dict[str, Any]:
        """Post one announcement now and wait for the reply (closed-loop, for setup)."""
        message_id = await self.post(index, time.monotonic_ns())
        deadline = time.monotonic() + timeout
        while message_id not in self.replies:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no reply to {message_id}")
            await asyncio.sleep(0.01)
        return self.replies[message_id]

    async def close(self) -> None:
        for reader in self.readers:
            reader.cancel()
        for ws in self.connections:
            await ws.close()


async def drain(generators: Generators, expected: int, timeout: float) -> int:
    """Wait until the generators received ``expected`` stamped frames, or ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        received = await generators.total("received")
        if received >= expected or time.monotonic() > deadline:
            return received
        await asyncio.sleep(0.1)


async def start_profiler(target: Target, duration: float,
                         profile: Path | None) -> list[asyncio.subprocess.Process]:
    """py-spy on each server process for the measured window, sampling without pausing it.

    The output is collapsed stacks; ``python -m bench profile FILE`` summarises them.
    """
    if profile is None:
        return []
    if shutil.which("py-spy") is None:
        raise RuntimeError("--profile needs py-spy (pip install py-spy)")
    profile.mkdir(parents=True, exist_ok=True)
    spies = []
    for pid in target.pids:
        out = profile / f"{target.name}-{pid}.txt"
        spies.append(await asyncio.create_subprocess_exec(
            *pinned(["py-spy", "record", "--nonblocking", "--pid", str(pid),
                     "--duration", str(max(1, int(duration))), "--rate", "200",
                     "--format", "raw", "--output", str(out)], LOAD_CPU),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL))
    return spies


def server_cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def server_rss(pids: list[int]) -> int:
    return sum(rss_bytes(pid) for pid in pids)


async def fan_out(target: Target, generators: Generators, rate: float, duration: float,
                  workdir: Path, warmup: float = 1.0, profile: Path | None = None,
                  during: Callable[[], Awaitable[Any]] | None = None
                  ) -> tuple[dict[str, float], list[str], dict[str, Any]]:
    """Post open-loop at ``rate`` for ``duration`` s and measure delivery to every client.

    ``during``, when given, runs beside the posts from the start of the measured window
    (the kiosks' scans) and is awaited before the window's CPU time is read.

    Returns the numbers, notes about the load generator, and per-post latency series
    for the chart.
    """
    notes: list[str] = []
    moderator = await Moderator(target).open()
    clients = generators.clients
    warm = max(1, int(warmup * rate))
    measured = max(1, int(duration * rate))
    await moderator.schedule(0, warm, rate)
    before = await drain(generators, clients * warm, 10)
    await generators.ask("mark")
    load_cpu = CpuMeter(LOAD_CPU)
    server_core = CpuMeter(SERVER_CPU)
    gen_cpu0 = server_cpu(generators.pids)
    spies = await start_profiler(target, duration, profile)
    cpu0 = server_cpu(target.pids)
    started = time.monotonic()
    beside = asyncio.create_task(during()) if during is not None else None
    await moderator.schedule(warm, measured, rate)
    received = await drain(generators, before + clients * measured, max(10.0, duration))
    if beside is not None:
        await beside
    elapsed = time.monotonic() - started
    cpu1 = server_cpu(target.pids)
    for spy in spies:
        await spy.wait()
    gen_cpu = (server_cpu(generators.pids) - gen_cpu0) / elapsed
    busy = load_cpu.busy()
    # Whatever else ran on the server's CPU (another test suite, a browser) disturbs the run.
    intruders = server_core.busy() - (cpu1 - cpu0) / elapsed
    dumps = await generators.ask("dump", path=str(workdir / f"{target.name}-lat"))
    await moderator.close()

    per_post: dict[int, list[float]] = {}
    for k in range(len(generators.procs)):
        indices, latencies = read_dump(str(workdir / f"{target.name}-lat.{k}"))
        for index, latency in zip(indices, latencies, strict=True):
            if index >= warm:
                per_post.setdefault(index, []).append(latency / 1e6)
    every = sorted(v for values in per_post.values() for v in values)
    delivered = len(every)
    numbers = {
        "p50_ms": percentile(every, 0.50), "p99_ms": percentile(every, 0.99),
        "max_ms": every[-1] if every else 0.0,
        "reach_pct": 100.0 * delivered / (clients * measured),
        "cpu_us_per_delivery": 1e6 * (cpu1 - cpu0) / max(1, delivered),
        "server_cpu_pct": 100.0 * (cpu1 - cpu0) / elapsed,
    }
    lag = max(d["max_lag_ms"] for d in dumps)
    if intruders > INTRUDERS:
        notes.append(f"{target.name}: other processes took {intruders:.0%} of the server CPU "
                     "during the window: numbers disturbed")
    schedule_lag = max(moderator.lags[warm:] or [0.0])
    if busy >= SATURATED_CPU:
        notes.append(f"{target.name}: load CPU {busy:.0%} busy: the generator saturates; "
                     "latency includes its queueing")
    if lag > LAGGING_SECONDS * 1000:
        notes.append(f"{target.name}: a generator's event loop lagged up to {lag:.0f} ms")
    if schedule_lag > LAGGING_SECONDS:
        notes.append(f"{target.name}: the moderator fell {schedule_lag * 1000:.0f} ms behind "
                     "its schedule")
    errors = [r for r in moderator.replies.values() if r.get("type") == "error"]
    if errors:
        notes.append(f"{target.name}: {len(errors)} posts refused, e.g. {errors[0].get('code')}")
    notes.append(f"{target.name}: load CPU {busy:.0%} busy (generators {gen_cpu:.0%}), "
                 f"generator lag ≤ {lag:.0f} ms, moderator lag ≤ {schedule_lag * 1000:.0f} ms, "
                 f"{received - before} frames in window")
    series = {"post": [], "p50": [], "p99": [], "max": []}
    for index in sorted(per_post):
        values = sorted(per_post[index])
        series["post"].append((index - warm) / rate)
        series["p50"].append(percentile(values, 0.5))
        series["p99"].append(percentile(values, 0.99))
        series["max"].append(values[-1])
    return numbers, notes, series


@dataclass
class Loaded:
    """A started target with every client connected and in the room."""

    target: Target
    generators: Generators
    rss_before: int
    rss_after: int
    connect: dict[str, Any]

    @property
    def kib_per_connection(self) -> float:
        return (self.rss_after - self.rss_before) / max(1, self.generators.clients) / 1024

    def notes(self) -> list[str]:
        c = self.connect
        notes = [f"{self.target.name}: {c['joined']} clients joined in {c['seconds']:.1f} s"]
        if c["failed"]:
            notes.append(f"{self.target.name}: {c['failed']} clients failed to connect")
        return notes


@asynccontextmanager
async def loaded(target: Target, clients: int, options: Any, settle: float = 1.0,
                 setup: Callable[[Target], Awaitable[Path | None]] | None = None
                 ) -> AsyncIterator[Loaded]:
    """Start ``target``, connect ``clients`` attendees, yield, then stop everything.

    ``setup``, when given, runs once the server is up and before anyone connects; it
    may return a file of one token per client, so that each signs in as its own attendee.
    """
    target.start()
    generators = Generators(target, clients, options.generators)
    try:
        if setup is not None:
            generators.tokens = await setup(target)
        await asyncio.sleep(0.5)  # let the server finish its start-up work before the baseline
        rss_before = server_rss(target.pids)
        await generators.start()
        connect_result = await generators.connect()
        await asyncio.sleep(settle)
        rss_after = server_rss(target.pids)
        yield Loaded(target, generators, rss_before, rss_after, connect_result)
    finally:
        await generators.stop()
        target.stop()
