"""Streams over the gateway and the pages: set by organisers, pushed to every page,
allowed by the pages' CSP, linked from the session page."""

from __future__ import annotations

from tests.integration.wsclient import ws_url
from tests.integration.wsclient import Client

HLS = "https://cdn.example.net/s02/es.m3u8"


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


async def test_a_stream_set_by_an_organiser_reaches_attendees_and_the_next_snapshot(app_client):
    url = ws_url(app_client)
    attendee = await Client.connect(url, app_client.tokens["attendee"])
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    result = await organiser.call("stream.set", {"session": "s02", "stream": {"channels": [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        {"language": "es", "media": "audio", "url": HLS}]}})
    assert result["stream"]["channels"][0]["url"] == (
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    push = await attendee.push("stream.changed")
    assert (push["target"], push["id"]) == ("session", "s02")
    assert [c["id"] for c in push["stream"]["channels"]] == ["floor", "es"]
    later = await Client.connect(url, app_client.tokens["attendee"])
    session = next(s for s in later.snapshot["programme"]["sessions"] if s["id"] == "s02")
    assert session["stream"]["channels"][1]["url"] == HLS
    for client in (attendee, organiser, later):
        await client.close()


async def test_a_moderator_puts_a_channel_off_air_and_a_bad_address_is_refused(app_client):
    url = ws_url(app_client)
    attendee = await Client.connect(url, app_client.tokens["attendee"])
    moderator = await Client.connect(url, app_client.tokens["Moderator panel"])
    await moderator.call("stream.channel", {"room": "plenaria", "channel": "es",
                                            "on_air": "off"})
    push = await attendee.push("stream.changed")
    assert (push["target"], push["id"]) == ("room", "plenaria")
    assert {c["id"]: c["on_air"] for c in push["stream"]["channels"]}["es"] == "off"
    error = await moderator.send("stream.set", {"room": "plenaria", "stream": {}})
    assert error["code"] == "auth.forbidden"
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    await organiser.call("auth.hello", {"token": app_client.tokens["Organiser"], "lang": "fr"})
    error = await organiser.send("stream.set", {"session": "s02", "stream": {
        "channels": ["http://cdn.example.net/floor.m3u8"]}})
    assert error["code"] == "stream.invalid"
    assert error["params"]["place"] == "stream.channels[0].url"
    assert error["message"] == ("«\u202fhttp://cdn.example.net/floor.m3u8\u202f» doit "
                                "commencer par https://.")
    for client in (attendee, moderator, organiser):
        await client.close()


async def test_pages_allow_exactly_the_configured_stream_hosts(app_client):
    cookies = {"rencontre_token": app_client.tokens["attendee"]}
    response = await app_client.get("/live/s02", cookies=cookies)
    policy = directives(response)
    # The demo's plenary hall plays HLS from stream.example.org; nothing is framed.
    assert policy["media-src"] == ["'self'", "blob:", "https://stream.example.org"]
    assert "https://stream.example.org" in policy["connect-src"]
    assert "frame-src" not in policy and policy["default-src"] == ["'self'"]
    assert 'id="player"' in await response.text()
    organiser = await Client.connect(ws_url(app_client), app_client.tokens["Organiser"])
    await organiser.call("stream.set", {"session": "s02", "stream": {"channels": [
        "https://tube.example.net/w/9c9de5e8-0a1e-484a-b099-e80766180a6d"]}})
    await organiser.call("stream.set", {"room": "plenaria", "stream": {"channels": [
        "https://meet.jit.si/plenaria"]}})
    response = await app_client.get("/live/s02", cookies=cookies)
    policy = directives(response)
    assert policy["frame-src"] == ["https://tube.example.net"]
    assert policy["media-src"] == ["'self'", "blob:"], "a host no longer configured is not allowed"
    text = response.headers["Content-Security-Policy"]
    assert "meet.jit.si" not in text, "meetings open in a new tab: no CSP entry"
    await organiser.close()


async def test_the_session_page_links_captions_and_the_replay_once_ended(app_client):
    organiser = await Client.connect(ws_url(app_client), app_client.tokens["Organiser"])
    await organiser.call("stream.set", {"session": "s03", "stream": {
        "captions": "https://captions.example.org/s03",
        "replay": "https://media.example.org/s03"}})
    cookies = {"rencontre_token": app_client.tokens["attendee"]}
    text = await (await app_client.get("/sessions/s03", cookies=cookies)).text()
    assert 'href="https://captions.example.org/s03" target="_blank"' in text
    assert "https://media.example.org/s03" not in text, "no replay before the session ends"
    await organiser.call("session.end", {"session": "s03"})
    text = await (await app_client.get("/sessions/s03", cookies=cookies)).text()
    assert 'href="https://media.example.org/s03" target="_blank"' in text
    assert 'href="/live/s03">Watch online' not in text, "taller-a has no channels"
    await organiser.close()


async def test_the_agenda_offers_a_webcal_subscription_in_the_page_language(app_client):
    cookies = {"rencontre_token": app_client.tokens["attendee"]}
    host = app_client.make_url("/").host
    port = app_client.make_url("/").port
    for path in ("/agenda", "/changes"):
        text = await (await app_client.get(path, cookies=cookies, params={"lang": "es"})).text()
        assert f'href="webcal://{host}:{port}/agenda.ics?lang=es"' in text, path
        assert ">Suscribirme en mi aplicación de calendario</a>" in text


async def test_the_calendar_feed_carries_the_watch_link(app_client):
    text = (await (await app_client.get("/agenda.ics", params={"lang": "fr"})).read()).decode()
    unfolded = text.replace("\r\n ", "")
    base = str(app_client.make_url("/")).rstrip("/")
    assert f"CONFERENCE;FEATURE=AUDIO,VIDEO;LABEL=Suivre en ligne;VALUE=URI:{base}/live/s02" in (
        unfolded)
    assert f"URL:{base}/live/s02" in unfolded
    assert f"URL:{base}/sessions/s03" in unfolded, "taller-a does not stream"
