"""Scenario 5, restart: a long event log replays to a ready server."""

from __future__ import annotations

import asyncio
import json
import shutil
import time

from websockets.asyncio.client import connect

from bench.drive import server_rss
from bench.eventlog import check, generate
from bench.scenarios.base import Metric, Options, Sample, Scenario
from bench.targets import ROOM, Bare, Rencontre, Target


class Restart(Scenario):
    number = 5
    key = "restart"
    title = "Restart: a three-day log replays to a ready server (process start to /healthz 200)"
    metrics = (
        Metric("cold_s", "first start, whole log", "s", "report", digits=2),
        Metric("entries_per_s", "entries replayed per second", "/s", digits=0),
        Metric("stop_s", "stop (writes a snapshot)", "s", digits=2),
        Metric("warm_s", "restart, from the snapshot", "s", "<= 5 s", digits=2),
        Metric("rss_mib", "memory when ready", "MiB"),
        Metric("first_join_ms", "first hello + room.join", "ms"),
    )

    def __init__(self) -> None:
        self.summary: dict[str, object] = {}

    def describe(self, options: Options) -> str:
        return f"{self.title} ({options.log_events:,} entries, warm page cache)"

    def source(self, options: Options):  # noqa: ANN201 - a Path
        return options.workdir / "generated-log" / "rencontre.sqlite3"

    async def prepare(self, options: Options) -> None:
        self.summary = await asyncio.to_thread(generate, self.source(options), options.log_events)
        self.summary["refused_in_first_20000"] = await asyncio.to_thread(check,
                                                                         self.source(options))

    def targets(self, options: Options) -> list[Target]:
        data = options.workdir / "restart-data"
        return [Rencontre(options.workdir, data=data), Bare(options.workdir,
                                                             replay=self.source(options))]

    async def measure(self, target: Target, options: Options) -> Sample:
        if isinstance(target, Rencontre):
            assert target.data is not None
            target.data.mkdir(parents=True, exist_ok=True)
            shutil.copy(self.source(options), target.data / "rencontre.sqlite3")
        target.ready_timeout = target.stop_timeout = 600
        target.start()
        try:
            cold = target.processes[0].ready_seconds
            if isinstance(target, Rencontre):
                # The usual restart: the stopped server left a snapshot of its state.
                stop, warm = target.restart()
            else:
                stop, warm = 0.0, cold  # the baseline keeps nothing: every start is cold
            rss = server_rss(target.pids)
            first_join = await self.first_join(target)
        finally:
            target.stop()
        numbers = {"cold_s": cold, "entries_per_s": options.log_events / cold, "stop_s": stop,
                   "warm_s": warm, "rss_mib": rss / 2**20, "first_join_ms": first_join * 1000}
        notes = []
        if target.name == "rencontre":
            s = self.summary
            notes.append(f"log: {s['events']:,} entries, {int(s['bytes']) / 2**20:.0f} MiB, "
                         f"{s['counts']}, generated in {float(s['seconds']):.1f} s; "
                         f"{s['refused_in_first_20000']} refused among the first 20,000")
            notes.append("ready = process start (Popen) to the first /healthz 200; each demo "
                         "start-up appends 4 entries (credentials) after the replay; memory "
                         "and first join are measured after the warm restart")
        return Sample(numbers, notes)

    @staticmethod
    async def first_join(target: Target) -> float:
        """How long the first attendee waits for its event and room snapshots."""
        started = time.monotonic()
        async with connect(target.ws_urls[0], compression=None, max_size=None) as ws:
            token = target.attendee_token
            await ws.send(json.dumps({"type": "auth.hello", "id": "h",
                                      "data": {"token": token} if token else {}}))
            await ws.recv()
            await ws.send(json.dumps({"type": "room.join", "id": "j", "data": {"room": ROOM}}))
            await ws.recv()
        return time.monotonic() - started
