"""Scenario 6, kiosks: badge scans under the fan-out load, and an offline queue's sync.

Setup (not measured, its time noted): the organiser credential that ``serve --demo``
prints registers ``people`` delegates with ``attendance.import`` (400 per message: the
64 KiB frame limit allows about 500) and makes one pairing code per kiosk; each kiosk
pairs with ``kiosk.pair`` on a websocket of its own and signs in with the token it got,
as a kiosk device does.

Part 1, scans under load: scenario 1's fan-out runs (the attendees in ``s01``, the
moderator posting 5 times a second) while the kiosks scan badges open-loop, each scan
sent at its intended time whatever the answers do. Its latency is the verdict's receive
time minus that intended time. The plan says what each verdict must be: a first scan
``checked-in``; a repeat (a badge checked in at least 2 s before, at another kiosk)
``already``, naming the kiosk that was first; two kiosks scanning one badge at the same
instant: one ``checked-in``, the other ``already`` naming the first.

Part 2, the offline sync: one kiosk loses its network, scans ``queue`` new badges
offline (each with ``offline_at`` and its own UUID as the message id), reconnects, says
hello and sends the whole queue at once, in order, as ``static/js/socket.js`` does with
its pending commands after a reconnect. The sync time is the first send to the last
verdict. Then the network drops again before the kiosk could forget its queue: it
reconnects and sends the same queue again. Every verdict must be the same as the first
time, and the checked-in count (from ``auth.hello``) must have grown by exactly the queue.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from picows import WSCloseCode, WSFrame, WSListener, WSMsgType, WSTransport, ws_connect

from bench.common import percentile
from bench.drive import LAGGING_SECONDS, fan_out, loaded, server_cpu
from bench.scenarios.base import Metric, Options, Sample, Scenario
from bench.targets import Bare, Rencontre, Target

KIOSKS = 8
SCAN_RATE = 2.0  # scans per second per kiosk: a badge every 0.5 s, a staffed lane's limit
REPEAT_SHARE = 0.10  # scans of a badge checked in earlier at another kiosk
PAIR_SHARE = 0.02  # badges scanned by two kiosks at the same instant
REPEAT_GAP = 2.0  # seconds between a first scan and its planned repeat
IMPORT_BATCH = 400  # people per attendance.import: well inside the 64 KiB frame limit
OFFLINE_EVERY = 3  # seconds between two offline scans (offline_at), for realism only
ANSWER_TIMEOUT = 10.0  # after the last scan, for its verdict
SYNC_TIMEOUT = 60.0  # for the last verdict of a queue
SIZES = {False: {"people": 12_000, "queue": 1_000}, True: {"people": 2_000, "queue": 200}}
RECORDED = b'"checkin.recorded"'


class Link:
    """One websocket of the harness (a kiosk, the organiser), answers with receive times.

    A picows client, like the attendees, so that reading the kiosks' frames costs the
    harness little; ``checkin.recorded`` pushes are only counted, not decoded: during an
    offline sync every kiosk gets one per scan.
    """

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url
        self.token = token
        self.transport: WSTransport | None = None
        self.waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.answers: dict[str, tuple[int, dict[str, Any]]] = {}  # id -> (received ns, answer)
        self.pushes = 0

    async def open(self, hello: bool = True) -> dict[str, Any]:
        """Connect; with ``hello``, sign in and return the snapshot."""
        self.transport, _ = await ws_connect(lambda: _Listener(self), self.url,
                                             websocket_handshake_timeout=30)
        if not hello:
            return {}
        return await self.command("auth.hello", {"token": self.token} if self.token else {})

    def received(self, payload: bytes) -> None:
        now = time.monotonic_ns()
        if RECORDED in payload[:40]:
            self.pushes += 1
            return
        message = json.loads(payload)
        if message.get("type") in ("reply", "error"):
            message_id = str(message.get("id"))
            self.answers[message_id] = (now, message)
            waiter = self.waiters.pop(message_id, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(message)
        else:
            self.pushes += 1

    def lost(self) -> None:
        for waiter in self.waiters.values():
            if not waiter.done():
                waiter.set_exception(ConnectionError("the connection closed"))

    def send(self, text: str) -> None:
        assert self.transport is not None
        self.transport.send(WSMsgType.TEXT, text.encode())

    async def command(self, type: str, data: dict[str, Any], timeout: float = 60
                      ) -> dict[str, Any]:
        """Send a command, wait for its answer, and return its result; raise if refused."""
        # A fresh id: for the server it is also the command's idempotency key, per principal
        # and across connections (a reused id would be answered with the earlier outcome).
        message_id = uuid.uuid4().hex
        future = asyncio.get_running_loop().create_future()
        self.waiters[message_id] = future
        self.send(json.dumps({"type": type, "id": message_id, "data": data}))
        answer = await asyncio.wait_for(future, timeout)
        if answer.get("type") != "reply":
            raise RuntimeError(f"{type} refused: {answer.get('code')}: {answer.get('message')}")
        return answer["result"]

    async def close(self) -> None:
        if self.transport is not None and not self.transport.is_disconnected:
            self.transport.send_close(WSCloseCode.OK)
            self.transport.disconnect()
            await asyncio.wait_for(self.transport.wait_disconnected(), 10)


class _Listener(WSListener):
    def __init__(self, link: Link) -> None:
        super().__init__()
        self.link = link

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        if frame.msg_type == WSMsgType.TEXT:
            self.link.received(frame.get_payload_as_bytes())
        elif frame.msg_type == WSMsgType.CLOSE:
            transport.send_close(frame.get_close_code())
            transport.disconnect()

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        self.link.lost()


async def register(target: Target, people: int) -> list[str]:
    """Register ``people`` delegates with imports of :data:`IMPORT_BATCH`; their badges."""
    organiser = Link(target.ws_urls[0], target.organiser_token)
    await organiser.open()
    badges: list[str] = []
    try:
        for first in range(0, people, IMPORT_BATCH):
            rows = [{"name": f"Bench delegate {n:05d}", "organisation": f"Bench city {n % 97}",
                     "city": "Lyon", "kind": "onsite"}
                    for n in range(first, min(people, first + IMPORT_BATCH))]
            result = await organiser.command("attendance.import", {"people": rows})
            badges += result["badges"]
    finally:
        await organiser.close()
    return badges


async def pair(target: Target, count: int) -> list[tuple[str, str]]:
    """``count`` kiosks paired as an organiser and a kiosk device do: (name, token) each."""
    organiser = Link(target.ws_urls[0], target.organiser_token)
    await organiser.open()
    kiosks = []
    try:
        for k in range(count):
            name = f"Bench kiosk {k + 1}"
            code = (await organiser.command("kiosk.pairing-code", {"label": name}))["code"]
            device = Link(target.ws_urls[0])
            await device.open(hello=False)  # a kiosk pairs before it can sign in
            try:
                paired = await device.command("kiosk.pair", {"code": code, "name": name})
            finally:
                await device.close()
            kiosks.append((paired["name"], paired["token"]))
    finally:
        await organiser.close()
    return kiosks


@dataclass
class Scan:
    """One planned scan and what happened to it."""

    at: float  # intended send time, seconds from the start of the window
    kiosk: int
    badge: str
    expect: str  # "checked-in", "already" (a repeat) or "pair" (two kiosks at once)
    first: int | None = None  # for a repeat: the kiosk that checked them in
    id: str = ""
    intended_ns: int = 0
    sent_ns: int = 0


def plan(badges: Iterator[str], kiosks: int, rate: float, duration: float,
         rng: random.Random) -> list[Scan]:
    """The scans of the window: evenly spaced, the kiosks in turn, with planned repeats."""
    period = 1.0 / (kiosks * rate)
    scans: list[Scan] = []
    firsts: list[Scan] = []
    for j in range(int(kiosks * rate * duration)):
        at, kiosk = j * period, j % kiosks
        draw = rng.random()
        earlier = [s for s in firsts if at - s.at >= REPEAT_GAP and s.kiosk != kiosk]
        if draw < REPEAT_SHARE and earlier:
            first = rng.choice(earlier)
            scans.append(Scan(at, kiosk, first.badge, "already", first.kiosk))
        elif draw < REPEAT_SHARE + PAIR_SHARE:
            badge = next(badges)
            scans.append(Scan(at, kiosk, badge, "pair"))
            scans.append(Scan(at, (kiosk + 1) % kiosks, badge, "pair"))
        else:
            scans.append(Scan(at, kiosk, next(badges), "checked-in"))
            firsts.append(scans[-1])
    return scans


def judge(scans: list[Scan], links: list[Link], names: list[str]) -> tuple[int, list[str]]:
    """How many verdicts were as planned, and what was wrong with the others."""
    wrong: dict[str, int] = {}
    pairs: dict[str, list[tuple[Scan, dict[str, Any]]]] = {}
    good = 0

    def miss(what: str) -> None:
        wrong[what] = wrong.get(what, 0) + 1

    for scan in scans:
        answered = links[scan.kiosk].answers.get(scan.id)
        if answered is None:
            miss("unanswered")
            continue
        answer = answered[1]
        if answer.get("type") != "reply":
            miss(f"refused {answer.get('code')}")
            continue
        result = answer["result"]
        if result["registration"]["badge"] != scan.badge:
            miss("another person's registration")
        elif scan.expect == "pair":
            pairs.setdefault(scan.badge, []).append((scan, result))
        elif scan.expect == "checked-in":
            if result["verdict"] == "checked-in" and result["first"] is None:
                good += 1
            else:
                miss(f"first scan answered {result['verdict']}")
        elif result["verdict"] != "already":
            miss(f"repeat answered {result['verdict']}")
        elif (result["first"] or {}).get("device") != names[scan.first or 0]:
            miss("repeat naming the wrong first kiosk")
        else:
            good += 1
    for both in pairs.values():
        verdicts = sorted(result["verdict"] for _, result in both)
        if verdicts != ["already", "checked-in"]:
            for _ in both:
                miss(f"two kiosks at once answered {'/'.join(verdicts)}")
            continue
        winner = next(scan for scan, result in both if result["verdict"] == "checked-in")
        loser = next(result for _, result in both if result["verdict"] == "already")
        if (loser["first"] or {}).get("device") != names[winner.kiosk]:
            miss("two kiosks at once: the second not naming the first")
            good += 1
        else:
            good += 2
    return good, [f"{count} × {what}" for what, count in sorted(wrong.items())]


@dataclass
class Ticker:
    """How late the harness's own event loop runs (it sends the scans and reads verdicts)."""

    period: float = 0.02
    max_lag: float = 0.0
    task: asyncio.Task[None] | None = field(default=None, repr=False)

    def start(self) -> Ticker:
        self.task = asyncio.create_task(self._run())
        return self

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + self.period
            await asyncio.sleep(self.period)
            self.max_lag = max(self.max_lag, loop.time() - due)

    def stop(self) -> float:
        if self.task is not None:
            self.task.cancel()
        return self.max_lag


class Kiosks(Scenario):
    number = 6
    key = "kiosks"
    title = "Kiosks: badge scans under the fan-out load, and an offline queue's sync"
    metrics = (
        Metric("scan_p50_ms", "scan to verdict p50", "ms"),
        Metric("scan_p99_ms", "scan to verdict p99", "ms", "<= 100 ms"),
        Metric("scan_max_ms", "scan to verdict max", "ms"),
        Metric("verdicts_ok_pct", "verdicts as planned", "%", "100 %", digits=2),
        Metric("fan_p50_ms", "fan-out latency meanwhile p50", "ms"),
        Metric("fan_p99_ms", "fan-out latency meanwhile p99", "ms", "<= 250 ms"),
        Metric("fan_max_ms", "fan-out latency meanwhile max", "ms"),
        Metric("fan_reach_pct", "fan-out reach meanwhile", "%", "100 %", digits=2),
        Metric("server_cpu_pct", "server CPU meanwhile", "%"),
        Metric("sync_s", "offline queue sync", "s", "<= 10 s", digits=2),
        Metric("cpu_us_per_sync_scan", "server CPU per synced scan", "µs", digits=0),
        Metric("retry_s", "the same queue again (retries)", "s", digits=2),
        Metric("retry_changed", "retried verdicts that changed", "", "0", digits=0),
        Metric("count_off", "checked-in growth minus queue", "", "0", digits=0),
    )

    def describe(self, options: Options) -> str:
        sizes = SIZES[options.quick]
        return (f"Kiosks: {KIOSKS} kiosks scan {KIOSKS * SCAN_RATE:g} badges/s open-loop for "
                f"{options.duration:g} s under the fan-out ({options.clients:,} clients, "
                f"{options.rate:g} posts/s), {sizes['people']:,} registered; then a "
                f"{sizes['queue']:,}-scan offline queue syncs, and is sent again")

    def targets(self, options: Options) -> list[Target]:
        return [Rencontre(options.workdir), Bare(options.workdir)]

    async def measure(self, target: Target, options: Options) -> Sample:
        sizes = SIZES[options.quick]
        notes: list[str] = []
        badges: list[str] = []
        paired: list[tuple[str, str]] = []

        async def setup(target: Target) -> None:
            started = time.monotonic()
            badges.extend(await register(target, sizes["people"]))
            registered = time.monotonic()
            paired.extend(await pair(target, KIOSKS))
            notes.append(f"{target.name}: setup (not measured): {len(badges):,} people "
                         f"registered in {math.ceil(sizes['people'] / IMPORT_BATCH)} imports "
                         f"in {registered - started:.2f} s; {KIOSKS} kiosks paired in "
                         f"{time.monotonic() - registered:.2f} s")

        rng = random.Random(6)
        async with loaded(target, options.clients, options, setup=setup) as load:
            queue, pool = badges[-sizes["queue"]:], iter(badges[:-sizes["queue"]])
            names = [name for name, _ in paired]
            links = [Link(target.ws_urls[0], token) for _, token in paired]
            for link in links:
                await link.open()
            scans = plan(pool, KIOSKS, SCAN_RATE, options.duration, rng)
            ticker = Ticker()

            async def scan_window() -> None:
                ticker.start()
                await self.run_scans(scans, links)

            numbers, fan_notes, _ = await fan_out(target, load.generators, options.rate,
                                                  options.duration, options.workdir,
                                                  profile=options.profile, during=scan_window)
            lag = ticker.stop()
            numbers = {f"fan_{k}" if k != "server_cpu_pct" else k: v
                       for k, v in numbers.items()
                       if k in ("p50_ms", "p99_ms", "max_ms", "reach_pct", "server_cpu_pct")}
            numbers.update(self.part1(target.name, scans, links, names, lag, notes))
            await links[0].close()  # the network drops at kiosk 1
            numbers.update(await self.part2(target, paired[0][1], queue, notes))
            for link in links[1:]:
                await link.close()
        return Sample(numbers, load.notes() + notes + fan_notes)

    @staticmethod
    async def run_scans(scans: list[Scan], links: list[Link]) -> None:
        """Send each scan at its intended time, whatever the answers do; wait for them."""
        run = f"{time.time_ns():x}"
        start_ns = time.monotonic_ns() + 100_000_000
        for n, scan in enumerate(scans):
            scan.intended_ns = start_ns + int(scan.at * 1e9)
            scan.id = f"scan-{run}-{n}-t{scan.intended_ns}"
        for scan in scans:
            delay = (scan.intended_ns - time.monotonic_ns()) / 1e9
            if delay > 0:
                await asyncio.sleep(delay)
            scan.sent_ns = time.monotonic_ns()
            links[scan.kiosk].send(json.dumps(
                {"type": "checkin.scan", "id": scan.id, "data": {"badge": scan.badge}}))
        deadline = time.monotonic() + ANSWER_TIMEOUT
        while (any(s.id not in links[s.kiosk].answers for s in scans)
               and time.monotonic() < deadline):
            await asyncio.sleep(0.02)

    @staticmethod
    def part1(name: str, scans: list[Scan], links: list[Link], names: list[str], lag: float,
              notes: list[str]) -> dict[str, float]:
        latencies = sorted((links[s.kiosk].answers[s.id][0] - s.intended_ns) / 1e6
                           for s in scans if s.id in links[s.kiosk].answers)
        good, wrong = judge(scans, links, names)
        kinds = {kind: sum(1 for s in scans if s.expect == kind)
                 for kind in ("checked-in", "already", "pair")}
        send_lag = max((s.sent_ns - s.intended_ns) / 1e6 for s in scans)
        notes.append(f"{name}: {len(scans)} scans: {kinds['checked-in']} first scans, "
                     f"{kinds['already']} repeats, {kinds['pair'] // 2} badges scanned by two "
                     f"kiosks at once; {len(latencies)} answered, p90 "
                     f"{percentile(latencies, 0.90):.1f} ms, "
                     f"{sum(1 for v in latencies if v > 10) / max(1, len(latencies)):.0%} "
                     "over 10 ms")
        if wrong:
            notes.append(f"{name}: WRONG VERDICTS: {'; '.join(wrong)}")
        if lag > LAGGING_SECONDS or send_lag > LAGGING_SECONDS * 1000:
            from_send = sorted((links[s.kiosk].answers[s.id][0] - s.sent_ns) / 1e6
                               for s in scans if s.id in links[s.kiosk].answers)
            notes.append(f"{name}: the harness's loop lagged up to {lag * 1000:.0f} ms and a "
                         f"scan left up to {send_lag:.0f} ms late (counted in its latency); "
                         f"from the actual send, p99 {percentile(from_send, 0.99):.1f} ms")
        else:
            notes.append(f"{name}: harness loop lag ≤ {lag * 1000:.0f} ms, scan send lag ≤ "
                         f"{send_lag:.1f} ms")
        return {"scan_p50_ms": percentile(latencies, 0.50),
                "scan_p99_ms": percentile(latencies, 0.99),
                "scan_max_ms": latencies[-1] if latencies else 0.0,
                "verdicts_ok_pct": 100.0 * good / max(1, len(scans))}

    @staticmethod
    async def part2(target: Target, token: str, queue: list[str],
                    notes: list[str]) -> dict[str, float]:
        """The offline queue: synced once, then sent again after a second drop."""
        name = target.name
        now = int(time.time())
        messages = [{"type": "checkin.scan", "id": str(uuid.uuid4()),
                     "data": {"badge": badge, "offline_at": now - OFFLINE_EVERY * (len(queue) - k)}}
                    for k, badge in enumerate(queue)]
        texts = [json.dumps(m) for m in messages]
        ids = [m["id"] for m in messages]

        async def sync() -> tuple[float, float, int, dict[str, dict[str, Any]]]:
            """Reconnect, hello, send the queue at once; (seconds, server CPU, count, answers)."""
            link = Link(target.ws_urls[0], token)
            counted = (await link.open())["attendance"]["checked_in"]
            cpu0, harness0 = server_cpu(target.pids), time.process_time()
            first = time.monotonic_ns()
            for text in texts:  # socket.js: for (item of pending.values()) transmit(...)
                link.send(text)
            deadline = time.monotonic() + SYNC_TIMEOUT
            while (not all(i in link.answers for i in ids)
                   and time.monotonic() < deadline):
                await asyncio.sleep(0.005)
            answers = {i: link.answers[i] for i in ids if i in link.answers}
            last = max((ns for ns, _ in answers.values()), default=first)
            cpu = server_cpu(target.pids) - cpu0
            harness = time.process_time() - harness0
            await link.close()
            seconds = (last - first) / 1e9
            notes.append(f"{name}: {len(answers)}/{len(ids)} queued scans answered in "
                         f"{seconds:.2f} s (harness CPU {harness:.2f} s)")
            if seconds > 0 and harness >= 0.8 * seconds:
                notes.append(f"{name}: the harness was busy {harness / seconds:.0%} of the sync "
                             "(8 kiosks' frames): it may bound the sync time")
            return seconds, cpu, counted, {i: a for i, (_, a) in answers.items()}

        seconds, cpu, before, first = await sync()
        retry_seconds, _, after_sync, again = await sync()
        check = Link(target.ws_urls[0], token)
        after_retry = (await check.open())["attendance"]["checked_in"]
        await check.close()

        bad = [i for i, badge in zip(ids, queue, strict=True)
               if first.get(i, {}).get("type") != "reply"
               or first[i]["result"]["verdict"] != "checked-in"
               or first[i]["result"]["registration"]["badge"] != badge]
        if bad:
            sample = first.get(bad[0])
            notes.append(f"{name}: WRONG: {len(bad)} queued scans of new badges were not "
                         f"answered checked-in, e.g. {json.dumps(sample)[:200]}")
        changed = [i for i in ids
                   if i not in first or i not in again
                   or (first[i].get("type"), first[i].get("result"), first[i].get("code"))
                   != (again[i].get("type"), again[i].get("result"), again[i].get("code"))]
        if changed:
            i = changed[0]
            notes.append(f"{name}: WRONG: {len(changed)} retried scans got another answer, "
                         f"e.g. {json.dumps(first.get(i))[:160]} then "
                         f"{json.dumps(again.get(i))[:160]}")
        notes.append(f"{name}: checked-in count {before:,} before the sync, {after_sync:,} "
                     f"after it, {after_retry:,} after the retry (queue {len(queue):,})")
        return {"sync_s": seconds, "cpu_us_per_sync_scan": 1e6 * cpu / max(1, len(queue)),
                "retry_s": retry_seconds, "retry_changed": float(len(changed)),
                "count_off": float(after_retry - before - len(queue))}
