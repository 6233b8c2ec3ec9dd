"""Check-in at the venue in real browsers: the organiser registers people (one by one and
from a CSV file), two kiosks scan the same badge, one of them goes offline and its queued
scan is checked in when the network is back; a name search; a session door.

An organiser page, two kiosks and the organiser's websocket (for pairing codes) on one
``rencontre serve --demo`` in a child process. The demo programme starts today, so the
kiosk's session list has the day's sessions.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from rencontre.attendance.demo import DELEGATES
from tests.browser.pages import pair_kiosk, scan, sign_in_organiser
from tests.integration.wsclient import Client

DEMO = len(DELEGATES)  # the demo event's delegates, registered at its first start

pytestmark = pytest.mark.browser

# Semicolons, a byte order mark and a quoted field with the separator: as a spreadsheet
# in a French or Spanish locale saves it. The badge column is empty for Lucía: she gets
# a generated code.
ATTENDEES_CSV = (
    "\ufeffname;organisation;city;kind;badge\r\n"
    "Lucía Fernández;\"Ayuntamiento; Movilidad\";Valparaíso;onsite;\r\n"
    "\r\n"
    "Jean Dupont;Ville de Lyon;Lyon;;B-0002\r\n"
)
# Times are in the event's zone, as the viewer's language writes them ("07:31 PM" in English).
TIME = r"\d\d:\d\d(?:\s[AP]M)?"
WRONG_CSV = "name,kind\nAna,onsite\nBruno,hybrid\n"


async def verdict_is(page: Page, kind: str, title: str | re.Pattern) -> None:
    await expect(page.locator("#verdict")).to_have_attribute("data-kind", kind)
    await expect(page.locator("#verdict .verdict-title")).to_have_text(title)
    # The scanner can go on at once: the focus is back on the scan field.
    await expect(page.locator("#scan")).to_be_focused()


async def test_two_kiosks_offline_queue_and_name_search(start_server, new_page, page_errors,
                                                         screenshot) -> None:
    server = start_server()
    organiser_ws = await Client.connect(server.ws_url, server.organiser_token)

    # The organiser registers Ana on the panel's form: a badge code is made for her.
    organiser = await new_page()
    await sign_in_organiser(organiser, server)
    await expect(organiser.locator("#att-registered")).to_have_text(str(DEMO + 0))
    form = organiser.locator("#att-register")
    await form.get_by_label("Name").fill("Ana Peña")
    await form.get_by_label("Organisation (optional)").fill("Municipio de Querétaro")
    await form.get_by_label("City (optional)").fill("Querétaro")
    await form.get_by_role("button", name="Register").click()
    status = organiser.locator("#att-register-status")
    await expect(status).to_have_text(re.compile(r"^Ana Peña is registered, badge \d{7}\.$"))
    ana_badge = re.search(r"\d{7}", await status.text_content()).group(0)
    await expect(organiser.locator("#att-registered")).to_have_text(str(DEMO + 1))

    # A CSV with a wrong line is refused as a whole, naming the line of the file.
    upload = organiser.locator("#att-import")
    await upload.get_by_label("Attendee file (CSV)").set_input_files(
        {"name": "wrong.csv", "mimeType": "text/csv", "buffer": WRONG_CSV.encode()})
    await upload.get_by_role("button", name="Import the attendees").click()
    import_status = organiser.locator("#att-import-status")
    await expect(import_status).to_have_text(
        re.compile(r"^Nobody was imported\. Line 3 of the file: "))
    await expect(import_status).to_have_class(re.compile(r"\berror\b"))
    await expect(organiser.locator("#att-registered")).to_have_text(str(DEMO + 1))
    # A file too large for one websocket message (4 MiB for organisers) is refused before
    # it is sent.
    crowd = "name\n" + "".join(f"Person number {n}\n" for n in range(120_000))
    await upload.get_by_label("Attendee file (CSV)").set_input_files(
        {"name": "crowd.csv", "mimeType": "text/csv", "buffer": crowd.encode()})
    await upload.get_by_role("button", name="Import the attendees").click()
    await expect(import_status).to_have_text(re.compile(
        r"^The file is too large to send in one piece \(120000 people\): split it into files "
        r"of at most \d+ people\.$"))
    await upload.get_by_label("Attendee file (CSV)").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": ATTENDEES_CSV.encode()})
    await upload.get_by_role("button", name="Import the attendees").click()
    await expect(import_status).to_have_text("Imported 2 people.")
    await expect(organiser.locator("#att-registered")).to_have_text(str(DEMO + 3))

    # Two kiosks, paired with one-time codes.
    kiosks = []
    for name in ("Door A", "Door B"):
        code = await organiser_ws.call("kiosk.pairing-code", {"label": name})
        page = await new_page()
        await pair_kiosk(page, server, code["code"], name)
        await expect(page.locator("#count-registered")).to_have_text(str(DEMO + 3))
        await expect(page.locator("#count-in")).to_have_text("0")
        kiosks.append(page)
    a, b = kiosks

    # A scans Ana's badge: welcome. B scans it next: already, at A.
    await scan(a, ana_badge)
    await verdict_is(a, "ok", "Welcome, Ana Peña")
    await expect(a.locator("#verdict .verdict-detail")).to_have_text(
        "Municipio de Querétaro · Querétaro")
    await expect(b.locator("#count-in")).to_have_text("1")
    await scan(b, ana_badge)
    await verdict_is(b, "warn", re.compile(rf"^Already checked in at {TIME} by Door A$"))
    await expect(b.locator("#recent > li").first).to_contain_text("Ana Peña")

    # An unknown badge is red, with the reason; the scanner reading it twice counts once.
    await scan(a, "9999999")
    await scan(a, "9999999")
    await verdict_is(a, "bad", "Unknown badge")
    await expect(a.locator("#verdict .verdict-detail")).to_have_text(
        "Badge 9999999 is not registered.")
    await expect(a.locator("#recent > li.recent-bad")).to_have_count(1)

    # B loses the network: the scan is kept and shown as saved, with the queue's count.
    await b.context.set_offline(True)
    await expect(b.locator("#offline")).to_be_visible()
    await expect(b.locator("#conn")).not_to_have_attribute("data-state", "connected")
    await scan(b, "B-0002")
    await verdict_is(b, "saved", "Saved — will be sent when the network is back")
    await expect(b.locator("#queued")).to_have_text("Waiting to be sent: 1")
    await expect(b.locator("#recent > li").first).to_have_class("recent-saved")
    await screenshot(b, "kiosk-offline")
    # Offline, the search uses the list of registrations the kiosk keeps, and says so.
    await b.get_by_label("Name, organisation, city or badge code").fill("dupont")
    await expect(b.locator("#search-status")).to_have_text("1 person found. (offline list)")
    await expect(b.locator("#search-results > li")).to_contain_text("Jean Dupont")
    await b.get_by_label("Name, organisation, city or badge code").fill("")

    # Back online: the queue drains and the real verdict replaces the saved one.
    await b.context.set_offline(False)
    await expect(b.locator("#conn")).to_have_attribute("data-state", "connected")
    await expect(b.locator("#offline")).to_be_hidden()
    await expect(b.locator("#verdict")).to_have_attribute("data-kind", "ok")
    await expect(b.locator("#verdict .verdict-title")).to_have_text("Welcome, Jean Dupont")
    first = b.locator("#recent > li").first
    await expect(first).to_have_class("recent-ok")
    await expect(first.locator(".recent-name")).to_have_text("Jean Dupont")
    await expect(first.locator(".recent-text")).to_have_text(
        re.compile(rf"^Checked in by Door B, scanned offline at {TIME}$"))
    await expect(b.locator("#recent > li.recent-saved")).to_have_count(0)
    await expect(a.locator("#count-in")).to_have_text("2")
    await expect(a.locator("#recent > li", has_text="Jean Dupont")).to_have_count(1)
    assert await b.evaluate("localStorage.getItem('rencontre.kiosk.queue')") == "[]"

    # At A, Lucía has no badge with her: found by name without the accents.
    await a.get_by_label("Name, organisation, city or badge code").fill("lucia valpa")
    found = a.locator("#search-results > li")
    await expect(found).to_have_count(1)
    await expect(found).to_contain_text("Lucía Fernández")
    await expect(found).to_contain_text("Ayuntamiento; Movilidad · Valparaíso")
    await found.get_by_role("button", name="Check in").click()
    await verdict_is(a, "ok", "Welcome, Lucía Fernández")
    await expect(a.locator("#count-in")).to_have_text("3")
    await expect(b.locator("#count-in")).to_have_text("3")
    await expect(organiser.locator("#att-checked-in")).to_have_text("3")
    await expect(organiser.locator("#att-recent > li").first).to_contain_text("Lucía Fernández")
    await screenshot(organiser, "organiser-attendance")
    # A mistaken check-in is undone from the organiser panel; every kiosk counts it back.
    await organiser.get_by_role("button", name="Undo the check-in of Lucía Fernández").click()
    await expect(organiser.locator("#att-undo-status")).to_have_text(
        "The check-in of Lucía Fernández is undone.")
    await expect(organiser.locator("#att-recent")).not_to_contain_text("Lucía Fernández")
    await expect(b.locator("#count-in")).to_have_text("2")
    await a.get_by_label("Name, organisation, city or badge code").fill("lucia valpa")
    await found.get_by_role("button", name="Check in").click()
    await expect(a.locator("#count-in")).to_have_text("3")
    # Found again: she shows as checked in, with no button.
    await a.get_by_label("Name, organisation, city or badge code").fill("fernandez")
    await expect(found).to_contain_text(re.compile(rf"Checked in at {TIME}"))
    await expect(found.get_by_role("button")).to_have_count(0)
    await screenshot(a, "kiosk-checkin")

    # A scan still queued when the page was closed is sent when it opens again, and its
    # verdict shown: here a scan of Ana's badge made offline at B just now, after her
    # check-in (an earlier one would win: the earliest scan counts).
    await b.evaluate("""(badge) => localStorage.setItem('rencontre.kiosk.queue', JSON.stringify([
        {type: 'checkin.scan', id: 'left-over-1',
         data: {badge, offline_at: Math.floor(Date.now() / 1000)}}]))""", ana_badge)
    await b.reload()
    await expect(b.locator("#recent > li.recent-warn", has_text="Ana Peña")).to_contain_text(
        "Already checked in at")
    await expect(b.locator("#recent > li.recent-saved")).to_have_count(0)
    assert await b.evaluate("localStorage.getItem('rencontre.kiosk.queue')") == "[]"

    # A moves to the door of the opening session, started now by its moderator (its door
    # opens 30 minutes before its start): scans let people in, with the count.
    await organiser_ws.call("session.start", {"session": "s01"})
    await a.get_by_label("Session entry").check()
    await a.get_by_label("Session (today)").select_option("s01")
    await expect(a.locator("#scan-submit")).to_have_text("Let in")
    await expect(a.locator("#count-room")).to_have_text("0 / 600")
    await scan(a, ana_badge)
    await verdict_is(a, "ok", "Welcome, Ana Peña")
    await expect(a.locator("#verdict .verdict-detail")).to_have_text(
        "Entered: Opening: cities meeting cities")
    await expect(a.locator("#count-room")).to_have_text("1 / 600")
    await screenshot(a, "kiosk-entry")
    # A reloaded door kiosk gets the count from its snapshot, before anyone else enters.
    await a.reload()
    await expect(a.locator("#count-room")).to_have_text("1 / 600")

    assert not page_errors, page_errors
    await organiser_ws.close()
