"""Live Q&A over the websocket and HTTP, on both backends; the export CLI; two processes.

In-process tests use ``app_client`` (SQLite and Redis). The CLI and the
two-process tests run ``rencontre serve`` in child processes.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.wsclient import Client, ws_url
from tests.support import ROOT

SESSION = "s02"


async def connect(app_client, label: str | None) -> Client:
    return await Client.connect(ws_url(app_client), app_client.tokens[label] if label else None)


async def grant(organiser: Client, name: str, role: str = "attendee") -> str:
    return (await organiser.call("access.grant", {"role": role, "name": name}))["token"]


async def open_room(moderator: Client, session: str = SESSION, **settings) -> None:
    await moderator.call("qa.settings", {"session": session, "open": "open", **settings})


async def joined(client: Client, session: str = SESSION) -> dict:
    return await client.call("room.join", {"room": session})


async def pushes_before_marker(client: Client, moderator: Client, session: str = SESSION
                               ) -> list[dict]:
    """Every push ``client`` gets before a marker announcement posted now to the room."""
    await moderator.call("announcement.post", {"text": "marker", "room": session})
    seen = []
    async with asyncio.timeout(10):
        while True:
            push = await client.pushes.get()
            if push["type"] == "announcement.posted" and push["announcement"]["text"] == "marker":
                return seen
            seen.append(push)


async def my_tick(client: Client) -> dict:
    """The next ``qa.voted`` for this principal's devices (the room gets its own tick)."""
    while True:
        push = await client.push("qa.voted")
        if "mine" in push:
            return push


async def close(*clients: Client) -> None:
    for client in clients:
        await client.close()


# -- roles ---------------------------------------------------------------------------------------

STAFF_COMMANDS = [
    ("qa.approve", lambda q: {"question": q}),
    ("qa.dismiss", lambda q: {"question": q}),
    ("qa.restore", lambda q: {"question": q}),
    ("qa.answer", lambda q: {"question": q, "answered": True}),
    ("qa.pin", lambda q: {"question": q, "pinned": True}),
    ("qa.reply", lambda q: {"question": q, "text": "Yes"}),
    ("qa.edit", lambda q: {"question": q, "text": "Edited"}),
    ("qa.highlight", lambda q: {"session": SESSION, "question": q}),
    ("qa.settings", lambda q: {"session": SESSION, "open": "closed"}),
    ("qa.block", lambda q: {"principal": "p1", "blocked": True}),
    ("qa.filter", lambda q: {"language": "*", "words": "tram"}),
]


async def test_attendee_trying_moderator_commands_is_forbidden_and_nothing_changes(app_client):
    attendee = await connect(app_client, "attendee")
    moderator = await connect(app_client, "Moderator panel")
    await open_room(moderator)
    asked = await attendee.call("qa.ask", {"session": SESSION, "text": "Pending one?"})
    pending = asked["id"]
    other = (await attendee.call("qa.ask", {"session": SESSION, "text": "Approved one?"}))["id"]
    await moderator.call("qa.approve", {"question": other})
    state = app_client.hub.state
    seq = state.seq
    for type, data in STAFF_COMMANDS:
        for question in (pending, other):
            error = await attendee.send(type, data(question))
            assert error["type"] == "error" and error["code"] == "auth.forbidden", (type, error)
    assert state.seq == seq, "refused before reaching the log"
    assert state.qa.questions[pending].status.value == "pending"
    assert state.qa.questions[other].status.value == "approved"
    assert state.qa.rooms[SESSION].highlighted is None
    assert state.qa.questions[other].text == "Approved one?"
    assert not state.qa.blocked and not state.qa.filters
    await close(attendee, moderator)


async def test_guests_kiosks_and_other_attendees_have_their_limits(app_client):
    asker = await connect(app_client, "attendee")
    organiser = await connect(app_client, "Organiser")
    await open_room(organiser)
    question = (await asker.call("qa.ask", {"session": SESSION, "text": "Mine?"}))["id"]
    await organiser.call("qa.approve", {"question": question})
    guest = await connect(app_client, None)  # the demo event takes guests: they may read
    assert (await joined(guest))["qa"]["questions"][0]["id"] == question
    for type, data in [("qa.ask", {"session": SESSION, "text": "Me?"}),
                       ("qa.vote", {"question": question, "up": True})]:
        assert (await guest.send(type, data))["code"] == "auth.forbidden"
    code = (await organiser.call("kiosk.pairing-code", {"label": "Door"}))["code"]
    kiosk_token = (await guest.call("kiosk.pair", {"code": code}))["token"]
    kiosk = await Client.connect(ws_url(app_client), kiosk_token)
    assert (await kiosk.send("qa.ask", {"session": SESSION, "text": "Kiosk?"}))["code"] == (
        "auth.forbidden")
    other = await Client.connect(ws_url(app_client), await grant(organiser, "Other"))
    assert (await other.send("qa.withdraw", {"question": question}))["code"] == "auth.forbidden"
    assert app_client.hub.state.qa.questions[question].status.value == "approved"
    await close(asker, organiser, guest, kiosk, other)


@pytest.mark.parametrize("label", ["Moderator panel", "Organiser"])
async def test_every_staff_command_works_and_the_room_follows(app_client, label):
    staff = await connect(app_client, label)
    asker = await connect(app_client, "attendee")
    organiser = await connect(app_client, "Organiser")
    watcher = await Client.connect(ws_url(app_client), await grant(organiser, "Watcher"))
    await joined(staff)
    await joined(watcher)
    settings = await staff.call("qa.settings", {"session": SESSION, "open": "open",
                                                "anonymous": True})
    assert settings == {"session": SESSION, "open": "open", "anonymous": True}
    assert (await watcher.push("qa.settings-changed"))["settings"]["open"] is True

    question = (await asker.call("qa.ask", {"session": SESSION, "text": "Typo quesiton?",
                                            "anonymous": True, "language": "es"}))["id"]
    queued = await staff.push("qa.asked")
    assert queued["question"]["author"] and queued["question"]["author_name"] is None
    await staff.call("qa.approve", {"question": question})
    public = (await watcher.push("qa.question-changed"))["question"]
    assert public["status"] == "approved" and "author" not in public
    assert public["author_name"] is None and public["language"] == "es"

    for type, data, check in [
        ("qa.answer", {"answered": True}, lambda q: q["answered"] is True),
        ("qa.pin", {"pinned": True}, lambda q: q["pinned"] is True),
        ("qa.reply", {"text": "Next year"}, lambda q: q["reply"] == "Next year"),
        ("qa.edit", {"text": "Typo question?"},
         lambda q: q["text"] == "Typo question?" and q["edited"] and "original" not in q),
        ("qa.dismiss", {}, lambda q: q["status"] == "dismissed"),
        ("qa.restore", {}, lambda q: q["status"] == "approved"),
    ]:
        await staff.call(type, {"question": question, **data})
        assert check((await watcher.push("qa.question-changed"))["question"]), type
    staff_view = app_client.hub.state.qa.questions[question].staff_view()
    assert staff_view["original"] == "Typo quesiton?"

    await staff.call("qa.highlight", {"session": SESSION, "question": question})
    assert (await watcher.push("qa.highlighted"))["question"]["id"] == question
    await staff.call("qa.highlight", {"session": SESSION})
    assert (await watcher.push("qa.highlighted"))["question"] is None

    author = staff_view["author"]
    await staff.call("qa.block", {"principal": author, "blocked": True})
    assert (await staff.push("qa.block-changed")) | {"seq": 0} == {
        "type": "qa.block-changed", "seq": 0, "principal": author, "blocked": True}
    refused = await asker.send("qa.ask", {"session": SESSION, "text": "Again?"})
    assert refused["code"] == "qa.blocked"
    await staff.call("qa.block", {"principal": author, "blocked": False})

    words = await staff.call("qa.filter", {"language": "es", "words": "tonto, Idiota ,"})
    assert words == {"language": "es", "words": ["Idiota", "tonto"]}
    await staff.call("qa.settings", {"session": SESSION, "premoderation": False})
    held = await asker.call("qa.ask", {"session": SESSION, "text": "¿Es idióta?",
                                       "language": "es"})
    assert held["status"] == "pending"
    snapshot = await joined(staff)
    assert snapshot["qa"]["filters"] == {"es": ["Idiota", "tonto"]}
    assert [q["filtered"] for q in snapshot["qa"]["queue"] if q["id"] == held["id"]] == [True]
    await close(staff, asker, watcher, organiser)


async def test_an_attendee_asks_votes_and_withdraws(app_client):
    attendee = await connect(app_client, "attendee")
    moderator = await connect(app_client, "Moderator panel")
    await open_room(moderator, premoderation=False)
    await joined(attendee)
    asked = await attendee.call("qa.ask", {"session": SESSION, "text": "Mine?", "language": "fr"})
    assert asked["status"] == "approved"
    assert (await attendee.call("qa.vote", {"question": asked["id"], "up": True}))["votes"] == 1
    voted = await my_tick(attendee)
    assert voted["votes"] == {asked["id"]: 1} and voted["mine"] == {asked["id"]: True}
    snapshot = await joined(attendee)
    assert snapshot["qa"]["my_votes"] == [asked["id"]]
    assert [q["id"] for q in snapshot["qa"]["mine"]] == [asked["id"]]
    assert "queue" not in snapshot["qa"]
    await attendee.call("qa.withdraw", {"question": asked["id"]})
    gone = await attendee.push("qa.question-changed")
    assert gone["question"]["status"] == "withdrawn"
    assert (await joined(attendee))["qa"]["questions"] == []
    await close(attendee, moderator)


async def test_errors_come_in_the_viewers_language_with_the_retry_time(app_client):
    attendee = await connect(app_client, "attendee")
    moderator = await connect(app_client, "Moderator panel")
    await attendee.call("auth.hello", {"lang": "es"})
    closed = await attendee.send("qa.ask", {"session": SESSION, "text": "¿Abierto?"})
    assert closed["code"] == "qa.closed" and closed["message"] != (
        "Questions are closed for this session.")
    await open_room(moderator)
    for n in range(3):
        await attendee.call("qa.ask", {"session": SESSION, "text": f"Pregunta {n}"})
    limited = await attendee.send("qa.ask", {"session": SESSION, "text": "Una más"})
    assert limited["code"] == "qa.rate-limited"
    assert 1 <= limited["params"]["retry_after"] <= 60
    assert str(limited["params"]["retry_after"]) in limited["message"]
    await close(attendee, moderator)


# -- who receives what ---------------------------------------------------------------------------

async def test_pending_questions_reach_staff_and_asker_only(app_client):
    organiser = await connect(app_client, "Organiser")
    asker = await connect(app_client, "attendee")
    neighbour = await Client.connect(ws_url(app_client), await grant(organiser, "Neighbour"))
    moderator = await connect(app_client, "Moderator panel")
    await open_room(moderator)
    for client in (asker, neighbour, moderator):
        await joined(client)
    asked = await asker.call("qa.ask", {"session": SESSION, "text": "Secret until approved?"})
    assert asked["status"] == "pending"
    assert (await asker.push("qa.asked"))["question"]["mine"] is True
    staff = await moderator.push("qa.asked")
    assert staff["question"]["status"] == "pending" and staff["question"]["author"]
    seen = await pushes_before_marker(neighbour, moderator)
    assert not [p for p in seen if p["type"].startswith("qa.")], seen
    assert (await joined(neighbour))["qa"]["questions"] == []

    # Dismissed before approval: still nothing for the neighbour.
    await moderator.call("qa.dismiss", {"question": asked["id"]})
    seen = await pushes_before_marker(neighbour, moderator)
    assert not [p for p in seen if p["type"].startswith("qa.")], seen
    await close(organiser, asker, neighbour, moderator)


async def test_approved_questions_are_pushed_to_the_room(app_client):
    organiser = await connect(app_client, "Organiser")
    asker = await connect(app_client, "attendee")
    neighbour = await Client.connect(ws_url(app_client), await grant(organiser, "Neighbour"))
    await open_room(organiser)
    await joined(neighbour)
    first = (await asker.call("qa.ask", {"session": SESSION, "text": "Approve me?"}))["id"]
    await organiser.call("qa.approve", {"question": first})
    push = await neighbour.push("qa.question-changed")
    assert push["room"] == SESSION
    assert push["question"]["id"] == first and push["question"]["status"] == "approved"
    assert not {"author", "original", "filtered", "mine", "voters"} & set(push["question"])

    await organiser.call("qa.settings", {"session": SESSION, "premoderation": False})
    second = (await asker.call("qa.ask", {"session": SESSION, "text": "Straight in?"}))["id"]
    push = await neighbour.push("qa.asked")
    assert push["question"]["id"] == second and "author" not in push["question"]
    # Dismissing it sends it once more, so that pages remove it.
    await organiser.call("qa.dismiss", {"question": second})
    push = await neighbour.push("qa.question-changed")
    assert push["question"]["status"] == "dismissed"
    await close(organiser, asker, neighbour)


async def test_votes_arrive_coalesced_with_the_exact_count(app_client):
    organiser = await connect(app_client, "Organiser")
    asker = await connect(app_client, "attendee")
    await open_room(organiser, premoderation=False)
    question = (await asker.call("qa.ask", {"session": SESSION, "text": "Popular?"}))["id"]
    watcher = await connect(app_client, "attendee")
    await joined(watcher)
    voters = [await Client.connect(ws_url(app_client), await grant(organiser, f"V{n}"))
              for n in range(15)]
    replies = await asyncio.gather(*(v.send("qa.vote", {"question": question, "up": True})
                                     for v in voters))
    assert all(r["type"] == "reply" for r in replies)
    ticks = []
    async with asyncio.timeout(10):
        while not ticks or ticks[-1]["votes"][question] != len(voters):
            ticks.append(await watcher.push("qa.voted"))
    assert len(ticks) < len(voters), ticks
    assert [t["votes"][question] for t in ticks] == sorted(t["votes"][question] for t in ticks)
    assert all("mine" not in t for t in ticks), "nobody else's votes are mine"
    assert (await joined(watcher))["qa"]["questions"][0]["votes"] == len(voters)
    await close(organiser, asker, watcher, *voters)


async def test_one_vote_per_attendee_across_devices(app_client):
    organiser = await connect(app_client, "Organiser")
    await open_room(organiser, premoderation=False)
    token = await grant(organiser, "Two phones")
    phone = await Client.connect(ws_url(app_client), token)
    laptop = await Client.connect(ws_url(app_client), token)
    question = (await phone.call("qa.ask", {"session": SESSION, "text": "Once?"}))["id"]
    await joined(laptop)
    replies = await asyncio.gather(phone.send("qa.vote", {"question": question, "up": True}),
                                   laptop.send("qa.vote", {"question": question, "up": True}))
    assert {r["result"]["votes"] for r in replies} == {1}
    # The other device learns the vote is mine.
    push = await my_tick(laptop)
    assert push["mine"] == {question: True} and push["votes"] == {question: 1}
    assert app_client.hub.state.qa.questions[question].votes == 1
    await close(organiser, phone, laptop)


# -- pages and exports ---------------------------------------------------------------------------

def cookie(app_client, label: str) -> dict[str, str]:
    return {"Cookie": f"rencontre_token={app_client.tokens[label]}"}


async def test_live_page_and_panel_access(app_client):
    response = await app_client.get(f"/live/{SESSION}", headers=cookie(app_client, "attendee"))
    assert response.status == 200
    body = await response.text()
    assert 'id="ask-form"' in body and '["js/live.js", () => {' in body
    assert (await app_client.get(f"/live/{SESSION}")).status == 200  # guests may read
    assert (await app_client.get("/live/nope")).status == 404
    panel = f"/moderator/sessions/{SESSION}"
    for headers in ({}, cookie(app_client, "attendee")):
        response = await app_client.get(panel, headers=headers, allow_redirects=False)
        assert response.status == 302
        assert response.headers["Location"] == "/moderator/login"
    response = await app_client.get(panel, headers=cookie(app_client, "Moderator panel"))
    assert response.status == 200
    assert '/js/qa_panel.js"></script>' in await response.text()
    missing = await app_client.get("/moderator/sessions/nope",
                                   headers=cookie(app_client, "Moderator panel"))
    assert missing.status == 404
    response = await app_client.get("/moderator", headers=cookie(app_client, "Organiser"))
    body = await response.text()
    assert 'id="qa-sessions"' in body and f'href="{panel}"' in body
    # Without guests, the live page asks to sign in, like the home page.
    organiser = await connect(app_client, "Organiser")
    await organiser.call("event.settings", {"guests_allowed": False})
    response = await app_client.get(f"/live/{SESSION}")
    assert "live.js" not in await response.text()
    await organiser.close()


async def test_exports_are_for_staff(app_client):
    organiser = await connect(app_client, "Organiser")
    asker = await connect(app_client, "attendee")
    await open_room(organiser, premoderation=False)
    question = (await asker.call("qa.ask", {"session": SESSION, "text": "=1+1 à la carte?",
                                            "language": "fr"}))["id"]
    await asker.call("qa.vote", {"question": question, "up": True})
    await organiser.call("qa.reply", {"question": question, "text": "Oui"})
    base = f"/moderator/sessions/{SESSION}/questions"
    response = await app_client.get(f"{base}.csv", headers=cookie(app_client, "Moderator panel"))
    assert response.status == 200
    assert response.content_type == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="questions-s02-') and ".csv" in disposition
    rows = list(csv.DictReader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert [(r["text"], r["votes"], r["reply"], r["language"]) for r in rows] == [
        ("'=1+1 à la carte?", "1", "Oui", "fr")]
    response = await app_client.get(f"{base}.json", headers=cookie(app_client, "Organiser"))
    assert response.status == 200 and response.content_type == "application/json"
    document = json.loads(await response.read())
    assert document["session"]["id"] == SESSION
    assert [q["text"] for q in document["questions"]] == ["=1+1 à la carte?"]
    for ext in ("csv", "json"):
        refused = await app_client.get(f"{base}.{ext}", headers=cookie(app_client, "attendee"),
                                       allow_redirects=False)
        assert refused.status == 403
        anonymous = await app_client.get(f"{base}.{ext}", allow_redirects=False)
        assert anonymous.status == 302
    missing = await app_client.get("/moderator/sessions/nope/questions.csv",
                                   headers=cookie(app_client, "Organiser"))
    assert missing.status == 404
    await close(organiser, asker)


# -- the CLI ---------------------------------------------------------------------------------------

def export_qa(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "RENCONTRE_DATA")}
    return subprocess.run([sys.executable, "-m", "rencontre.server.cli", "export-qa", *args],
                          cwd=ROOT, env=env, capture_output=True, timeout=60)


async def test_export_cli_while_the_server_runs_and_after(start_server, tmp_path: Path):
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    asker = await Client.connect(server.ws_url, server.attendee_token)
    await open_room(organiser, "s01", premoderation=False)
    question = (await asker.call("qa.ask", {"session": "s01", "text": "Qué tal, ¿y el metro?",
                                            "language": "es"}))["id"]
    await asker.call("qa.vote", {"question": question, "up": True})
    await close(organiser, asker)

    # The running server holds the SQLite log: the export reads it read-only.
    running = await asyncio.to_thread(export_qa, "s01", "--format", "json", "--data",
                                      str(server.data))
    assert running.returncode == 0, running.stderr.decode()
    document = json.loads(running.stdout)
    assert [(q["text"], q["votes"]) for q in document["questions"]] == [
        ("Qué tal, ¿y el metro?", 1)]
    assert server.healthy()

    server.stop()
    target = tmp_path / "out.csv"
    stopped = await asyncio.to_thread(export_qa, "s01", "--data", str(server.data),
                                      "--output", str(target))
    assert stopped.returncode == 0, stopped.stderr.decode()
    assert stopped.stdout == b""
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [(r["text"], r["votes"], r["status"]) for r in rows] == [
        ("Qué tal, ¿y el metro?", "1", "approved")]

    unknown = await asyncio.to_thread(export_qa, "nope", "--data", str(server.data))
    assert unknown.returncode == 2
    assert "nope" in unknown.stderr.decode() and unknown.stdout == b""
    nothing = await asyncio.to_thread(export_qa, "s01", "--data", str(tmp_path / "empty"))
    assert nothing.returncode == 1 and not (tmp_path / "empty").exists()


# -- two processes -------------------------------------------------------------------------------

async def test_votes_on_two_processes_count_exactly_once(start_server, redis_url):
    first = start_server(redis=redis_url)
    second = start_server(redis=redis_url)
    organiser = await Client.connect(first.ws_url, first.organiser_token)
    await open_room(organiser, "s03", premoderation=False)
    asker = await Client.connect(second.ws_url, second.attendee_token)
    question = (await asker.call("qa.ask", {"session": "s03", "text": "Both processes?"}))["id"]
    tokens = [await grant(organiser, f"Voter {n}") for n in range(36)]
    watchers = [await Client.connect(server.ws_url, server.attendee_token)
                for server in (first, second)]
    for watcher in watchers:
        await joined(watcher, "s03")

    processes = (first, second)
    voters: list[tuple[Client, ...]] = []
    for n, token in enumerate(tokens):
        home = processes[n % 2]
        devices = [await Client.connect(home.ws_url, token)]
        if n % 6 == 0:  # a second device on the other process
            devices.append(await Client.connect(processes[(n + 1) % 2].ws_url, token))
        voters.append(tuple(devices))

    async def vote(n: int, devices: tuple[Client, ...]) -> None:
        replies = await asyncio.gather(*(d.send("qa.vote", {"question": question, "up": True})
                                         for d in devices))
        assert all(r["type"] == "reply" for r in replies), replies
        if n % 6 == 1:  # changes their mind
            reply = await devices[0].send("qa.vote", {"question": question, "up": False})
            assert reply["type"] == "reply" and reply["result"]["up"] is False

    await asyncio.gather(*(vote(n, devices) for n, devices in enumerate(voters)))
    expected = sum(1 for n in range(len(tokens)) if n % 6 != 1)
    assert expected == 30

    for watcher in watchers:
        last = None
        async with asyncio.timeout(15):
            while last != expected:
                push = await watcher.push("qa.voted")
                last = push["votes"].get(question, last)
    for server in processes:
        fresh = await Client.connect(server.ws_url, server.attendee_token)
        snapshot = await joined(fresh, "s03")
        assert [q["votes"] for q in snapshot["qa"]["questions"]] == [expected]
        await fresh.close()
    # The export reads the same stream while both processes run.
    exported = await asyncio.to_thread(export_qa, "s03", "--redis", redis_url, "--format", "json")
    assert exported.returncode == 0, exported.stderr.decode()
    assert [q["votes"] for q in json.loads(exported.stdout)["questions"]] == [expected]
    # Nothing later changes it: a marker announcement comes after every vote tick.
    for watcher in watchers:
        seen = await pushes_before_marker(watcher, organiser, "s03")
        assert all(p["votes"][question] == expected for p in seen if p["type"] == "qa.voted")
    await close(organiser, asker, *watchers, *(d for devices in voters for d in devices))
