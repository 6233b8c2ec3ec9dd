"""Scenario 7, scale-out: two processes on one Redis, twice the attendees, scenario 1's load."""

from __future__ import annotations

from bench.common import cpu_seconds
from bench.scenarios.base import Options, Sample
from bench.scenarios.fanout import FanOut
from bench.targets import Bare, RedisServer, Rencontre, Target


class ScaleOut(FanOut):
    number = 7
    key = "scaleout"
    title = ("Scale-out: two server processes on one Redis (bare: two independent processes), "
             "one session")

    def __init__(self) -> None:
        self.redis: RedisServer | None = None

    def clients(self, options: Options) -> int:
        return 2 * options.clients

    async def prepare(self, options: Options) -> None:
        self.redis = RedisServer(options.workdir / "redis").start()

    async def cleanup(self) -> None:
        if self.redis is not None:
            self.redis.stop()

    def targets(self, options: Options) -> list[Target]:
        assert self.redis is not None
        return [Rencontre(options.workdir, instances=2, redis_url=self.redis.url),
                Bare(options.workdir, instances=2)]

    async def measure(self, target: Target, options: Options) -> Sample:
        redis_pid = self.redis.pid if self.redis and target.name == "rencontre" else None
        redis_cpu = cpu_seconds(redis_pid) if redis_pid else 0.0
        sample = await super().measure(target, options)
        if redis_pid:
            used = cpu_seconds(redis_pid) - redis_cpu
            sample.notes.append(f"rencontre: redis-server used {used:.2f} CPU s over the whole "
                                "run (not counted as server CPU)")
        shared = "both processes and Redis share" if redis_pid else "both processes share"
        sample.notes.append(f"{target.name}: {shared} the server CPU")
        return sample
