"""The agenda grid in a real browser: no card clips its own badges or text, in French
(the longest badges) as in English, and the last card of a day is whole."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.browser.pages import connected
from tests.integration.wsclient import Client

pytestmark = pytest.mark.browser

# Every card of the shown day whose content overflows its box, or whose badges stick out.
CLIPPED = """
() => {
  const wrap = document.querySelector(".grid-wrap");
  const body = document.querySelector(".grid-body").getBoundingClientRect();
  const out = [];
  for (const card of document.querySelectorAll(".column .session")) {
    const box = card.getBoundingClientRect();
    const name = card.dataset.session;
    if (card.scrollHeight > card.clientHeight + 1) {
      out.push(`${name}: content ${card.scrollHeight}px in ${card.clientHeight}px`);
    }
    for (const badge of card.querySelectorAll(".badge")) {
      const b = badge.getBoundingClientRect();
      if (b.bottom > box.bottom + 0.5 || b.right > box.right + 0.5 || b.top < box.top - 0.5) {
        out.push(`${name}: badge “${badge.textContent}” outside its card`);
      }
    }
    if (box.bottom > body.bottom + 0.5) out.push(`${name}: below the grid`);
  }
  if (wrap.scrollHeight > wrap.clientHeight + 1 && getComputedStyle(wrap).overflowY !== "visible") {
    out.push(`the grid is cut: ${wrap.scrollHeight}px in ${wrap.clientHeight}px`);
  }
  return out;
}
"""


# Resolves once the next frame's animation callbacks have run.
NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


async def open_grid(page: Page, url: str) -> None:
    await page.goto(url)
    await connected(page)
    await page.get_by_label("Grille" if "lang=fr" in url else "Grid").check()
    await expect(page.locator(".column .session").first).to_be_visible()


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_grid_cards_show_their_badges_whole(start_server, new_page, page_errors,
                                                 screenshot, lang: str) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    # A delayed workshop, a live session, and the day's last session delayed too.
    await organiser.call("session.delay", {"session": "s03", "minutes": 15})
    await organiser.call("session.start", {"session": "s04"})
    await organiser.call("session.delay", {"session": "s08", "minutes": 15})
    await organiser.call("session.move", {"session": "s05", "room": "taller-a"})
    page = await new_page(locale="fr-FR" if lang == "fr" else "en-US")
    await page.set_viewport_size({"width": 1280, "height": 800})
    await open_grid(page, f"{server.url}/agenda?lang={lang}")
    delayed = page.locator('.column .session[data-session="s03"] .badge-delayed')
    await expect(delayed).to_have_text("Retard +15 min" if lang == "fr" else "Delayed +15 min")
    await expect(page.locator('.column .session[data-session="s04"] .badge-live')).to_be_visible()
    await screenshot(page, f"agenda-grid-{lang}")
    clipped = await page.evaluate(CLIPPED)
    assert clipped == [], "\n".join(clipped)
    # Narrower screens keep the grid (sideways scroll) and their cards whole.
    await page.set_viewport_size({"width": 1024, "height": 768})
    await expect(delayed).to_be_visible()
    # The grid fits itself again in the frame after a resize, before that frame is painted:
    # measured earlier, the test would see a state no screen shows.
    await page.evaluate(NEXT_FRAME)
    clipped = await page.evaluate(CLIPPED)
    assert clipped == [], "\n".join(clipped)
    assert not page_errors, page_errors
