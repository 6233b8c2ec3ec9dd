"""Member cities vote as cities and sign the declaration, in real browsers.

Two delegations vote once each in a one-ballot-per-delegation poll from three devices
(Puebla's two delegates, Grenoble's one): the last ballot of a delegation counts. Then
they sign the declaration while the stage's wall updates: Puebla's signatory at the
signing station (badge, the text in Spanish, a drawn signature, a confirmation),
Grenoble's from her personal link (with a second confirmation). The record downloaded
from the public page verifies, and an altered copy does not.

One ``rencontre serve --demo`` in a child process; the demo has a dozen delegations.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.async_api import Page, expect

from rencontre.cities.record import check_record
from rencontre.server.cli import main
from tests.browser.pages import connected
from tests.integration.wsclient import Client

pytestmark = pytest.mark.browser

SESSION = "s01"  # in the plenary hall
OPTIONS = ["For", "Against", "Abstain"]
DEMO_DELEGATIONS = 12


async def vote(page: Page, option: str, button: str = "Vote",
               thanks: str = "Thank you!") -> None:
    form = page.locator("#poll-open form")
    await form.get_by_label(option).check()
    await form.get_by_role("button", name=button, exact=True).click()
    await expect(form.locator(".poll-status")).to_have_text(re.compile(f"^{thanks}"))


async def device(new_page, server, token: str, **options) -> Page:
    page = await new_page(**options)
    await page.goto(f"{server.url}/a/{token}")
    await page.goto(f"{server.url}/live/{SESSION}")
    await connected(page)
    return page


async def test_cities_vote_once_each_then_sign_while_the_wall_updates(
        start_server, new_page, page_errors, tmp_path, capsys, screenshot) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    tokens = {}
    principals = {}
    for name in ("Valeria Ortiz", "Tomás Ruiz", "Odile Martin"):
        granted = await organiser.call("access.grant", {"role": "attendee", "name": name})
        tokens[name], principals[name] = granted["token"], granted["principal"]
    await organiser.call("delegation.import", {"people": [
        {"name": "Valeria Ortiz", "delegation": "Puebla", "country": "MX", "languages": "es",
         "signatory": True, "badge": "PUE-1", "principal": principals["Valeria Ortiz"]},
        {"name": "Tomás Ruiz", "delegation": "Puebla", "principal": principals["Tomás Ruiz"]},
        {"name": "Odile Martin", "delegation": "Grenoble", "country": "FR", "languages": "fr",
         "signatory": True, "kind": "remote", "principal": principals["Odile Martin"]},
    ]})
    await organiser.call("session.start", {"session": SESSION})

    stage = await new_page()
    await stage.set_viewport_size({"width": 1920, "height": 1080})
    await stage.goto(f"{server.url}/stage/plenaria")
    await connected(stage)
    wall = stage.locator("#signatory-wall")
    await expect(wall).to_be_hidden()  # signing has not opened yet

    # -- one ballot per delegation, from three devices --
    poll = (await organiser.call("poll.create", {
        "session": SESSION, "question": "Adopt the declaration as drafted?",
        "options": OPTIONS, "audience": "delegation"}))["id"]
    await organiser.call("poll.open", {"poll": poll})
    valeria = await device(new_page, server, tokens["Valeria Ortiz"], has_touch=True)
    tomas = await device(new_page, server, tokens["Tomás Ruiz"])
    odile = await device(new_page, server, tokens["Odile Martin"], locale="fr-FR",
                         timezone_id="Europe/Paris")
    await vote(valeria, "For")
    await vote(odile, "For", button="Voter", thanks="Merci")
    # Tomás sees Puebla's ballot as his delegation's, and changes it: the last one counts.
    form = tomas.locator("#poll-open form")
    await expect(form.get_by_label("For")).to_be_checked()
    await form.get_by_role("button", name="Change my vote").click()
    await form.get_by_label("Against").check()
    await form.get_by_role("button", name="Save my new vote").click()
    await expect(form.get_by_label("Against")).to_be_checked()
    await expect(valeria.locator("#poll-open form").get_by_label("Against")).to_be_checked()
    await expect(stage.locator(".stage-poll-total")).to_have_text("2 ballots")
    await expect(stage.locator(".poll-count")).to_have_text(["1 vote", "1 vote", "0 votes"])
    await organiser.call("poll.close", {"poll": poll})

    # -- signing opens: the wall takes the stage --
    await organiser.call("declaration.open", {"open": True})
    await expect(wall).to_be_visible()
    await expect(stage.locator("#stage")).to_have_attribute("data-wall", "on")
    total = DEMO_DELEGATIONS + 2
    await expect(wall.locator("#wall-count")).to_have_text(
        f"0 of {total} delegations have signed version 1. Signing is open.")

    # Puebla signs at the signing station, paired from its own page.
    code = (await organiser.call("kiosk.pairing-code", {"label": "Signing station"}))["code"]
    station = await new_page(has_touch=True)
    await station.goto(f"{server.url}/signing")
    await station.get_by_label("Pairing code from the organiser").fill(code)
    await station.get_by_role("button", name="Pair").click()
    await expect(station).to_have_url(f"{server.url}/signing")
    await connected(station)
    await expect(station.locator("#scan")).to_be_focused()
    await station.keyboard.type("PUE-2")
    await station.keyboard.press("Enter")
    await expect(station.locator("#scan-error")).to_have_text("Badge PUE-2 is not registered.")
    await station.locator("#scan").fill("PUE-1")
    await station.keyboard.press("Enter")
    await expect(station.locator("#read-who")).to_have_text(
        "Valeria Ortiz, signatory for Puebla")
    await expect(station.locator("#read-who")).to_be_focused()
    await expect(station.get_by_label("Español")).to_be_checked()  # Puebla works in Spanish
    await expect(station.locator("#read-title")).to_have_text(
        "Declaración de Querétaro por ciudades neutras en carbono")
    await station.get_by_label("English").check()
    await expect(station.locator("#read-title")).to_have_text(
        "Querétaro Declaration for carbon-neutral cities")
    pad = await station.locator("#sign-pad").bounding_box()
    await station.mouse.move(pad["x"] + 40, pad["y"] + 60)
    await station.mouse.down()
    for step in range(1, 12):
        await station.mouse.move(pad["x"] + 40 + step * 25, pad["y"] + 60 + (step % 3) * 20)
    await station.mouse.up()
    await station.get_by_label(re.compile(r"^I, Valeria Ortiz, have read version 1")).check()
    await screenshot(station, "declaration-signing-station")
    await station.get_by_role("button", name="Sign for Puebla").click()
    await expect(station.locator("#done-title")).to_have_text(
        "Thank you: Puebla has signed version 1.")

    # The wall's moment, the count, the list by country.
    await expect(wall.locator("#wall-moment")).to_have_text(
        "Puebla (Mexico) has signed the declaration.")
    await expect(wall.locator("#wall-list li .wall-city")).to_have_text(["Puebla"])
    await expect(wall.locator("#wall-count")).to_have_text(re.compile(f"^1 of {total} "))
    await screenshot(stage, "declaration-wall-stage")

    # Grenoble signs remotely, from her personal link, with a second confirmation.
    await odile.goto(f"{server.url}/declaration")
    await connected(odile)
    sign = odile.locator("#sign-remote")
    await expect(sign.locator("#sign-title")).to_have_text("Vous signez pour Grenoble")
    await sign.locator("#sign-read").check()
    await sign.get_by_role("button", name="Signer pour Grenoble").click()
    dialog = odile.locator("#sign-dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_role("button", name="Oui, signer")).to_be_focused()
    await dialog.get_by_role("button", name="Oui, signer").click()
    await expect(sign.locator("#sign-state")).to_have_text(
        re.compile(r"^Grenoble a signé la version 1 \("))
    await expect(wall.locator("#wall-list li .wall-city")).to_have_text(["Puebla", "Grenoble"])
    await expect(wall.locator("#wall-moment")).to_have_text(
        "Grenoble (France) has signed the declaration.")
    await expect(wall.locator("#wall-countries li")).to_have_text(
        ["France (1): Grenoble", "Mexico (1): Puebla"])
    # Remote attendees follow the same wall on their live page.
    await expect(tomas.locator("#signatory-wall")).to_be_visible()
    await expect(tomas.locator("#wall-list li .wall-city")).to_have_text(["Puebla", "Grenoble"])
    # The public page lists both, in the viewer's time zone, with the version.
    rows = odile.locator("#signatures tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_contain_text("Puebla")
    await expect(rows.nth(0)).to_contain_text("Version 1")

    await screenshot(odile, "declaration-public-page")

    # -- the record --
    head = (await odile.locator("#record-head").text_content()).strip()
    async with odile.expect_download() as download_info:
        await odile.get_by_role("link", name="Télécharger le registre (JSON)").click()
    saved = tmp_path / "declaration-record.json"
    await (await download_info.value).save_as(saved)
    record = json.loads(saved.read_text(encoding="utf-8"))
    assert record["head"] == head and check_record(record, head) == []
    signed = [link for link in record["links"] if link["kind"] == "signature"]
    assert [(s["delegation"], s["where"]) for s in signed] == [("Puebla", "station"),
                                                             ("Grenoble", "remote")]
    assert signed[0]["drawing"].startswith("M") and signed[0]["language"] == "en"
    capsys.readouterr()
    assert main(["verify-record", str(saved), "--head", head]) == 0
    signed[1]["signatory"] = "Someone else"
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(record), encoding="utf-8")
    assert main(["verify-record", str(altered), "--head", head]) == 1
    assert "NOT VERIFIED" in capsys.readouterr().err
    pdf = await odile.request.get(f"{server.url}/declaration/record.pdf")
    assert pdf.ok and (await pdf.body()).startswith(b"%PDF")
    assert not page_errors, page_errors
