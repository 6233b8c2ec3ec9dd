"""Counts in the scripts take the plural form of the viewer's language (issue 12): French
puts 0 and 1 in the singular, Spanish and English only 1."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

COUNTS = """async () => {
  const script = document.querySelector('script[type="module"]').src;
  const { tn } = await import(script.replace(/[^/]+$/, "i18n.js"));
  return [0, 1, 2].map((n) => tn("{count} vote", "{count} votes", n));
}"""


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", ["0 vote", "1 vote", "2 votes"]),
    ("es", ["0 votos", "1 voto", "2 votos"]),
    ("en", ["0 votes", "1 vote", "2 votes"]),
])
async def test_tn_picks_the_languages_form(start_server, new_page, page_errors, lang: str,
                                           expected: list[str]) -> None:
    server = start_server()
    page = await new_page()
    await page.goto(f"{server.url}/agenda?lang={lang}")
    assert await page.evaluate(COUNTS) == expected
    assert not page_errors, page_errors
