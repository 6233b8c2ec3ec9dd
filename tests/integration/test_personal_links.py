"""Personal links issued by organisers: a CSV for a mail merge, revoked, re-issued, and who
has used theirs; kiosk pairing codes from the panel."""

from __future__ import annotations

import csv
import io

from tests.integration.wsclient import Client, ws_url

PEOPLE = [{"name": "Ana Peña", "city": "Querétaro"}, {"name": "Jean Dupont"}]


def rows(text: str) -> dict[str, dict[str, str]]:
    return {row["name"]: row for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}


async def test_organisers_issue_links_people_use_them_and_revoked_ones_stop(app_client):
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    await organiser.call("attendance.import", {"people": PEOPLE})
    issued = await organiser.call("attendance.issue-links", {
        "scope": "missing", "base": "https://rencontre.example"})
    links = rows(issued["csv"])
    assert issued["count"] == len(links) >= 2
    ana = links["Ana Peña"]
    assert ana["link"].startswith("https://rencontre.example/a/")
    token = ana["link"].rsplit("/a/", 1)[1]
    # Only hashes were logged: the token is nowhere in the log.
    entries = await app_client.hub.log.read(0, 100_000)
    assert not any(token.split(".")[1] in str(entry) for _, entry in entries)
    again = await organiser.call("attendance.issue-links", {
        "scope": "missing", "base": "https://rencontre.example"})
    assert again["count"] == 0, "everyone has a link now"

    state = app_client.hub.state
    person = state.attendance.registrations[ana["registration"]]
    assert person.principal == token.split(".")[0]
    cookie = {"Cookie": f"rencontre_token={app_client.tokens['Organiser']}"}
    page = await (await app_client.get("/organiser/access", headers=cookie)).text()
    assert 'data-status="issued"' in page
    opened = await app_client.get(f"/a/{token}", allow_redirects=False)
    assert opened.status == 302
    assert person.principal in state.attendance.link_used
    app_client.session.cookie_jar.clear()  # the organiser again
    page = await (await app_client.get("/organiser/access", headers=cookie)).text()
    assert f'data-registration="{person.id}" data-status="used"' in page

    await organiser.call("attendance.unlink", {"registrations": [person.id]})
    assert (await app_client.get(f"/a/{token}", allow_redirects=False)).status == 403
    app_client.session.cookie_jar.clear()
    renewed = rows((await organiser.call("attendance.issue-links", {
        "registrations": [person.id], "base": "https://rencontre.example"}))["csv"])
    assert list(renewed) == ["Ana Peña"] and renewed["Ana Peña"]["link"] != ana["link"]
    attendee = await Client.connect(url, app_client.tokens["attendee"])
    refused = await attendee.send("attendance.issue-links", {"scope": "all", "base": "http://x"})
    assert refused["code"] == "auth.forbidden"
    for client in (organiser, attendee):
        await client.close()


async def test_a_kiosk_pairs_with_a_code_made_on_the_panel(app_client):
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    made = await organiser.call("kiosk.pairing-code", {"label": "North door", "minutes": 30})
    anonymous = await Client.connect(url)
    paired = await anonymous.call("kiosk.pair", {"code": made["code"]})
    kiosk = await Client.connect(url, paired["token"])
    assert kiosk.snapshot["me"]["role"] == "kiosk"
    for client in (organiser, anonymous, kiosk):
        await client.close()
