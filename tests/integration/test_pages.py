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


async def test_a_guest_who_joins_from_a_session_goes_back_to_it(app_client):
    live = await app_client.get("/live/s02")
    assert 'href="/join?next=/live/s02"' in await live.text()
    form = await app_client.get("/join?next=/live/s02")
    assert 'name="next" value="/live/s02"' in await form.text()
    joined = await app_client.post("/join", data={"name": "Zoé", "next": "/live/s02"},
                                   allow_redirects=False)
    assert (joined.status, joined.headers["Location"]) == (302, "/live/s02")


async def test_joining_never_sends_a_guest_to_another_site(app_client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        joined = await app_client.post("/join", data={"name": "Zoé", "next": target},
                                       allow_redirects=False)
        assert joined.headers["Location"] == "/", target
