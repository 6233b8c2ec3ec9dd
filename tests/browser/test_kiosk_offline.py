"""A kiosk without the network in a real browser: it keeps the registrations it may see, so
name search (accents ignored) and unknown-badge verdicts work offline; a known badge is
saved under the person's name and checked in when the network is back; unpaired from the
organiser's page, the kiosk forgets the list."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import expect

from tests.browser.pages import pair_kiosk, scan, sign_in_organiser
from tests.integration.wsclient import Client

pytestmark = pytest.mark.browser

ROSTER = "localStorage.getItem('rencontre.kiosk.roster')"


async def until(page, expression: str, timeout: float = 10) -> None:
    """Poll ``expression`` in the page (the CSP forbids wait_for_function's eval)."""
    async with asyncio.timeout(timeout):
        while not await page.evaluate(expression):
            await asyncio.sleep(0.1)


async def test_an_offline_kiosk_searches_its_list_and_refuses_unknown_badges(
        start_server, new_page, page_errors) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    lucia = await organiser.call("attendance.register", {
        "name": "Lucía Fernández", "organisation": "Ayuntamiento", "city": "Valparaíso"})
    code = await organiser.call("kiosk.pairing-code", {"label": "Door C"})
    kiosk = await new_page()
    await pair_kiosk(kiosk, server, code["code"], "Door C")
    await until(kiosk, f"{ROSTER} && JSON.parse({ROSTER}).people.length > 20")

    # Registered while the kiosk is connected: its list follows.
    late = await organiser.call("attendance.register", {"name": "Bruno Late"})
    await until(kiosk, f"({ROSTER} || '').includes('Bruno Late')")

    await kiosk.context.set_offline(True)
    await expect(kiosk.locator("#offline")).to_be_visible()
    await kiosk.get_by_label("Name, organisation, city or badge code").fill("lucia valpa")
    found = kiosk.locator("#search-results > li")
    await expect(found).to_have_count(1)
    await expect(found).to_contain_text("Lucía Fernández")
    await expect(kiosk.locator("#search-status")).to_have_text("1 person found. (offline list)")

    await kiosk.locator("#scan").focus()
    await scan(kiosk, "9999999")
    await expect(kiosk.locator("#verdict")).to_have_attribute("data-kind", "bad")
    await expect(kiosk.locator("#verdict .verdict-title")).to_have_text("Unknown badge")
    await expect(kiosk.locator("#queued")).to_have_text("")
    await scan(kiosk, late["badge"])
    await expect(kiosk.locator("#verdict")).to_have_attribute("data-kind", "saved")
    await expect(kiosk.locator("#verdict .verdict-detail")).to_have_text("Bruno Late")
    await expect(kiosk.locator("#queued")).to_have_text("Waiting to be sent: 1")

    await kiosk.context.set_offline(False)
    await expect(kiosk.locator("#verdict .verdict-title")).to_have_text("Welcome, Bruno Late")
    assert lucia["id"] not in server.log_tail()

    # Unpaired on the organiser's page: the kiosk signs out and forgets its list.
    panel = await new_page()
    await sign_in_organiser(panel, server)
    await panel.goto(f"{server.url}/organiser/access")
    panel.on("dialog", lambda dialog: dialog.accept())
    await panel.get_by_role("button", name="Unpair").click()
    await expect(panel.get_by_text("No kiosk is paired.")).to_be_visible()
    await until(kiosk, f"{ROSTER} === null")
    await kiosk.reload()
    await expect(kiosk.get_by_label("Pairing code from the organiser")).to_be_visible()
    assert await kiosk.evaluate(ROSTER) is None
    assert not page_errors, page_errors
    await organiser.close()
