"""Live polls over the websocket, on both backends, and on two processes sharing Redis."""

from __future__ import annotations

import asyncio

from tests.integration.wsclient import Client, ws_url

SESSION = "s02"
OPTIONS = ["Querétaro", "Clermont-Ferrand", "Medellín"]


async def connect(app_client, label: str) -> Client:
    return await Client.connect(ws_url(app_client), app_client.tokens[label])


async def grant(organiser: Client, name: str) -> str:
    return (await organiser.call("access.grant", {"role": "attendee", "name": name}))["token"]


async def new_poll(staff: Client, session: str = SESSION, **extra) -> str:
    poll = (await staff.call("poll.create", {"session": session, "question": "Next city?",
                                              "options": OPTIONS, **extra}))["id"]
    await staff.call("poll.open", {"poll": poll})
    return poll


async def total_reaches(client: Client, poll: str, expected: int) -> list[dict]:
    """The ``poll.voted`` pushes ``client`` gets until the total is ``expected``."""
    ticks = []
    async with asyncio.timeout(15):
        while not ticks or ticks[-1]["results"][poll]["total"] != expected:
            push = await client.push("poll.voted")
            if "results" in push and poll in push["results"]:
                ticks.append(push)
    return ticks


async def close(*clients: Client) -> None:
    for client in clients:
        await client.close()


async def test_attendees_may_vote_but_not_run_polls(app_client):
    moderator = await connect(app_client, "Moderator panel")
    attendee = await connect(app_client, "attendee")
    for type, data in [("poll.create", {"session": SESSION, "question": "?",
                                        "options": ["a", "b"]}),
                       ("poll.open", {"poll": "p1"}), ("poll.close", {"poll": "p1"}),
                       ("poll.show", {"session": SESSION})]:
        error = await attendee.send(type, data)
        assert error["code"] == "auth.forbidden", (type, error)
    poll = await new_poll(moderator)
    reply = await attendee.send("poll.vote", {"poll": poll, "choices": [1]})
    assert reply["result"] == {"poll": poll, "ballot": [1]}
    error = await attendee.send("poll.vote", {"poll": poll, "choices": [7]})
    assert error["code"] == "poll.bad-choice"
    assert app_client.hub.state.polls.by_id[poll].counts == [0, 1, 0]
    await close(moderator, attendee)


async def test_the_room_sees_the_poll_open_the_counts_coalesced_and_the_final_result(app_client):
    organiser = await connect(app_client, "Organiser")
    watcher = await connect(app_client, "attendee")
    await watcher.call("room.join", {"room": SESSION})
    poll = await new_poll(organiser)
    opened = await watcher.push("poll.changed")
    assert (opened["poll"]["id"], opened["poll"]["status"]) == (poll, "open")
    assert (await watcher.push("poll.shown"))["poll"]["id"] == poll
    voters = [await Client.connect(ws_url(app_client), await grant(organiser, f"V{n}"))
              for n in range(12)]
    replies = await asyncio.gather(*(v.send("poll.vote", {"poll": poll, "choices": [n % 3]})
                                     for n, v in enumerate(voters)))
    assert all(r["type"] == "reply" for r in replies)
    ticks = await total_reaches(watcher, poll, 12)
    assert len(ticks) < 12, "vote counts arrive in ticks, not one push per vote"
    assert ticks[-1]["results"][poll]["counts"] == [4, 4, 4]
    await organiser.call("poll.close", {"poll": poll})
    closed = await watcher.push("poll.changed")
    assert closed["poll"]["status"] == "closed" and closed["poll"]["total"] == 12
    late = await voters[0].send("poll.vote", {"poll": poll, "choices": [0]})
    assert late["code"] == "poll.not-open"
    snapshot = await watcher.call("room.join", {"room": SESSION})
    assert snapshot["polls"]["list"][0]["counts"] == [4, 4, 4]
    await close(organiser, watcher, *voters)


async def test_one_ballot_per_attendee_across_devices(app_client):
    organiser = await connect(app_client, "Organiser")
    poll = await new_poll(organiser, multiple=True)
    token = await grant(organiser, "Two phones")
    phone = await Client.connect(ws_url(app_client), token)
    laptop = await Client.connect(ws_url(app_client), token)
    await laptop.call("room.join", {"room": SESSION})
    await asyncio.gather(phone.send("poll.vote", {"poll": poll, "choices": [0, 2]}),
                         laptop.send("poll.vote", {"poll": poll, "choices": [0, 2]}))
    assert app_client.hub.state.polls.by_id[poll].counts == [1, 0, 1]
    await phone.call("poll.vote", {"poll": poll, "choices": [1]})
    async with asyncio.timeout(10):
        while True:
            push = await laptop.push("poll.voted")
            if push.get("mine", {}).get(poll) == [1]:
                break
    assert (await laptop.call("room.join", {"room": SESSION}))["polls"]["mine"] == {poll: [1]}
    assert app_client.hub.state.polls.by_id[poll].counts == [0, 1, 0]
    await close(organiser, phone, laptop)


async def test_results_kept_for_the_end_reach_attendees_only_when_it_closes(app_client):
    organiser = await connect(app_client, "Organiser")
    watcher = await connect(app_client, "attendee")
    await watcher.call("room.join", {"room": SESSION})
    poll = await new_poll(organiser, results="closed")
    voter = await Client.connect(ws_url(app_client), await grant(organiser, "Voter"))
    await voter.call("poll.vote", {"poll": poll, "choices": [2]})
    snapshot = await watcher.call("room.join", {"room": SESSION})
    assert snapshot["polls"]["list"][0]["counts"] is None
    await organiser.call("poll.close", {"poll": poll})
    while (push := await watcher.pushes.get())["type"] != "poll.changed" or (
            push["poll"]["status"] != "closed"):
        assert push["type"] != "poll.voted", "no counts before the poll closes"
    assert push["poll"]["counts"] == [0, 0, 1]
    await close(organiser, watcher, voter)


async def test_ballots_on_two_processes_count_exactly_once(start_server, redis_url):
    first = start_server(redis=redis_url)
    second = start_server(redis=redis_url)
    organiser = await Client.connect(first.ws_url, first.organiser_token)
    poll = await new_poll(organiser, "s03")
    processes = (first, second)
    watchers = [await Client.connect(p.ws_url, p.attendee_token) for p in processes]
    for watcher in watchers:
        await watcher.call("room.join", {"room": "s03"})
    tokens = [await grant(organiser, f"Voter {n}") for n in range(30)]
    devices = [await Client.connect(processes[n % 2].ws_url, token)
               for n, token in enumerate(tokens)]
    # Each attendee votes on both processes at once, half of them change their minds.
    others = [await Client.connect(processes[(n + 1) % 2].ws_url, token)
              for n, token in enumerate(tokens)]
    await asyncio.gather(*(d.send("poll.vote", {"poll": poll, "choices": [0]})
                           for pair in zip(devices, others, strict=True) for d in pair))
    await asyncio.gather(*(d.send("poll.vote", {"poll": poll, "choices": [1]})
                           for n, d in enumerate(devices) if n % 2))
    for watcher in watchers:
        ticks = await total_reaches(watcher, poll, 30)
        async with asyncio.timeout(15):
            while ticks[-1]["results"][poll]["counts"] != [15, 15, 0]:
                ticks.append(await watcher.push("poll.voted"))
    for process in processes:
        fresh = await Client.connect(process.ws_url, process.attendee_token)
        snapshot = await fresh.call("room.join", {"room": "s03"})
        assert snapshot["polls"]["list"][0]["counts"] == [15, 15, 0]
        await fresh.close()
    await close(organiser, *watchers, *devices, *others)


async def make_delegations(organiser: Client, cities: int, delegates: int
                           ) -> tuple[list[str], list[list[str]]]:
    """``cities`` delegations of ``delegates`` people each; their ids and tokens."""
    ids, tokens = [], []
    for n in range(cities):
        ids.append((await organiser.call("delegation.create", {
            "name": f"Ciudad {n}", "country": "MX"}))["id"])
        tokens.append([])
        for k in range(delegates):
            granted = await organiser.call("access.grant", {"role": "attendee",
                                                            "name": f"Delegate {n}.{k}"})
            registration = (await organiser.call("attendance.register", {
                "name": f"Delegate {n}.{k}", "principal": granted["principal"]}))["id"]
            await organiser.call("delegation.member", {"registration": registration,
                                                       "delegation": ids[-1]})
            tokens[-1].append(granted["token"])
    return ids, tokens


async def test_one_ballot_per_delegation_on_two_processes_the_last_one_counts(
        start_server, redis_url):
    first = start_server(redis=redis_url)
    second = start_server(redis=redis_url)
    processes = (first, second)
    organiser = await Client.connect(first.ws_url, first.organiser_token)
    ids, tokens = await make_delegations(organiser, cities=6, delegates=3)
    poll = (await organiser.call("poll.create", {
        "session": "s03", "question": {"fr": "Adopter ?", "es": "¿Adoptar?", "en": "Adopt?"},
        "options": [{"fr": "Pour", "es": "A favor", "en": "For"}, "Against", "Abstain"],
        "audience": "delegation"}))["id"]
    await organiser.call("poll.open", {"poll": poll})
    watchers = [await Client.connect(p.ws_url, p.attendee_token) for p in processes]
    for watcher in watchers:
        await watcher.call("room.join", {"room": "s03"})
    delegates = [[await Client.connect(processes[(n + k) % 2].ws_url, token)
                  for k, token in enumerate(city)] for n, city in enumerate(tokens)]
    # Every delegate of every city votes at once, from both processes, each differently.
    sent = [(n, (n + k) % 3, d.send("poll.vote", {"poll": poll, "choices": [(n + k) % 3]}))
            for n, city in enumerate(delegates) for k, d in enumerate(city)]
    replies = await asyncio.gather(*(call for _, _, call in sent))
    assert all(r["type"] == "reply" for r in replies), replies
    last: dict[int, tuple[int, int]] = {}
    for (n, choice, _), reply in zip(sent, replies, strict=True):
        if n not in last or reply["seq"] > last[n][0]:
            last[n] = (reply["seq"], choice)
    expected = [0, 0, 0]
    for _, choice in last.values():
        expected[choice] += 1
    for watcher in watchers:
        async with asyncio.timeout(15):
            while True:
                push = await watcher.push("poll.voted")
                if push.get("results", {}).get(poll, {}).get("counts") == expected:
                    break
        assert push["results"][poll]["total"] == 6
    for process in processes:
        fresh = await Client.connect(process.ws_url, process.attendee_token)
        shown = (await fresh.call("room.join", {"room": "s03"}))["polls"]["list"][0]
        assert (shown["counts"], shown["total"]) == (expected, 6)
        assert {d["id"]: d["ballot"] for d in shown["delegations"]["voted"]} == {
            ids[n]: [choice] for n, (_, choice) in last.items()}
        assert "Delegate" not in str(shown)
        await fresh.close()
    # Every delegate of a city sees its ballot as theirs, on whichever process.
    for n, city in enumerate(delegates):
        for delegate in city:
            mine = (await delegate.call("room.join", {"room": "s03"}))["polls"]
            assert mine["mine"] == {poll: [last[n][1]]}
            assert mine["cast_by"][poll].startswith(f"Delegate {n}.")
    outsider = await Client.connect(second.ws_url, second.attendee_token)
    await outsider.call("auth.hello", {"lang": "es"})
    error = await outsider.send("poll.vote", {"poll": poll, "choices": [0]})
    assert error["code"] == "poll.not-in-audience"
    assert error["message"] == "Esta encuesta es para los delegados de las ciudades miembro."
    await close(organiser, outsider, *watchers, *(d for city in delegates for d in city))


async def test_a_word_cloud_shows_the_room_approved_words_only(app_client):
    moderator = await connect(app_client, "Moderator panel")
    organiser = await connect(app_client, "Organiser")
    watcher = await connect(app_client, "attendee")
    await watcher.call("room.join", {"room": SESSION})
    await moderator.call("room.join", {"room": SESSION})
    poll = (await moderator.call("poll.create", {"session": SESSION, "kind": "words",
                                                 "question": "Un mot ?"}))["id"]
    await moderator.call("poll.open", {"poll": poll})
    voters = [await Client.connect(ws_url(app_client), await grant(organiser, f"W{n}"))
              for n in range(4)]
    await asyncio.gather(*(v.call("poll.vote", {"poll": poll, "words": ["Soleil", "mer"]})
                           for v in voters))
    async with asyncio.timeout(10):
        while (push := await moderator.push("poll.voted")).get("cloud", {}).get(
                f"{poll}/soleil", {}).get("count") != 4:
            pass
    await moderator.call("poll.moderate", {"poll": poll, "entry": "soleil",
                                           "verdict": "approve"})
    moderated = await watcher.push("poll.moderated")
    assert moderated["words"] == [{"key": "soleil", "text": "Soleil", "count": 4}]
    snapshot = await watcher.call("room.join", {"room": SESSION})
    assert snapshot["polls"]["list"][0]["words"] == moderated["words"]
    await close(moderator, organiser, watcher, *voters)


async def test_on_site_and_online_polls_follow_the_ledger_and_refuse_in_the_voters_language(
        app_client):
    organiser = await connect(app_client, "Organiser")
    granted = await organiser.call("access.grant", {"role": "attendee", "name": "Inès"})
    badge = (await organiser.call("attendance.register", {
        "name": "Inès", "principal": granted["principal"]}))["badge"]
    ines = await Client.connect(ws_url(app_client), granted["token"])
    await ines.call("auth.hello", {"lang": "fr"})
    on_site = await new_poll(organiser, audience="onsite")
    error = await ines.send("poll.vote", {"poll": on_site, "choices": [0]})
    assert error["code"] == "poll.not-in-audience"
    assert error["message"] == ("Ce sondage est pour les personnes présentes\u202f: "
                                "enregistrez-vous à l’accueil pour voter.")
    assert (await ines.call("room.join", {"room": SESSION}))["polls"]["me"]["on_site"] is False
    await organiser.call("checkin.scan", {"badge": badge})
    assert (await ines.call("poll.vote", {"poll": on_site, "choices": [2]}))["ballot"] == [2]
    assert (await ines.call("room.join", {"room": SESSION}))["polls"]["me"]["on_site"] is True
    online = await new_poll(organiser, audience="online")
    error = await ines.send("poll.vote", {"poll": online, "choices": [0]})
    assert error["code"] == "poll.not-in-audience"
    assert "en ligne" in error["message"]
    assert app_client.hub.state.polls.by_id[on_site].counts == [0, 0, 1]
    await close(organiser, ines)
