"""The organiser's delegation tools in Chromium: an attendee CSV with delegation columns
(refused whole for one wrong row, then imported), a delegation added and edited by hand,
a delegate found and made a signatory."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.pages import sign_in_organiser

pytestmark = pytest.mark.browser

ROSTER_CSV = (
    "name;delegation;country;languages;signatory\r\n"
    "Ana Peña;Puebla;MX;es, en;sí\r\n"
    "Luis Ortega;Puebla;;;\r\n"
    "Jean Dupont;Grenoble;FR;fr;oui\r\n"
)
WRONG_CSV = "name,delegation,country\nAna,Puebla,MX\nSophie,Québec,\n"


async def test_an_organiser_imports_and_edits_delegations(start_server, new_page, page_errors):
    server = start_server()
    page = await new_page()
    await sign_in_organiser(page, server)
    panel = page.locator("#delegations")
    count = page.locator("#dlg-count")
    before = int((await count.text_content()).split()[-1])

    upload = page.locator("#att-import")
    status = page.locator("#att-import-status")
    await upload.get_by_label("Attendee file (CSV)").set_input_files(
        {"name": "wrong.csv", "mimeType": "text/csv", "buffer": WRONG_CSV.encode()})
    await upload.get_by_role("button", name="Import the attendees").click()
    await expect(status).to_have_text(re.compile(
        r"^Nobody was imported\. Line 3 of the file: The delegation “Québec” needs a country\."))
    await expect(count).to_have_text(f"Delegations: {before}")

    await upload.get_by_label("Attendee file (CSV)").set_input_files(
        {"name": "roster.csv", "mimeType": "text/csv", "buffer": ROSTER_CSV.encode()})
    await upload.get_by_role("button", name="Import the attendees").click()
    await expect(status).to_have_text("Imported 3 people. 3 delegates, 2 new delegations.")
    await expect(count).to_have_text(f"Delegations: {before + 2}")
    queretaro = panel.locator("li.dlg", has_text="Puebla")
    await expect(queretaro).to_contain_text("Mexico · es, en · Delegates: 2")
    await expect(queretaro.locator(".dlg-members li")).to_have_text(
        [re.compile(r"^Ana Peña · Authorised signatory"), re.compile(r"^Luis Ortega")])

    # A delegation by hand, then renamed.
    form = page.locator("#dlg-form")
    await form.get_by_label("City or organisation").fill("Dakar")
    await form.get_by_label("Country").select_option("SN")
    await form.get_by_label("Languages (codes, e.g. es, en)").fill("fr, wo")
    await form.get_by_role("button", name="Add the delegation").click()
    # The demo has Dakar already: names are unique, accents and case aside.
    await expect(page.locator("#dlg-form-status")).to_have_text(
        "Error: A delegation is named “Dakar” already.")
    await expect(form.get_by_label("City or organisation")).to_be_focused()
    await form.get_by_label("City or organisation").fill("Saint-Louis")
    await form.get_by_role("button", name="Add the delegation").click()
    await expect(page.locator("#dlg-form-status")).to_have_text("Saint-Louis is saved.")
    saint_louis = panel.locator("li.dlg", has_text="Saint-Louis")
    await expect(saint_louis).to_contain_text("Senegal · fr, wo · Delegates: 0")
    await expect(saint_louis).to_contain_text("No authorised signatory yet.")
    await saint_louis.get_by_role("button", name="Edit Saint-Louis").click()
    await expect(form.get_by_label("City or organisation")).to_be_focused()
    await form.get_by_label("City or organisation").fill("Ville de Saint-Louis")
    await form.get_by_role("button", name="Save the delegation").click()
    await expect(panel.locator("li.dlg", has_text="Ville de Saint-Louis")).to_be_visible()

    # A registered person found by name joins it as its signatory.
    member = page.locator("#dlg-member")
    await member.get_by_label("Delegation", exact=True).select_option(label="Ville de Saint-Louis")
    await member.get_by_label("Authorised signatory").check()
    await member.get_by_label("Find a registered person (name, city or badge)").fill("luis")
    await member.get_by_role("button", name="Find").click()
    await member.get_by_role("button", name="Add Luis Ortega to Ville de Saint-Louis").click()
    await expect(page.locator("#dlg-member-status")).to_have_text(
        "Luis Ortega is a delegate of Ville de Saint-Louis.")
    saint_louis = panel.locator("li.dlg", has_text="Ville de Saint-Louis")
    await expect(saint_louis.locator(".dlg-members li")).to_have_text(
        [re.compile(r"^Luis Ortega · Authorised signatory")])
    # He left Puebla: a person belongs to at most one delegation.
    await expect(queretaro).to_contain_text("Delegates: 1")
    await expect(saint_louis).not_to_contain_text("No authorised signatory yet.")
    assert not page_errors, page_errors
