"""Calendar feeds and schedule exports, in-process on both backends.

The feeds are parsed with ``icalendar``; /schedule.xml is checked with xmllint
against the shared XSD and /schedule.json with jsonschema against the shared
schema. Live changes go through the websocket, as a moderator's panel sends them.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import timedelta
from email.utils import format_datetime

import icalendar
import jsonschema
import pytest
from aiohttp.test_utils import make_mocked_request

from rencontre.server.app import AccessLogger
from rencontre.server.feeds import FEED_CACHE
from rencontre.server.i18n import translate
from tests.integration.wsclient import Client, ws_url
from tests.support import ROOT, fixture

SLUG = "rencontre-queretaro"


async def calendar(app_client, path: str, **headers: str) -> tuple[icalendar.Calendar, dict]:
    response = await app_client.get(path, headers=headers)
    assert response.status == 200, await response.text()
    assert response.content_type == "text/calendar"
    body = await response.read()
    return icalendar.Calendar.from_ical(body), response.headers


def events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in cal.walk("VEVENT")}


def uid(session: str) -> str:
    number = session.removeprefix("s")
    return f"demo-{number}@{SLUG}"


async def moderator(app_client) -> Client:
    return await Client.connect(ws_url(app_client), app_client.tokens["Moderator panel"])


async def test_whole_event_feed(app_client) -> None:
    response = await app_client.get("/agenda.ics")
    body = await response.read()
    cal = icalendar.Calendar.from_ical(body)
    programme = app_client.hub.state.programme
    assert cal["METHOD"] == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == str(cal["NAME"]) == programme.event.name["fr"]
    assert "REFRESH-INTERVAL" in cal and "X-PUBLISHED-TTL" in cal
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/Mexico_City"]
    found = events(cal)
    assert len(cal.walk("VEVENT")) == len(found) == len(programme.sessions)
    assert set(found) == {f"{s.guid}@{SLUG}" for s in programme.sessions.values()}
    for event in found.values():
        assert "METHOD" not in event
        assert event["DTSTART"].params["TZID"] == "America/Mexico_City"
        assert str(event["STATUS"]) == "CONFIRMED"
        assert event["DTSTAMP"].dt == max(
            s.updated for s in programme.sessions.values()).replace(microsecond=0)
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["ETag"].startswith('"')
    assert "Last-Modified" in response.headers


async def test_delay_over_websocket_moves_the_event_and_raises_its_sequence(app_client) -> None:
    before, headers = await calendar(app_client, "/agenda.ics")
    old = events(before)[uid("s02")]
    client = await moderator(app_client)
    await client.call("session.delay", {"session": "s02", "minutes": 15})
    after, new_headers = await calendar(app_client, "/agenda.ics")
    new = events(after)[uid("s02")]
    assert new["UID"] == old["UID"]
    assert new["SEQUENCE"] == old["SEQUENCE"] + 1
    assert new["DTSTART"].dt - old["DTSTART"].dt == timedelta(minutes=15)
    assert new["DTEND"].dt - old["DTEND"].dt == timedelta(minutes=15)
    assert new["LAST-MODIFIED"].dt >= old["LAST-MODIFIED"].dt
    assert new_headers["ETag"] != headers["ETag"]
    # Every DTSTAMP moves to the time of the change: the feed is one version.
    assert {e["DTSTAMP"].dt for e in after.walk("VEVENT")} == {new["LAST-MODIFIED"].dt}
    untouched = events(after)[uid("s03")]
    assert untouched["SEQUENCE"] == events(before)[uid("s03")]["SEQUENCE"]

    await client.call("session.cancel", {"session": "s02"})
    cancelled, _ = await calendar(app_client, "/agenda.ics")
    gone = events(cancelled)[uid("s02")]
    assert str(gone["STATUS"]) == "CANCELLED"
    assert gone["SEQUENCE"] == new["SEQUENCE"] + 1
    await client.close()


async def test_conditional_get_answers_304_until_the_programme_changes(app_client) -> None:
    first = await app_client.get("/agenda.ics")
    body = await first.read()
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = await app_client.get("/agenda.ics")
    assert await again.read() == body, "the bytes are stable between changes"
    assert again.headers["ETag"] == etag

    renders = app_client.app[FEED_CACHE].renders
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"nope", {etag}'},
                    {"If-None-Match": f"W/{etag}"}, {"If-Modified-Since": modified}):
        response = await app_client.get("/agenda.ics", headers=headers)
        assert response.status == 304, headers
        assert await response.read() == b""
        assert response.headers["ETag"] == etag
        assert response.headers["Cache-Control"] == "public, max-age=60"
    assert app_client.app[FEED_CACHE].renders == renders, "answered from the cache"
    assert (await app_client.get("/agenda.ics", headers={"If-None-Match": '"other"'})).status == 200
    earlier = format_datetime(
        app_client.hub.state.programme.sessions["s01"].updated - timedelta(hours=1), usegmt=True)
    assert (await app_client.get("/agenda.ics",
                                 headers={"If-Modified-Since": earlier})).status == 200

    client = await moderator(app_client)
    await client.call("session.delay", {"session": "s05", "minutes": 5})
    changed = await app_client.get("/agenda.ics", headers={"If-None-Match": etag})
    assert changed.status == 200
    assert changed.headers["ETag"] != etag
    await client.close()

    for path in ("/schedule.xml", "/schedule.json", "/schedule.csv", "/rooms/plenaria/agenda.ics"):
        response = await app_client.get(path)
        assert response.status == 200
        repeat = await app_client.get(path, headers={"If-None-Match": response.headers["ETag"]})
        assert repeat.status == 304, path


async def test_room_and_track_feeds_hold_only_their_sessions(app_client) -> None:
    programme = app_client.hub.state.programme
    cal, _ = await calendar(app_client, "/rooms/taller-a/agenda.ics?lang=en")
    assert set(events(cal)) == {f"{s.guid}@{SLUG}" for s in programme.sessions.values()
                                if s.room == "taller-a"}
    assert "Workshop A" in str(cal["X-WR-CALNAME"])
    assert {str(e["LOCATION"]) for e in cal.walk("VEVENT")} == {"Workshop A (Casona)"}
    cal, _ = await calendar(app_client, "/tracks/climat/agenda.ics")
    assert set(events(cal)) == {f"{s.guid}@{SLUG}" for s in programme.sessions.values()
                                if s.track == "climat"}
    assert len(events(cal)) == 5
    assert (await app_client.get("/rooms/nowhere/agenda.ics")).status == 404
    assert (await app_client.get("/tracks/nothing/agenda.ics")).status == 404
    cal, _ = await calendar(app_client, "/sessions/s04/calendar.ics")
    assert set(events(cal)) == {uid("s04")}


async def test_language_of_the_titles(app_client) -> None:
    cal, _ = await calendar(app_client, "/sessions/s02/calendar.ics?lang=fr")
    assert str(cal.walk("VEVENT")[0]["SUMMARY"]) == "Le tramway comme colonne vertébrale"
    cal, _ = await calendar(app_client, "/sessions/s02/calendar.ics",
                            **{"Accept-Language": "es-MX,es;q=0.9"})
    assert str(cal.walk("VEVENT")[0]["SUMMARY"]) == "El tranvía como columna vertebral"
    # No ?lang= and no Accept-Language: the event's first language (fr, es, en).
    cal, _ = await calendar(app_client, "/sessions/s02/calendar.ics")
    assert str(cal.walk("VEVENT")[0]["SUMMARY"]) == "Le tramway comme colonne vertébrale"


async def test_personal_feed_follows_the_stars_and_dies_with_its_token(app_client) -> None:
    attendee = await Client.connect(ws_url(app_client), app_client.tokens["attendee"])
    principal = attendee.snapshot["me"]["id"]
    assert (await app_client.get(f"/feeds/{principal}.guess.ics")).status == 404
    assert (await app_client.get("/feeds/nobody.ics")).status == 404
    for session in ("s02", "s09"):
        await attendee.call("agenda.star", {"session": session})
    assert (await app_client.get(f"/feeds/{principal}.guess.ics")).status == 404

    token = await attendee.call("agenda.feed-token")
    assert token["principal"] == principal
    path = f"/feeds/{token['principal']}.{token['secret']}.ics"
    response = await app_client.get(path)
    assert response.status == 200
    assert response.headers["Cache-Control"] == "private, max-age=60"
    assert "Last-Modified" not in response.headers
    cal = icalendar.Calendar.from_ical(await response.read())
    assert set(events(cal)) == {uid("s02"), uid("s09")}
    assert str(cal["X-WR-CALNAME"]).endswith(f" · {translate('fr', 'My agenda')}")
    etag = response.headers["ETag"]

    await attendee.call("agenda.star", {"session": "s17"})
    await attendee.call("agenda.unstar", {"session": "s02"})
    response = await app_client.get(path, headers={"If-None-Match": etag})
    assert response.status == 200, "a new star changes the feed"
    assert set(events(icalendar.Calendar.from_ical(await response.read()))) == {
        uid("s09"), uid("s17")}

    replaced = await attendee.call("agenda.feed-token")
    assert (await app_client.get(path)).status == 404, "the old address stops working"
    new_path = f"/feeds/{principal}.{replaced['secret']}.ics"
    assert (await app_client.get(new_path)).status == 200
    await attendee.call("agenda.feed-revoke")
    assert (await app_client.get(new_path)).status == 404
    await attendee.close()


def test_access_log_hides_feed_and_link_tokens(caplog) -> None:
    logger = logging.getLogger("test.access")
    access = AccessLogger(logger, "")
    response = type("R", (), {"status": 200})()
    with caplog.at_level(logging.INFO, logger="test.access"):
        for path in ("/feeds/p-abc.s3cr3t.ics", "/a/p-abc.s3cr3t", "/agenda.ics"):
            access.log(make_mocked_request("GET", path), response, 0.001)
    text = caplog.text
    assert "s3cr3t" not in text
    assert "/feeds/…" in text and "/a/…" in text and "/agenda.ics" in text


async def test_schedule_xml_validates_against_the_xsd(app_client, tmp_path) -> None:
    client = await moderator(app_client)
    await client.call("session.cancel", {"session": "s04"})
    response = await app_client.get("/schedule.xml")
    assert response.status == 200
    assert response.content_type == "application/xml"
    body = await response.read()
    assert b"<schedule" in body[:1024] and b"<conference" in body[:1024]
    path = tmp_path / "schedule.xml"
    path.write_bytes(body)
    check = subprocess.run(["xmllint", "--noout", "--schema",
                            str(fixture("interop/schemas/schedule.xml.xsd")), str(path)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert body.count(b"<event ") == len(app_client.hub.state.programme.sessions) - 1
    await client.close()


async def test_schedule_json_validates_against_the_schema(app_client) -> None:
    response = await app_client.get("/schedule.json?lang=es")
    assert response.status == 200
    assert response.content_type == "application/json"
    document = await response.json()
    schema = json.loads(fixture("interop/schemas/schedule.json.schema.json").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, errors
    titles = {event["title"] for day in document["schedule"]["conference"]["days"]
              for room in day["rooms"].values() for event in room}
    assert "El tranvía como columna vertebral" in titles


async def test_csv_export(app_client) -> None:
    response = await app_client.get("/schedule.csv")
    assert response.status == 200
    assert response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = (await response.read()).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id,")
    assert len(text.strip().split("\r\n")) == len(app_client.hub.state.programme.sessions) + 1


def _by_guid(document: dict) -> dict[str, tuple]:
    """Every event of a schedule JSON: guid → (date, start, duration, room, title)."""
    found = {}
    for day in document["schedule"]["conference"]["days"]:
        for room, items in day["rooms"].items():
            for event in items:
                found[event["guid"]] = (event["date"], event["start"], event["duration"],
                                        room, event["title"], event["language"])
    return found


async def test_round_trip_through_an_empty_server(app_client, tmp_path, start_server) -> None:
    """Export /schedule.json, import it into an empty event with the CLI, export again."""
    exported = await (await app_client.get("/schedule.json")).read()
    path = tmp_path / "exported.json"
    path.write_bytes(exported)
    data = tmp_path / "empty"
    result = subprocess.run(
        [sys.executable, "-m", "rencontre.server.cli", "import-schedule", str(path), "--data", str(data)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    sessions = len(app_client.hub.state.programme.sessions)
    assert f"Imported {sessions} sessions in 4 rooms" in result.stdout
    server = start_server(data=data, demo=False)
    import urllib.request

    with urllib.request.urlopen(f"{server.url}/schedule.json") as response:
        again = json.loads(response.read())
    first = json.loads(exported)
    assert _by_guid(again) == _by_guid(first)
    assert len(_by_guid(again)) == sessions
    conference = ("title", "start", "end", "daysCount", "time_zone_name")
    assert ({k: again["schedule"]["conference"][k] for k in conference}
            == {k: first["schedule"]["conference"][k] for k in conference})
