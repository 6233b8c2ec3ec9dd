"""The live page and its ways in, in real browsers: home's "Join live", announcements and
schedule changes arriving live, the verdict on one's own question, the phone layout, times
with their zone.

One ``rencontre serve --demo`` in a child process per test; the organiser acts over a
websocket of its own (``tests/integration/wsclient.py``).
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import expect

from tests.browser.pages import connected, sign_in_moderator
from tests.integration.wsclient import Client

pytestmark = pytest.mark.browser

SESSION = "s01"  # "Opening: cities meeting cities", plenary hall, day 1 09:00


async def test_home_now_card_joins_the_live_session(start_server, new_page, page_errors) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("session.start", {"session": SESSION})
    page = await new_page()
    await page.goto(server.attendee_link)
    await connected(page)
    card = page.locator("#now-next .room").filter(has_text="Plenary hall Teatro")
    join = card.get_by_role("link", name="Join live: Opening: cities meeting cities")
    await expect(join).to_have_text("Join live")
    await join.click()
    await expect(page).to_have_url(f"{server.url}/live/{SESSION}")
    await connected(page)
    await expect(page.locator("#l-title")).to_have_text("Opening: cities meeting cities")
    assert not page_errors, page_errors


async def test_announcements_changes_and_verdicts_reach_a_remote_attendee(
        start_server, new_page, page_errors, screenshot) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("session.start", {"session": "s02"})  # "The tram as a backbone"
    # A delegate in Tokyo reads in Spanish: 10:30 in Querétaro is 01:30 the next day there.
    live = await new_page(locale="es-MX", timezone_id="Asia/Tokyo")
    await live.goto(server.attendee_link + "?lang=es")
    await live.goto(f"{server.url}/live/s02")
    await connected(live)
    when = live.locator("#l-when")
    await expect(when).to_contain_text("10:30–12:00 en Querétaro")
    await expect(when).to_contain_text(re.compile(r" · [^ ]+ 01:30–03:00 tu hora \(Tokyo\)"))
    await expect(live.locator("#announcements > li")).to_have_text(["No hay anuncios."])
    context = live.context
    agenda = await context.new_page()
    await agenda.goto(f"{server.url}/agenda")
    await connected(agenda)
    session = await context.new_page()
    await session.goto(f"{server.url}/sessions/s02")
    await connected(session)
    stage = await new_page()
    await stage.goto(f"{server.url}/stage/plenaria")
    await expect(stage.locator("#stage-title")).to_have_text("The tram as a backbone")

    # An event-wide announcement in three languages: each reads theirs.
    await organiser.call("announcement.post", {"texts": {
        "fr": "Le café est servi au patio", "es": "El café se sirve en el patio",
        "en": "Coffee is served in the patio"}})
    await expect(live.locator("#announcements > li p")).to_have_text(
        ["El café se sirve en el patio"])
    await expect(live.locator("#ann-news")).to_have_text("Anuncio: El café se sirve en el patio")
    await expect(live.locator("#announcements > li time")).to_contain_text("tu hora (Tokyo)")
    await expect(agenda.locator("#announcements > li p")).to_have_text(
        ["El café se sirve en el patio"])
    await expect(session.locator("#announcements > li p")).to_have_text(
        ["El café se sirve en el patio"])
    await expect(stage.locator("#stage-announcement")).to_have_text(
        "Coffee is served in the patio")

    # The room's announcement, written in French only: the Spanish reader gets the French.
    await organiser.call("announcement.post", {"room": "s02", "texts": {
        "fr": "Micro 2 en panne : levez la main"}})
    await expect(live.locator("#announcements > li p")).to_have_text(
        ["Micro 2 en panne : levez la main", "El café se sirve en el patio"])
    await expect(live.locator("#announcements > li p").first).to_have_attribute("lang", "fr")
    await expect(session.locator("#announcements > li p")).to_have_text(
        ["Micro 2 en panne : levez la main", "El café se sirve en el patio"])
    await expect(stage.locator("#stage-announcement")).to_have_text(
        "Micro 2 en panne : levez la main")
    # The agenda says the event's announcements only; a room's belong to its session.
    await expect(agenda.locator("#announcements > li p")).to_have_text(
        ["El café se sirve en el patio"])

    # A delay of this session reaches the live page's news line, the stage and the others.
    await organiser.call("session.delay", {"session": "s02", "minutes": 15})
    await expect(live.locator("#l-news")).to_contain_text("15 min")
    await expect(live.locator("#l-when")).to_contain_text("10:45–12:15 en Querétaro")
    await expect(stage.locator("#stage-announcement")).to_contain_text("15 min")
    await expect(stage.locator("#stage-announcement")).to_have_attribute("data-kind", "change")
    await expect(session.locator("#change-text")).to_contain_text("15 min")
    await expect(agenda.locator("#change-text")).to_contain_text("15 min")

    # The verdict on my own question is said where "waiting for moderation" was.
    status = live.locator("#ask-status")
    await live.get_by_label("Tu pregunta").fill("¿Cuánto cuesta un kilómetro de tranvía?")
    await live.get_by_role("button", name="Enviar la pregunta").click()
    await expect(status).to_contain_text("moderación")
    queued = (await organiser.call("room.join", {"room": "s02"}))["qa"]["queue"]
    mine = next(q for q in queued if q["text"].startswith("¿Cuánto"))
    await organiser.call("qa.approve", {"question": mine["id"]})
    await expect(status).to_have_text(
        "Tu pregunta fue aprobada y ya es pública: “¿Cuánto cuesta un kilómetro de tranvía?”")
    await expect(status).to_have_attribute("aria-live", "polite")
    await organiser.call("qa.answer", {"question": mine["id"], "answered": True})
    await expect(status).to_contain_text("Tu pregunta fue respondida")
    await live.get_by_label("Tu pregunta").fill("Pregunta fuera de tema")
    await live.get_by_role("button", name="Enviar la pregunta").click()
    await expect(status).to_contain_text("moderación")
    queued = (await organiser.call("room.join", {"room": "s02"}))["qa"]["queue"]
    other = next(q for q in queued if q["text"] == "Pregunta fuera de tema")
    await organiser.call("qa.dismiss", {"question": other["id"]})
    await expect(status).to_have_text("Tu pregunta no fue publicada: “Pregunta fuera de tema”")
    await screenshot(live, "live-es-tokyo")
    assert not page_errors, page_errors


async def test_reactions_rise_on_stage_and_add_up_for_the_moderator(
        start_server, new_page, page_errors) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("session.start", {"session": SESSION})
    stage = await new_page()
    await stage.set_viewport_size({"width": 1280, "height": 720})
    await stage.goto(f"{server.url}/stage/plenaria")
    await expect(stage.locator("#stage")).to_have_attribute("data-mode", "waiting")
    moderator = await new_page()
    await sign_in_moderator(moderator, server)
    await moderator.goto(f"{server.url}/moderator/sessions/{SESSION}")
    await connected(moderator)
    applause = moderator.locator('#reaction-totals li[data-kind="applause"] .n')
    await expect(applause).to_have_text("0")

    live = await new_page(has_touch=True)
    await live.set_viewport_size({"width": 390, "height": 844})
    await live.goto(server.attendee_link)
    await live.goto(f"{server.url}/live/{SESSION}")
    await connected(live)
    button = live.get_by_role("button", name="Applause")
    await button.click()
    await expect(live.locator("#react-status")).to_have_text("Sent: Applause")
    # The stage draws the burst (symbols rising), the moderator counts.
    await expect(stage.locator("#stage-burst .burst-item").first).to_be_attached()
    await expect(applause).to_have_text("1")
    # Others clap too, over their own connections: the totals add up, coalesced.
    for n in range(3):
        person = await organiser.call("access.grant", {"role": "attendee", "name": f"P{n}"})
        other = await Client.connect(server.ws_url, person["token"])
        await other.call("reaction.send", {"session": SESSION, "kind": "applause"})
        await other.call("reaction.send", {"session": SESSION, "kind": "heart"})
        await other.close()
    await expect(applause).to_have_text("4")
    await expect(moderator.locator('#reaction-totals li[data-kind="heart"] .n')).to_have_text("3")
    # One person may not flood the hall: the sixth reaction in ten seconds is refused.
    for _ in range(4):
        await live.get_by_role("button", name="Laugh").click()
        await expect(live.locator("#react-status")).to_have_text("Sent: Laugh")
        await live.locator("#react-status").evaluate("(node) => { node.textContent = ''; }")
    await live.get_by_role("button", name="Heart").click()
    await expect(live.locator("#react-status")).to_contain_text("you can react again in")
    await expect(moderator.locator('#reaction-totals li[data-kind="laugh"] .n')).to_have_text("4")
    assert not page_errors, page_errors


async def test_on_a_phone_questions_and_polls_are_tabs_on_the_first_screen(
        start_server, new_page, page_errors, screenshot) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("session.start", {"session": SESSION})
    await organiser.call("qa.settings", {"session": SESSION, "premoderation": False})
    askers = []
    for n in range(3):  # three questions a minute each, at most
        person = await organiser.call("access.grant", {"role": "attendee", "name": f"Q{n}"})
        askers.append(await Client.connect(server.ws_url, person["token"]))
    for n in range(8):
        await askers[n % 3].call("qa.ask", {"session": SESSION, "text": f"Question {n}: what "
                                            "about the buses of the smaller cities?"})
    for text in ("Lunch at 13:00", "Headsets at the desk", "Wifi: rencontre / 2026"):
        await organiser.call("announcement.post", {"text": text, "room": SESSION})
    poll = await organiser.call("poll.create", {
        "session": SESSION, "question": "Which line first?",
        "options": [f"Line {n}" for n in range(1, 7)]})
    await organiser.call("poll.open", {"poll": poll["id"]})

    phone = await new_page(has_touch=True)
    await phone.set_viewport_size({"width": 390, "height": 844})
    await phone.goto(server.attendee_link)
    await phone.goto(f"{server.url}/live/{SESSION}")
    await connected(phone)
    tabs = phone.get_by_role("tablist", name="Questions and polls")
    await expect(tabs).to_be_visible()
    questions_tab = tabs.get_by_role("tab", name=re.compile("^Questions"))
    polls_tab = tabs.get_by_role("tab", name=re.compile("^Polls"))
    await expect(questions_tab).to_have_attribute("aria-selected", "true")
    await expect(polls_tab.locator(".tab-mark")).to_have_text("open")
    await expect(questions_tab).to_contain_text("(8)")
    # The latest announcement shows, the others on demand.
    await expect(phone.locator("#announcements > li:visible")).to_have_count(1)
    await expect(phone.get_by_role("button", name="All announcements (3)")).to_be_visible()
    await screenshot(phone, "live-phone-top")
    box = await tabs.bounding_box()
    assert box["y"] + box["height"] <= 844, box
    # Questions first: the ask form starts on the first screen; the poll waits in its tab.
    await expect(phone.locator("#panel-polls")).to_be_hidden()
    await expect(phone.locator("#ask-title")).to_be_in_viewport()
    await screenshot(phone, "live-phone-questions")
    await polls_tab.click()
    await expect(phone.locator("#panel-questions")).to_be_hidden()
    await expect(phone.locator("#poll-open")).to_be_visible()
    await expect(phone.locator("#polls-title")).to_be_in_viewport()
    await expect(polls_tab.locator(".tab-mark")).to_be_hidden()
    await screenshot(phone, "live-phone-polls")
    # The keyboard moves between the tabs too.
    await polls_tab.focus()
    await phone.keyboard.press("ArrowLeft")
    await expect(questions_tab).to_be_focused()
    await expect(phone.locator("#panel-questions")).to_be_visible()

    # On a wide screen both show, one after the other, without tabs.
    await phone.set_viewport_size({"width": 1100, "height": 900})
    await expect(tabs).to_be_hidden()
    await expect(phone.locator("#panel-polls")).to_be_visible()
    await expect(phone.locator("#panel-questions")).to_be_visible()
    assert not page_errors, page_errors


async def test_opening_a_poll_asks_before_it_replaces_the_question_on_stage(
        start_server, new_page, page_errors) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("session.start", {"session": SESSION})
    asked = await organiser.call("qa.ask", {"session": SESSION, "text": "Who pays for the tram?"})
    await organiser.call("qa.approve", {"question": asked["id"]})
    await organiser.call("qa.highlight", {"session": SESSION, "question": asked["id"]})
    await organiser.call("poll.create", {"session": SESSION, "question": "Tram or bus?",
                                         "options": ["Tram", "Bus"]})
    stage = await new_page()
    await stage.goto(f"{server.url}/stage/plenaria")
    await expect(stage.locator("#stage")).to_have_attribute("data-mode", "highlight")
    moderator = await new_page()
    await sign_in_moderator(moderator, server)
    await moderator.goto(f"{server.url}/moderator/sessions/{SESSION}")
    await connected(moderator)
    item = moderator.locator(".poll-item").filter(has_text="Tram or bus?")
    questions: list[str] = []

    async def answer(dialog, accept: bool) -> None:
        questions.append(dialog.message)
        await (dialog.accept() if accept else dialog.dismiss())

    # Cancelled: the question stays on stage, the poll stays a draft.
    moderator.once("dialog", lambda dialog: asyncio.ensure_future(answer(dialog, False)))
    await item.get_by_role("button", name="Open the poll").click()
    for _ in range(100):
        if questions:
            break
        await asyncio.sleep(0.05)
    assert questions[0] == ("“Who pays for the tram?” is on the stage display. "
                            "The poll will replace it there. Go on?")
    await expect(item.locator(".mark-poll-draft")).to_be_visible()
    await expect(stage.locator("#stage")).to_have_attribute("data-mode", "highlight")
    # Confirmed: the poll opens and takes the stage.
    moderator.once("dialog", lambda dialog: asyncio.ensure_future(answer(dialog, True)))
    await item.get_by_role("button", name="Open the poll").click()
    await expect(item.locator(".mark-poll-open")).to_be_visible()
    await expect(stage.locator("#stage")).to_have_attribute("data-mode", "poll")
    assert len(questions) == 2
    assert not page_errors, page_errors


async def test_the_page_uses_the_websocket_its_head_opened_and_misses_nothing(
        start_server, new_page, page_errors) -> None:
    """On a slow network the hello and the join are answered while the page is still read:
    the page's first lines open the websocket and say them; the modules, which run once the
    page is read, take that socket over, with the answers and the pushes that came
    meanwhile, in order."""
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("session.start", {"session": SESSION})
    await publish(organiser, "In the snapshot?")
    page = await new_page()
    sockets, sent, hellos = [], [], []
    joined, pushed = asyncio.Event(), asyncio.Event()

    def heard(frame: str) -> None:
        message = json.loads(frame)
        if "Heard while loading?" in frame:
            pushed.set()
        if message.get("id") == "hello":
            hellos.append(message)
        if message.get("id") == "join":
            joined.set()

    def watch(ws) -> None:
        sockets.append(ws)
        ws.on("framesent", lambda frame: sent.append(json.loads(frame)))
        ws.on("framereceived", heard)

    page.on("websocket", watch)

    # A slow network: the page (its modules at the end) takes seconds to arrive, its head
    # (which opens the websocket) comes first.
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")
    await cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": 10_000,
        "uploadThroughput": 1_000_000})
    await page.goto(f"{server.url}/live/{SESSION}", wait_until="commit")
    await asyncio.wait_for(joined.wait(), 10)
    # A question asked after the join was answered, before the page's modules run.
    await publish(organiser, "Heard while loading?")
    await asyncio.wait_for(pushed.wait(), 10)
    assert await page.evaluate("document.readyState") == "loading"
    await connected(page)
    # Once each: the first from the join's snapshot, the second from a push the socket kept.
    await expect(page.locator("#questions > li .q-text")).to_have_text(
        ["In the snapshot?", "Heard while loading?"])
    await expect(page.locator("#ask-fields")).to_be_enabled()
    # One socket, whose address asked for the hello and the join: no frame asks again.
    assert len(sockets) == 1 and f"join={SESSION}" in sockets[0].url
    assert not [message for message in sent if message["type"] in ("auth.hello", "room.join")]
    # Of the programme, the page got its own session only.
    assert [s["id"] for s in hellos[0]["result"]["programme"]["sessions"]] == [SESSION]
    assert not page_errors, page_errors
    await organiser.close()


async def publish(moderator: Client, text: str) -> None:
    question = await moderator.call("qa.ask", {"session": SESSION, "text": text})
    await moderator.call("qa.approve", {"question": question["id"]})


async def test_the_session_started_is_on_now_whatever_the_clock_says(
        start_server, new_page, page_errors) -> None:
    """Home's and the agenda's "Now" name the session staff started, not another one of the
    room that its times say is running (started late, or early)."""
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    now = datetime.now(UTC)
    # The opening runs by the clock right now; the next session of the hall is started.
    await organiser.call("session.edit", {
        "session": SESSION, "start": (now - timedelta(minutes=30)).isoformat(),
        "end": (now + timedelta(minutes=60)).isoformat(), "force": True})
    await organiser.call("session.start", {"session": "s02"})
    page = await new_page()
    await page.goto(server.attendee_link)
    await connected(page)
    hall = page.locator("#now-next .room").filter(has_text="Plenary hall Teatro")
    await expect(hall.get_by_role("link", name=re.compile("^Join live: "))).to_have_attribute(
        "aria-label", "Join live: The tram as a backbone")
    await page.goto(f"{server.url}/agenda")
    await connected(page)
    agenda_hall = page.locator(".agenda-now-next .room").filter(has_text="Plenary hall Teatro")
    await expect(agenda_hall.locator("p").first).to_contain_text("The tram as a backbone")
    assert not page_errors, page_errors
    await organiser.close()
