"""A certificate of attendance in a real browser: the delegate opens their personal link,
finds their certificate on their page, prints it (Chromium's own PDF, A4), and its QR code
leads to /verify, which confirms it; an altered code is refused.

The session happened an hour ago: its times are moved there and the door scans carry
their scan times, as an offline kiosk's would.
"""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import segno
from playwright.async_api import expect

from tests.integration.wsclient import Client

pytestmark = pytest.mark.browser


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def test_a_delegate_prints_their_certificate_and_its_qr_code_verifies(
        start_server, new_page, page_errors, screenshot) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    now = datetime.now(UTC).replace(microsecond=0)
    await organiser.call("session.edit", {"session": "s01", "force": True,
                                          "start": iso(now - timedelta(minutes=90)),
                                          "end": iso(now - timedelta(minutes=30))})
    person = await organiser.call("attendance.register", {
        "name": "Valentina Gómez", "organisation": "Alcaldía de Medellín", "language": "es"})
    scanned = int(time.time())
    for kind, minutes_ago in (("entry", 80), ("exit", 40)):
        await organiser.call(f"{kind}.scan", {"badge": person["badge"], "session": "s01",
                                              "offline_at": scanned - minutes_ago * 60,
                                              "force": True})
    issued = await organiser.call("attendance.issue-links", {
        "registrations": [person["id"]], "base": server.url})
    link = next(csv.DictReader(io.StringIO(issued["csv"].lstrip("\ufeff"))))["link"]

    page = await new_page(locale="es-MX")
    await page.goto(link)
    await page.get_by_role("link", name="Mi constancia de asistencia").click()
    certificate = page.locator("article.certificate")
    await expect(certificate.locator(".cert-name")).to_have_text("Valentina Gómez")
    row = certificate.locator("tbody tr")
    await expect(row).to_have_count(1)
    await expect(row.locator("td.num")).to_have_text(["40", "0"])
    await expect(certificate.locator("tfoot")).to_contain_text("0 h 40 min")
    await screenshot(page, "certificate")

    # Printed by the browser on A4: the tools are not printed, the certificate is one page.
    await page.emulate_media(media="print")
    await expect(page.locator(".cert-tools")).to_be_hidden()
    pdf = await page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    await page.emulate_media(media="screen")

    # The QR code holds the verification address: segno makes the very same image of it.
    qr = certificate.locator("img.cert-qr")
    url = await qr.get_attribute("data-url")
    assert url.startswith(f"{server.url}/verify/")
    assert await qr.get_attribute("src") == segno.make(url, error="m").svg_data_uri(
        scale=4, border=2)
    code = (await certificate.locator(".cert-code code").text_content()).strip()
    assert url.endswith(code)

    verifier = await new_page(locale="en-US")
    await verifier.goto(url)
    await expect(verifier.locator(".verify-ok h2")).to_have_text(
        "Valid: this certificate matches the attendance records.")
    await expect(verifier.locator(".verify-ok")).to_contain_text("Valentina Gómez")
    await expect(verifier.locator(".verify-ok tbody td.num")).to_have_text(["40", "0"])
    await screenshot(verifier, "certificate-verified")
    altered = code[:-2] + ("AA" if not code.endswith("AA") else "BB")
    await verifier.get_by_label("Verification code").fill(altered)
    await verifier.get_by_role("button", name="Verify").click()
    await expect(verifier.locator(".verify-bad h2")).to_have_text(
        "Not valid: this code does not match any certificate.")
    # The refusal is a 404, which the browser notes in its console; nothing else went wrong.
    unexpected = [e for e in page_errors if f"/verify/{altered}" not in e]
    assert not unexpected, unexpected
    await organiser.close()
