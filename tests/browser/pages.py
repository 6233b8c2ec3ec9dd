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
