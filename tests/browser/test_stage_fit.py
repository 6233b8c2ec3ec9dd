"""The stage display keeps its QR/join footer on screen: at 1920x1080, 1280x720 and 1024x768,
with a 10-option poll or a 500-character question on stage and an announcement showing,
the content shrinks to fit and the footer's box stays inside the viewport."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.integration.wsclient import Client, pair

pytestmark = pytest.mark.browser

SESSION = "s01"
SIZES = [(1920, 1080), (1280, 720), (1024, 768)]
OPTIONS = [f"Option {n}: a tram line from the station to the new university campus"
           for n in range(1, 11)]
LONG = ("What would the network need, concretely, for a city of half a million people to "
        "share its tram and bus data with the others in real time, in an open format, "
        "without a private platform in between, and how would the smaller member cities, "
        "which have no data team at all, take part on an equal footing with the capitals "
        "that already publish everything, including the budgets and the maintenance plans "
        "of every line, every depot and every vehicle? And who would pay for the servers, "
        "the people and the training over the years?")[:500]

LAYOUT = """
() => {
  const box = (id) => document.getElementById(id).getBoundingClientRect().toJSON();
  const body = document.getElementById("stage-body");
  return {
    footer: box("stage-join"), qr: box("stage-qr"), body: box("stage-body"),
    overflow: body.scrollHeight - body.clientHeight,
    fit: Number(getComputedStyle(body).getPropertyValue("--fit")),
    width: innerWidth, height: innerHeight,
    scrolled: document.scrollingElement.scrollHeight - innerHeight,
  };
}
"""


async def check_layout(page: Page, width: int, height: int, what: str) -> None:
    await page.set_viewport_size({"width": width, "height": height})
    await page.wait_for_timeout(150)  # a frame for the resize's refit
    layout = await page.evaluate(LAYOUT)
    footer, qr = layout["footer"], layout["qr"]
    where = f"{what} at {width}x{height}: {layout}"
    assert footer["top"] >= 0 and footer["left"] >= 0, where
    assert footer["bottom"] <= height and footer["right"] <= width, where
    assert qr["bottom"] <= height and qr["right"] <= width, where
    assert layout["overflow"] <= 1, where  # the body's content fits, nothing cut
    assert layout["scrolled"] <= 0, where
    if height >= 720:
        assert qr["width"] >= 200 and qr["height"] >= 200, where


async def test_the_join_footer_stays_on_screen(start_server, new_page, page_errors,
                                               screenshot) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("session.start", {"session": SESSION})
    await organiser.call("announcement.post", {
        "room": SESSION, "text": "The coffee break moves to the patio at 11:00; interpretation "
                                 "headsets are at the desk by the main door."})
    stage = await new_page()
    await stage.goto(f"{server.url}/stage/plenaria")
    await expect(stage.locator("#stage")).to_have_attribute("data-mode", "waiting")
    await expect(stage.locator("#stage-join")).to_be_visible()
    await expect(stage.locator("#stage-announcement")).to_be_visible()

    # The hall sees its remote half: one delegate at the door, one following online.
    occupancy = stage.locator("#stage-occupancy")
    await expect(occupancy).to_be_hidden()
    person = await organiser.call("attendance.register", {"name": "Amadou Diallo"})
    kiosk = await pair(server.ws_url, organiser, "Teatro door")
    await kiosk.call("entry.scan", {"badge": person["badge"], "session": SESSION, "force": True})
    await expect(occupancy).to_have_text("1 in the hall · 0 following online")
    remote = await Client.connect(server.ws_url, server.attendee_token)
    await remote.call("room.join", {"room": SESSION})
    await expect(occupancy).to_have_text("1 in the hall · 1 following online")

    poll = await organiser.call("poll.create", {
        "session": SESSION, "question": "Which line should the network fund first, given "
                                        "the budget agreed by the member cities last year?",
        "options": OPTIONS})
    await organiser.call("poll.open", {"poll": poll["id"]})
    await expect(stage.locator("#stage")).to_have_attribute("data-mode", "poll")
    await expect(stage.locator(".stage-poll .poll-result")).to_have_count(10)
    for width, height in SIZES:
        await check_layout(stage, width, height, "10-option poll")
        await screenshot(stage, f"stage-poll-{width}x{height}")

    await organiser.call("poll.show", {"session": SESSION})
    asked = await organiser.call("qa.ask", {"session": SESSION, "text": LONG})
    await organiser.call("qa.approve", {"question": asked["id"]})
    await organiser.call("qa.highlight", {"session": SESSION, "question": asked["id"]})
    await expect(stage.locator("#stage")).to_have_attribute("data-mode", "highlight")
    assert len(LONG) == 500
    await expect(stage.locator(".stage-question")).to_have_text(LONG)
    for width, height in SIZES:
        await check_layout(stage, width, height, "500-character question")
        await screenshot(stage, f"stage-question-{width}x{height}")
    assert not page_errors, page_errors
