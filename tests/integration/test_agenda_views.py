"""The agenda pages over HTTP: what they render and who may see them."""

from __future__ import annotations

from rencontre.server.cli import SYSTEM


def cookie(app_client, who: str = "attendee") -> dict[str, str]:
    return {"rencontre_token": app_client.tokens[who]}


async def page(app_client, path: str, who: str | None = "attendee", **params) -> tuple[int, str]:
    cookies = cookie(app_client, who) if who else {}
    response = await app_client.get(path, cookies=cookies, params=params or None)
    return response.status, await response.text()


async def test_agenda_page_frame(app_client) -> None:
    status, text = await page(app_client, "/agenda")
    assert status == 200
    assert "<h1>Agenda</h1>" in text
    assert 'role="tablist"' in text and 'role="search"' in text
    for label in ("Search", "Track", "Session language", "All tracks", "All languages"):
        assert f">{label}<" in text, label
    assert 'id="change-text" role="status" aria-live="polite"' in text
    assert '/js/agenda.js"></script>' in text
    assert '/css/agenda.css">' in text
    assert '<a href="/agenda" aria-current="page">Agenda</a>' in text
    assert "America/Mexico_City" in text
    # The scripts' strings come translated in the page data.
    status, text = await page(app_client, "/agenda", lang="fr")
    assert '"lang": "fr"' in text


async def test_session_page(app_client) -> None:
    status, text = await page(app_client, "/sessions/s02")
    assert status == 200
    assert "<h1 id=\"s-title\">The tram as a backbone</h1>" in text
    assert "<strong>Claire Dubois</strong>, Clermont-Ferrand" in text
    assert "<strong>João Silva</strong>, Curitiba" in text
    assert "Plenary hall Teatro" in text
    assert "10:30–12:00" in text
    assert 'href="/sessions/s02/calendar.ics?lang=en"' in text
    assert 'href="/live/s02"' in text, "the session page leads to its questions and polls"
    # The plenary hall streams: its sessions are watched on their live page.
    assert '<dd id="s-watch" class="watch-links"><a href="/live/s02">Watch online</a></dd>' in text
    status, text = await page(app_client, "/sessions/s02", lang="es")
    assert "El tranvía como columna vertebral" in text
    status, text = await page(app_client, "/sessions/nope", lang="en")
    assert status == 404
    assert "No such session" in text


async def test_session_texts_are_escaped(app_client) -> None:
    outcome = await app_client.hub.execute("session.edit", {
        "session": "s03", "title": {"en": "<script>alert(1)</script> & co"}}, SYSTEM)
    assert outcome["ok"], outcome
    status, text = await page(app_client, "/sessions/s03", lang="en")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text
    assert "<script>alert(1)" not in text


async def test_my_agenda_and_its_feed_state(app_client) -> None:
    status, text = await page(app_client, "/my")
    assert status == 200
    assert "My calendar feed" in text
    assert "Your private feed is off." in text
    assert 'data-on="false"' in text
    attendee = app_client.hub.state.access.verify(app_client.tokens["attendee"])
    from rencontre.engine.messages import Actor

    actor = Actor(attendee.id, attendee.role, attendee.name)
    outcome = await app_client.hub.execute("agenda.feed-token", {}, actor)
    assert outcome["ok"]
    status, text = await page(app_client, "/my")
    assert 'data-on="true"' in text
    assert "Your private feed is on." in text
    assert outcome["result"]["secret"] not in text, "the secret is shown once, by the script"
    assert f'data-base="{str(app_client.make_url("")).rstrip("/")}"' in text


async def test_changes_page(app_client) -> None:
    status, text = await page(app_client, "/changes")
    assert status == 200
    assert "Changes to the programme" in text
    assert '/js/changes.js"></script>' in text


async def test_pages_follow_the_home_page_access_rule(app_client) -> None:
    # The demo event takes guests: anyone may look at the programme.
    for path in ("/agenda", "/my", "/changes", "/sessions/s01"):
        status, text = await page(app_client, path, who=None)
        assert status == 200, path
    status, text = await page(app_client, "/my", who=None)
    assert "Join the event to star sessions" in text

    outcome = await app_client.hub.execute("event.settings", {"guests_allowed": False}, SYSTEM)
    assert outcome["ok"], outcome
    for path in ("/agenda", "/my", "/changes", "/sessions/s01", "/sessions/nope"):
        status, text = await page(app_client, path, who=None)
        assert "Please sign in with your personal link." in text, path
        assert "agenda.js" not in text and "The tram as a backbone" not in text
        status, text = await page(app_client, path)
        assert status == (404 if path.endswith("nope") else 200), path
        for who in ("Moderator panel", "Organiser"):
            assert (await page(app_client, path, who=who))[0] in (200, 404)


async def test_moderator_panel_has_the_session_controls(app_client) -> None:
    status, text = await page(app_client, "/moderator", who="Moderator panel")
    assert status == 200
    assert 'id="sessions-panel"' in text
    assert '/js/sessions_panel.js"></script>' in text
    for label in ("Start", "End", "Cancel the session", "Restore", "Delay", "Move",
                  "Shift what follows in this room", "Save changes"):
        assert f"{label}</" in text or f"> {label}</label>" in text, label
    assert 'href="/organiser"' not in text, "the import link is for organisers"
    status, text = await page(app_client, "/moderator", who="Organiser")
    assert 'href="/organiser"' in text


async def test_static_scripts_are_served(app_client) -> None:
    for name in ("agenda", "session", "my_agenda", "changes", "sessions_panel", "organiser"):
        response = await app_client.get(f"/static/js/{name}.js")
        assert response.status == 200, name
        assert "innerHTML" not in await response.text(), name
    assert (await app_client.get("/static/css/agenda.css")).status == 200
