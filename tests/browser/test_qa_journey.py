"""Live Q&A in real browsers: attendee A asks, the moderator approves and highlights,
attendee B sees it and upvotes, the stage display shows it with the new count.

Four browser contexts (A on a phone-sized screen, B, the moderator, the stage at
1920×1080) on one ``rencontre serve --demo`` in a child process. The question
carries markup, which must show as text everywhere.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.pages import connected, sign_in_moderator
from tests.integration.wsclient import Client

pytestmark = pytest.mark.browser

QUESTION = "<img src=x onerror=alert(1)> Will the tram reach the airport?"
SESSION = "s01"  # "Opening: cities meeting cities", in the plenary hall
TITLE = "Opening: cities meeting cities"


def watch_dialogs(page: Page, dialogs: list[str]) -> None:
    """An alert() would mean the question ran as HTML; confirm() is answered yes."""

    async def handle(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.accept()

    page.on("dialog", handle)


async def no_markup(page: Page) -> None:
    await expect(page.locator("main img")).to_have_count(0)


async def test_ask_approve_highlight_upvote_and_stage(start_server, new_page, page_errors,
                                                      screenshot) -> None:
    server = start_server()
    dialogs: list[str] = []
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    # B is a second attendee, with a personal link of her own.
    beatriz = await organiser.call("access.grant", {"role": "attendee", "name": "Beatriz"})
    # The session goes live: its Q&A opens by itself and the stage follows it.
    await organiser.call("session.start", {"session": SESSION})

    stage = await new_page()
    await stage.set_viewport_size({"width": 1920, "height": 1080})
    watch_dialogs(stage, dialogs)
    await stage.goto(f"{server.url}/stage/plenaria")
    await expect(stage.locator("#stage-title")).to_have_text(TITLE)
    await expect(stage.locator("#stage-url")).to_have_text(
        f"127.0.0.1:{server.port}/live/{SESSION}")
    # Phones in the room scan the live page's address from the screen.
    await expect(stage.locator("#stage-qr svg title")).to_have_text(
        f"QR code of {server.url}/live/{SESSION}")
    await expect(stage.locator("#stage")).to_have_attribute("data-mode", "waiting")

    # A, on a phone: the personal link signs in, then the session's live page.
    a = await new_page(has_touch=True)
    await a.set_viewport_size({"width": 390, "height": 844})
    watch_dialogs(a, dialogs)
    await a.goto(server.attendee_link)
    await expect(a).to_have_url(f"{server.url}/")
    await a.goto(f"{server.url}/live/{SESSION}")
    await connected(a)
    await expect(a.get_by_role("heading", level=1)).to_have_text(TITLE)
    await expect(a.locator("#l-state")).to_have_text("Questions are open.")
    await expect(a.locator("#anon-row")).to_be_visible()  # the demo event allows it
    await expect(a.get_by_label("Language of the question")).to_have_value("en")
    await a.get_by_label("Your question").fill(QUESTION)
    await expect(a.locator("#ask-used")).to_have_text(str(len(QUESTION)))
    await a.get_by_role("button", name="Send the question").click()
    await expect(a.locator("#ask-status")).to_have_text(
        "Thank you! Your question is waiting for moderation.")
    await expect(a.get_by_label("Your question")).to_have_value("")
    mine = a.locator("#mine > li")
    await expect(mine.locator(".q-text")).to_have_text([QUESTION])
    await expect(mine.locator(".q-marks")).to_have_text("Waiting for moderation")
    await expect(a.locator("#questions > li")).to_have_count(0)

    # B: nothing to see while the question waits for moderation.
    b = await new_page()
    watch_dialogs(b, dialogs)
    await b.goto(f"{server.url}/a/{beatriz['token']}")
    await b.goto(f"{server.url}/live/{SESSION}")
    await connected(b)
    await expect(b.locator("#q-empty")).to_be_visible()

    # The moderator finds the session in the control panel, approves and highlights.
    m = await new_page()
    watch_dialogs(m, dialogs)
    await sign_in_moderator(m, server)
    sessions = m.locator("#qa-sessions")
    await expect(sessions.get_by_role("link", name=TITLE)).to_be_visible()
    await expect(sessions.locator("li", has_text=TITLE)).to_contain_text("1 waiting")
    await sessions.get_by_role("link", name=TITLE).click()
    await expect(m).to_have_url(f"{server.url}/moderator/sessions/{SESSION}")
    await connected(m)
    await expect(m.locator("#m-open")).to_have_text("Questions are open.")
    await expect(m.get_by_label("Automatic: while the session is live")).to_be_checked()
    await expect(m.get_by_label("Pre-moderation: approve each question before it is shown")
                 ).to_be_checked()
    queue = m.locator("#m-queue > li")
    await expect(queue.locator(".q-text")).to_have_text([QUESTION])
    await expect(queue.locator(".who")).to_have_text(["Demo attendee"])
    await queue.get_by_role("button", name="Approve").click()
    await expect(queue).to_have_count(0)
    published = m.locator("#m-approved > li")
    await expect(published.locator(".q-text")).to_have_text([QUESTION])
    await published.get_by_role("button", name="Show on stage").click()
    await expect(published.get_by_role("button", name="Remove from stage")).to_be_visible()
    await expect(m.locator("#m-stage-text q")).to_have_text(QUESTION)

    # A sees it published and on stage.
    await expect(mine.locator(".q-marks")).to_have_text("Approved")
    listed = a.locator("#questions > li")
    await expect(listed.locator(".q-text")).to_have_text([QUESTION])
    await expect(listed.locator(".mark-stage")).to_have_text("On stage now")

    # B sees it and upvotes.
    on_b = b.locator("#questions > li")
    await expect(on_b.locator(".q-text")).to_have_text([QUESTION])
    await expect(on_b.locator(".mark-stage")).to_have_text("On stage now")
    await expect(on_b.locator(".who")).to_have_text("Demo attendee")
    await on_b.get_by_role("button", name="Upvote (0)").click()
    upvoted = on_b.get_by_role("button", name="Upvote (1)")
    await expect(upvoted).to_have_attribute("aria-pressed", "true")

    # The stage shows the highlighted question with its asker and the new count.
    await expect(stage.locator("#stage")).to_have_attribute("data-mode", "highlight")
    await expect(stage.locator(".stage-question")).to_have_text(QUESTION)
    await expect(stage.locator(".stage-asker")).to_have_text("Demo attendee")
    await expect(stage.locator(".stage-votes")).to_have_text("▲ 1 vote")
    # Everyone else sees the count too.
    await expect(listed.get_by_role("button", name="Upvote (1)")).to_have_attribute(
        "aria-pressed", "false")
    await expect(published.locator(".votes")).to_have_text("1 vote")

    # The moderator clears the stage: it shows the top questions instead.
    await published.get_by_role("button", name="Remove from stage").click()
    await expect(stage.locator("#stage")).to_have_attribute("data-mode", "top")
    await expect(stage.locator(".stage-list li")).to_have_count(1)
    await expect(stage.locator(".stage-list .stage-text")).to_have_text(QUESTION)
    await expect(stage.locator(".stage-list .n")).to_have_text("1")
    await expect(on_b.locator(".mark-stage")).to_have_count(0)

    # B takes the vote back; every page follows.
    await upvoted.click()
    await expect(on_b.get_by_role("button", name="Upvote (0)")).to_have_attribute(
        "aria-pressed", "false")
    await expect(stage.locator(".stage-list .n")).to_have_text("0")

    for page in (a, b, m, stage):
        await no_markup(page)
    await published.get_by_role("button", name="Show on stage").click()
    await expect(stage.locator(".stage-question")).to_have_text(QUESTION)
    await screenshot(a, "qa-live-phone")
    await screenshot(m, "qa-moderator-session")
    await screenshot(stage, "qa-stage")
    assert not dialogs, dialogs
    assert not page_errors, page_errors
    await organiser.close()


async def test_attendee_page_follows_the_session_and_explains_refusals(
        start_server, new_page, page_errors, screenshot) -> None:
    server = start_server()
    dialogs: list[str] = []
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    session = "s02"

    # In French: the state, the errors and the marks come in the viewer's language.
    page = await new_page(locale="fr-FR")
    await page.set_viewport_size({"width": 390, "height": 844})
    watch_dialogs(page, dialogs)
    await page.goto(server.attendee_link)
    await page.goto(f"{server.url}/live/{session}")
    await connected(page)
    state = page.locator("#l-state")
    await expect(state).to_have_attribute("data-open", "false")
    await expect(page.locator("#ask-text")).to_be_hidden()

    # A moderator opens the questions in the panel: the page follows without a reload.
    moderator = await new_page()
    await sign_in_moderator(moderator, server)
    await moderator.goto(f"{server.url}/moderator/sessions/{session}")
    await connected(moderator)
    await moderator.get_by_label("Open now").check()
    await moderator.get_by_label("Pre-moderation: approve each question before it is shown"
                                 ).uncheck()
    await expect(state).to_have_attribute("data-open", "true")
    await expect(page.locator("#ask-text")).to_be_visible()
    await expect(page.locator("#ask-text")).to_be_enabled()
    await expect(page.get_by_label("Langue de la question")).to_have_value("fr")

    box = page.locator("#ask-text")
    send = page.locator("#ask-submit")
    await box.fill("Première question ?")
    await page.locator("#anon-row input").check()
    await send.click()
    listed = page.locator("#questions > li")
    await expect(listed.locator(".q-text")).to_have_text(["Première question ?"])
    await expect(listed.locator(".who")).not_to_have_text("Demo attendee")
    for n in (2, 3):
        await expect(box).to_have_value("")  # the answer to the last one emptied the box
        await box.fill(f"Question {n}")
        await send.click()
        await expect(listed).to_have_count(n)
    # The push can overtake the answer: the box empties once the third is answered.
    await expect(box).to_have_value("")
    # The fourth in a minute is refused, with the wait in French.
    await box.fill("Encore une")
    await send.click()
    status = page.locator("#ask-status")
    await expect(status).to_have_class("ask-status error")
    await expect(status).to_have_text(re.compile(
        r"^Erreur\s?: Vous venez de poser plusieurs questions\s?; réessayez dans \d+\ss\.$"))
    await expect(send).to_have_text(re.compile(r"\d+\ss$"))
    await expect(send).to_be_disabled()
    await expect(box).to_have_value("Encore une")

    # Sort by time: the newest first; by votes: the voted one first.
    await listed.filter(has_text="Question 2").get_by_role("button").click()
    await page.locator("[data-sort=time]").click()
    await expect(page.locator("[data-sort=time]")).to_have_attribute("aria-pressed", "true")
    await expect(listed.locator(".q-text")).to_have_text(
        ["Question 3", "Question 2", "Première question ?"])
    await page.locator("[data-sort=votes]").click()
    await expect(listed.locator(".q-text")).to_have_text(
        ["Question 2", "Première question ?", "Question 3"])

    # Withdraw my own question: it leaves both lists, the focus stays in the page.
    mine = page.locator("#mine > li")
    await expect(mine).to_have_count(3)
    await mine.filter(has_text="Question 3").locator(".withdraw").click()
    await expect(mine).to_have_count(2)
    await expect(listed).to_have_count(2)
    assert await page.evaluate("document.activeElement !== document.body")

    # The moderator marks one answered and replies; the session then ends: closed.
    published = moderator.locator("#m-approved > li")
    first = published.filter(has_text="Question 2")
    await first.get_by_role("button", name="Answered").click()
    await first.locator("details.reply summary").click()
    await first.locator("details.reply textarea").fill("Oui, en <b>2026</b>")
    await first.get_by_role("button", name="Save the reply").click()
    answered = listed.filter(has_text="Question 2")
    await expect(answered.locator(".mark-answered")).to_be_visible()
    await expect(answered.locator(".q-reply")).to_contain_text("Oui, en <b>2026</b>")
    await screenshot(page, "qa-live-phone-fr")
    await moderator.get_by_label("Automatic: while the session is live").check()
    await expect(state).to_have_attribute("data-open", "false")
    stage = await new_page()
    await stage.set_viewport_size({"width": 1920, "height": 1080})
    await stage.goto(f"{server.url}/stage/plenaria")
    await connected(stage)
    await organiser.call("session.start", {"session": session})
    await expect(state).to_have_attribute("data-open", "true")
    # The stage follows the live session: its unanswered questions, most votes first.
    await expect(stage.locator("#stage-title")).to_have_text("The tram as a backbone")
    await expect(stage.locator(".stage-list .stage-text")).to_have_text(["Première question ?"])
    await organiser.call("session.end", {"session": session})
    await expect(state).to_have_attribute("data-open", "false")
    await expect(stage.locator("#stage-title")).not_to_have_text("The tram as a backbone")
    await expect(page.locator("#ask-text")).to_be_hidden()
    await expect(moderator.locator("#m-open")).to_have_attribute("data-open", "false")
    await expect(page.locator("main b")).to_have_count(0)
    assert not dialogs, dialogs
    assert not page_errors, page_errors
    await organiser.close()
