"""``rencontre import-schedule`` and the organiser panel's upload.

Each shared sample is imported with the CLI into a fresh data directory, then a
server started on that directory serves it: /schedule.json has the file's
sessions, rooms and times. A refused file prints every problem with its place and
leaves the log empty; re-importing an updated file updates sessions in place.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import subprocess
import sys
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from aiohttp import FormData

from rencontre.schedule.formats import load
from rencontre.schedule.model import pick
from rencontre.server.hub import Hub
from rencontre.server.log import open_log
from rencontre.server.schedule_cli import ProgressBar
from tests.support import FIXTURES, ROOT, wait_for

SAMPLES = FIXTURES / "interop" / "samples"


def run_import(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rencontre.server.cli", "import-schedule", *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def served_sessions(server) -> Counter:
    """(title, UTC start, UTC end, room) of every event in the server's /schedule.json."""
    document = json.loads(fetch(f"{server.url}/schedule.json?lang=en"))
    found = Counter()
    for day in document["schedule"]["conference"]["days"]:
        for room, events in day["rooms"].items():
            for event in events:
                found[(event["title"], utc(event["date"]), utc(event["end"]), room)] += 1
    return found


def expected_sessions(data: bytes, timezone: str | None) -> Counter:
    programme = load(data, default_timezone=timezone)
    return Counter((pick(s.title, "en"), s.start, s.end, pick(programme.rooms[s.room].name, "en"))
                   for s in programme.sessions.values())


def log_length(data: Path) -> int:
    async def count() -> int:
        hub = Hub(open_log(str(data), None))
        await hub.start()
        seq = hub.state.seq
        await hub.stop()
        return seq

    return asyncio.run(count())


@pytest.mark.parametrize(("name", "options", "sessions", "rooms", "pinned"), [
    ("debconf23.xml", [], 117, 5,
     ("Opening Ceremony", "2023-09-10T05:00:00+00:00", "Anamudi")),
    ("fosdem2018-snippet.xml", ["--timezone", "Europe/Brussels"], 2, 1,
     ("Consensus as a Service", "2018-02-03T09:00:00+00:00", None)),
    ("pretalx-democon.json", [], 36, 2,
     ("Focused 5thgeneration hardware", "2020-12-14T08:00:00+00:00", "Gray Room")),
    ("hub-schedule2.json", [], 2, 5,
     ("38C3: Opening Ceremony", "2024-12-27T09:30:00+00:00", "Saal 1")),
    ("kielux-2020.ics", [], 24, 4,
     ("OpenCelium - Der generische OpenSoure API-Hub", "2020-09-18T11:00:00+00:00", None)),
])
def test_every_sample_imports_and_is_served(tmp_path, start_server, name, options, sessions,
                                            rooms, pinned) -> None:
    data = tmp_path / "data"
    result = run_import(SAMPLES / name, "--data", data, *options)
    assert result.returncode == 0, result.stderr
    assert f"Imported {sessions} session{'s' if sessions > 1 else ''} in {rooms} room" in (
        result.stdout)
    assert f"{name}: read {sessions} sessions" in result.stderr
    server = start_server(data=data, demo=False)
    served = served_sessions(server)
    timezone = options[1] if options else None
    assert served == expected_sessions((SAMPLES / name).read_bytes(), timezone)
    assert sum(served.values()) == sessions
    title, start, room = pinned
    matching = [key for key in served if key[0] == title and key[1] == utc(start)]
    assert matching, (title, start)
    if room:
        assert matching[0][3] == room


def test_the_cli_names_a_speaker_in_two_sessions_at_once(tmp_path) -> None:
    result = run_import(SAMPLES / "pretalx-democon.json", "--data", tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert "Imported 36 sessions in 2 rooms." in result.stdout
    assert "rencontre: 1 double booking: a speaker is in two sessions at the same time." in (
        result.stderr)
    assert f"\n  {DOUBLE_BOOKED}\n" in result.stderr


def test_invalid_file_prints_every_problem_and_imports_nothing(tmp_path) -> None:
    data = tmp_path / "data"
    result = run_import(SAMPLES / "invalid-example.json", "--data", data)
    assert result.returncode == 1
    event = "/schedule/conference/days/0/rooms/Winterchaos/0"
    for place in ("/schedule/rooms", f"{event}: ", f"{event}/id", f"{event}/persons/0/id"):
        assert f"\n{place}" in "\n" + result.stderr, place
    assert "4 problems in invalid-example.json; nothing was imported." in result.stderr
    assert result.stdout == ""
    assert log_length(data) == 0


def test_local_times_without_a_zone_ask_for_one(tmp_path) -> None:
    data = tmp_path / "data"
    result = run_import(SAMPLES / "fosdem2018-snippet.xml", "--data", data)
    assert result.returncode == 1
    assert "line 17, /schedule/day[1]/room[1]/event[1]/start: " in result.stderr
    assert "--timezone" in result.stderr
    assert log_length(data) == 0


def test_missing_file(tmp_path) -> None:
    result = run_import(tmp_path / "nothing.xml", "--data", tmp_path / "data")
    assert result.returncode == 1
    assert "cannot read" in result.stderr


def test_reimport_updates_sessions_in_place(tmp_path, start_server) -> None:
    original = json.loads((SAMPLES / "pretalx-democon.json").read_text())
    data = tmp_path / "data"
    assert run_import(SAMPLES / "pretalx-democon.json", "--data", data).returncode == 0
    server = start_server(data=data, demo=False)
    before = icalendar.Calendar.from_ical(fetch(f"{server.url}/agenda.ics"))
    first = {str(e["UID"]): e for e in before.walk("VEVENT")}
    uid = "8079583e-8321-506c-95af-fd2903a5f075@democon"
    assert first[uid]["SEQUENCE"] == 0

    # While the server runs, its SQLite directory is locked: the CLI says what to do.
    locked = run_import(SAMPLES / "pretalx-democon.json", "--data", data)
    assert locked.returncode == 1
    assert "another Rencontre process" in locked.stderr
    assert "/organiser" in locked.stderr and "--redis" in locked.stderr
    server.stop()

    changed = original
    event = changed["schedule"]["conference"]["days"][0]["rooms"]["Gray Room"][0]
    assert event["guid"] == uid.split("@")[0]
    event["date"], event["start"] = "2020-12-14T09:45:00+01:00", "09:45"
    path = tmp_path / "democon-v2.json"
    path.write_text(json.dumps(changed))
    # 09:45 overlaps the next two talks in the Gray Room: refused with both places, unless forced.
    refused = run_import(path, "--data", data)
    assert refused.returncode == 1
    room = "/schedule/conference/days/0/rooms/Gray Room"
    assert f"{room}/0: overlaps the session at {room}/1 in room “Gray Room”" in refused.stderr
    assert f"{room}/2: overlaps the session at {room}/0 in room “Gray Room”" in refused.stderr
    result = run_import(path, "--data", data, "--force")
    assert result.returncode == 0, result.stderr
    assert "Imported 36 sessions in 2 rooms" in result.stdout

    server.start()
    after = icalendar.Calendar.from_ical(fetch(f"{server.url}/agenda.ics"))
    second = {str(e["UID"]): e for e in after.walk("VEVENT")}
    assert set(second) == set(first), "matched by guid: no duplicates"
    assert second[uid]["SEQUENCE"] == 1
    assert second[uid]["DTSTART"].dt.astimezone(UTC) == utc("2020-12-14T08:45:00+00:00")
    others = [u for u in first if u != uid]
    assert all(second[u]["SEQUENCE"] == first[u]["SEQUENCE"] for u in others)


def test_progress_bar_draws_on_a_terminal_only() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    bar = ProgressBar(terminal, "big.xml")
    for done in range(1, 201):
        bar(done, 200)
    bar.finish()
    text = terminal.getvalue()
    assert "\rbig.xml [" + "#" * 30 + "] 200/200 sessions" in text
    assert text.count("\r") <= 33, "redrawn when the bar grows, not on every session"
    assert text.endswith("big.xml: read 200 sessions\n")

    plain = io.StringIO()
    bar = ProgressBar(plain, "big.xml")
    for done in range(1, 201):
        bar(done, 200)
    bar.finish()
    assert plain.getvalue() == "big.xml: read 200 sessions\n"


# -- the organiser panel ---------------------------------------------------------------------


def upload(path: Path, mode: str = "merge", timezone: str = "") -> FormData:
    form = FormData()
    form.add_field("file", path.read_bytes(), filename=path.name,
                   content_type="application/octet-stream")
    form.add_field("mode", mode)
    form.add_field("timezone", timezone)
    return form


async def test_organiser_page_needs_an_organiser(app_client) -> None:
    response = await app_client.get("/organiser", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/moderator/login"
    moderator = {"rencontre_token": app_client.tokens["Moderator panel"]}
    response = await app_client.get("/organiser", cookies=moderator)
    assert response.status == 403
    assert "Only organisers may use this page" in await response.text()
    response = await app_client.post("/organiser/import", cookies=moderator,
                                     data=upload(SAMPLES / "kielux-2020.ics"))
    assert response.status == 403
    assert len(app_client.hub.state.programme.sessions) == 22
    attendee = {"rencontre_token": app_client.tokens["attendee"]}
    response = await app_client.get("/organiser", cookies=attendee, allow_redirects=False)
    assert response.status == 302

    organiser = {"rencontre_token": app_client.tokens["Organiser"]}
    response = await app_client.get("/organiser", cookies=organiser)
    assert response.status == 200
    page = await response.text()
    for link in ("/agenda.ics", "/schedule.xml", "/schedule.json", "/schedule.csv",
                 "/rooms/plenaria/agenda.ics", "/tracks/climat/agenda.ics"):
        assert f'href="{link}?lang=en"' in page
    assert 'enctype="multipart/form-data"' in page


async def test_organiser_upload_imports_or_lists_the_problems(app_client) -> None:
    organiser = {"rencontre_token": app_client.tokens["Organiser"]}
    hub = app_client.hub
    seq = hub.state.seq
    response = await app_client.post("/organiser/import", cookies=organiser,
                                     data=upload(SAMPLES / "invalid-example.json"))
    assert response.status == 422
    page = await response.text()
    assert "invalid-example.json was not imported: 4 problems." in page
    assert "<code>/schedule/conference/days/0/rooms/Winterchaos/0/id</code>" in page
    assert hub.state.seq == seq, "nothing logged"

    response = await app_client.post("/organiser/import", cookies=organiser,
                                     data=upload(SAMPLES / "fosdem2018-snippet.xml",
                                                 timezone="Europe/Brussels"))
    assert response.status == 200, await response.text()
    assert "fosdem2018-snippet.xml: Imported 2 sessions in 1 room." in await response.text()
    sessions = hub.state.programme.sessions
    assert len(sessions) == 22 + 2, "merged into the demo event"
    assert sessions["6245"].start == utc("2018-02-03T09:00:00+00:00")

    response = await app_client.post("/organiser/import", cookies=organiser,
                                     data=upload(SAMPLES / "kielux-2020.ics", mode="replace"))
    assert response.status == 200
    assert len(hub.state.programme.sessions) == 24
    assert hub.state.programme.event.name == {"en": "18. Kieler Open Source und Linux Tage"}

    response = await app_client.post("/organiser/import", cookies=organiser,
                                     headers={"Origin": "http://evil.example"},
                                     data=upload(SAMPLES / "kielux-2020.ics"))
    assert response.status == 403
    response = await app_client.post("/organiser/import", cookies=organiser,
                                     data={"mode": "merge"})
    assert response.status == 400
    assert "Choose a file to import." in await response.text()


DOUBLE_BOOKED = ("Stephanie Hudson: “Inverse motivating array” and "
                 "“Re-engineered bandwidth-monitored focus group”")


async def test_an_upload_names_a_speaker_in_two_sessions_at_once(app_client) -> None:
    """democon has Stephanie Hudson in two rooms at 08:30: imported, and the page says so."""
    organiser = {"rencontre_token": app_client.tokens["Organiser"]}
    response = await app_client.post("/organiser/import", cookies=organiser,
                                     data=upload(SAMPLES / "pretalx-democon.json"))
    assert response.status == 200
    page = await response.text()
    assert "pretalx-democon.json: Imported 36 sessions in 2 rooms." in page
    assert ("1 double booking: a speaker is in two sessions at the same time. The sessions "
            "were imported; move one if that is a mistake.") in page
    assert re.search(r'<ul id="shared-speakers">\s*<li>' + re.escape(DOUBLE_BOOKED) + "</li>"
                     r"\s*</ul>", page)
    # In the organiser's language.
    response = await app_client.post("/organiser/import?lang=fr", cookies=organiser,
                                     data=upload(SAMPLES / "pretalx-democon.json"))
    assert "1 double réservation" in await response.text()
    # A file without any: nothing said.
    response = await app_client.post("/organiser/import", cookies=organiser,
                                     data=upload(SAMPLES / "kielux-2020.ics"))
    assert response.status == 200
    assert "shared-speakers" not in await response.text()


async def test_the_organiser_page_names_each_element_once(app_client) -> None:
    """A refused upload lists its room conflicts beside the live list of kiosk conflicts:
    two elements with one id would confuse assistive technology and the page's script."""
    organiser = {"rencontre_token": app_client.tokens["Organiser"]}
    clash = (await (await app_client.get("/schedule.csv?lang=en")).read()).decode("utf-8-sig")
    header, first, *_ = clash.splitlines()
    id_, guid, rest = first.split(",", 2)
    squeezed = f"squeezed,squeezed-guid,{rest}"  # another session, in the same room at once
    form = FormData()
    form.add_field("file", "\n".join([header, squeezed]).encode(),
                   filename="clash.csv", content_type="text/csv")
    form.add_field("mode", "merge")
    response = await app_client.post("/organiser/import", cookies=organiser, data=form)
    assert response.status == 422
    page = await response.text()
    assert "overlaps session" in page
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [name for name, count in ids.items() if count > 1] == []


async def test_csv_upload_keeps_the_event(app_client) -> None:
    """A CSV carries no event details: merging one keeps the event's name and zone."""
    organiser = {"rencontre_token": app_client.tokens["Organiser"]}
    exported = await (await app_client.get("/schedule.csv?lang=en")).read()
    text = exported.decode("utf-8-sig").replace("The tram as a backbone", "The tram (revised)")
    form = FormData()
    form.add_field("file", text.encode(), filename="programme.csv", content_type="text/csv")
    form.add_field("mode", "merge")
    response = await app_client.post("/organiser/import", cookies=organiser, data=form)
    assert response.status == 200, await response.text()
    state = app_client.hub.state
    assert state.programme.event.slug == "rencontre-queretaro"
    assert state.programme.event.timezone == "America/Mexico_City"
    assert len(state.programme.sessions) == 22
    assert state.programme.sessions["s02"].title["en"] == "The tram (revised)"


def test_import_into_a_running_server_on_redis(redis_url, start_server) -> None:
    """On a shared Redis log the CLI imports next to a running server, which follows at once."""
    server = start_server(redis=redis_url)
    result = run_import(SAMPLES / "kielux-2020.ics", "--redis", redis_url, "--mode", "replace")
    assert result.returncode == 0, result.stderr
    assert "Imported 24 sessions in 4 rooms" in result.stdout
    expected = expected_sessions((SAMPLES / "kielux-2020.ics").read_bytes(), None)
    wait_for(lambda: served_sessions(server) == expected, timeout=10, what="the imported programme")
