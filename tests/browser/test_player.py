"""The live page's player with real HLS (made by ffmpeg): it plays, follows the attendee's
language, switches channel, remembers the choice, and follows channel changes live.

Run twice: with Chromium's own HLS player, and with the vendored hls.js (the page is told
the browser has none), as on browsers without native HLS.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.pages import connected, sign_in_moderator, sign_in_organiser
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


async def player_state(page: Page) -> dict:
    """What the player holds, for a failure's message."""
    return await page.evaluate("""() => ({
      hls: typeof window.Hls,
      media: [...document.querySelectorAll('#player video, #player audio')].map((m) => ({
        paused: m.paused, src: m.src, network: m.networkState, ready: m.readyState,
        error: m.error && m.error.code})),
      stage: document.querySelector('#player .player-stage').textContent,
      requests: performance.getEntriesByType('resource').map((e) => e.name)
        .filter((name) => /m3u8|hls/.test(name)),
    })""")


async def live_page(new_page, server, *, player: str = "native", lang: str = "",
                    **options) -> Page:
    """An attendee's live page of the session, signed in by her personal link; with
    ``player="hls.js"`` the browser pretends it cannot play HLS itself, so hls.js plays."""
    page = await new_page(**options)
    if player == "hls.js":
        await page.context.add_init_script(NO_NATIVE_HLS)
    await page.goto(f"{server.url}/a/{server.attendee_token}" + (f"?lang={lang}" if lang else ""))
    await page.goto(f"{server.url}/live/{SESSION}")
    await connected(page)
    return page


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
    page = await live_page(new_page, server, player=player, lang="es", locale="es-MX")
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


async def test_an_organiser_sets_channels_in_the_panel_and_open_pages_follow(
        start_server, new_page, page_errors, hls) -> None:
    server = start_server()
    # An attendee has the live page of a workshop open: its room has no stream.
    attendee = await new_page()
    await attendee.goto(f"{server.url}/a/{server.attendee_token}")
    await attendee.goto(f"{server.url}/live/s03")
    await connected(attendee)
    await expect(attendee.locator("#player")).to_be_hidden()
    about = await attendee.context.new_page()
    page_errors.watch(about)
    await about.goto(f"{server.url}/sessions/s03")
    await connected(about)
    await expect(about.locator("#s-watch")).to_be_hidden()

    organiser = await new_page()
    await sign_in_organiser(organiser, server)
    panel = organiser.locator("#streams")
    await panel.get_by_label("Room or session").select_option("session:s03")
    await expect(panel.locator("#stream-follows")).to_have_text(
        "Neither this session nor its room has a channel.")
    await panel.get_by_role("button", name="Add a channel").click()
    await panel.get_by_label("Address").fill("http://cdn.example.org/floor.m3u8")
    await panel.get_by_role("button", name="Save the stream").click()
    await expect(panel.locator("#stream-status")).to_have_text(
        "Error: “http://cdn.example.org/floor.m3u8” must start with https://.")
    await expect(panel.get_by_label("Address")).to_be_focused()
    await expect(attendee.locator("#player")).to_be_hidden()

    await panel.get_by_label("Address").fill(hls.playlist("floor"))
    await panel.get_by_role("button", name="Add a channel").click()
    second = panel.locator(".stream-channel").nth(1)
    await second.get_by_label("Language").select_option("es")
    await second.get_by_label("Address").fill(hls.playlist("es"))
    await second.get_by_label("Media").select_option("audio")
    await panel.get_by_label("Live captions page (optional)").fill("https://captions.example.org/s03")
    await panel.get_by_role("button", name="Save the stream").click()
    await expect(panel.locator("#stream-status")).to_have_text("The stream is saved.")
    # The session's page links to where it is watched, and to its captions, without a reload.
    await expect(about.locator("#s-watch").get_by_role("link", name="Watch online")
                 ).to_have_attribute("href", "/live/s03")
    await expect(about.locator("#s-watch").get_by_role("link", name="Live captions")
                 ).to_have_attribute("href", "https://captions.example.org/s03")

    # The attendee's open page shows the player at once, and it plays.
    player = attendee.locator("#player")
    await expect(player).to_be_visible()
    await expect(player.get_by_role("button", name="English")).to_have_count(0)
    await expect(player.locator(".player-channels button")).to_have_count(2)
    await expect(player.get_by_role("link", name="Live captions (new tab)")).to_be_visible()
    # Its address is new to the page's CSP: the page says so and offers a reload.
    await player.get_by_role("button", name="Español").click()
    await expect(player.locator(".player-status")).to_have_text(
        "This channel plays from an address new to this page: reload the page to play it. Reload")
    await player.get_by_role("button", name="Reload").click()
    await connected(attendee)
    await player.get_by_role("button", name="Español").click()
    await advances(attendee, "#player audio")
    # The only errors: Chromium's reports of what the CSP refused before the reload.
    refused = [e for e in page_errors if "violates the following Content Security Policy" in e]
    assert refused and all(hls.url in e for e in refused), page_errors
    assert len(refused) == len(page_errors), page_errors


async def test_a_moderator_switches_a_room_channel_off_air_from_the_session_panel(
        start_server, new_page, page_errors) -> None:
    server = start_server()
    attendee = await live_page(new_page, server, lang="fr", locale="fr-FR")
    french = attendee.locator("#player").get_by_role("button", name="Français")
    await expect(french).to_have_attribute("aria-pressed", "true")

    moderator = await new_page()
    await sign_in_moderator(moderator, server)
    await moderator.goto(f"{server.url}/moderator/sessions/{SESSION}")
    await connected(moderator)
    switches = moderator.locator("#m-stream")
    await expect(switches).to_contain_text("These are the room’s channels")
    channel = switches.get_by_role("group", name="Français")
    await channel.get_by_role("button", name="Off air").click()
    await expect(channel.get_by_role("button", name="Off air")).to_have_attribute(
        "aria-pressed", "true")

    # The attendee listening in French is told, without a reload.
    await expect(attendee.locator("#player .player-status")).to_have_text(
        "Français est hors antenne pour le moment.")
    await expect(attendee.locator("#player .player-stage")).to_have_text(
        "Ce canal n’est pas encore à l’antenne.")
    assert not page_errors, page_errors


async def test_the_replay_plays_in_the_page_once_the_session_has_ended(
        start_server, new_page, page_errors, hls) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("stream.set", {"session": SESSION, "stream": {
        "channels": [hls.playlist("floor")], "replay": hls.playlist("fr")}})
    page = await live_page(new_page, server)
    player = page.locator("#player")
    await expect(player.locator(".player-channels")).to_be_hidden()  # one channel: no choice
    await expect(player.locator("video")).to_have_count(1)

    await organiser.call("session.end", {"session": SESSION})
    replay = player.get_by_role("button", name="Replay")
    await expect(replay).to_have_attribute("aria-pressed", "true")
    await replay.click()
    await advances(page, "#player video")
    assert await page.evaluate(
        "() => document.querySelector('#player video').currentSrc.length > 0")
    await organiser.close()
    assert not page_errors, page_errors


@pytest.mark.parametrize("player", ["native", "hls.js"])
async def test_a_stream_that_starts_late_plays_once_its_playlist_appears(
        player, start_server, new_page, page_errors, hls) -> None:
    server = start_server()
    late = f"late-{player.replace('.', '')}"
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("stream.set", {"session": SESSION, "stream": {
        "channels": [hls.playlist(late)]}})
    await organiser.close()
    page = await live_page(new_page, server, player=player)
    status = page.locator("#player .player-status")
    video = page.locator("#player video")
    if player == "hls.js":
        # The player is ready: hls.js is here and holds the video (pressing play sooner is
        # test_play_pressed_before_hls_js_has_arrived_still_plays).
        await expect(video).to_have_attribute("src", re.compile(r"^blob:"))

    # The attendee presses play, and again if the page gave her a new player meanwhile.
    said, deadline = "", asyncio.get_running_loop().time() + 20
    while said != "The stream is interrupted. Trying again…":
        assert asyncio.get_running_loop().time() < deadline, (
            f"the player says {said!r}: {await player_state(page)}")
        await video.evaluate("m => { if (m.paused) m.play().catch(() => {}); }")
        await asyncio.sleep(0.25)
        said = await status.text_content()
    # The encoder starts: the playlist appears, and the page plays it without a click.
    (hls.directory / f"{late}.m3u8").write_bytes((hls.directory / "floor.m3u8").read_bytes())
    await advances(page, "#player video")
    await expect(status).to_have_text("")
    # The missing playlist's 404s are the browser's console errors; nothing else is.
    assert all("404" in e or "Failed to load" in e for e in page_errors), page_errors


async def test_play_pressed_before_hls_js_has_arrived_still_plays(
        start_server, new_page, page_errors, hls) -> None:
    # On a slow phone the attendee presses play while hls.js is still on its way.
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("stream.set", {"session": SESSION, "stream": {
        "channels": [hls.playlist("floor")]}})
    await organiser.close()
    pressed = asyncio.Event()

    async def after_the_press(route) -> None:
        await pressed.wait()
        await route.continue_()

    page = await new_page()
    await page.context.add_init_script(NO_NATIVE_HLS)
    await page.route("**/vendor/hls-*.js", after_the_press)
    await page.goto(f"{server.url}/a/{server.attendee_token}")
    await page.goto(f"{server.url}/live/{SESSION}")
    await connected(page)
    await page.locator("#player video").evaluate("m => { m.play().catch(() => {}); }")
    assert await page.evaluate("typeof window.Hls") == "undefined"
    pressed.set()
    await advances(page, "#player video")
    assert not page_errors, page_errors
