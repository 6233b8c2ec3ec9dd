"""Done means (issue 11): one delegate enters at the door, leaves, follows online, and comes
back; the ledger, the live counts, the minutes CSV and the certificate all say the same
minutes. The hub's clock is moved by hand: minutes pass in milliseconds."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import zipfile

from rencontre.attendance.report import person_minutes
from rencontre.server.views import GATEWAY
from tests.integration.wsclient import Client, ws_url, pair

MIN = 60.0


async def occupancy(client: Client, session: str, expected: dict) -> dict:
    """The next coalesced count of ``session`` that says ``expected``."""
    async with asyncio.timeout(5):
        while True:
            counts = (await client.push("occupancy.changed"))["occupancy"].get(session)
            if counts and all(counts[k] == v for k, v in expected.items()):
                return counts


async def until(check, timeout: float = 5) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.02)


async def test_door_leave_online_and_back_say_the_same_minutes_everywhere(app_client):
    hub, url = app_client.hub, ws_url(app_client)
    state = hub.state
    app_client.server.app[GATEWAY].presence.grace = 0.05
    start = state.programme.sessions["s03"].start.timestamp()
    now = [start - 5 * MIN]
    hub.clock = lambda: now[0]

    organiser = await Client.connect(url, app_client.tokens["Organiser"])
    principal = app_client.tokens["attendee"].split(".")[0]
    person = await organiser.call("attendance.register", {"name": "Amadou Diallo",
                                                          "principal": principal})
    kiosk = await pair(url, organiser, "Taller A door")

    now[0] = start
    entered = await kiosk.call("entry.scan", {"badge": person["badge"], "session": "s03"})
    assert (entered["verdict"], entered["count"]) == ("entered", 1)
    await occupancy(organiser, "s03", {"inside": 1, "online": 0, "capacity": 60})

    now[0] = start + 20 * MIN
    left = await kiosk.call("exit.scan", {"badge": person["badge"], "session": "s03"})
    assert (left["verdict"], left["count"]) == ("left", 0)
    await occupancy(kiosk, "s03", {"inside": 0, "online": 0})

    now[0] = start + 25 * MIN
    phone = await Client.connect(url, app_client.tokens["attendee"])
    await phone.call("room.join", {"room": "s03"})
    await occupancy(organiser, "s03", {"inside": 0, "online": 1})

    now[0] = start + 40 * MIN
    await kiosk.call("entry.scan", {"badge": person["badge"], "session": "s03"})
    live = await occupancy(organiser, "s03", {"inside": 1})
    assert live["online"] == 0, "counted once: on site wins over the phone"

    now[0] = start + 50 * MIN
    await phone.call("conn.ping", {"visible": False})
    await until(lambda: principal not in state.attendance.watching.get("s03", ()))

    now[0] = start + 80 * MIN
    await organiser.call("session.end", {"session": "s03"})

    now[0] = start + 200 * MIN
    registration = state.attendance.registrations[person["id"]]
    minutes = person_minutes(state, registration, now[0])["s03"]
    assert (minutes.onsite, minutes.online) == (60, 15)

    cookie = {"Cookie": f"rencontre_token={app_client.tokens['Organiser']}"}
    text = (await (await app_client.get("/organiser/minutes.csv", headers=cookie)).read()
            ).decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["registration"] == person["id"]]
    assert [(r["session"], r["onsite_minutes"], r["online_minutes"], r["total_minutes"])
            for r in rows] == [("s03", "60", "15", "75")]

    # The charts and the numbers behind them: on site first, online in between.
    page = await (await app_client.get("/organiser/reports", headers=cookie)).text()
    assert page.count("<svg") >= 2, "a chart for the day and one for the session"
    text = (await (await app_client.get("/organiser/timeline.csv?session=s03",
                                        headers=cookie)).read()).decode("utf-8-sig")
    points = [(r["onsite"], r["online"]) for r in csv.DictReader(io.StringIO(text))]
    assert points[0] == ("1", "0") and ("0", "1") in points and points[-1] == ("1", "0")

    # The certificate: the delegate's own, from their personal page, says the same.
    mine = {"Cookie": f"rencontre_token={app_client.tokens['attendee']}"}
    page = await (await app_client.get("/certificate?lang=fr", headers=mine)).text()
    assert "Amadou Diallo" in page and "Certificat de présence" in page
    cells = re.findall(r'<td class="num">(\d+)</td>', page)
    assert cells[:2] == ["60", "15"], "the session's line: 60 on site, 15 online"
    code = re.search(r'<p class="cert-code"><code>([^<]+)</code>', page).group(1)
    verified = await app_client.get(f"/verify/{code}?lang=en")
    text = await verified.text()
    assert verified.status == 200 and "Valid" in text and "Amadou Diallo" in text
    assert "1 h 15 min" in text
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert (await app_client.get(f"/verify/{forged}")).status == 404
    altered = code.replace(".10.", ".1.")  # a lower threshold: another content, refused
    assert (await app_client.get(f"/verify/{altered}")).status == 404
    pdf = await app_client.get("/certificate.pdf", headers=mine)
    body = await pdf.read()
    assert pdf.status == 200 and body.startswith(b"%PDF")
    zipped = await app_client.get("/organiser/certificates.zip", headers=cookie)
    archive = zipfile.ZipFile(io.BytesIO(await zipped.read()))
    assert [n for n in archive.namelist() if person["id"] in n] == [
        f"amadou-diallo-{person['id']}.pdf"]
    for client in (organiser, kiosk, phone):
        await client.close()
