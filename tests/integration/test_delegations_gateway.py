"""Delegations over the websocket, on both backends: an attendee list with its delegations."""

from __future__ import annotations

from tests.integration.test_attendance_gateway import close
from tests.integration.wsclient import ws_url
from tests.integration.wsclient import Client

ROSTER = [
    {"name": "Ana Peña", "delegation": "Puebla", "country": "MX", "signatory": "sí"},
    {"name": "Luis Ortega", "delegation": "Puebla"},
    {"name": "Jean Dupont", "delegation": "Grenoble", "country": "FR",
     "signatory": "oui"},
]


async def test_an_imported_roster_reaches_staff_with_people_and_attendees_without(app_client):
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    attendee = await Client.connect(url, app_client.tokens["attendee"])
    result = await organiser.call("delegation.import", {"people": ROSTER})
    assert (result["count"], result["delegations"], result["delegates"]) == (3, 2, 3)
    members = await organiser.push("delegation.members-set")
    queretaro = next(d for d in members["delegations"] if d["name"] == "Puebla")
    assert [(m["name"], m["signatory"]) for m in queretaro["members"]] == [
        ("Ana Peña", True), ("Luis Ortega", False)]
    public = await attendee.push("delegation.saved")
    assert {d["name"] for d in public["delegations"]} == {"Puebla", "Grenoble"}
    assert all("members" not in d for d in public["delegations"])
    # A reconnecting attendee gets the same from its snapshot.
    again = await Client.connect(url, app_client.tokens["attendee"])
    countries = {d["name"]: d["country"] for d in again.snapshot["delegations"]}
    assert (countries["Grenoble"], countries["Puebla"]) == ("FR", "MX")
    await close(organiser, attendee, again)


async def test_pages_may_load_exactly_the_flags_hosts(app_client):
    organiser = await Client.connect(ws_url(app_client), app_client.tokens["Organiser"])
    before = (await app_client.get("/declaration")).headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in before
    await organiser.call("delegation.create", {
        "name": "Lyon", "country": "FR", "flag": "https://flags.example.org:8443/lyon.svg"})
    after = (await app_client.get("/declaration")).headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://flags.example.org:8443;" in after
    await close(organiser)


async def test_a_wrong_row_names_it_and_registers_nobody(app_client):
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    before = len(app_client.hub.state.attendance.registrations)
    error = await organiser.send("delegation.import", {"people": [
        *ROSTER, {"name": "Sophie Tremblay", "delegation": "Québec"}]})
    assert (error["code"], error["params"]["row"]) == ("delegation.no-country", 4)
    assert "Québec" in error["message"]
    assert len(app_client.hub.state.attendance.registrations) == before
    assert not {"Puebla", "Grenoble"} & {d.name for d in
                                          app_client.hub.state.delegations.by_id.values()}
    attendee = await Client.connect(url, app_client.tokens["attendee"])
    refused = await attendee.send("delegation.create", {"name": "Lyon", "country": "FR"})
    assert refused["code"] == "auth.forbidden"
    await close(organiser, attendee)
