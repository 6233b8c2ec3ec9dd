"""Printable badges in a real browser: every badge's QR code, drawn by static/js/badges.js
with the vendored qrcode-generator, holds exactly its badge code (the module matrix read
back from the SVG is the one segno makes for that code), and the print layout puts six
badges on an A4 sheet without the page's navigation.
"""

from __future__ import annotations

import re

import pytest
import segno
import segno.encoder
from playwright.async_api import expect

from rencontre.attendance.demo import DELEGATES
from tests.browser.pages import sign_in_organiser

pytestmark = pytest.mark.browser

ONSITE = sum(1 for *_, kind in DELEGATES if kind == "onsite") + 1  # and Zoé, below
LONG_CODE = "QRO-2026-DELEGATION-0001"
QUIET = 4  # modules of quiet zone that badges.js leaves around the code

READ_BADGES = """
() => [...document.querySelectorAll("article.badge")].map((badge) => {
  const svg = badge.querySelector(".badge-qr svg");
  return {
    badge: badge.dataset.badge,
    name: badge.querySelector(".badge-name").textContent,
    printed: badge.querySelector(".badge-code").textContent,
    viewBox: svg && svg.getAttribute("viewBox"),
    version: svg && Number(svg.getAttribute("data-version")),
    path: svg && svg.querySelector("path").getAttribute("d"),
    title: svg && svg.querySelector("title").textContent,
    width: svg ? svg.getBoundingClientRect().width : 0,
  };
})
"""


def svg_matrix(path: str, size: int) -> list[list[int]]:
    """The dark modules of a badges.js path ("M{x} {y}h1v1h-1z" each), without the quiet
    zone, as rows of 0 and 1."""
    matrix = [[0] * size for _ in range(size)]
    for x, y in re.findall(r"M(\d+) (\d+)h1v1h-1z", path):
        matrix[int(y) - QUIET][int(x) - QUIET] = 1
    assert len(re.findall(r"M", path)) == sum(map(sum, matrix)), "only whole modules"
    return matrix


def pad_to_codeword(buff, version, length) -> None:
    """segno 1.6's ``write_padding_bits`` adds eight 0 bits when the data already ends on
    a codeword boundary (``8 - length % 8``), one codeword more than ISO/IEC 18004 7.4.10
    asks for; a 7-digit badge code in byte mode (4 + 8 + 56 bits + a 4-bit terminator)
    always does. Scanners read both, but the modules differ: pad as the standard says."""
    if version not in (segno.consts.VERSION_M1, segno.consts.VERSION_M3):
        buff.extend([0] * (-length % 8))


@pytest.fixture
def standard_padding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(segno.encoder, "write_padding_bits", pad_to_codeword)


def segno_matrices(code: str, version: int) -> list[list[list[int]]]:
    """segno's matrices for ``code`` at this version and level M, one per mask pattern
    (the two generators may score the masks differently)."""
    return [[[1 if module else 0 for module in row]
             for row in segno.make_qr(code, version=version, error="M", mode="byte",
                                   boost_error=False, mask=mask).matrix]
            for mask in range(8)]


async def test_badges_qr_codes_hold_the_badge_codes(start_server, new_page, page_errors,
                                                     screenshot, standard_padding) -> None:
    server = start_server()
    page = await new_page()
    await sign_in_organiser(page, server)
    # One more person, with a longer code of her own: a larger QR version (2, with an
    # alignment pattern) than the demo's 7-digit codes (version 1).
    form = page.locator("#att-register")
    await form.get_by_label("Name").fill("Zoé Ramírez")
    await form.get_by_label("Badge code (optional: one is made if empty)").fill(LONG_CODE)
    await form.get_by_role("button", name="Register").click()
    await expect(page.locator("#att-register-status")).to_have_text(
        f"Zoé Ramírez is registered, badge {LONG_CODE}.")
    await page.get_by_role("link", name="Print badges").click()
    await expect(page).to_have_url(f"{server.url}/organiser/badges")
    await expect(page.get_by_role("heading", name="Badges")).to_be_visible()
    await expect(page.locator("#badges-count")).to_have_text(f"Badges to print: {ONSITE}")
    await expect(page.locator("article.badge")).to_have_count(ONSITE)
    await expect(page.locator(".badge-qr svg")).to_have_count(ONSITE)
    await screenshot(page, "badges")

    badges = await page.evaluate(READ_BADGES)
    assert len(badges) == ONSITE
    assert len({b["badge"] for b in badges}) == ONSITE
    assert {b["version"] for b in badges} == {1, 2}
    for badge in badges:
        code = badge["badge"]
        assert re.fullmatch(r"\d{7}", code) or code == LONG_CODE, code
        assert badge["printed"] == code, "the code is printed under its QR code"
        assert badge["title"] == f"QR code of badge {code}"
        version = badge["version"]
        size = 17 + 4 * version
        assert badge["viewBox"] == f"0 0 {size + 2 * QUIET} {size + 2 * QUIET}"
        assert badge["width"] > 100, "drawn at a scannable size"
        matrix = svg_matrix(badge["path"], size)
        # The smallest version that holds the code at level M, as segno would choose.
        assert version == segno.make_qr(code, error="M", mode="byte",
                                     boost_error=False).version
        assert matrix in segno_matrices(code, version), f"{badge['name']}: {code}"

    # Everyone, remote people too: their codes are encoded the same way.
    await page.goto(f"{server.url}/organiser/badges?kind=all")
    await expect(page.locator(".badge-qr svg")).to_have_count(len(DELEGATES) + 1)

    # Printed: no navigation, six badges to an A4 sheet, none split across two sheets.
    await page.goto(f"{server.url}/organiser/badges")
    await expect(page.locator(".badge-qr svg")).to_have_count(ONSITE)
    await page.emulate_media(media="print")
    await expect(page.locator("header.top")).to_be_hidden()
    await expect(page.get_by_role("button", name="Print")).to_be_hidden()
    await expect(page.locator("article.badge").first).to_be_visible()
    pdf = await page.pdf(prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages == -(-ONSITE // 6), pages

    assert not page_errors
