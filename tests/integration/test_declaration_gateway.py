"""The declaration over the websocket and HTTP, on both backends: one delegation signs at a
signing station, another from its personal link; the record downloads and verifies, and an
altered copy does not."""

from __future__ import annotations

import asyncio
import json
import urllib.request

from rencontre.cities.record import check_record
from rencontre.server.cli import main
from tests.integration.test_attendance_gateway import close
from tests.integration.wsclient import pair, ws_url
from tests.integration.wsclient import Client

TEXT = {"title": {"fr": "Déclaration de Puebla", "es": "Declaración de Puebla",
                  "en": "Puebla Declaration"},
        "text": {"fr": "Nous, villes…", "es": "Nosotras, las ciudades…",
                 "en": "We, cities </script><b>bold</b>"}}


async def test_two_delegations_sign_and_the_record_verifies(app_client, tmp_path, capsys):
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    remote = await Client.connect(url, app_client.tokens["attendee"])
    await organiser.call("delegation.import", {"people": [
        {"name": "Ana Peña", "delegation": "Puebla", "country": "MX", "signatory": True,
         "badge": "QRO-1"},
        {"name": "Jean Dupont", "delegation": "Grenoble", "country": "FR",
         "signatory": True, "principal": remote.snapshot["me"]["id"]},
    ]})
    # The demo published its declaration: this is version 2.
    version = (await organiser.call("declaration.publish", TEXT))["version"]
    assert version == 2
    await organiser.call("declaration.open", {"open": True})
    station = await pair(url, organiser, "Signing station")

    who = await station.call("declaration.signer", {"badge": "QRO-1"})
    assert (who["name"], who["delegation"]["name"], who["version"]) == ("Ana Peña", "Puebla",
                                                                        2)
    await station.call("declaration.sign", {"badge": "QRO-1", "version": 2, "language": "es",
                                            "confirm": True, "drawing": "M1 2 L30 40"})
    pushed = await remote.push("declaration.signed")
    assert (pushed["signature"]["delegation"]["name"], pushed["count"]) == ("Puebla", 1)
    refused = await remote.send("declaration.sign", {"version": 2, "language": "fr",
                                                     "confirm": False})
    assert refused["code"] == "declaration.not-confirmed"
    await remote.call("declaration.sign", {"version": 2, "language": "fr", "confirm": True})
    assert (await station.send("declaration.signer", {"badge": "QRO-1"}))["code"] \
        == "declaration.already-signed"
    assert (await remote.send("declaration.signer", {"badge": "QRO-1"}))["code"] \
        == "auth.forbidden"

    response = await app_client.get("/declaration/record.json")
    assert response.status == 200
    record = await response.json()
    assert [link["kind"] for link in record["links"]] == ["version", "version",
                                                         "signature", "signature"]
    assert record["head"] == app_client.hub.state.declaration.chain.head
    assert check_record(record, record["head"]) == []
    saved = tmp_path / "record.json"
    saved.write_text(json.dumps(record), encoding="utf-8")
    assert main(["verify-record", str(saved), "--head", record["head"]]) == 0
    assert "verified, 4 links (2 signatures)" in capsys.readouterr().out

    record["links"][2]["at"] = "2026-01-01T00:00:00.000Z"  # a signature moved in time
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(record), encoding="utf-8")
    assert main(["verify-record", str(altered)]) == 1
    assert "link 3 (seq" in capsys.readouterr().err

    pdf = await app_client.get("/declaration/record.pdf")
    assert pdf.status == 200 and (await pdf.read()).startswith(b"%PDF")
    page = await app_client.get("/declaration?read=en")
    html = await page.text()
    assert "Puebla Declaration" in html and "<b>bold</b>" not in html
    assert "</script><b>" not in html  # the page data is escaped too
    await close(organiser, remote, station)


async def test_the_signing_station_asks_for_pairing_first(app_client):
    page = await app_client.get("/signing")
    html = await page.text()
    assert page.status == 200 and 'name="next" value="/signing"' in html


async def test_the_demo_has_a_dozen_cities_and_the_console_links_to_sign(app_client):
    state = app_client.hub.state
    delegations = state.delegations.by_id.values()
    assert len(delegations) == 12
    assert len({d.country for d in delegations}) >= 10
    assert all(d.signatories for d in delegations)
    declaration = state.declaration.current
    assert declaration is not None and set(declaration.text) == {"fr", "es", "en"}
    assert "neutr" in declaration.title["es"]
    link = app_client.links["Signatory (Camila Torres)"]
    token = link.rsplit("/a/", 1)[1]
    assert app_client.links["Signing station pairing"].split("  code: ")[0].endswith("/signing")
    # The printed link signs for Montevideo once an organiser opens signing.
    organiser = await Client.connect(ws_url(app_client), app_client.tokens["Organiser"])
    await organiser.call("declaration.open", {"open": True})
    camila = await Client.connect(ws_url(app_client), token)
    assert camila.snapshot["my_delegation"]["signatory"] is True
    # Her personal link takes her to the declaration while Montevideo is still to sign.
    opened = await app_client.get(f"/a/{token}?lang=es", allow_redirects=False)
    assert opened.headers["Location"] == "/declaration?lang=es"
    signed = await camila.call("declaration.sign", {"version": 1, "language": "es",
                                                    "confirm": True})
    assert signed["delegation"] == "Montevideo"
    opened = await app_client.get(f"/a/{token}", allow_redirects=False)
    assert opened.headers["Location"] == "/"
    code = app_client.links["Signing station pairing"].split("code: ")[1]
    station = await Client.connect(ws_url(app_client))
    paired = await station.call("kiosk.pair", {"code": code})
    assert paired["name"] == "Signing station"
    await close(organiser, camila, station)


async def test_a_restarted_demo_prints_a_new_signatory_link_and_the_old_one_stops(
        start_server, tmp_path):
    label = "Signatory (Camila Torres)"
    first = start_server(data=tmp_path / "event")
    old = first.links[label].rsplit("/a/", 1)[1]
    first.stop()
    second = start_server(data=tmp_path / "event")
    new = second.links[label].rsplit("/a/", 1)[1]
    assert new != old and "/signing  code: " in second.links["Signing station pairing"]
    camila = await Client.connect(second.ws_url, new)
    assert camila.snapshot["my_delegation"]["signatory"] is True
    stranger = await Client.connect(second.ws_url)
    assert (await stranger.send("auth.hello", {"token": old}))["code"] == "auth.invalid-token"
    await close(camila, stranger)


async def test_two_stations_on_two_processes_sign_for_one_city_once(start_server, redis_url):
    first, second = start_server(redis=redis_url), start_server(redis=redis_url)
    organiser = await Client.connect(first.ws_url, first.organiser_token)
    await organiser.call("delegation.import", {"people": [
        {"name": "Ana Peña", "delegation": "Puebla", "country": "MX", "signatory": True,
         "badge": "PUE-1"},
        {"name": "Luis Ortega", "delegation": "Puebla", "signatory": True, "badge": "PUE-2"}]})
    await organiser.call("declaration.open", {"open": True})
    stations = [await pair(process.ws_url, organiser, f"Station {n}")
                for n, process in enumerate((first, second))]
    # Puebla's two signatories sign at once, at stations on two processes.
    replies = await asyncio.gather(*(station.send("declaration.sign", {
        "badge": badge, "version": 1, "language": "es", "confirm": True})
        for station, badge in zip(stations, ("PUE-1", "PUE-2"), strict=True)))
    assert sorted(r["type"] for r in replies) == ["error", "reply"]
    refused = next(r for r in replies if r["type"] == "error")
    assert refused["code"] == "declaration.already-signed"
    # Both processes follow the same log to the same record (the other one may lag a moment).
    async with asyncio.timeout(10):
        while True:
            records = [await asyncio.to_thread(read_record, p.url) for p in (first, second)]
            if records[0]["head"] == records[1]["head"]:
                break
            await asyncio.sleep(0.1)
    assert [link["kind"] for link in records[0]["links"]].count("signature") == 1
    await close(organiser, *stations)


def read_record(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/declaration/record.json") as response:
        return json.load(response)
