"""The live page and its ways in, in real browsers: home's "Join live", announcements and
schedule changes arriving live, the verdict on one's own question, the phone layout, times
with their zone.

One ``rencontre serve --demo`` in a child process per test; the organiser acts over a
websocket of its own (``tests/integration/wsclient.py``).
"""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.pages import connected
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
