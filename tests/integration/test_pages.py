"""Sign-in pages keep the visitor's language, also on the answer to a form."""

from __future__ import annotations

import re


async def test_a_personal_link_with_a_language_keeps_it(app_client):
    token = app_client.tokens["attendee"]
    response = await app_client.get(f"/a/{token}?lang=es", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/?lang=es"
    home = await app_client.get("/?lang=es")
    assert '<html lang="es">' in await home.text()


async def test_language_links_on_a_refused_pairing_lead_to_the_pairing_page(app_client):
    response = await app_client.post("/kiosk/pair?lang=fr", data={"code": "WRONG1"})
    assert response.status == 400
    page = await response.text()
    links = re.findall(r'href="([^"]*\?lang=\w+)"', page)
    assert links and all(link.startswith("/kiosk?lang=") for link in links)
    for link in links:
        assert (await app_client.get(link)).status == 200


async def test_language_links_on_a_refused_guest_join_stay_on_the_join_page(app_client):
    response = await app_client.post("/join", data={"name": ""})
    page = await response.text()
    links = re.findall(r'href="([^"]*\?lang=\w+)"', page)
    assert links and all(link.startswith("/join?lang=") for link in links)
