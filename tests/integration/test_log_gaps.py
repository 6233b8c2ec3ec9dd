"""A log that lost entries (its head, or the end a snapshot covers) is refused, never replayed."""

from __future__ import annotations

import sqlite3

import pytest

from rencontre.server.hub import Hub
from rencontre.server.log import open_log
from rencontre.server.log.base import LogRewound
from tests.unit.helpers import MODERATOR, demo_entries


@pytest.fixture(params=["sqlite", "redis"])
def make_log(request, tmp_path):
    url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    return lambda: open_log(str(tmp_path), url)


async def event(make_log, posts: int) -> Hub:
    hub = Hub(make_log())
    await hub.start()
    for entry in demo_entries():
        await hub.log.append(entry)
    for n in range(posts):
        await hub.execute("announcement.post", {"text": f"n{n}"}, MODERATOR)
    return hub


async def lose(log, first: int, last: int, snapshot: bool) -> None:
    """Delete entries ``first`` … ``last`` (and the snapshot) behind the server's back."""
    await log.open()
    try:
        if log.backend == "redis":
            for seq in range(first, last + 1):
                await log._redis.xdel(log.stream, f"{seq}-0")
            if snapshot:
                await log._redis.delete(log.snapshot)
        else:
            with sqlite3.connect(log.path) as db:
                db.execute("DELETE FROM log WHERE seq BETWEEN ? AND ?", (first, last))
                if snapshot:
                    db.execute("DELETE FROM snapshot")
    finally:
        await log.close()


async def test_a_log_that_lost_its_head_is_refused_at_start(make_log):
    hub = await event(make_log, 5)
    await hub.stop()
    await lose(make_log(), 1, 3, snapshot=True)
    again = Hub(make_log())
    with pytest.raises(LogRewound, match="jumps from entry 0 to 4"):
        await again.start()
    await again.log.close()


async def test_a_log_that_ends_before_its_snapshot_is_refused_at_start(make_log):
    hub = await event(make_log, 5)
    last = hub.state.seq
    await hub.stop()  # keeps a snapshot at the last entry
    await lose(make_log(), last - 2, last, snapshot=False)
    if hub.log.backend == "redis":  # as a Redis restarted from an older file would be
        log = make_log()
        await log.open()
        await log._redis.set(log.counter, last - 3)
        await log.close()
    again = Hub(make_log())
    with pytest.raises(LogRewound):
        await again.start()
    await again.log.close()
