"""Headless Chromium for the browser tests (Playwright's async API).

The browser is Debian's /usr/bin/chromium, not one downloaded by Playwright.
The flags keep it from calling home: on a closed network those background
requests fail and slow everything down.

Set RENCONTRE_SCREENSHOTS to a directory to keep screenshots of the pages.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from tests.hls import HlsServer, make_hls, serve_hls

CHROMIUM = os.environ.get("RENCONTRE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Live updates cross a websocket and reconnects back off for up to ~15 s.
expect.set_options(timeout=20_000)

# Every value the connection status (#conn[data-state]) takes, in order, in
# window.connStates: a transient state such as "reconnecting" cannot be missed.
RECORD_CONNECTION_STATES = """
(() => {
  const states = (window.connStates = []);
  new MutationObserver((records) => {
    records.forEach((record, index) => {
      if (record.target.id !== "conn") return;
      const later = records.slice(index + 1).find((other) => other.target === record.target);
      states.push(later ? later.oldValue : record.target.getAttribute("data-state"));
    });
  }).observe(document, {
    subtree: true, attributes: true, attributeFilter: ["data-state"], attributeOldValue: true,
  });
})();
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


class PageErrors(list):
    """Uncaught errors and console errors of the pages opened by ``new_page``."""

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))

    def _console(self, page: Page, message) -> None:
        if message.type != "error":
            return
        # Chromium asks every site for /favicon.ico, which the app does not serve; and
        # while the server restarts, Chromium logs each failed attempt to reconnect.
        if "favicon" in (message.location or {}).get("url", ""):
            return
        if message.text.startswith("WebSocket connection to"):
            return
        self.append(f"{page.url}: console: {message.text} {message.location}")


@pytest.fixture
def page_errors() -> PageErrors:
    return PageErrors()


@pytest.fixture
def new_page(browser: Browser, page_errors: PageErrors
             ) -> Callable[..., Awaitable[Page]]:
    """A page in a context of its own (own cookies), recording its connection states."""

    async def open_page(locale: str = "en-US", timezone_id: str = "America/Mexico_City",
                        **options) -> Page:
        context: BrowserContext = await browser.new_context(
            locale=locale, timezone_id=timezone_id, viewport={"width": 1100, "height": 900},
            **options)
        await context.add_init_script(RECORD_CONNECTION_STATES)
        page = await context.new_page()
        page_errors.watch(page)
        return page

    return open_page


@pytest.fixture
def screenshot() -> Callable[[Page, str], Awaitable[None]]:
    directory = os.environ.get("RENCONTRE_SCREENSHOTS")

    async def take(page: Page, name: str) -> None:
        if directory:
            Path(directory).mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)

    return take


@pytest.fixture(scope="session")
def hls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HlsServer]:
    """Real HLS channels (floor video, es and fr audio) on a server of their own."""
    directory = tmp_path_factory.mktemp("hls")
    make_hls(directory)
    server = serve_hls(directory)
    yield server
    server.stop()
