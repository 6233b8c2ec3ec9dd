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
