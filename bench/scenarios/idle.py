"""Scenario 2, idle: what connected attendees cost the server when nothing happens."""

from __future__ import annotations

import asyncio
import time

from bench.attendees import distinct, heartbeats, log_seq
from bench.drive import loaded, server_cpu, server_rss
from bench.scenarios.base import Metric, Options, Sample, Scenario
from bench.targets import Bare, Rencontre, Target


class Idle(Scenario):
    number = 2
    key = "idle"
    title = "Idle: connected attendees in one session, nothing posted"
    metrics = (
        Metric("kib_per_conn", "memory per connection", "KiB", "<= 16 KiB"),
        Metric("connect_per_s", "connect + hello + join rate", "/s", digits=0),
        Metric("idle_cpu_pct", "server CPU while idle", "%", digits=2),
        Metric("heartbeats_per_s", "heartbeats answered", "/s", digits=0),
        Metric("log_entries", "log entries while idle", "", "0", digits=0),
    )

    def describe(self, options: Options) -> str:
        return f"{self.title} ({options.clients:,} clients, {self.window(options):g} s idle)"

    @staticmethod
    def window(options: Options) -> float:
        """A whole heartbeat period (20 s): every client pings once or more meanwhile."""
        return min(max(options.duration, 20.0), 30.0)

    def targets(self, options: Options) -> list[Target]:
        return [Rencontre(options.workdir), Bare(options.workdir)]

    async def measure(self, target: Target, options: Options) -> Sample:
        setup_notes: list[str] = []
        async with loaded(target, options.clients, options, settle=3.0,
                          setup=distinct(options, options.clients, setup_notes)) as load:
            cpu0, started = server_cpu(target.pids), time.monotonic()
            beats0, seq0 = await heartbeats(load.generators), await log_seq(target)
            await asyncio.sleep(self.window(options))
            elapsed = time.monotonic() - started
            idle = (server_cpu(target.pids) - cpu0) / elapsed
            beats = await heartbeats(load.generators) - beats0
            seq1 = await log_seq(target)
            rss_end = server_rss(target.pids)
        numbers = {
            "kib_per_conn": load.kib_per_connection,
            "connect_per_s": load.connect["joined"] / max(1e-9, load.connect["seconds"]),
            "idle_cpu_pct": 100 * idle,
            "heartbeats_per_s": beats / elapsed,
        }
        if seq0 is not None and seq1 is not None:
            numbers["log_entries"] = seq1 - seq0
        notes = setup_notes + load.notes()
        notes.append(f"{target.name}: RSS {load.rss_before / 2**20:.0f} MiB before connecting, "
                     f"{load.rss_after / 2**20:.0f} MiB after, {rss_end / 2**20:.0f} MiB at the "
                     "end of the idle window")
        return Sample(numbers, notes)
