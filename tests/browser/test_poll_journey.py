"""Live polls in real browsers: the moderator prepares a poll and opens it, attendees A
and B vote, the stage display shows the exact counts, the moderator closes it and
everyone sees the final results.

Four browser contexts (A on a phone-sized screen, B, the moderator, the stage at
1920×1080) on one ``rencontre serve --demo`` in a child process. The poll's texts carry
markup, which must show as text everywhere.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.pages import connected, sign_in_moderator
from tests.integration.wsclient import Client

pytestmark = pytest.mark.browser

SESSION = "s01"  # "Opening: cities meeting cities", in the plenary hall
QUESTION = "Which <b>line</b> should open first?"
OPTIONS = ["Tram to the airport", "Bus <i>rapid</i> transit", "Cable car"]


async def no_markup(page: Page) -> None:
    await expect(page.locator("main b, main i")).to_have_count(0)


def result(scope, option: str):
    """The result row of one option."""
    return scope.locator(".poll-result").filter(
        has=scope.page.locator(".poll-option-text", has_text=re.compile(f"^{re.escape(option)}$")))


async def expect_counts(scope, counts: list[str], percents: list[str]) -> None:
    await expect(scope.locator(".poll-count")).to_have_text(counts)
    await expect(scope.locator(".poll-percent")).to_have_text(percents)


async def test_prepare_open_vote_change_stage_close(start_server, new_page, page_errors,
                                                    screenshot) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    beatriz = await organiser.call("access.grant", {"role": "attendee", "name": "Beatriz"})
    # The session goes live: the stage display follows it.
    await organiser.call("session.start", {"session": SESSION})

    stage = await new_page()
    await stage.set_viewport_size({"width": 1920, "height": 1080})
    await stage.goto(f"{server.url}/stage/plenaria")
    await expect(stage.locator("#stage")).to_have_attribute("data-mode", "waiting")

    # A on a phone, B in a browser: no poll yet, so no polls section.
    a = await new_page(has_touch=True)
    await a.set_viewport_size({"width": 390, "height": 844})
    await a.goto(server.attendee_link)
    await a.goto(f"{server.url}/live/{SESSION}")
    await connected(a)
    b = await new_page()
    await b.goto(f"{server.url}/a/{beatriz['token']}")
    await b.goto(f"{server.url}/live/{SESSION}")
    await connected(b)
    await expect(a.locator("#questions-title")).to_be_visible()
    await expect(a.locator("#polls-section")).to_be_hidden()

    # The moderator prepares the poll: a draft, which attendees do not see.
    m = await new_page()
    await sign_in_moderator(m, server)
    await m.goto(f"{server.url}/moderator/sessions/{SESSION}")
    await connected(m)
    await expect(m.locator("#polls-empty")).to_be_visible()
    await m.get_by_role("button", name="Prepare the poll").click()
    await expect(m.locator("#poll-new-status")).to_have_text("Write the question first.")
    await m.get_by_label("Poll question").fill(QUESTION)
    await m.get_by_label("Answers, one per line").fill(OPTIONS[0])
    await m.get_by_role("button", name="Prepare the poll").click()
    await expect(m.locator("#poll-new-status")).to_have_text(
        "Write between 2 and 10 answers, one per line.")
    await m.get_by_label("Answers, one per line").fill("\n".join(OPTIONS) + "\n\n")
    await expect(m.get_by_label("Live, while the poll is open")).to_be_checked()
    await m.get_by_role("button", name="Prepare the poll").click()
    await expect(m.locator("#poll-new-status")).to_have_text(
        "Poll prepared: open it when the room is ready.")
    await expect(m.get_by_label("Poll question")).to_have_value("")
    item = m.locator("#m-polls > li")
    await expect(item).to_have_count(1)
    await expect(item.locator(".poll-question")).to_have_text(QUESTION)
    await expect(item.locator(".mark-poll-draft")).to_have_text("Draft")
    await expect(item.locator(".poll-option-text")).to_have_text(OPTIONS)
    await expect(item.get_by_role("button", name="Show on stage")).to_be_hidden()
    await expect(a.locator("#polls-section")).to_be_hidden()

    # Opening it puts it on every phone and on the stage.
    await item.get_by_role("button", name="Open the poll").click()
    await expect(item.locator(".mark-poll-open")).to_have_text("Voting open")
    await expect(item.locator(".mark-stage")).to_have_text("On stage now")
    await expect(m.locator("#m-stage-text")).to_have_text(f"Poll: {QUESTION}")
    await expect(stage.locator("#stage")).to_have_attribute("data-mode", "poll")
    await expect(stage.locator(".stage-poll-question")).to_have_text(QUESTION)
    await expect_counts(stage, ["0 votes"] * 3, ["0%"] * 3)
    await expect(a.locator("#poll-news")).to_have_text(f"A poll is open: {QUESTION}")
    # On her phone the questions and the polls are two tabs: she opens the polls.
    polls_tab = a.get_by_role("tab", name=re.compile("^Polls"))
    await expect(polls_tab).to_contain_text("open")
    await polls_tab.click()

    poll_a = a.locator("#poll-open form")
    await expect(poll_a.locator("legend .poll-question")).to_have_text(QUESTION)
    await expect(poll_a.locator("legend")).to_contain_text("Choose one answer.")
    await expect(poll_a.locator("input[type=radio]")).to_have_count(3)
    await expect(a.locator("#poll-none")).to_be_hidden()

    # A votes "Tram"; her choice stays marked.
    await poll_a.get_by_role("button", name="Vote", exact=True).click()
    await expect(poll_a.locator(".poll-status")).to_have_text("Choose an answer first.")
    await poll_a.get_by_label(OPTIONS[0]).check()
    await poll_a.get_by_role("button", name="Vote", exact=True).click()
    await expect(poll_a.locator(".poll-status")).to_have_text("Thank you! Your vote is counted.")
    await expect(poll_a.get_by_label(OPTIONS[0])).to_be_checked()
    await expect(poll_a.get_by_label(OPTIONS[0])).to_be_disabled()
    await expect(poll_a.locator(".poll-choice.mine label")).to_have_text([OPTIONS[0]])
    await expect(result(poll_a, OPTIONS[0]).locator(".mark-own")).to_be_visible()
    await expect(poll_a.get_by_role("button", name="Change my vote")).to_be_visible()

    # B votes "Bus", then changes her mind: her second vote replaces the first.
    poll_b = b.locator("#poll-open form")
    await poll_b.get_by_label(OPTIONS[1]).check()
    await poll_b.get_by_role("button", name="Vote", exact=True).click()
    await expect(poll_b.locator(".poll-status")).to_have_text("Thank you! Your vote is counted.")
    await expect_counts(stage, ["1 vote", "1 vote", "0 votes"], ["50%", "50%", "0%"])
    await poll_b.get_by_role("button", name="Change my vote").click()
    await expect(poll_b.get_by_label(OPTIONS[1])).to_be_focused()
    await poll_b.get_by_label(OPTIONS[0]).check()
    await poll_b.get_by_role("button", name="Save my new vote").click()
    await expect(poll_b.locator(".poll-choice.mine label")).to_have_text([OPTIONS[0]])

    # Exact counts everywhere: two ballots, both for the tram.
    await expect_counts(stage, ["2 votes", "0 votes", "0 votes"], ["100%", "0%", "0%"])
    await expect(stage.locator(".stage-poll-total")).to_have_text("2 ballots")
    await expect(stage.locator(".stage-poll-state")).to_have_text("Vote now on your phone")
    await expect_counts(poll_a, ["2 votes", "0 votes", "0 votes"], ["100%", "0%", "0%"])
    await expect(poll_a.locator(".poll-total")).to_have_text("2 ballots")
    await expect_counts(item, ["2 votes", "0 votes", "0 votes"], ["100%", "0%", "0%"])
    await expect(item.locator(".poll-total")).to_have_text("2 ballots")
    await screenshot(a, "poll-live-phone")
    await screenshot(stage, "poll-stage")

    # The moderator closes the poll: final results on the phones and on the stage.
    await item.get_by_role("button", name="Close the poll").click()
    await expect(item.locator(".mark-poll-closed")).to_have_text("Voting closed")
    await expect(item.get_by_role("button", name="Reopen the poll")).to_be_visible()
    for page in (a, b):
        await expect(page.locator("#poll-open form")).to_have_count(0)
        await expect(page.locator("#poll-none")).to_be_visible()
        closed = page.locator("#polls-closed > li")
        await expect(closed).to_have_count(1)
        await expect(closed.locator(".poll-question")).to_have_text(QUESTION)
        await expect(closed.locator(".poll-total")).to_have_text("Final results · 2 ballots")
        await expect_counts(closed, ["2 votes", "0 votes", "0 votes"], ["100%", "0%", "0%"])
        await expect(result(closed, OPTIONS[0])).to_have_class(re.compile(r"\bleads\b"))
    await expect(a.locator("#poll-news")).to_have_text("The poll is closed: here are the results.")
    await expect(stage.locator(".stage-poll-state")).to_have_text("Final results")
    await expect_counts(stage, ["2 votes", "0 votes", "0 votes"], ["100%", "0%", "0%"])
    await screenshot(b, "poll-closed")
    await screenshot(m, "poll-moderator")

    # Off the stage: back to the Q&A.
    await item.get_by_role("button", name="Remove from stage").click()
    await expect(stage.locator("#stage")).to_have_attribute("data-mode", "waiting")
    await expect(item.locator(".mark-stage")).to_have_count(0)

    for page in (a, b, m, stage):
        await no_markup(page)
    assert not page_errors, page_errors
    await organiser.close()


async def test_results_kept_for_the_end_and_several_answers(start_server, new_page,
                                                            page_errors) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("session.start", {"session": SESSION})
    moderator = await Client.connect(server.ws_url, server.moderator_token)
    created = await moderator.call("poll.create", {
        "session": SESSION, "question": "What brought you here?",
        "options": ["Work", "Curiosity", "Friends"], "multiple": True, "results": "closed"})

    stage = await new_page()
    await stage.set_viewport_size({"width": 1920, "height": 1080})
    await stage.goto(f"{server.url}/stage/plenaria")
    await connected(stage)
    # In Spanish: the poll's words come in the viewer's language.
    a = await new_page(locale="es-MX")
    await a.set_viewport_size({"width": 390, "height": 844})
    await a.goto(server.attendee_link)
    await a.goto(f"{server.url}/live/{SESSION}")
    await connected(a)

    await moderator.call("poll.open", {"poll": created["id"]})
    await a.get_by_role("tab", name=re.compile("^Encuestas")).click()
    form = a.locator("#poll-open form")
    await expect(form.locator("input[type=checkbox]")).to_have_count(3)
    await expect(form.locator("legend")).to_contain_text("Elige una o más respuestas.")
    later = "Los resultados se mostrarán cuando cierre la encuesta."
    await expect(form.locator(".poll-later")).to_have_text(later)
    await expect(stage.locator(".stage-poll-later")).to_have_text(
        "Results will be shown when the poll closes.")
    await form.get_by_label("Work").check()
    await form.get_by_label("Friends").check()
    await form.get_by_role("button", name="Votar").click()
    await expect(form.locator(".poll-choice.mine label")).to_have_text(["Work", "Friends"])
    await expect(form.locator(".poll-results")).to_be_hidden()
    await expect(form.locator(".poll-later")).to_have_text(later)

    # Taking the vote back opens the form again, with nothing chosen.
    await form.get_by_role("button", name="Retirar mi voto").click()
    await expect(form.locator(".poll-status")).to_have_text("Se retiró tu voto.")
    await expect(form.locator("input:checked")).to_have_count(0)
    await form.get_by_label("Curiosity").check()
    await form.get_by_role("button", name="Votar").click()
    await expect(form.locator(".poll-choice.mine label")).to_have_text(["Curiosity"])

    await moderator.call("poll.close", {"poll": created["id"]})
    closed = a.locator("#polls-closed > li")
    await expect(closed.locator(".poll-count")).to_have_text(["0 votos", "1 voto", "0 votos"])
    await expect(stage.locator(".poll-count")).to_have_text(["0 votes", "1 vote", "0 votes"])
    await expect(stage.locator(".stage-poll-total")).to_have_text("1 ballot")
    assert not page_errors, page_errors
    await moderator.close()
    await organiser.close()
