"""Steps that several browser journeys share."""

from __future__ import annotations

from playwright.async_api import Page, expect


async def connected(page: Page) -> None:
    """Wait until the page's websocket says it is connected."""
    await expect(page.locator("#conn")).to_have_attribute("data-state", "connected")


async def sign_in_moderator(page: Page, server) -> None:
    """Sign in on /moderator/login with the credential the server printed."""
    await page.goto(f"{server.url}/moderator/login")
    await page.get_by_label("Credential").fill(server.moderator_token)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{server.url}/moderator")
    await expect(page.get_by_role("heading", name="Control panel")).to_be_visible()
    await connected(page)


async def sign_in_organiser(page: Page, server) -> None:
    """Sign in with the organiser's credential and open the organiser panel."""
    await page.goto(f"{server.url}/moderator/login")
    await page.get_by_label("Credential").fill(server.organiser_token)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{server.url}/moderator")
    await page.goto(f"{server.url}/organiser")
    await connected(page)


async def pair_kiosk(page: Page, server, code: str, name: str) -> None:
    """Pair this browser as a kiosk with a one-time code, on the kiosk page's form."""
    await page.goto(f"{server.url}/kiosk")
    await page.get_by_label("Pairing code from the organiser").fill(code)
    await page.get_by_label("Name of this kiosk (optional)").fill(name)
    await page.get_by_role("button", name="Pair").click()
    await expect(page).to_have_url(f"{server.url}/kiosk")
    await expect(page.locator("h1 small")).to_have_text(name)
    await connected(page)


async def scan(page: Page, code: str) -> None:
    """What a handheld scanner (a keyboard wedge) does: type the code, then Enter,
    into whatever has the focus, which the kiosk keeps on its scan field."""
    await expect(page.locator("#scan")).to_be_focused()
    await page.keyboard.type(code)
    await page.keyboard.press("Enter")
