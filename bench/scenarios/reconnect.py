"""Scenario 4, reconnect storm: every attendee comes back after the server restarts."""

from __future__ import annotations

import asyncio
import time

from bench.drive import Moderator, drain, loaded
from bench.scenarios.base import Metric, Options, Sample, Scenario
from bench.targets import Bare, Rencontre, Target

SEEDED = 5  # announcements posted before the restart, which every snapshot must list


class ReconnectStorm(Scenario):
    number = 4
    key = "reconnect"
    title = ("Reconnect storm: the server restarts (same data) under connected attendees, "
             "who all come back with the browser client's backoff")
    metrics = (
        Metric("full_reach_s", "restart to full reach", "s", "report", digits=2),
        Metric("after_ready_s", "ready to full reach", "s", digits=2),
        Metric("restart_s", "stop + start to /healthz", "s", digits=2),
        Metric("rejoined_pct", "clients back", "%", "100 %", digits=2),
        Metric("bad_snapshots", "wrong snapshots", "", "0", digits=0),
        Metric("connects_per_client", "connection attempts per client", "", digits=2),
        Metric("reach_after_pct", "reach of the next post", "%", "100 %", digits=2),
    )

    def describe(self, options: Options) -> str:
        return f"{self.title} ({options.clients:,} clients)"

    def targets(self, options: Options) -> list[Target]:
        return [Rencontre(options.workdir), Bare(options.workdir)]

    async def measure(self, target: Target, options: Options) -> Sample:
        clients = options.clients
        notes: list[str] = []
        async with loaded(target, clients, options) as load:
            generators = load.generators
            moderator = await Moderator(target).open()
            ids = [(await moderator.post_and_wait(k))["result"]["id"] for k in range(SEEDED)]
            await drain(generators, clients * SEEDED, 10)
            await moderator.close()
            # The bare baseline keeps nothing across a restart: only Rencontre's snapshots
            # can be checked against what was posted before it.
            await generators.ask("arm", expect_ids=ids if target.name == "rencontre" else None)
            started = time.monotonic_ns()
            target.restart()
            ready = time.monotonic_ns()
            deadline = time.monotonic() + (30 if options.quick else 90)
            while True:
                storm = await generators.ask("storm")
                back = sum(s["rejoined"] for s in storm)
                if back >= clients or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.05)
            last = max(s["last_ns"] for s in storm) or ready
            before = await generators.total("received")
            moderator = await Moderator(target).open()
            await moderator.post_and_wait(SEEDED)
            after = await drain(generators, before + clients, 10)
            await moderator.close()
        errors = [e for s in storm for e in s["errors"]]
        if back < clients:
            notes.append(f"{target.name}: only {back} of {clients} clients back before the "
                         "deadline")
        if errors:
            notes.append(f"{target.name}: connect errors, e.g. {errors[-1]}")
        numbers = {
            "full_reach_s": (last - started) / 1e9,
            "after_ready_s": max(0.0, (last - ready) / 1e9),
            "restart_s": (ready - started) / 1e9,
            "rejoined_pct": 100 * back / clients,
            "bad_snapshots": sum(s["bad"] for s in storm),
            "connects_per_client": sum(s["connects"] for s in storm) / clients,
            "reach_after_pct": 100 * (after - before) / clients,
        }
        return Sample(numbers, load.notes() + notes)
