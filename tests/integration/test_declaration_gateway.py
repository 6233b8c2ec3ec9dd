"""The declaration over the websocket and HTTP, on both backends: one delegation signs at a
signing station, another from its personal link; the record downloads and verifies, and an
altered copy does not."""

from __future__ import annotations

import json

from rencontre.cities.record import check_record
from rencontre.server.cli import main
from tests.integration.test_attendance_gateway import close, pair, ws_url
from tests.integration.wsclient import Client

TEXT = {"title": {"fr": "Déclaration de Querétaro", "es": "Declaración de Querétaro",
                  "en": "Querétaro Declaration"},
        "text": {"fr": "Nous, villes…", "es": "Nosotras, las ciudades…",
                 "en": "We, cities </script><b>bold</b>"}}


async def test_two_delegations_sign_and_the_record_verifies(app_client, tmp_path, capsys):
    url = ws_url(app_client)
    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    remote = await Client.connect(url, app_client.tokens["attendee"])
    await organiser.call("delegation.import", {"people": [
        {"name": "Ana Peña", "delegation": "Querétaro", "country": "MX", "signatory": True,
         "badge": "QRO-1"},
        {"name": "Jean Dupont", "delegation": "Clermont-Ferrand", "country": "FR",
         "signatory": True, "principal": remote.snapshot["me"]["id"]},
    ]})
    await organiser.call("declaration.publish", TEXT)
    await organiser.call("declaration.open", {"open": True})
    station = await pair(url, organiser, "Signing station")

    who = await station.call("declaration.signer", {"badge": "QRO-1"})
    assert (who["name"], who["delegation"]["name"], who["version"]) == ("Ana Peña", "Querétaro",
                                                                        1)
    await station.call("declaration.sign", {"badge": "QRO-1", "version": 1, "language": "es",
                                            "confirm": True, "drawing": "M1 2 L30 40"})
    pushed = await remote.push("declaration.signed")
    assert (pushed["signature"]["delegation"]["name"], pushed["count"]) == ("Querétaro", 1)
    refused = await remote.send("declaration.sign", {"version": 1, "language": "fr",
                                                     "confirm": False})
    assert refused["code"] == "declaration.not-confirmed"
    await remote.call("declaration.sign", {"version": 1, "language": "fr", "confirm": True})
    assert (await station.send("declaration.signer", {"badge": "QRO-1"}))["code"] \
        == "declaration.already-signed"
    assert (await remote.send("declaration.signer", {"badge": "QRO-1"}))["code"] \
        == "auth.forbidden"

    response = await app_client.get("/declaration/record.json")
    assert response.status == 200
    record = await response.json()
    assert [link["kind"] for link in record["links"]] == ["version", "signature", "signature"]
    assert record["head"] == app_client.hub.state.declaration.chain.head
    assert check_record(record, record["head"]) == []
    saved = tmp_path / "record.json"
    saved.write_text(json.dumps(record), encoding="utf-8")
    assert main(["verify-record", str(saved), "--head", record["head"]]) == 0
    assert "verified, 3 links (2 signatures)" in capsys.readouterr().out

    record["links"][1]["at"] = "2026-01-01T00:00:00.000Z"  # a signature moved in time
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(record), encoding="utf-8")
    assert main(["verify-record", str(altered)]) == 1
    assert "link 2 (seq" in capsys.readouterr().err

    pdf = await app_client.get("/declaration/record.pdf")
    assert pdf.status == 200 and (await pdf.read()).startswith(b"%PDF")
    page = await app_client.get("/declaration?read=en")
    html = await page.text()
    assert "Querétaro Declaration" in html and "<b>bold</b>" not in html
    assert "</script><b>" not in html  # the page data is escaped too
    await close(organiser, remote, station)


async def test_the_signing_station_asks_for_pairing_first(app_client):
    page = await app_client.get("/signing")
    html = await page.text()
    assert page.status == 200 and 'name="next" value="/signing"' in html
