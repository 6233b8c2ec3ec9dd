"""The live page's player with real HLS (made by ffmpeg): it plays, follows the attendee's
language, switches channel, remembers the choice, and follows channel changes live.

Run twice: with Chromium's own HLS player, and with the vendored hls.js (the page is told
the browser has none), as on browsers without native HLS.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.browser.pages import connected
from tests.integration.wsclient import Client

pytestmark = pytest.mark.browser

SESSION = "s02"  # in the plenary hall

NO_NATIVE_HLS = """
(() => {
  const own = HTMLMediaElement.prototype.canPlayType;
  HTMLMediaElement.prototype.canPlayType = function (type) {
    return /mpegurl/i.test(type) ? "" : own.call(this, type);
  };
})();
"""


async def advances(page: Page, selector: str) -> None:
    """The media element's currentTime grows by more than a second."""
    media = page.locator(selector)
    await expect(media).to_have_count(1)
    start = await media.evaluate("m => m.currentTime")
    await page.wait_for_function(
        "([s, t]) => { const m = document.querySelector(s); return m && !m.paused && "
        "m.currentTime > t + 1; }", arg=[selector, start], timeout=20_000)


@pytest.mark.parametrize("player", ["native", "hls.js"])
async def test_the_player_plays_switches_and_follows_live_changes(
        player, start_server, new_page, page_errors, hls, screenshot) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("stream.set", {"session": SESSION, "stream": {"channels": [
        {"language": "floor", "url": hls.playlist("floor")},
        {"language": "es", "media": "audio", "url": hls.playlist("es")},
        {"language": "fr", "media": "audio", "url": hls.playlist("fr"), "on_air": "off"},
    ], "captions": "https://captions.example.org/s02"}})

    # A Spanish-speaking attendee: the Spanish channel is chosen for her.
    page = await new_page(locale="es-MX")
    if player == "hls.js":
        await page.context.add_init_script(NO_NATIVE_HLS)
    await page.goto(f"{server.url}/a/{server.attendee_token}?lang=es")
    await page.goto(f"{server.url}/live/{SESSION}")
    await connected(page)
    section = page.locator("#player")
    await expect(section).to_be_visible()
    spanish = section.get_by_role("button", name="Español")
    await expect(spanish).to_have_attribute("aria-pressed", "true")
    await expect(section.get_by_role("button", name="Sala (versión original)")).to_have_attribute(
        "aria-pressed", "false")
    await expect(section.get_by_role("link", name="Subtítulos en vivo (pestaña nueva)")
                 ).to_have_attribute("target", "_blank")
    await expect(section.locator("audio")).to_have_count(1)

    # Pressing the channel plays it: the audio advances.
    await spanish.click()
    await advances(page, "#player audio")
    if player == "hls.js":
        assert await page.evaluate("typeof window.Hls") == "function"

    # Switching to the floor plays the video instead.
    await section.get_by_role("button", name="Sala (versión original)").click()
    await expect(section.locator("audio")).to_have_count(0)
    await advances(page, "#player video")
    await screenshot(page, f"player-{player}")

    # The choice is remembered on this device.
    await page.reload()
    await connected(page)
    await expect(section.get_by_role("button", name="Sala (versión original)")
                 ).to_have_attribute("aria-pressed", "true")

    # French goes live and the floor moves, without a reload.
    french = section.get_by_role("button", name="Français")
    await expect(french).to_contain_text("fuera del aire")
    await organiser.call("stream.channel", {"session": SESSION, "channel": "fr",
                                            "on_air": "live"})
    await expect(french).not_to_contain_text("fuera del aire")
    await organiser.call("stream.channel", {"session": SESSION, "channel": "floor",
                                            "url": hls.playlist("es") + "?moved"})
    await expect(section.locator(".player-status")).to_have_text(
        "Sala (versión original) cambió de dirección.")
    await expect(section.locator("video")).to_have_count(1)
    await organiser.call("stream.channel", {"session": SESSION, "channel": "floor",
                                            "on_air": "ended"})
    await expect(section.locator(".player-stage")).to_have_text("Este canal terminó.")
    await expect(section.locator(".player-status")).to_have_text(
        "Sala (versión original) terminó.")
    await organiser.close()
    assert not page_errors, page_errors
