"""Scenario 8, reaction burst: every attendee of a session claps at once.

Setup (not measured), as for the vote burst: one attendee per client, granted with
``access.grant`` over the organiser's websocket, so that the N reactions come from N
distinct principals (the rate limit is per person); the bare baseline takes one
reaction per connection. The clients connect and join ``s01``.

Measured: each client sends one ``reaction.send`` (applause), open-loop, at an intended
time evenly spread over 2 s: a hall applauding. Its ack latency is the reply's receive
time minus that intended time. Every client keeps the highest applause total it has
seen in the ``reaction.added`` pushes and when it first saw it, and the generators count
those pushes: coalescing must keep them to one per client per 0.2-s tick, whatever the
rate of claps, which is what keeps 10,000 clappers within the fan-out budget.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

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
from bench.targets import Bare, Rencontre, Target

SPREAD = 2.0  # seconds over which the claps are spread
TICK = 0.2  # the hub's coalescing tick (server/hub.py)
ANSWER_TIMEOUT = 15.0  # after the last intended clap, for the last answer
FINAL_TIMEOUT = 5.0  # after the last answer, for every client to hold the final total


class ReactionBurst(Scenario):
    number = 8
    key = "reactions"
    title = "Reaction burst: attendees of one session applaud at once"
    metrics = (
        Metric("ack_p50_ms", "reaction ack p50", "ms"),
        Metric("ack_p99_ms", "reaction ack p99", "ms", "<= 200 ms"),
        Metric("ack_max_ms", "reaction ack max", "ms"),
        Metric("ack_reach_pct", "reactions acked", "%", "100 %", digits=2),
        Metric("final_p50_ms", "last ack to the final total p50", "ms"),
        Metric("final_p99_ms", "last ack to the final total p99", "ms", "<= 1000 ms"),
        Metric("final_reach_pct", "clients with the final total", "%", "100 %", digits=2),
        Metric("miscounted", "final total minus acked reactions", "", "0", digits=0),
        Metric("pushes_per_client", "reaction pushes per client", "", digits=1),
        Metric("push_rate", "reaction pushes per client per second", "/s", "<= 5 /s",
               digits=2),
        Metric("cpu_us_per_reaction", "server CPU per reaction", "µs", digits=0),
        Metric("server_cpu_pct", "server CPU", "%"),
    )

    def describe(self, options: Options) -> str:
        return (f"Reaction burst: {options.clients:,} attendees of one session applaud within "
                f"{SPREAD:g} s (open-loop, evenly spread)")

    def targets(self, options: Options) -> list[Target]:
        return [Rencontre(options.workdir), Bare(options.workdir)]

    async def measure(self, target: Target, options: Options) -> Sample:
        clients = options.clients
        notes: list[str] = []

        setup = granting(options, clients, notes)
        async with loaded(target, clients, options, setup=setup) as load:
            generators = load.generators
            await generators.ask("mark")
            load_cpu, server_core = CpuMeter(LOAD_CPU), CpuMeter(SERVER_CPU)
            spies = await start_profiler(target, SPREAD + 0.5, options.profile)
            cpu0, started = server_cpu(target.pids), time.monotonic()
            start_ns = time.monotonic_ns() + 200_000_000
            count = len(generators.procs)
            await generators.ask_each("react", [
                {"start_ns": start_ns, "spread": SPREAD, "slots": count, "offset": g,
                 "total": clients} for g in range(count)])
            deadline = time.monotonic() + 0.2 + SPREAD + ANSWER_TIMEOUT
            while True:
                status = await generators.ask("votes")
                sent = sum(s["sent"] for s in status)
                answered = sum(s["ok"] + s["refused"] for s in status)
                if all(s["done"] for s in status) and answered >= sent:
                    break
                if time.monotonic() > deadline:
                    notes.append(f"{target.name}: {sent - answered} reactions unanswered "
                                 f"{ANSWER_TIMEOUT:g} s after the last one was sent")
                    break
                await asyncio.sleep(0.05)
            acked = sum(s["ok"] for s in status)
            deadline = time.monotonic() + FINAL_TIMEOUT
            while True:
                status = await generators.ask("votes", total=acked)
                if sum(s["final"] for s in status) >= clients or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.05)
            elapsed = time.monotonic() - started
            cpu = server_cpu(target.pids) - cpu0
            busy, intruders = load_cpu.busy(), server_core.busy() - cpu / elapsed
            pushes = sum(s["pushes"] for s in status)
            results = await generators.ask("vote-results", options=1)
            for spy in spies:
                await spy.wait()

        numbers, more = self.summarise(target.name, clients, results)
        numbers["pushes_per_client"] = pushes / max(1, clients)
        # The pushes arrive while the claps do, plus the last tick after the last one.
        numbers["push_rate"] = numbers["pushes_per_client"] / (SPREAD + TICK)
        numbers["cpu_us_per_reaction"] = 1e6 * cpu / max(1, acked)
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
        notes.append(f"{target.name}: load CPU {busy:.0%} busy, generator lag ≤ {lag:.0f} ms, "
                     f"send lag ≤ {send_lag:.0f} ms, window {elapsed:.1f} s, "
                     f"{pushes:,} reaction pushes delivered")
        return Sample(numbers, load.notes() + notes)

    @staticmethod
    def summarise(name: str, clients: int, results: list[dict[str, Any]]
                  ) -> tuple[dict[str, float], list[str]]:
        """The numbers of one run from the generators' per-client records.

        The final applause total every client should reach is the number of acknowledged
        reactions (one distinct clapper each).
        """
        notes: list[str] = []
        latencies = sorted(v / 1e6 for r in results for v in r["latency_ns"] if v >= 0)
        refused = sum(1 for r in results for v in r["latency_ns"] if v == -2)
        unanswered = sum(1 for r in results for v in r["latency_ns"] if v == -1)
        acked = len(latencies)
        last_ack = max(r["last_ack_ns"] for r in results)
        best = max((b for r in results for b in r["best_total"]), default=-1)
        if best != acked:
            notes.append(f"{name}: WRONG TOTAL: the highest applause total pushed is {best}; "
                         f"{acked} reactions were acknowledged")
        if refused:
            codes = sorted({e for r in results for e in r["errors"]})
            notes.append(f"{name}: {refused} reactions refused, e.g. {codes[:3]}")
        if unanswered:
            notes.append(f"{name}: {unanswered} reactions never answered")
        finals = sorted(max(0.0, (ns - last_ack) / 1e6) for r in results
                        for total, ns in zip(r["best_total"], r["best_ns"], strict=True)
                        if total == acked)
        numbers = {
            "ack_p50_ms": percentile(latencies, 0.50), "ack_p99_ms": percentile(latencies, 0.99),
            "ack_max_ms": latencies[-1] if latencies else 0.0,
            "ack_reach_pct": 100.0 * acked / max(1, clients),
            "final_p50_ms": percentile(finals, 0.50), "final_p99_ms": percentile(finals, 0.99),
            "final_reach_pct": 100.0 * len(finals) / max(1, clients),
            "miscounted": float(best - acked),
        }
        return numbers, notes
