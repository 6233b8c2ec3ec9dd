"""Feeds as clients fetch them (issue 12): validators that never hand back a stale copy,
feed links in the reader's language, schedule JSON v2."""

from __future__ import annotations

import asyncio
import json
import time

import jsonschema

from rencontre.schedule.formats import import_schedule_json
from rencontre.schedule.model import Status
from tests.integration.test_feeds import moderator
from tests.support import fixture


async def next_second() -> None:
    await asyncio.sleep(1.02 - time.time() % 1)


async def test_no_304_from_a_date_for_a_second_that_saw_two_versions(app_client) -> None:
    client = await moderator(app_client)
    state = app_client.hub.state
    for _ in range(5):
        await next_second()
        await client.call("session.delay", {"session": "s05", "minutes": 1})
        old = await app_client.get("/schedule.xml")
        await old.read()
        await client.call("session.delay", {"session": "s05", "minutes": 1})
        if "Last-Modified" in old.headers and state.programme_second_shared:
            break
    else:
        raise AssertionError("two changes never fell in one second")
    modified = old.headers["Last-Modified"]
    for path in ("/schedule.xml", "/agenda.ics", "/schedule.json"):
        fresh = await app_client.get(path, headers={"If-Modified-Since": modified})
        assert fresh.status == 200, path
        assert "Last-Modified" not in fresh.headers  # no date that could not tell them apart
        etag = fresh.headers["ETag"]
        assert (await app_client.get(path, headers={"If-None-Match": etag})).status == 304

    # A change alone in its second gives the feeds a date again, and it validates.
    await next_second()
    await client.call("session.delay", {"session": "s05", "minutes": 1})
    later = await app_client.get("/schedule.xml")
    assert later.headers["Last-Modified"] != modified
    again = await app_client.get("/schedule.xml",
                                 headers={"If-Modified-Since": later.headers["Last-Modified"]})
    assert again.status == 304
    await client.close()


async def test_feed_links_carry_the_readers_language(app_client) -> None:
    # Calendar apps send no Accept-Language: without ?lang= every subscriber got the event's
    # first language (French).
    organiser = {"rencontre_token": app_client.tokens["Organiser"]}
    pages = {"/sessions/s01": "/sessions/s01/calendar.ics", "/changes": "/agenda.ics",
             "/organiser": "/rooms/plenaria/agenda.ics"}
    for lang in ("es", "en"):
        for page, feed in pages.items():
            response = await app_client.get(f"{page}?lang={lang}", cookies=organiser)
            assert response.status == 200, page
            assert f'href="{feed}?lang={lang}"' in await response.text(), (page, lang)
    spanish = await app_client.get("/sessions/s02/calendar.ics?lang=es")
    english = await app_client.get("/sessions/s02/calendar.ics?lang=en")
    session = app_client.hub.state.programme.sessions["s02"]
    assert f"SUMMARY:{session.title['es']}" in (await spanish.text()).replace("\r\n ", "")
    assert f"SUMMARY:{session.title['en']}" in (await english.text()).replace("\r\n ", "")


async def test_schedule2_json_validates_against_the_schema_and_says_what_v1_cannot(
        app_client) -> None:
    client = await moderator(app_client)
    await client.call("session.cancel", {"session": "s04"})
    await client.close()
    response = await app_client.get("/schedule2.json?lang=es")
    assert response.status == 200
    assert response.content_type == "application/json"
    assert "ETag" in response.headers
    document = await response.json()
    schema = json.loads(fixture("interop/schemas/schedule2.json.schema.json").read_text())
    validator = jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, errors
    programme = app_client.hub.state.programme
    events = {event["guid"]: event for event in document["schedule"]["events"]}
    assert len(events) == len(programme.sessions)  # cancelled ones too, marked
    cancelled = next(e for e in events.values() if e["state"] == "CANCELED")
    assert cancelled["title"] == programme.sessions["s04"].title["es"]
    s02 = programme.sessions["s02"]
    opening = next(e for e in events.values() if e["title"] == s02.title["es"])
    assert opening["abstract"] == s02.abstract  # every language the session has
    assert opening["url"].endswith("/sessions/s02")
    # And the file it publishes reads back as the same programme.
    again = import_schedule_json(await response.read())
    assert again.sessions["s02"].start == s02.start
    assert again.sessions["s04"].status is Status.CANCELLED
    assert "/schedule2.json?lang=" in await (await app_client.get(
        "/organiser", cookies={"rencontre_token": app_client.tokens["Organiser"]})).text()


async def test_addresses_that_lead_nowhere_answer_in_the_readers_language(app_client) -> None:
    page = await app_client.get("/no/such/page?lang=fr")
    assert page.status == 404
    assert page.content_type == "text/html"
    text = await page.text()
    assert "Page introuvable" in text and "Il n’y a rien à cette adresse." in text
    assert '<html lang="fr">' in text
    room = await app_client.get("/stage/nowhere?lang=es")
    assert room.status == 404
    assert "No existe esa sala." in await room.text()
    feed = await app_client.get("/tracks/nothing/agenda.ics?lang=fr")
    assert feed.status == 404
    assert feed.content_type == "text/plain"
    assert await feed.text() == "Parcours introuvable."
    assert (await app_client.get("/sessions/nope?lang=es")).status == 404
    static = await app_client.get("/static/missing.js")
    assert static.status == 404
