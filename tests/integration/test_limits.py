"""Limits per address and per connection: a clear answer with a retry time, logs of failures.

On SQLite only: the limits live in the server process, whatever the log.
"""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
import websockets
from aiohttp import FormData

from rencontre.server.limits import FAILURES, GUESTS, MESSAGES
from rencontre.server.settings import Settings
from tests.integration.wsclient import Client, ws_url
from tests.support import serve_demo


@pytest.fixture
async def server(tmp_path):
    client = await serve_demo(Settings(data=str(tmp_path / "data"), demo=True,
                                       connections_per_address=40))
    client.pairing_code = client.links["Kiosk pairing"].split("code: ")[1]
    client.ws = ws_url(client)
    yield client
    await client.close()


async def test_guests_joining_from_one_address_are_limited(server):
    statuses = [(await server.post("/join", data={"name": f"G{n}"}, allow_redirects=False))
                for n in range(int(GUESTS.burst) + 5)]
    assert [r.status for r in statuses].count(302) == GUESTS.burst
    refused = statuses[-1]
    assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Try again in" in await refused.text()
    anonymous = await Client.connect(server.ws)
    error = await anonymous.send("access.guest-join", {"name": "One more"})
    assert error["code"] == "rate.limited" and error["params"]["retry_after"] >= 1
    await anonymous.close()


async def test_a_flooding_connection_is_limited_and_its_neighbour_is_not(server):
    flood = await Client.connect(server.ws)
    calm = await Client.connect(server.ws)
    replies = await asyncio.gather(*(flood.send("conn.ping") for _ in range(200)))
    limited = [r for r in replies if r["type"] == "error"]
    assert limited and {r["code"] for r in limited} == {"rate.limited"}
    assert len(replies) - len(limited) <= MESSAGES.burst + 20
    assert all(r["params"]["retry_after"] >= 1 for r in limited)
    assert (await calm.send("conn.ping"))["type"] == "reply"
    await flood.close()
    await calm.close()


async def test_staff_connections_are_not_limited(server):
    moderator = await Client.connect(server.ws, server.tokens["Moderator panel"])
    replies = await asyncio.gather(*(moderator.send("conn.ping") for _ in range(200)))
    assert all(r["type"] == "reply" for r in replies)
    await moderator.close()


async def test_credential_guessing_is_limited_and_logged(server, caplog):
    caplog.set_level(logging.WARNING)
    tries = [await server.post("/moderator/login", data={"token": f"p-x.guess{n}"})
             for n in range(int(FAILURES.burst) + 3)]
    assert [t.status for t in tries[:int(FAILURES.burst)]] == [403] * int(FAILURES.burst)
    assert tries[-1].status == 429 and int(tries[-1].headers["Retry-After"]) >= 1
    # Blocked is blocked: even the right credential waits.
    right = await server.post("/moderator/login",
                              data={"token": server.tokens["Moderator panel"]},
                              allow_redirects=False)
    assert right.status == 429
    link = await server.get("/a/p-x.guess", allow_redirects=False)
    assert link.status == 429
    client = await Client.connect(server.ws)
    error = await client.send("auth.hello", {"token": "p-x.again"})
    assert error["code"] == "rate.limited"
    failed = [r for r in caplog.records if "failed sign-in" in r.getMessage()]
    assert len(failed) >= FAILURES.burst and "127.0.0.1" in failed[0].getMessage()
    assert "guess" not in caplog.text, "guessed secrets never reach the log"
    await client.close()


async def test_pairing_code_guessing_is_limited_and_logged(server, caplog):
    caplog.set_level(logging.WARNING)
    client = await Client.connect(server.ws)
    replies = [await client.send("kiosk.pair", {"code": f"AAAA{n:04d}"})
               for n in range(int(FAILURES.burst) + 3)]
    codes = [r["code"] for r in replies]
    assert codes[:int(FAILURES.burst)] == ["kiosk.bad-code"] * int(FAILURES.burst)
    assert codes[-1] == "rate.limited"
    right = await client.send("kiosk.pair", {"code": server.pairing_code})
    assert right["code"] == "rate.limited"
    page = await server.post("/kiosk/pair", data={"code": server.pairing_code})
    assert page.status == 429
    assert sum("failed sign-in" in r.getMessage() for r in caplog.records) >= FAILURES.burst
    await client.close()


async def test_connections_from_one_address_are_limited(server):
    clients = [await websockets.connect(server.ws) for _ in range(40)]
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(server.ws)
    assert refused.value.response.status_code == 429
    await clients[0].close()
    await asyncio.sleep(0.2)
    again = await websockets.connect(server.ws)
    await again.send(json.dumps({"type": "conn.ping", "id": 1}))
    assert json.loads(await again.recv())["type"] == "reply"
    for ws in (again, *clients[1:]):
        await ws.close()


async def test_bodies_are_small_except_the_organisers_upload(server):
    big = await server.post("/join", data={"name": "x" * (1024 * 1024)})
    assert big.status == 413
    cookies = {"rencontre_token": server.tokens["Organiser"]}
    form = FormData()
    form.add_field("file", b"x" * (2 * 1024 * 1024), filename="big.csv", content_type="text/csv")
    upload = await server.post("/organiser/import", data=form, cookies=cookies)
    assert upload.status == 422, "read whole, refused for its content, not its size"
