"""Online presence over the websocket: a visible page in a room opens an interval, hiding or
closing it ends the interval after the grace period, heartbeats are never logged."""

from __future__ import annotations

import asyncio

from rencontre.server.views import GATEWAY
from tests.integration.wsclient import Client, ws_url


def presence_entries(app_client) -> int:
    return sum(len(p.intervals) for p in app_client.hub.state.attendance.online.get(
        "s03", {}).values())


async def until(check, timeout: float = 5) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.02)


async def test_presence_is_logged_on_changes_only_and_survives_a_quick_reconnect(app_client):
    app_client.server.app[GATEWAY].presence.grace = 0.3
    url, state = ws_url(app_client), app_client.hub.state
    attendee = await Client.connect(url, app_client.tokens["attendee"])
    me = attendee.snapshot["me"]["id"]
    await attendee.call("room.join", {"room": "s03"})
    await until(lambda: me in state.attendance.watching.get("s03", ()))
    seq = state.seq
    for _ in range(5):
        await attendee.call("conn.ping", {"visible": True})
    assert state.seq == seq, "heartbeats are not logged"
    # A reload: the page goes and comes back within the grace period.
    await attendee.close()
    attendee = await Client.connect(url, app_client.tokens["attendee"])
    await attendee.call("room.join", {"room": "s03"})
    await asyncio.sleep(0.5)
    assert state.seq == seq and presence_entries(app_client) == 1
    # Hidden for longer than the grace period: the interval closes when it was hidden.
    hidden_at = app_client.hub.clock()
    await attendee.call("conn.ping", {"visible": False})
    await until(lambda: me not in state.attendance.watching.get("s03", ()))
    interval = state.attendance.online["s03"][me].intervals[-1]
    assert interval[1] is not None and interval[1] <= hidden_at + 1
    await attendee.call("conn.ping", {"visible": True})
    await until(lambda: me in state.attendance.watching.get("s03", ()))
    assert presence_entries(app_client) == 2
    await attendee.close()
    await until(lambda: me not in state.attendance.watching.get("s03", ()))


async def test_staff_and_kiosks_in_a_room_are_not_audience(app_client):
    app_client.server.app[GATEWAY].presence.grace = 0.1
    moderator = await Client.connect(ws_url(app_client), app_client.tokens["Moderator panel"])
    await moderator.call("room.join", {"room": "s03"})
    await asyncio.sleep(0.3)
    assert not app_client.hub.state.attendance.watching.get("s03")
    await moderator.close()
