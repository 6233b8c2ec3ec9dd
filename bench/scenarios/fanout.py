"""Scenario 1, fan-out: one session's attendees receive a moderator's action 5 times a second."""

from __future__ import annotations

from bench.attendees import distinct, heartbeats
from bench.drive import fan_out, loaded
from bench.scenarios.base import Metric, Options, Sample, Scenario
from bench.targets import Bare, Rencontre, Target

FAN_OUT_METRICS = (
    Metric("p50_ms", "latency p50", "ms"),
    Metric("p99_ms", "latency p99", "ms", "<= 250 ms"),
    Metric("max_ms", "latency max", "ms"),
    Metric("reach_pct", "reach", "%", "100 %", digits=2),
    Metric("cpu_us_per_delivery", "server CPU per delivery", "µs", "<= 1.2x bare", digits=2),
    Metric("server_cpu_pct", "server CPU", "%"),
    Metric("kib_per_conn", "memory per connection", "KiB"),
)
HEARTBEAT_METRIC = Metric("heartbeats_per_s", "heartbeats answered meanwhile", "/s", digits=0)


class FanOut(Scenario):
    number = 1
    key = "fanout"
    title = "Fan-out: attendees of one session, a moderator announcement 5 times a second"
    metrics = (*FAN_OUT_METRICS, HEARTBEAT_METRIC)

    def clients(self, options: Options) -> int:
        return options.clients

    def describe(self, options: Options) -> str:
        return (f"{self.title} ({self.clients(options):,} clients, {options.rate:g}/s for "
                f"{options.duration:g} s, open-loop)")

    def targets(self, options: Options) -> list[Target]:
        return [Rencontre(options.workdir), Bare(options.workdir)]

    async def measure(self, target: Target, options: Options) -> Sample:
        setup_notes: list[str] = []
        clients = self.clients(options)
        async with loaded(target, clients, options,
                          setup=distinct(options, clients, setup_notes)) as load:
            beats0 = await heartbeats(load.generators)
            numbers, notes, series = await fan_out(target, load.generators, options.rate,
                                                   options.duration, options.workdir,
                                                   profile=options.profile)
            numbers["heartbeats_per_s"] = (await heartbeats(load.generators) - beats0) / (
                options.duration + 1)
        numbers["kib_per_conn"] = load.kib_per_connection
        return Sample(numbers, setup_notes + load.notes() + notes, series)
