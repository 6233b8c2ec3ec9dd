"""Check-in over the websocket, on both backends, and kiosks on two processes sharing Redis."""

from __future__ import annotations

import asyncio
import csv
import io

from rencontre.attendance.demo import DELEGATES
from tests.integration.wsclient import Client, ws_url, pair

PEOPLE = [{"name": "Ana Peña", "city": "Querétaro"}, {"name": "Jean Dupont"},
          {"name": "Lucía Gómez", "badge": "MED-0042"}]


async def close(*clients: Client) -> None:
    for client in clients:
        await client.close()


async def test_a_kiosk_scans_searches_and_every_kiosk_sees_the_count(app_client):
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    badges = (await organiser.call("attendance.import", {"people": PEOPLE}))["badges"]
    door, desk = await pair(url, organiser, "Door"), await pair(url, organiser, "Desk")
    registered = desk.snapshot["attendance"]["registered"]
    assert registered == len(DELEGATES) + 3
    verdict = await door.call("checkin.scan", {"badge": badges[0]})
    assert (verdict["verdict"], verdict["registration"]["name"]) == ("checked-in", "Ana Peña")
    pushed = await desk.push("checkin.recorded")
    assert pushed["device"] == "Door"
    assert pushed["counts"] == {"registered": registered, "checked_in": 1}
    again = await desk.call("checkin.scan", {"badge": badges[0]})
    assert again["verdict"] == "already" and again["first"]["device"] == "Door"
    found = (await desk.call("attendance.search", {"query": "lucia"}))["matches"]
    assert [m["badge"] for m in found] == ["MED-0042"]
    await desk.call("checkin.manual", {"registration": found[0]["id"]})
    unknown = await door.send("checkin.scan", {"badge": "9999999"})
    assert unknown["code"] == "checkin.unknown-badge"
    assert app_client.hub.state.attendance.counts() == {"registered": registered,
                                                         "checked_in": 2}
    await close(organiser, door, desk)


async def test_attendees_can_neither_scan_nor_search(app_client):
    attendee = await Client.connect(ws_url(app_client), app_client.tokens["attendee"])
    for type, data in [("checkin.scan", {"badge": "0000018"}),
                       ("attendance.search", {"query": "ana"}),
                       ("attendance.register", {"name": "Me"})]:
        assert (await attendee.send(type, data))["code"] == "auth.forbidden", type
    await attendee.close()


async def test_a_replayed_offline_queue_gets_the_same_verdicts(app_client):
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    badges = (await organiser.call("attendance.import", {"people": PEOPLE}))["badges"]
    kiosk = await pair(url, organiser, "Door")
    queue = [(f"offline-{n}", {"badge": badge, "offline_at": 1_773_150_000 + n})
             for n, badge in enumerate(badges)]
    first = [await kiosk.send("checkin.scan", data, id=key) for key, data in queue]
    # The network came back during the sync: the kiosk sends its whole queue again.
    again = [await kiosk.send("checkin.scan", data, id=key) for key, data in queue]
    assert [r["result"] for r in first] == [r["result"] for r in again]
    assert all(r["result"]["verdict"] == "checked-in" for r in first)
    assert app_client.hub.state.attendance.counts()["checked_in"] == 3
    await close(organiser, kiosk)


async def test_following_a_session_online_is_recorded_once(app_client):
    attendee = await Client.connect(ws_url(app_client), app_client.tokens["attendee"])
    await attendee.call("room.join", {"room": "s05"})
    await attendee.call("room.leave", {"room": "s05"})
    await attendee.call("room.join", {"room": "s05"})
    async with asyncio.timeout(5):
        while "s05" not in app_client.hub.state.attendance.online:
            await asyncio.sleep(0.01)
    assert list(app_client.hub.state.attendance.online["s05"]) == [
        attendee.snapshot["me"]["id"]]
    await attendee.close()


async def test_kiosks_on_two_processes_racing_on_badges_agree_on_who_was_first(
        start_server, redis_url):
    first, second = start_server(redis=redis_url), start_server(redis=redis_url)
    organiser = await Client.connect(first.ws_url, first.organiser_token)
    people = [{"name": f"Delegate {n}"} for n in range(40)]
    badges = (await organiser.call("attendance.import", {"people": people}))["badges"]
    kiosks = [await pair(first.ws_url, organiser, "North door"),
              await pair(second.ws_url, organiser, "South door")]
    replies = await asyncio.gather(*(kiosk.call("checkin.scan", {"badge": badge})
                                     for badge in badges for kiosk in kiosks))
    names = ("North door", "South door")
    for n in range(len(badges)):
        pair_of = {names[k]: replies[2 * n + k] for k in range(2)}
        assert sorted(r["verdict"] for r in pair_of.values()) == ["already", "checked-in"]
        winner = next(name for name, r in pair_of.items() if r["verdict"] == "checked-in")
        loser = next(r for r in pair_of.values() if r["verdict"] == "already")
        assert loser["first"]["device"] == winner, "the later kiosk names the first one"
    for process in (first, second):
        fresh = await Client.connect(process.ws_url, process.organiser_token)
        assert fresh.snapshot["attendance"]["checked_in"] == 40
        await fresh.close()
    await close(organiser, *kiosks)


async def test_organisers_download_the_attendance_report(app_client):
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    badges = (await organiser.call("attendance.import", {"people": [
        *PEOPLE, {"name": "=cmd()", "organisation": "Formula"}]}))["badges"]
    kiosk = await pair(url, organiser, "Door")
    await kiosk.call("entry.scan", {"badge": badges[2], "session": "s03", "force": True})
    cookie = {"Cookie": f"rencontre_token={app_client.tokens['Organiser']}"}
    response = await app_client.get("/organiser/attendance.csv", headers=cookie)
    assert response.status == 200 and response.content_type == "text/csv"
    text = (await response.read()).decode("utf-8-sig")
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["Lucía Gómez"]["checked_in_by"] == "Door"
    assert rows["Lucía Gómez"]["sessions_entered"] == "s03"
    assert rows["Ana Peña"]["checked_in_at"] == ""
    assert "'=cmd()" in rows, "a formula is written as text"
    moderator = {"Cookie": f"rencontre_token={app_client.tokens['Moderator panel']}"}
    refused = await app_client.get("/organiser/attendance.csv", headers=moderator,
                                   allow_redirects=False)
    assert refused.status == 403
    await close(organiser, kiosk)


async def test_the_sessions_report_counts_people_on_site_and_online(app_client):
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    badges = (await organiser.call("attendance.import", {"people": PEOPLE}))["badges"]
    kiosk = await pair(url, organiser, "Door")
    await organiser.call("session.start", {"session": "s03"})  # held from now
    for badge in badges[:2]:
        await kiosk.call("entry.scan", {"badge": badge, "session": "s03"})
    attendee = await Client.connect(url, app_client.tokens["attendee"])
    await attendee.call("room.join", {"room": "s03"})
    poll = (await organiser.call("poll.create", {"session": "s03", "question": "?",
                                                 "options": ["a", "b"]}))["id"]
    await organiser.call("poll.open", {"poll": poll})
    await attendee.call("poll.vote", {"poll": poll, "choices": [1]})
    async with asyncio.timeout(5):
        while "s03" not in app_client.hub.state.attendance.online:
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)  # some time spent in the session
    cookie = {"Cookie": f"rencontre_token={app_client.tokens['Organiser']}"}
    response = await app_client.get("/organiser/sessions.csv", headers=cookie)
    text = (await response.read()).decode("utf-8-sig")
    rows = {row["session"]: row for row in csv.DictReader(io.StringIO(text))}
    assert len(rows) == len(app_client.hub.state.programme.sessions)
    assert (rows["s03"]["entered_on_site"], rows["s03"]["followed_online"],
            rows["s03"]["poll_ballots"]) == ("2", "1", "1")
    assert rows["s04"]["entered_on_site"] == "0"
    await close(organiser, kiosk, attendee)


async def test_an_organiser_imports_a_whole_attendee_list_in_one_command(app_client):
    organiser = await Client.connect(ws_url(app_client), app_client.tokens["Organiser"],
                                     additional_headers=_cookie(app_client, "Organiser"),
                                     max_size=None)
    people = [{"name": f"Delegate {n}", "organisation": "Ciudad de Querétaro",
               "city": "Querétaro"} for n in range(5000)]
    result = await organiser.call("attendance.import", {"people": people})
    assert result["count"] == 5000
    kiosk = await pair(ws_url(app_client), organiser, "Door")
    big = await kiosk.send("attendance.search", {"query": "x" * 70_000})
    assert big["code"] == "request.too-large", "other roles keep the usual limit"
    await close(organiser, kiosk)


def _cookie(app_client, label: str) -> dict[str, str]:
    return {"Cookie": f"rencontre_token={app_client.tokens[label]}"}


async def test_two_offline_kiosks_the_earliest_scan_wins_and_staff_see_the_conflict(app_client):
    """Issue 8, item 14: the kiosk that synced first scanned later; the earlier scan wins."""
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    badges = (await organiser.call("attendance.import", {"people": PEOPLE}))["badges"]
    north, south = await pair(url, organiser, "North door"), await pair(url, organiser,
                                                                       "South door")
    now = int(app_client.hub.clock())
    first_synced = await south.call("checkin.scan", {"badge": badges[0], "offline_at": now - 60})
    earlier = await north.call("checkin.scan", {"badge": badges[0], "offline_at": now - 300})
    assert first_synced["verdict"] == "checked-in"
    assert earlier["verdict"] == "checked-in"
    assert earlier["replaced"]["device"] == "South door"
    conflict = await organiser.push("checkin.conflict")
    assert (conflict["kind"], conflict["winner"]["device"], conflict["loser"]["device"]) == (
        "earlier", "North door", "South door")
    again = await south.call("checkin.scan", {"badge": badges[0]})
    assert again["verdict"] == "already" and again["first"]["device"] == "North door"
    fresh = await Client.connect(url, app_client.tokens["Organiser"])
    listed = fresh.snapshot["attendance"]["conflict_list"]
    assert [c["kind"] for c in listed] == ["duplicate", "earlier"]
    cookie = {"Cookie": f"rencontre_token={app_client.tokens['Organiser']}"}
    text = (await (await app_client.get("/organiser/conflicts.csv", headers=cookie)).read()
            ).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["kind"], r["name"], r["kept_device"], r["other_device"]) for r in rows] == [
        ("earlier", "Ana Peña", "North door", "South door"),
        ("duplicate", "Ana Peña", "North door", "South door")]
    await close(organiser, north, south, fresh)
