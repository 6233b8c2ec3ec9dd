"""The organisers' declaration tools in Chromium: open signing, withdraw a signature with a
reason, publish a new version after signing began (every delegation is asked to sign
again, and every page says which version each signature is on)."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.pages import connected, sign_in_moderator, sign_in_organiser
from tests.integration.wsclient import Client

pytestmark = pytest.mark.browser


async def test_organisers_open_withdraw_and_publish_a_new_version(start_server, new_page,
                                                                   page_errors) -> None:
    server = start_server()
    camila = await Client.connect(server.ws_url,
                                  server.links["Signatory (Camila Torres)"].rsplit("/a/", 1)[1])
    stage = await new_page()
    await stage.goto(f"{server.url}/stage/plenaria")
    await connected(stage)
    await expect(stage.locator("#signatory-wall")).to_be_hidden()
    page = await new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    await sign_in_organiser(page, server)
    panel = page.locator("#declaration-panel")
    await expect(panel.locator("#dec-status")).to_have_text(re.compile(
        r"^Version 1 · Signing is closed\. · 0 of 12 delegations have signed version 1\.$"))
    await panel.get_by_role("button", name="Open signing").click()
    await expect(panel.locator("#dec-open-status")).to_have_text("Signing is open.")
    await expect(panel.get_by_role("button", name="Close signing")).to_be_visible()

    await camila.call("declaration.sign", {"version": 1, "language": "es", "confirm": True})
    signatures = panel.locator("#dec-signatures > li")
    await expect(signatures).to_have_count(1)
    await expect(signatures).to_contain_text("Montevideo · Camila Torres · Version 1")
    await signatures.get_by_label("Reason for withdrawing the signature of Montevideo").fill(
        "Signed before the amendment was read")
    await signatures.get_by_role("button", name="Withdraw").click()
    await expect(page.locator("#dec-withdraw-status")).to_have_text(
        "The signature of Montevideo is withdrawn.")
    await expect(signatures).to_contain_text("Withdrawn: Signed before the amendment was read")

    # Montevideo signs again, then a new version asks every delegation to sign again.
    await camila.call("declaration.sign", {"version": 1, "language": "es", "confirm": True})
    await expect(signatures).to_have_count(2)
    english = panel.get_by_label("Text (English)")
    await english.fill((await english.input_value()) + "\n\nAmended in plenary.")
    await panel.get_by_role("button", name="Publish this version").click()
    await expect(panel.locator("#dec-form-status")).to_have_text(
        "Version 2 is published: delegations are asked to sign again.")
    await expect(panel.locator("#dec-status")).to_have_text(re.compile(
        r"^Version 2 · Signing is open\. · 0 of 12 delegations have signed version 2\.$"))

    # The public page says which version each signature is on.
    public = await new_page()
    await public.goto(f"{server.url}/declaration?read=en")
    await connected(public)
    await expect(public.locator("#declaration-version")).to_contain_text("Version 2")
    await expect(public.locator("#declaration-text")).to_contain_text("Amended in plenary.")
    rows = public.locator("#signatures tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_contain_text("Withdrawn: Signed before the amendment was read")
    await expect(rows.nth(1)).to_contain_text("Version 1")
    await expect(rows.nth(1)).to_contain_text(
        "on an earlier version: asked to sign version 2")
    await expect(public.locator("#wall-count")).to_have_text(
        "0 of 12 delegations have signed version 2. Signing is open.")
    refused = await camila.send("declaration.sign", {"version": 1, "language": "es",
                                                     "confirm": True})
    assert refused["code"] == "declaration.version-changed"

    # Closing signing: the stage keeps the final wall a while, then goes back to its session.
    await expect(stage.locator("#stage")).to_have_attribute("data-wall", "on")
    await panel.get_by_role("button", name="Close signing").click()
    await expect(stage.locator("#wall-count")).to_have_text(
        "0 of 12 delegations have signed version 2. Signing is closed.")
    await expect(stage.locator("#stage")).to_have_attribute("data-wall", "on")
    await camila.close()
    assert not page_errors, page_errors


async def test_a_moderator_withdraws_a_signature_from_the_control_panel(
        start_server, new_page, page_errors) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("declaration.open", {"open": True})
    camila = await Client.connect(server.ws_url,
                                  server.links["Signatory (Camila Torres)"].rsplit("/a/", 1)[1])
    await camila.call("declaration.sign", {"version": 1, "language": "es", "confirm": True})
    page = await new_page()
    await sign_in_moderator(page, server)
    panel = page.locator("#declaration-panel")
    # Publishing and opening are the organisers'.
    await expect(panel.get_by_role("button", name="Close signing")).to_have_count(0)
    await expect(panel.locator("#dec-form")).to_have_count(0)
    signature = panel.locator("#dec-signatures > li")
    await signature.get_by_label("Reason for withdrawing the signature of Montevideo").fill(
        "Signed for the wrong city")
    await signature.get_by_role("button", name="Withdraw").click()
    await expect(signature).to_contain_text("Withdrawn: Signed for the wrong city")
    await close_all(organiser, camila)
    assert not page_errors, page_errors


async def close_all(*clients: Client) -> None:
    for client in clients:
        await client.close()
