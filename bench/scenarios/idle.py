"""Scenario 2, idle: what connected attendees cost the server when nothing happens."""

from __future__ import annotations

import asyncio
import time

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
    )

    def describe(self, options: Options) -> str:
        return f"{self.title} ({options.clients:,} clients, {self.window(options):g} s idle)"

    @staticmethod
    def window(options: Options) -> float:
        return min(options.duration, 10.0)

    def targets(self, options: Options) -> list[Target]:
        return [Rencontre(options.workdir), Bare(options.workdir)]

    async def measure(self, target: Target, options: Options) -> Sample:
        async with loaded(target, options.clients, options, settle=3.0) as load:
            cpu0, started = server_cpu(target.pids), time.monotonic()
            await asyncio.sleep(self.window(options))
            idle = (server_cpu(target.pids) - cpu0) / (time.monotonic() - started)
            rss_end = server_rss(target.pids)
        numbers = {
            "kib_per_conn": load.kib_per_connection,
            "connect_per_s": load.connect["joined"] / max(1e-9, load.connect["seconds"]),
            "idle_cpu_pct": 100 * idle,
        }
        notes = load.notes()
        notes.append(f"{target.name}: RSS {load.rss_before / 2**20:.0f} MiB before connecting, "
                     f"{load.rss_after / 2**20:.0f} MiB after, {rss_end / 2**20:.0f} MiB at the "
                     "end of the idle window")
        return Sample(numbers, notes)
