"""The websocket gateway on both backends: sign-in, rooms, commands, bad input."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket

import pytest
import websockets
from aiohttp.test_utils import TestClient, TestServer

from rencontre.server.app import create_app
from rencontre.server.cli import SYSTEM, prepare_event
from rencontre.server.settings import Settings
from rencontre.server.views import HUB
from tests.integration.wsclient import Client, ws_url


async def test_healthz_reports_backend_and_seq(app_client):
    response = await app_client.get("/healthz")
    body = await response.json()
    assert response.status == 200
    assert body["status"] == "ok"
    assert body["backend"] in ("sqlite", "redis")
    assert body["seq"] == app_client.hub.state.seq > 0


async def test_moderator_announcement_reaches_attendee_with_seq(app_client):
    attendee = await Client.connect(ws_url(app_client), app_client.tokens["attendee"])
    moderator = await Client.connect(ws_url(app_client), app_client.tokens["Moderator panel"])
    assert attendee.snapshot["me"]["role"] == "attendee"
    assert len(attendee.snapshot["programme"]["sessions"]) >= 20
    reply = await moderator.send("announcement.post", {"text": "Café en el patio"})
    push = await attendee.push("announcement.posted")
    assert push["announcement"]["text"] == "Café en el patio"
    assert push["seq"] == reply["seq"] > attendee.snapshot["seq"]
    await attendee.close()
    await moderator.close()


async def test_room_join_gives_snapshot_then_room_pushes_only(app_client):
    url = ws_url(app_client)
    inside = await Client.connect(url, app_client.tokens["attendee"])
    outside = await Client.connect(url, app_client.tokens["attendee"])
    moderator = await Client.connect(url, app_client.tokens["Moderator panel"])
    await moderator.call("announcement.post", {"text": "Before", "room": "s02"})
    snapshot = await inside.call("room.join", {"room": "s02"})
    assert [a["text"] for a in snapshot["announcements"]] == ["Before"]
    await moderator.call("announcement.post", {"text": "After", "room": "s02"})
    assert (await inside.push("announcement.posted"))["announcement"]["text"] == "After"
    await moderator.call("announcement.post", {"text": "Everyone"})
    assert (await outside.push("announcement.posted"))["announcement"]["text"] == "Everyone"
    assert outside.pushes.empty()
    await inside.call("room.leave", {"room": "s02"})
    await moderator.call("announcement.post", {"text": "Gone", "room": "s02"})
    await moderator.call("announcement.post", {"text": "Marker"})
    assert (await inside.push("announcement.posted"))["announcement"]["text"] == "Everyone"
    assert (await inside.push("announcement.posted"))["announcement"]["text"] == "Marker"
    for client in (inside, outside, moderator):
        await client.close()


async def test_retry_with_same_id_is_applied_once(app_client):
    moderator = await Client.connect(ws_url(app_client), app_client.tokens["Moderator panel"])
    before = len(app_client.hub.state.announcements)
    first = await moderator.send("announcement.post", {"text": "Una vez"}, id="same-id")
    await moderator.close()
    again = await Client.connect(ws_url(app_client), app_client.tokens["Moderator panel"])
    second = await again.send("announcement.post", {"text": "Una vez"}, id="same-id")
    assert first == second
    assert len(app_client.hub.state.announcements) == before + 1
    await again.close()


@pytest.mark.parametrize("frame, code", [
    ("not json", "request.malformed"),
    ("[1, 2]", "request.malformed"),
    ('{"id": 1}', "request.malformed"),
    ('{"type": "poll.nothing", "id": 1}', "request.unknown-type"),
    ('{"type": "announcement.post", "id": 1, "data": {}}', "request.missing"),
    ('{"type": "announcement.post", "id": 1, "data": {"text": ""}}', "request.invalid"),
    ('{"type": "announcement.post", "id": 1, "data": "text"}', "request.malformed"),
    ('{"type": "room.join", "id": 1, "data": {"room": "nope"}}', "room.unknown"),
])
async def test_bad_input_gets_its_code_and_changes_nothing(app_client, frame, code):
    moderator = await Client.connect(ws_url(app_client), app_client.tokens["Moderator panel"])
    seq = app_client.hub.state.seq
    await moderator.ws.send(frame)
    error = await moderator.push("error")
    assert error["code"] == code
    assert error["message"] and "Traceback" not in error["message"]
    assert app_client.hub.state.seq == seq
    await moderator.close()


async def test_oversized_frame_is_refused_and_the_connection_lives(app_client):
    moderator = await Client.connect(ws_url(app_client), app_client.tokens["Moderator panel"])
    seq = app_client.hub.state.seq
    error = await moderator.send("announcement.post", {"text": "x" * 70_000}, id="big")
    # The refusal names the command, so that the sender stops waiting for it.
    assert (error["code"], error["id"]) == ("request.too-large", "big")
    assert app_client.hub.state.seq == seq
    assert (await moderator.call("conn.ping"))["seq"] == seq
    await moderator.close()


async def test_far_oversized_frame_closes_with_1009(app_client):
    ws = await websockets.connect(ws_url(app_client), max_size=None)
    await ws.send("x" * 300_000)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd.code == 1009


async def test_attendee_trying_a_moderator_command_is_forbidden(app_client):
    attendee = await Client.connect(ws_url(app_client), app_client.tokens["attendee"])
    seq = app_client.hub.state.seq
    error = await attendee.send("announcement.post", {"text": "I am a moderator"})
    assert error["code"] == "auth.forbidden"
    error = await attendee.send("access.grant", {"role": "organiser", "name": "Me"})
    assert error["code"] == "auth.forbidden"
    assert app_client.hub.state.seq == seq
    await attendee.close()


async def test_bad_token_is_refused(app_client):
    client = await Client.connect(ws_url(app_client))
    error = await client.send("auth.hello", {"token": "p-nobody.nothing"})
    assert error["code"] == "auth.invalid-token"
    await client.close()


async def test_errors_are_translated_into_the_connection_language(app_client):
    attendee = await Client.connect(ws_url(app_client), app_client.tokens["attendee"])
    await attendee.call("auth.hello", {"lang": "es"})
    error = await attendee.send("announcement.post", {"text": "x"})
    assert error["code"] == "auth.forbidden"
    assert error["message"] != "Your role may not do this."
    await attendee.close()


async def test_field_errors_read_whole_in_the_connection_language(app_client):
    moderator = await Client.connect(ws_url(app_client), app_client.tokens["Moderator panel"])
    await moderator.call("auth.hello", {"lang": "fr"})
    error = await moderator.send("announcement.post", {"text": "x" * 501})
    assert error["code"] == "request.invalid"
    assert error["message"] == "Le champ «\u202ftexte\u202f» doit compter de 1 à 500 caractères."
    assert error["params"] == {"field": "text", "min": 1, "max": 500}
    await moderator.call("auth.hello", {"lang": "es"})
    await moderator.send("session.start", {"session": "s01"})
    await moderator.send("session.end", {"session": "s01"})
    error = await moderator.send("session.end", {"session": "s01"})
    assert error["message"] == "Esta sesión ha terminado."
    await moderator.close()


async def test_foreign_origin_is_refused_with_403(app_client):
    url = ws_url(app_client)
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(url, origin="http://evil.example")
    assert refused.value.response.status_code == 403
    own = "http://" + url.split("//")[1].split("/")[0]
    ws = await websockets.connect(url, origin=own)
    await ws.close()


async def test_revoked_principal_is_disconnected(app_client):
    attendee = await Client.connect(ws_url(app_client), app_client.tokens["attendee"])
    organiser = await Client.connect(ws_url(app_client), app_client.tokens["Organiser"])
    principal = attendee.snapshot["me"]["id"]
    await organiser.call("access.revoke", {"principal": principal})
    await asyncio.wait_for(attendee.ws.wait_closed(), 5)
    again = await Client.connect(ws_url(app_client))
    assert (await again.send("auth.hello", {"token": app_client.tokens["attendee"]}))["code"] \
        == "auth.invalid-token"
    for client in (organiser, again):
        await client.close()


async def test_guest_join_over_http_sets_a_working_cookie(app_client):
    response = await app_client.post("/join", data={"name": "Invitado"}, allow_redirects=False)
    assert response.status == 302
    token = response.cookies["rencontre_token"].value
    page = await app_client.get("/", cookies={"rencontre_token": token})
    assert "Invitado" in await page.text()


def stalled_client(port: int) -> socket.socket:
    """A websocket client that signs in, then never reads again."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    assert b" 101 " in sock.recv(4096)
    payload = json.dumps({"type": "auth.hello", "id": "h", "data": {}}).encode()
    mask = os.urandom(4)
    sock.sendall(bytes([0x81, 0x80 | len(payload)]) + mask
                 + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
    return sock


async def test_slow_consumer_is_dropped_not_buffered(tmp_path):
    # Half the limit is the socket's own buffer: the rest must hold a burst of 50 posts.
    settings = Settings(data=str(tmp_path), demo=True, send_limit=128 * 1024)
    app = create_app(settings)
    client = TestClient(TestServer(app))
    await client.start_server()
    hub = app[HUB]
    await prepare_event(hub, settings)
    url = str(client.make_url("/ws")).replace("http", "ws", 1)
    stalled = await asyncio.to_thread(stalled_client, client.port)
    await asyncio.sleep(0.1)
    (stalled_connection,) = hub.connections
    # A small kernel buffer stands in for a congested mobile link.
    server_socket = stalled_connection.transport.get_extra_info("socket")
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    healthy = await Client.connect(url)
    granted = await hub.execute("access.grant", {"role": "moderator", "name": "M"}, SYSTEM)
    moderator = await Client.connect(url, granted["result"]["token"])
    assert len(hub.connections) == 3
    for batch in range(8):
        await asyncio.gather(*(moderator.call("announcement.post", {
            "text": f"{batch * 50 + n:03d} " + "y" * 490}) for n in range(50)))
    assert hub.connections == {c for c in hub.connections if c is not stalled_connection}
    assert len(hub.connections) == 2 and stalled_connection.dropped
    received = [(await healthy.push("announcement.posted"))["announcement"]["text"][:3]
                for _ in range(400)]
    assert sorted(received) == [f"{n:03d}" for n in range(400)]
    stalled.close()
    await healthy.close()
    await moderator.close()
    await client.close()


async def test_every_hello_carries_the_programme_as_it_is_now(app_client):
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    before = await Client.connect(url, app_client.tokens["attendee"])
    start = {s["id"]: s["start"] for s in before.snapshot["programme"]["sessions"]}["s02"]
    await organiser.call("session.delay", {"session": "s02", "minutes": 10, "force": True})
    between = await Client.connect(url, app_client.tokens["attendee"])
    moved = {s["id"]: s["start"] for s in between.snapshot["programme"]["sessions"]}["s02"]
    assert moved != start
    await organiser.call("event.settings", {"guests_allowed": False})
    after = await Client.connect(url, app_client.tokens["attendee"])
    assert after.snapshot["programme"]["event"]["guests_allowed"] is False
    for client in (organiser, before, between, after):
        await client.close()


async def test_watching_a_room_gets_its_announcements_but_no_qa_and_no_presence(app_client):
    url = ws_url(app_client)
    reader = await Client.connect(url, app_client.tokens["attendee"])
    moderator = await Client.connect(url, app_client.tokens["Moderator panel"])
    await moderator.call("announcement.post", {"text": "Before", "room": "s03"})
    snapshot = await reader.call("room.join", {"room": "s03", "watch": True})
    assert [a["text"] for a in snapshot["announcements"]] == ["Before"]
    await moderator.call("session.start", {"session": "s03"})
    await moderator.call("qa.settings", {"session": "s03", "premoderation": False})
    await moderator.call("qa.ask", {"session": "s03", "text": "Not for watchers"})
    await moderator.call("announcement.post", {"texts": {"es": "Después"}, "room": "s03"})
    pushes = []
    async with asyncio.timeout(5):
        while not any(p["type"] == "announcement.posted" for p in pushes):
            pushes.append(await reader.pushes.get())
    assert [p["announcement"]["texts"] for p in pushes if p["type"] == "announcement.posted"] \
        == [{"es": "Después"}]
    assert not [p for p in pushes if p["type"].startswith("qa.")]
    await asyncio.sleep(0.3)  # a presence would be logged by now
    assert "s03" not in app_client.hub.state.attendance.online
    await reader.call("room.leave", {"room": "s03"})
    await moderator.call("announcement.post", {"text": "Gone", "room": "s03"})
    await moderator.call("announcement.post", {"text": "Marker"})
    while (push := await reader.push("announcement.posted"))["announcement"]["text"] != "Marker":
        assert push["announcement"]["text"] != "Gone"
    for client in (reader, moderator):
        await client.close()


async def test_the_address_asks_for_the_hello_and_the_join(app_client):
    """``/ws?hello&lang=…&join=…``: answered right behind the handshake, before any frame,
    as the frames ``auth.hello`` (id ``hello``) and ``room.join`` (id ``join``) would be."""
    cookie = {"Cookie": f"rencontre_token={app_client.tokens['attendee']}"}
    address = ws_url(app_client) + "?hello&lang=es&visible=1&sessions=s02&sessions=s01&join=s02"
    async with websockets.connect(address, additional_headers=cookie) as ws:
        hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
        join = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert (hello["id"], hello["ok"]) == ("hello", True)
        assert hello["result"]["me"]["role"] == "attendee"
        assert [s["id"] for s in hello["result"]["programme"]["sessions"]] == ["s01", "s02"]
        assert (join["id"], join["ok"]) == ("join", True)
        assert join["result"]["session"]["id"] == "s02"
        # Spanish from the address: the room's refusals come in it.
        await ws.send(json.dumps({"type": "room.join", "id": "x", "data": {"room": "nope"}}))
        refused = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert refused["message"] == "No existe la sesión “nope”."


async def test_an_address_asking_for_an_unknown_room_gets_a_clear_error(app_client):
    cookie = {"Cookie": f"rencontre_token={app_client.tokens['attendee']}"}
    async with websockets.connect(ws_url(app_client) + "?hello&join=nope",
                                  additional_headers=cookie) as ws:
        hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
        join = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert hello["ok"] is True
        assert (join["type"], join["id"], join["code"]) == ("error", "join", "room.unknown")
    # Without ``hello`` the address asks for nothing: the server waits for the first frame.
    async with websockets.connect(ws_url(app_client) + "?join=s02",
                                  additional_headers=cookie) as ws:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(ws.recv(), 0.3)


async def test_a_hello_may_ask_for_some_sessions_of_the_programme_only(app_client):
    """A page about one session does not download a large event's whole programme."""
    url = ws_url(app_client)
    whole = await Client.connect(url, app_client.tokens["attendee"])
    part = await Client.connect(url)
    snapshot = await part.call("auth.hello", {"token": app_client.tokens["attendee"],
                                              "sessions": ["s02", "nope"]})
    programme, everything = snapshot["programme"], whole.snapshot["programme"]
    assert [s["id"] for s in programme["sessions"]] == ["s02"]
    session = programme["sessions"][0]
    assert session == next(s for s in everything["sessions"] if s["id"] == "s02")
    assert {p["id"] for p in programme["speakers"]} == set(session["speakers"]) != set()
    assert len(everything["speakers"]) > len(programme["speakers"])
    assert programme["rooms"] == everything["rooms"] and programme["event"] == everything["event"]
    assert len(everything["sessions"]) > 20
    for bad in ("s02", ["s02"] * 21, [7]):
        refused = await part.send("auth.hello", {"sessions": bad})
        assert (refused["type"], refused["code"]) == ("error", "request.invalid"), bad
    await whole.close()
    await part.close()
