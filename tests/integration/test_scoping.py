"""What a connection receives follows who it is now, on both backends."""

from __future__ import annotations

import asyncio

import pytest
import websockets

from tests.integration.wsclient import Client, pair, ws_url

SESSION = "s02"


async def test_anonymous_guests_stop_receiving_when_guests_are_switched_off(app_client):
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    attendee = await Client.connect(url, app_client.tokens["attendee"])
    anonymous = await Client.connect(url)
    await anonymous.call("room.join", {"room": SESSION})
    await attendee.call("room.join", {"room": SESSION})
    await organiser.call("announcement.post", {"text": "Before", "room": SESSION})
    assert (await anonymous.push("announcement.posted"))["announcement"]["text"] == "Before"
    await organiser.call("event.settings", {"guests_allowed": False})
    await organiser.call("announcement.post", {"text": "Members only", "room": SESSION})
    while (await attendee.push("announcement.posted"))["announcement"]["text"] != "Members only":
        pass
    with pytest.raises((TimeoutError, websockets.ConnectionClosed)):
        while True:
            push = await anonymous.push("announcement.posted", timeout=1)
            assert push["announcement"]["text"] != "Members only", "an anonymous guest got it"
    again = await websockets.connect(url)
    await again.send('{"type":"auth.hello","id":"h"}')
    assert '"auth.required"' in await asyncio.wait_for(again.recv(), 10)
    await again.close()
    for client in (organiser, attendee, anonymous):
        await client.close()


async def test_saying_hello_as_someone_else_drops_the_staff_topics(app_client):
    url = ws_url(app_client)
    moderator = await Client.connect(url, app_client.tokens["Moderator panel"])
    await moderator.call("qa.settings", {"session": SESSION, "open": "open",
                                         "premoderation": True})
    await moderator.call("room.join", {"room": SESSION})
    shared = await Client.connect(url, app_client.tokens["Moderator panel"])
    await shared.call("room.join", {"room": SESSION})
    await shared.call("auth.hello", {"token": app_client.tokens["attendee"]})
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    asker_token = (await organiser.call("access.grant", {"role": "attendee",
                                                          "name": "Asker"}))["token"]
    asker = await Client.connect(url, asker_token)
    await asker.call("qa.ask", {"session": SESSION, "text": "Who pays for the buses?"})
    staff_view = await moderator.push("qa.asked")
    assert staff_view["question"]["text"] == "Who pays for the buses?"
    await moderator.call("announcement.post", {"text": "Marker", "room": SESSION})
    while True:
        push = await shared.pushes.get()
        assert push["type"] != "qa.asked", f"a staff push reached an attendee: {push}"
        if push["type"] == "announcement.posted":
            break
    for client in (moderator, shared, organiser, asker):
        await client.close()


async def test_anonymous_clients_never_share_an_outcome(app_client):
    url = ws_url(app_client)
    first, second = await Client.connect(url), await Client.connect(url)
    one = await first.send("access.guest-join", {"name": "Uno"}, id="1")
    two = await second.send("access.guest-join", {"name": "Dos"}, id="1")
    assert one["type"] == two["type"] == "reply", (one, two)
    assert one["result"]["principal"] != two["result"]["principal"]
    assert "token" in two["result"]
    state = app_client.hub.state
    assert state.access.principals[two["result"]["principal"]].name == "Dos"
    # The same client retrying with the same id still gets its first outcome.
    again = await second.send("access.guest-join", {"name": "Dos"}, id="1")
    assert again["result"]["principal"] == two["result"]["principal"]
    await first.close()
    await second.close()


async def test_a_new_hello_keeps_what_the_rooms_were_joined_for(app_client):
    """A page that signs in again keeps its rooms: a session page's news, a stage's counts."""
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    page = await Client.connect(url)
    await page.call("room.join", {"room": SESSION, "watch": True})
    stage = await Client.connect(url)
    joined = await stage.call("room.join", {"room": SESSION, "stage": True})
    assert joined["occupancy"]["online"] == 0
    for client in (page, stage):
        await client.call("auth.hello", {"token": app_client.tokens["attendee"]})
    await organiser.call("announcement.post", {"text": "Still here?", "room": SESSION})
    assert (await page.push("announcement.posted"))["announcement"]["text"] == "Still here?"
    person = await organiser.call("attendance.register", {"name": "Amadou Diallo"})
    await organiser.call("checkin.manual", {"registration": person["id"]})
    kiosk = await pair(url, organiser, "Door")
    await kiosk.call("entry.scan", {"badge": person["badge"], "session": SESSION, "force": True})
    while (await stage.push("occupancy.changed"))["occupancy"][SESSION]["inside"] != 1:
        pass
    for client in (organiser, page, stage, kiosk):
        await client.close()
