"""Scenario 3, vote burst: waits for polls."""

from __future__ import annotations

from bench.scenarios.base import Options, Sample, Scenario
from bench.targets import Target


class VoteBurst(Scenario):
    number = 3
    key = "votes"
    title = "Vote burst: 10,000 attendees answer one poll within 5 s"
    ready = False
    needs = ("polls (no poll.vote command yet); goal: ack p99 <= 200 ms, every screen shows "
             "the exact final count within 1 s of the last vote")

    def targets(self, options: Options) -> list[Target]:
        return []

    async def measure(self, target: Target, options: Options) -> Sample:
        raise NotImplementedError(self.needs)
