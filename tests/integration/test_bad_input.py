"""Hostile frames on both backends: each gets an answer, none fails anyone else's command.

A lone surrogate (``"\\ud800"``) is valid JSON but not text that can be saved:
it used to pass the field checks and fail the whole group-committed batch,
so honest attendees voting at the same moment got ``server.unavailable``.
"""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
import websockets

from tests.integration.wsclient import Client, ws_url

SESSION = "s02"


async def send_raw(url: str, frames: list[str]) -> list[dict]:
    """Send ``frames`` on a fresh anonymous connection; the answers, in order."""
    async with websockets.connect(url) as ws:
        answers = []
        for frame in frames:
            await ws.send(frame)
            answers.append(json.loads(await asyncio.wait_for(ws.recv(), 10)))
        return answers


async def test_a_lone_surrogate_never_fails_honest_votes_in_its_batch(app_client):
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    poll = (await organiser.call("poll.create", {"session": SESSION, "question": "Next city?",
                                                  "options": ["a", "b", "c"]}))["id"]
    await organiser.call("poll.open", {"poll": poll})
    voters = []
    for n in range(20):
        token = (await organiser.call("access.grant", {"role": "attendee",
                                                       "name": f"Voter {n}"}))["token"]
        voters.append(await Client.connect(url, token))
    asker = await Client.connect(url, app_client.tokens["attendee"])
    bad_guest = await websockets.connect(url)
    bad_question = '{"type":"qa.ask","id":"q%d","data":{"session":"%s","text":"Why \\ud800?"}}'
    bad_name = '{"type":"access.guest-join","id":"g%d","data":{"name":"Eve \\udfff"}}'
    seq = app_client.hub.state.seq
    for round in range(3):
        votes = [v.send("poll.vote", {"poll": poll, "choices": [(n + round) % 3]})
                 for n, v in enumerate(voters)]
        # The bad frames go out amid the votes, so that they share their batches.
        replies = await asyncio.gather(*votes[:10], bad_guest.send(bad_name % round),
                                       asker.ws.send(bad_question % (round, SESSION)),
                                       *votes[10:])
        failed = [r for r in replies if r is not None and r["type"] != "reply"]
        assert failed == [], f"round {round}: {len(failed)} of 20 honest votes failed"
        answer = json.loads(await asyncio.wait_for(bad_guest.recv(), 10))
        assert answer["code"] == "request.invalid"
        assert (await asker.push("error"))["code"] == "request.invalid"
    assert len(app_client.hub.state.polls.by_id[poll].ballots) == 20
    # Only the votes were logged: 20 in the first round, then 20 changes, twice.
    assert app_client.hub.state.seq == seq + 60
    await bad_guest.close()
    for client in (organiser, asker, *voters):
        await client.close()


DEEP = "[" * 1000 + "]" * 1000


@pytest.mark.parametrize("frame, code", [
    ('{"type":"conn.ping","id":"deep","data":{"x":%s}}' % DEEP, "request.malformed"),
    ('{"type":"conn.ping","id":"deeper","data":%s}' % ("{\"a\":" * 5000 + "1" + "}" * 5000),
     "request.malformed"),
    ('{"type":"\\ud800","id":"t"}', "request.invalid"),
    ('{"type":"conn.ping","id":"\\udc00"}', "request.invalid"),
    ('{"type":"auth.hello","id":"h","data":{"token":"p-x.\\ud800"}}', "request.invalid"),
    ('{"type":"kiosk.pair","id":"k","data":{"code":"\\ud800ABC"}}', "request.invalid"),
    ('{"type":"access.guest-join","id":"f","data":{"\\ud800":"x","name":"Ana"}}',
     "request.invalid"),
    ('{"type":"room.join","id":"r","data":{"room":"\\ud800"}}', "request.invalid"),
])
async def test_every_hostile_frame_gets_an_answer_and_no_traceback(app_client, frame, code,
                                                                   caplog):
    seq = app_client.hub.state.seq
    caplog.set_level(logging.WARNING)
    error, pong = await send_raw(ws_url(app_client), [frame, '{"type":"conn.ping","id":"p"}'])
    assert error["type"] == "error" and error["code"] == code, error
    assert error["message"]
    assert pong["type"] == "reply", "the connection still answers"
    assert app_client.hub.state.seq == seq
    assert not [r for r in caplog.records if r.exc_info], "no traceback is logged"


@pytest.mark.parametrize("where, value", [
    ("sessions.0.sequence", "abc"), ("sessions.0.sequence", [1]), ("sessions.0.delay", {}),
    ("rooms.0.position", "first"), ("rooms.0.position", [2]),
    ("event.languages", 5), ("event.languages", "fr"), ("event.languages", ["fr", 3]),
])
async def test_a_wrongly_typed_programme_is_refused_with_its_place(app_client, where, value,
                                                                   caplog):
    organiser = await Client.connect(ws_url(app_client), app_client.tokens["Organiser"])
    programme = app_client.hub.state.programme.to_json()
    before = json.dumps(programme, sort_keys=True)
    node = programme
    *path, last = where.split(".")
    for step in path:
        node = node[int(step)] if step.isdigit() else node[step]
    node[last] = value
    caplog.set_level(logging.WARNING)
    seq = app_client.hub.state.seq
    error = await organiser.send("schedule.load", {"programme": programme, "mode": "replace"})
    assert error["type"] == "error" and error["code"] == "schedule.invalid", error
    assert last in error["message"]
    assert app_client.hub.state.seq == seq
    assert json.dumps(app_client.hub.state.programme.to_json(), sort_keys=True) == before
    assert not [r for r in caplog.records if r.exc_info]
    await organiser.close()


async def test_a_cookie_that_is_not_utf8_counts_as_signed_out(app_client):
    """Header bytes reach the server as surrogates: the token check must not crash on them."""
    reader, writer = await asyncio.open_connection(app_client.host, app_client.port)
    writer.write(b"GET /agenda HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 b"Cookie: rencontre_token=p-a.\xed\xa0\x80\r\n\r\n")
    answer = await reader.read()
    writer.close()
    assert answer.startswith(b"HTTP/1.1 200"), answer[:120]


@pytest.mark.parametrize("who, type, data, field", [
    ("Organiser", "access.grant", {"role": "attendee", "name": "Ana", "admin": True}, "admin"),
    ("Organiser", "access.grant", {"role": "attendee", "name": "Ana", "principal": "p-mine"},
     "principal"),
    (None, "access.guest-join", {"name": "Ana", "secret_hash": "0" * 64}, "secret_hash"),
    ("Organiser", "kiosk.pairing-code", {"label": "K", "code_hash": "abc"}, "code_hash"),
    (None, "kiosk.pair", {"code": "AAAABBBB", "role": "organiser"}, "role"),
    ("attendee", "agenda.feed-token", {"secret": "mine"}, "secret"),
])
async def test_commands_that_mint_secrets_refuse_unknown_fields(app_client, who, type, data,
                                                                field):
    client = await Client.connect(ws_url(app_client), app_client.tokens[who] if who else None)
    seq = app_client.hub.state.seq
    error = await client.send(type, data)
    assert (error["type"], error["code"], error["params"]["field"]) == (
        "error", "request.invalid", field), error
    assert app_client.hub.state.seq == seq
    await client.close()
