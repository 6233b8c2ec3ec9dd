"""The shared log: a Redis stream, for any number of processes.

Entry ``n`` is stored under the stream id ``n-0``; a Lua script takes the
next numbers from a counter and adds a whole batch atomically, so every
process sees the same numbering. Durability is Redis's: run it with
``appendonly yes``. With ``appendfsync always`` an acknowledged entry
survives a crash of the Redis host; with ``everysec`` (Redis's default) up
to one second of entries can be lost if that host loses power. The log warns
at start when AOF is off.
"""

from __future__ import annotations

import logging

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from rencontre.server.log.base import Entry, Log, LogUnavailable, Snapshot, decode

log = logging.getLogger(__name__)

APPEND = """
local count = #ARGV
local last = redis.call('INCRBY', KEYS[2], count)
for i = 1, count do
    redis.call('XADD', KEYS[1], (last - count + i) .. '-0', 'e', ARGV[i])
end
return last
"""

SAVE_SNAPSHOT = """
local current = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if tonumber(ARGV[1]) > current then
    redis.call('HSET', KEYS[1], 'seq', ARGV[1], 'version', ARGV[2], 'body', ARGV[3])
    return 1
end
return 0
"""


class RedisLog(Log):
    backend = "redis"

    def __init__(self, url: str, prefix: str = "rencontre:") -> None:
        super().__init__()
        self.url = url
        self.stream = f"{prefix}log"
        self.counter = f"{prefix}seq"
        self.snapshot = f"{prefix}snapshot"
        self._redis: aioredis.Redis | None = None
        self._reader: aioredis.Redis | None = None

    async def open(self) -> None:
        # Blocking reads get their own connection so appends never queue behind them.
        self._redis = aioredis.from_url(self.url, socket_timeout=10)
        self._reader = aioredis.from_url(self.url, socket_timeout=None)
        try:
            self._append = self._redis.register_script(APPEND)
            self._save_snapshot = self._redis.register_script(SAVE_SNAPSHOT)
            config = await self._redis.config_get("appendonly")
        except RedisError as error:
            raise LogUnavailable(f"cannot reach Redis: {error}") from error
        if config.get(b"appendonly", config.get("appendonly")) in (b"no", "no"):
            log.warning("Redis runs without AOF (appendonly no): a Redis crash loses entries")

    async def close(self) -> None:
        for client in (self._redis, self._reader):
            if client is not None:
                await client.aclose()
        self._redis = self._reader = None

    async def _write(self, bodies: list[str]) -> int:
        if self._redis is None:
            raise LogUnavailable("the log is closed")
        try:
            return int(await self._append(keys=[self.stream, self.counter], args=bodies))
        except RedisError as error:
            raise LogUnavailable(str(error)) from error

    async def read(self, after: int, limit: int, block: float = 0) -> list[Entry]:
        if self._reader is None:
            raise LogUnavailable("the log is closed")
        try:
            reply = await self._reader.xread(
                {self.stream: f"{after}-0"}, count=limit,
                block=int(block * 1000) if block else None)
        except RedisError as error:
            raise LogUnavailable(str(error)) from error
        if not reply:
            return []
        _, messages = reply[0]
        return [(int(msg_id.split(b"-")[0]), decode(fields[b"e"])) for msg_id, fields in messages]

    async def destroy(self) -> None:
        if self._redis is None:
            raise LogUnavailable("the log is closed")
        try:
            await self._redis.delete(self.stream, self.counter, self.snapshot)
        except RedisError as error:
            raise LogUnavailable(str(error)) from error

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
        if self._redis is None:
            raise LogUnavailable("the log is closed")
        try:
            value = await self._redis.get(self.counter)
        except RedisError as error:
            raise LogUnavailable(str(error)) from error
        return int(value or 0)
