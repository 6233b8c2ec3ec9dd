"""The printable badges page: who it lists, with which codes, and who may see it."""

from __future__ import annotations

import html
import re

from rencontre.attendance.demo import DELEGATES


def organiser(app_client) -> dict[str, str]:
    return {"Cookie": f"rencontre_token={app_client.tokens['Organiser']}"}


def badges(text: str) -> list[tuple[str, str, str]]:
    """(name, kind, code) of each badge on the page, in order."""
    found = re.findall(
        r'<article class="badge" data-kind="(\w+)" data-badge="([^"]+)">.*?'
        r'<h2 class="badge-name">([^<]*)</h2>.*?'
        r'<div class="badge-qr" data-code="([^"]+)"></div>\s*'
        r'<p class="badge-code">([^<]*)</p>', text, re.S)
    result = []
    for kind, badge, name, qr_code, printed in found:
        assert badge == qr_code == printed, "the QR code holds the code printed under it"
        result.append((html.unescape(name), kind, badge))
    return result


async def test_badges_list_the_onsite_registrations_with_their_codes(app_client) -> None:
    registrations = list(app_client.hub.state.attendance.registrations.values())
    assert len(registrations) == len(DELEGATES) == 22
    onsite = {r.name: r.badge for r in registrations if r.kind == "onsite"}
    assert 0 < len(onsite) < len(registrations)

    response = await app_client.get("/organiser/badges", headers=organiser(app_client))
    assert response.status == 200
    text = await response.text()
    shown = badges(text)
    assert {name: code for name, _, code in shown} == onsite
    assert {kind for _, kind, _ in shown} == {"onsite"}
    # In alphabetical order, to hand them out.
    assert [name for name, _, _ in shown] == sorted(onsite, key=lambda n: n.casefold())
    assert re.search(r"\d{7}", shown[0][2])
    assert f"Badges to print: {len(onsite)}" in text
    assert '/js/badges.js"></script>' in text
    assert '/css/badges.css">' in text
    assert text.count('<p class="badge-event">') == len(onsite)
    assert "Ville de Dakar" in text and "Dakar" in text

    everyone = await app_client.get("/organiser/badges?kind=all", headers=organiser(app_client))
    assert {code for _, _, code in badges(await everyone.text())} == {
        r.badge for r in registrations}
    remote = await app_client.get("/organiser/badges?kind=remote",
                                  headers=organiser(app_client))
    assert {kind for _, kind, _ in badges(await remote.text())} == {"remote"}
    # An unknown kind falls back to the default.
    odd = await app_client.get("/organiser/badges?kind=nope", headers=organiser(app_client))
    assert len(badges(await odd.text())) == len(onsite)

    # Translated, like every page.
    french = await app_client.get("/organiser/badges?lang=fr", headers=organiser(app_client))
    assert "Badges à imprimer\u202f: " in await french.text()


async def test_the_organiser_panel_links_to_the_badges(app_client) -> None:
    response = await app_client.get("/organiser", headers=organiser(app_client))
    assert '<a href="/organiser/badges">Print badges</a>' in await response.text()


async def test_badges_are_for_organisers_only(app_client) -> None:
    anonymous = await app_client.get("/organiser/badges", allow_redirects=False)
    assert (anonymous.status, anonymous.headers["Location"]) == (302, "/moderator/login")
    attendee = await app_client.get(
        "/organiser/badges", allow_redirects=False,
        headers={"Cookie": f"rencontre_token={app_client.tokens['attendee']}"})
    assert (attendee.status, attendee.headers["Location"]) == (302, "/moderator/login")
    moderator = await app_client.get(
        "/organiser/badges",
        headers={"Cookie": f"rencontre_token={app_client.tokens['Moderator panel']}"})
    assert moderator.status == 403
    text = await moderator.text()
    assert 'class="badge"' not in text and "data-code" not in text
    assert "Only organisers" in text
