"""Issue 10's journey, in real browsers: a remote delegate who reads Spanish, on a phone,
opens her personal link, joins the live session from home, hears the Spanish channel
(real HLS made by ffmpeg), sees an announcement and a delay arrive, asks, votes and
reacts; meanwhile the stage display at 1280x720 shows her reaction and keeps its join
footer on screen.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.pages import connected
from tests.browser.test_player import advances
from tests.browser.test_stage_fit import check_layout
from tests.integration.wsclient import Client

pytestmark = pytest.mark.browser

SESSION = "s02"  # "The tram as a backbone", plenary hall, day 1 10:30


async def test_a_remote_delegate_follows_the_session_in_spanish(
        start_server, new_page, page_errors, hls, screenshot) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("stream.set", {"session": SESSION, "stream": {"channels": [
        {"language": "floor", "url": hls.playlist("floor")},
        {"language": "es", "media": "audio", "url": hls.playlist("es")},
        {"language": "fr", "media": "audio", "url": hls.playlist("fr")},
    ]}})
    await organiser.call("session.start", {"session": SESSION})
    stage = await new_page()
    await stage.set_viewport_size({"width": 1280, "height": 720})
    await stage.goto(f"{server.url}/stage/plenaria")
    await expect(stage.locator("#stage-title")).to_have_text("The tram as a backbone")

    # Her personal link, in Spanish, on a phone; home says what is on now: she joins it.
    phone = await new_page(locale="es-MX", timezone_id="America/Bogota", has_touch=True)
    await phone.set_viewport_size({"width": 390, "height": 844})
    await phone.goto(f"{server.url}/a/{server.attendee_token}?lang=es")
    await expect(phone).to_have_url(f"{server.url}/?lang=es")
    await connected(phone)
    hall = phone.locator("#now-next .room").filter(has_text="Sala plenaria Teatro")
    await hall.get_by_role("link", name="Unirse en vivo: El tranvía como columna vertebral"
                           ).click()
    await expect(phone).to_have_url(f"{server.url}/live/{SESSION}")
    await connected(phone)
    await expect(phone.locator("#l-title")).to_have_text("El tranvía como columna vertebral")

    # The Spanish channel is hers: it plays.
    player = phone.locator("#player")
    spanish = player.get_by_role("button", name="Español")
    await expect(spanish).to_have_attribute("aria-pressed", "true")
    await spanish.click()
    await advances(phone, "#player audio")

    # An announcement arrives, in her language, and is said to her screen reader.
    await organiser.call("announcement.post", {"room": SESSION, "texts": {
        "fr": "La traduction en espagnol passe au canal 2",
        "es": "La traducción al español pasa al canal 2",
        "en": "Spanish interpretation moves to channel 2"}})
    await expect(phone.locator("#announcements > li p").first).to_have_text(
        "La traducción al español pasa al canal 2")
    await expect(phone.locator("#ann-news")).to_have_text(
        "Anuncio: La traducción al español pasa al canal 2")
    # A delay arrives: said in the news line, and the times move.
    await organiser.call("session.delay", {"session": SESSION, "minutes": 10})
    await expect(phone.locator("#l-news")).to_contain_text("10 min")
    await expect(phone.locator("#l-when")).to_contain_text("10:40–12:10 en Querétaro")
    await expect(phone.locator("#l-when")).to_contain_text("tu hora (Bogota)")

    # She asks.
    await phone.get_by_label("Tu pregunta").fill("¿Habrá tranvía al aeropuerto?")
    await phone.get_by_role("button", name="Enviar la pregunta").click()
    await expect(phone.locator("#ask-status")).to_contain_text("moderación")

    # A poll opens: her Polls tab says so; she votes.
    poll = await organiser.call("poll.create", {
        "session": SESSION, "question": {"es": "¿Qué línea primero?", "en": "Which line first?"},
        "options": [{"es": "Aeropuerto", "en": "Airport"}, {"es": "Centro", "en": "Centre"}]})
    await organiser.call("poll.open", {"poll": poll["id"]})
    polls_tab = phone.get_by_role("tab", name=re.compile("^Encuestas"))
    await expect(polls_tab).to_contain_text("abierta")
    await polls_tab.click()
    form = phone.locator("#poll-open form")
    await expect(form.locator(".poll-question")).to_have_text("¿Qué línea primero?")
    await form.get_by_label("Aeropuerto").check()
    await form.get_by_role("button", name="Votar").click()
    await expect(form.locator(".poll-status")).to_have_text("¡Gracias! Tu voto quedó registrado.")

    # She applauds: the stage shows it rising, and keeps its footer whole.
    await organiser.call("poll.show", {"session": SESSION})  # the stage back to the Q&A
    await phone.get_by_role("button", name="Aplausos").click()
    await expect(phone.locator("#react-status")).to_have_text("Enviado: Aplausos")
    await expect(stage.locator("#stage-burst .burst-item").first).to_be_attached()
    await expect(stage.locator("#stage-announcement")).to_be_visible()
    await check_layout(stage, 1280, 720, "the journey's stage")
    await screenshot(phone, "journey-phone")
    await screenshot(stage, "journey-stage")
    assert not page_errors, page_errors
