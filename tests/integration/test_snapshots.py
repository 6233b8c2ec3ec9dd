"""Snapshots let a restart skip most of the log, and never change what it rebuilds."""

from __future__ import annotations

import pytest

from rencontre.server.hub import Hub
from rencontre.server.log import open_log
from rencontre.server.log.base import Snapshot
from rencontre.server.snapshots import code_version
from tests.unit.helpers import MODERATOR, demo_entries


@pytest.fixture(params=["sqlite", "redis"])
def make_log(request, tmp_path):
    def make():
        if request.param == "redis":
            return open_log(str(tmp_path), request.getfixturevalue("redis_server").url)
        return open_log(str(tmp_path), None)

    if request.param == "redis":
        request.getfixturevalue("redis_url")  # an empty database
    return make


async def fill(hub: Hub, count: int) -> None:
    for entry in demo_entries():
        await hub.log.append(entry)
    for n in range(count):
        await hub.execute("announcement.post", {"text": f"n{n}"}, MODERATOR)


async def test_a_restart_loads_the_snapshot_and_replays_the_rest(make_log):
    hub = Hub(make_log())
    await hub.start()
    await fill(hub, 10)
    await hub.stop()  # a clean stop keeps a snapshot
    snapshot = await _snapshot(make_log())
    assert snapshot is not None and snapshot.seq == hub.state.seq
    # Entries written after the snapshot, by a process that then crashed:
    later = Hub(make_log())
    await later.start()
    await later.execute("announcement.post", {"text": "after"}, MODERATOR)
    expected = [a.text for a in later.state.announcements]
    later.save_snapshot = _nothing  # as after a crash: no snapshot of the last entry
    await later.stop()
    again = Hub(make_log())
    await again.start()
    assert [a.text for a in again.state.announcements] == expected
    assert again.state.seq == later.state.seq
    await again.stop()


async def test_a_snapshot_from_other_code_is_ignored(make_log):
    hub = Hub(make_log())
    await hub.start()
    await fill(hub, 3)
    await hub.log.save_snapshot(Snapshot(hub.state.seq + 100, "other-code", b"not a pickle"))
    await hub.stop()
    again = Hub(make_log())
    await again.start()
    assert len(again.state.announcements) == 3
    assert code_version() != "other-code"
    await again.stop()


async def _snapshot(log):
    await log.open()
    try:
        return await log.load_snapshot()
    finally:
        await log.close()


async def _nothing() -> None:
    return None


async def test_a_snapshot_taken_aside_holds_the_state_at_its_seq(make_log):
    from rencontre.server.snapshots import restore, take_aside

    hub = Hub(make_log())
    await hub.start()
    await fill(hub, 5)
    snapshot = await take_aside(hub.state)
    assert snapshot is not None and snapshot.seq == hub.state.seq
    assert [a.text for a in restore(snapshot).announcements] == [
        f"n{n}" for n in range(5)]
    await hub.stop()


async def test_a_snapshot_child_that_cannot_write_fails_instead_of_keeping_half(make_log):
    """As with a full TMPDIR: the child's writes fail past a few kilobytes."""
    import asyncio
    import resource
    import signal

    from rencontre.server.snapshots import take_aside

    hub = Hub(make_log())
    await hub.start()
    await fill(hub, 50)
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, limits[1]))
    try:
        taking = asyncio.ensure_future(take_aside(hub.state))
        await asyncio.sleep(0)  # the child is forked with the limit
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, previous)
    assert await taking is None
    await hub.stop()


async def _damage(log, change) -> None:
    """Rewrite the stored snapshot's body with ``change(body)``, as a bad disk would."""
    await log.open()
    try:
        snapshot = await log.load_snapshot()
        body = change(snapshot.body)
        if log.backend == "redis":
            await log._redis.hset(log.snapshot, "body", body)
        else:
            import sqlite3

            with sqlite3.connect(log.path) as db:
                db.execute("UPDATE snapshot SET body = ?", (body,))
    finally:
        await log.close()


@pytest.mark.parametrize("change", [
    pytest.param(lambda body: body[: len(body) // 2], id="cut-short"),
    pytest.param(lambda body: body.replace(b"n7", b"n8"), id="one-byte-altered"),
])
async def test_a_damaged_snapshot_is_set_aside_and_the_log_replayed(make_log, change, caplog):
    hub = Hub(make_log())
    await hub.start()
    await fill(hub, 10)
    await hub.stop()
    await _damage(make_log(), change)
    again = Hub(make_log())
    await again.start()  # does not fail: the log is intact
    assert [a.text for a in again.state.announcements] == [f"n{n}" for n in range(10)]
    assert again.state.seq == hub.state.seq
    assert any("set aside" in record.getMessage() for record in caplog.records
               if record.levelname == "WARNING")
    assert await again.log.load_snapshot() is None  # not tried again at the next start
    await again.stop()
