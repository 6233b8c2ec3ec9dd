"""The attendee page in a real browser: live announcements, reconnects, languages.

Two browser contexts are two people: A is an attendee on the event's home
page, B a moderator in the control panel. The server is ``rencontre serve
--demo`` in a child process, restarted on the same port and data.
"""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Page, expect

from tests.browser.pages import connected, sign_in_moderator

pytestmark = pytest.mark.browser


async def states_since(page: Page, mark: int) -> list[str]:
    return await page.evaluate("(mark) => window.connStates.slice(mark)", mark)


async def post_announcement(page: Page, text: str) -> None:
    form = page.locator("#announce")
    await form.get_by_label("English", exact=True).fill(text)
    await form.get_by_role("button", name="Post").click()
    await expect(page.locator("#ann-status")).to_have_text("Announcement posted.")
    await expect(form.get_by_label("English", exact=True)).to_have_value("")


async def test_announcements_arrive_live_and_survive_a_restart(
        start_server, new_page, page_errors, screenshot) -> None:
    server = start_server()

    # A: the attendee's personal link signs in and lands on the home page.
    attendee = await new_page(timezone_id="Europe/Paris")
    await attendee.goto(server.attendee_link)
    await expect(attendee).to_have_url(f"{server.url}/")
    await connected(attendee)
    await expect(attendee.locator("#conn")).to_have_text("Connected")
    await expect(attendee.get_by_role("heading", level=1)).to_have_text("Hello, Demo attendee")
    items = attendee.locator("#announcements > li")
    await expect(items).to_have_text(["No announcements."])
    await attendee.evaluate("window.notReloaded = true")

    # B: the moderator signs in and posts; markup in the text must stay text.
    moderator = await new_page()
    await sign_in_moderator(moderator, server)
    first = "<b>bold</b> & the opening moves to Sala Teatro"
    await post_announcement(moderator, first)

    await expect(items.locator("p")).to_have_text([first])
    await expect(attendee.locator("#announcements b")).to_have_count(0)
    await expect(moderator.locator("#posted > li p")).to_have_text([first])

    # Restart the server: both pages lose their socket and come back on their own.
    marks = [await attendee.evaluate("window.connStates.length"),
             await moderator.evaluate("window.connStates.length")]
    await asyncio.to_thread(server.restart)  # same port, same data
    for page, mark in zip((attendee, moderator), marks, strict=True):
        await page.wait_for_function(
            "(mark) => window.connStates.slice(mark).includes('reconnecting')", arg=mark)
        await connected(page)
        states = await states_since(page, mark)
        assert states[0] == "reconnecting", states
        assert states[-1] == "connected", states
    await expect(attendee.locator("#conn")).to_have_text("Connected")

    # The announcement is in the snapshot the server sent after the restart.
    await expect(items.locator("p")).to_have_text([first])

    second = "Coffee is served in the Patio"
    await post_announcement(moderator, second)
    await expect(items.locator("p")).to_have_text([second, first])
    await expect(attendee.locator("#announcements b")).to_have_count(0)
    assert await attendee.evaluate("window.notReloaded") is True

    await screenshot(attendee, "attendee")
    await screenshot(moderator, "moderator")

    # A fresh load reads both from the restarted server.
    await attendee.reload()
    await connected(attendee)
    await expect(items.locator("p")).to_have_text([second, first])
    assert not page_errors, page_errors


async def test_language_choice_is_shown_and_remembered(start_server, new_page, page_errors
                                                       ) -> None:
    server = start_server()
    page = await new_page(locale="en-US", timezone_id="Europe/Paris")
    await page.goto(server.attendee_link)
    await expect(page.locator("#ann-title")).to_have_text("Announcements")
    await connected(page)

    await page.get_by_role("navigation", name="Language").get_by_role(
        "link", name="Español").click()
    await expect(page).to_have_url(f"{server.url}/?lang=es")

    async def in_spanish() -> None:
        await expect(page.locator("html")).to_have_attribute("lang", "es")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Hola, Demo attendee")
        await expect(page.locator("#ann-title")).to_have_text("Anuncios")
        await expect(page.locator("#now-title")).to_have_text("Ahora y a continuación")
        await expect(page.get_by_role("link", name="Español")).to_have_attribute(
            "aria-current", "true")
        # Strings the scripts show come from the same catalog.
        await expect(page.locator("#conn")).to_have_text("Conectado")
        await expect(page.locator("#announcements > li")).to_have_text(["No hay anuncios."])
        # Times in the event's zone, then the viewer's own (Paris differs from Querétaro).
        when = page.locator("#now-next .when").first
        await expect(when).to_contain_text("en Querétaro")
        await expect(when).to_contain_text("tu hora (Paris)")

    await in_spanish()
    await page.reload()
    await in_spanish()
    # The cookie keeps the choice on pages opened without ?lang=.
    await page.goto(f"{server.url}/")
    await in_spanish()
    await page.goto(f"{server.url}/moderator/login")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Acceso de moderación")
    assert not page_errors, page_errors


async def test_browser_language_is_used_until_one_is_chosen(start_server, new_page) -> None:
    server = start_server()
    page = await new_page(locale="fr-FR")
    await page.goto(server.attendee_link)
    await expect(page.locator("#ann-title")).to_have_text("Annonces")
    await expect(page.locator("#conn")).to_have_text("Connecté")
    await page.get_by_role("link", name="English").click()
    await expect(page.locator("#ann-title")).to_have_text("Announcements")
    await page.goto(f"{server.url}/")
    await expect(page.locator("#ann-title")).to_have_text("Announcements")
