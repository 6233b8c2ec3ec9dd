"""The shared log: a Redis stream, for any number of processes.

Entry ``n`` is stored under the stream id ``n-0``; a Lua script takes the
next numbers from a counter and adds a whole batch atomically, so every
process sees the same numbering. Durability is Redis's: run it with
``appendonly yes``. With ``appendfsync always`` an acknowledged entry
survives a crash of the Redis host; with ``everysec`` (Redis's default) up
to one second of entries can be lost if that host loses power. The log warns
at start when AOF is off.

A Redis that restarts without its data must not take new entries under the
numbers of lost ones: the first append names the log with a random
*generation*, stored beside it and on every entry, and each append states
the generation and the last seq its process has seen. The script refuses an
append to another generation or to a log shorter than that, and readers
check every entry's generation: a process that has seen a log go back stops
(:class:`LogRewound`) instead of acknowledging writes that conflict with what
it acknowledged before, or applying another event's entries.
"""

from __future__ import annotations

import logging
import secrets

import redis.asyncio as aioredis
from redis.exceptions import RedisError, ResponseError

from rencontre.server.log.base import Entry, Log, LogRewound, LogUnavailable, Snapshot, decode

log = logging.getLogger(__name__)

# How long an operator's health check waits for Redis before it answers 503.
PROBE_TIMEOUT = 1.5

# Both scripts first refuse a log that went back or was replaced (a Redis restarted empty):
# KEYS[2] is the counter, KEYS[3] the generation; ARGV[1] is the highest seq this process
# has seen, ARGV[2] the generation it knows ('' if none). Leaves `generation` set.
CHECK = """
local generation = redis.call('GET', KEYS[3])
if ARGV[2] ~= '' and ARGV[2] ~= generation then
    return redis.error_reply('REWOUND the log was replaced by another one')
end
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
if current < tonumber(ARGV[1]) then
    return redis.error_reply('REWOUND the log ends at ' .. current)
end
"""

# KEYS: stream, counter, generation. ARGV: seen, known generation, a new generation in case
# the log is new, then the bodies. Returns {last seq, generation}.
APPEND = CHECK + """
if not generation then
    generation = ARGV[3]
    redis.call('SET', KEYS[3], generation)
end
local count = #ARGV - 3
local last = redis.call('INCRBY', KEYS[2], count)
for i = 1, count do
    redis.call('XADD', KEYS[1], (last - count + i) .. '-0', 'e', ARGV[i + 3], 'g', generation)
end
return {last, generation}
"""

# The same checks without an entry; writes one small key (KEYS[4]), as a health check.
PROBE = CHECK + """
redis.call('SET', KEYS[4], ARGV[1])
return current
"""

SAVE_SNAPSHOT = """
local current = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if tonumber(ARGV[1]) > current then
    redis.call('HSET', KEYS[1], 'seq', ARGV[1], 'version', ARGV[2], 'body', ARGV[3])
    return 1
end
return 0
"""


def rewound(detail: str, seen: int) -> LogRewound:
    return LogRewound(
        f"the Redis log lost entries this process had seen up to seq {seen} ({detail}): "
        "Redis restarted without its data? Writes are refused. Stop every process, "
        "restore Redis's data (its AOF or RDB files) and start them again; "
        "a process started on the emptied Redis begins a new event.")


class RedisLog(Log):
    backend = "redis"

    def __init__(self, url: str, prefix: str = "rencontre:") -> None:
        super().__init__()
        self.url = url
        self.stream = f"{prefix}log"
        self.counter = f"{prefix}seq"
        self.generation_key = f"{prefix}generation"
        self.health = f"{prefix}health"
        self.snapshot = f"{prefix}snapshot"
        self._redis: aioredis.Redis | None = None
        self._reader: aioredis.Redis | None = None
        self._prober: aioredis.Redis | None = None
        # The generation of the log this process follows (see above).
        self.generation: bytes | None = None

    async def open(self) -> None:
        # Blocking reads get their own connection so appends never queue behind them.
        self._redis = aioredis.from_url(self.url, socket_timeout=10)
        self._reader = aioredis.from_url(self.url, socket_timeout=None)
        self._prober = aioredis.from_url(self.url, socket_timeout=PROBE_TIMEOUT,
                                         socket_connect_timeout=PROBE_TIMEOUT)
        try:
            self._append = self._redis.register_script(APPEND)
            self._probe = self._prober.register_script(PROBE)
            self._save_snapshot = self._redis.register_script(SAVE_SNAPSHOT)
            config = await self._redis.config_get("appendonly")
            self.generation = await self._redis.get(self.generation_key)
        except RedisError as error:
            raise LogUnavailable(f"cannot reach Redis: {error}") from error
        if config.get(b"appendonly", config.get("appendonly")) in (b"no", "no"):
            log.warning("Redis runs without AOF (appendonly no): a Redis crash loses entries")

    async def close(self) -> None:
        for client in (self._redis, self._reader, self._prober):
            if client is not None:
                await client.aclose()
        self._redis = self._reader = self._prober = None

    def _checks(self) -> list[object]:
        return [self.seen, self.generation or b""]

    def _refused(self, error: ResponseError) -> LogRewound | None:
        message = str(error)
        if message.startswith("REWOUND"):
            return rewound(message.removeprefix("REWOUND "), self.seen)
        return None

    async def _write(self, bodies: list[str]) -> int:
        if self._redis is None:
            raise LogUnavailable("the log is closed")
        try:
            last, generation = await self._append(
                keys=[self.stream, self.counter, self.generation_key],
                args=[*self._checks(), secrets.token_hex(8), *bodies])
        except ResponseError as error:
            raise self._refused(error) or LogUnavailable(str(error)) from error
        except RedisError as error:
            raise LogUnavailable(str(error)) from error
        self.generation = generation
        self.seen = max(self.seen, int(last))
        return int(last)

    async def read(self, after: int, limit: int, block: float = 0) -> list[Entry]:
        if self._reader is None:
            raise LogUnavailable("the log is closed")
        try:
            reply = await self._reader.xread(
                {self.stream: f"{after}-0"}, count=limit,
                block=int(block * 1000) if block else None)
            if not reply and after > 0:
                # Nothing new: make sure the log did not go back meanwhile.
                await self.last_seq()
        except RedisError as error:
            raise LogUnavailable(str(error)) from error
        if not reply:
            return []
        _, messages = reply[0]
        entries = []
        for msg_id, fields in messages:
            generation = fields.get(b"g")
            if generation is not None and generation != self.generation:
                if self.generation is not None:
                    raise rewound("another log took its place", self.seen)
                self.generation = generation
            entries.append((int(msg_id.split(b"-")[0]), decode(fields[b"e"])))
        if entries:
            self.seen = max(self.seen, entries[-1][0])
        return entries

    async def destroy(self) -> None:
        if self._redis is None:
            raise LogUnavailable("the log is closed")
        try:
            await self._redis.delete(self.stream, self.counter, self.snapshot,
                                     self.generation_key)
        except RedisError as error:
            raise LogUnavailable(str(error)) from error
        self.seen, self.generation = 0, None

    async def save_snapshot(self, snapshot: Snapshot) -> None:
        if self._redis is None:
            raise LogUnavailable("the log is closed")
        try:
            await self._save_snapshot(keys=[self.snapshot],
                                      args=[snapshot.seq, snapshot.version, snapshot.body])
        except RedisError as error:
            raise LogUnavailable(str(error)) from error

    async def load_snapshot(self) -> Snapshot | None:
        if self._redis is None:
            raise LogUnavailable("the log is closed")
        try:
            found = await self._redis.hgetall(self.snapshot)
        except RedisError as error:
            raise LogUnavailable(str(error)) from error
        if not found:
            return None
        return Snapshot(int(found[b"seq"]), found[b"version"].decode(), found[b"body"])

    async def set_aside_snapshot(self, snapshot: Snapshot) -> str:
        if self._redis is None:
            raise LogUnavailable("the log is closed")
        aside = f"{self.snapshot}:aside:{snapshot.seq}"
        try:
            await self._redis.rename(self.snapshot, aside)
        except RedisError as error:
            raise LogUnavailable(str(error)) from error
        return f"the Redis key {aside}"

    async def last_seq(self) -> int:
        """The last seq; raises :class:`LogRewound` when it is below one this process saw."""
        if self._redis is None:
            raise LogUnavailable("the log is closed")
        try:
            value = int(await self._redis.get(self.counter) or 0)
        except RedisError as error:
            raise LogUnavailable(str(error)) from error
        if value < self.seen:
            raise rewound(f"the log ends at {value}", self.seen)
        return value

    async def probe(self) -> None:
        if self._prober is None:
            raise LogUnavailable("the log is closed")
        try:
            await self._probe(keys=[self.stream, self.counter, self.generation_key, self.health],
                              args=self._checks())
        except ResponseError as error:
            raise self._refused(error) or LogUnavailable(str(error)) from error
        except RedisError as error:
            raise LogUnavailable(f"Redis does not answer: {error}") from error
