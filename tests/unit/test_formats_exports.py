"""Exports of a programme built here (fr/es/en texts, America/Mexico_City); round trips."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from icalendar import Calendar

from rencontre.schedule.formats import (
    ImportProblems,
    export_csv,
    export_frab,
    export_ical,
    export_schedule_json,
    import_csv,
    import_frab,
    import_schedule_json,
    load,
)
from rencontre.schedule.formats.common import numeric_id
from rencontre.schedule.formats.csv_format import COLUMNS
from rencontre.schedule.model import (
    EventInfo,
    Programme,
    Room,
    RoomKind,
    Session,
    Speaker,
    Status,
    Track,
)
from tests.support import fixture

NOW = datetime(2025, 2, 20, 18, 0, tzinfo=UTC)
BASE = "https://rencontre.example/e/rencontre-2025"
LONG_TITLE = "Café ☕ et 日本語のセッション — " * 4
S2_GUID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def programme() -> Programme:
    """Four sessions in Mexico City (UTC-6 all year): s2 runs past local midnight, s3 is
    cancelled, s4 has a long multibyte title."""
    built = Programme(event=EventInfo(
        slug="rencontre-2025",
        name={"fr": "Rencontre 2025", "es": "Encuentro 2025", "en": "Meeting 2025"},
        timezone="America/Mexico_City", start_date=date(2025, 3, 10), days=2,
        venue="Centro", city="Ciudad de México", url="https://rencontre.example/"))
    built.rooms = {
        "main": Room("main", {"fr": "Grande salle", "es": "Sala grande", "en": "Main hall"},
                     RoomKind.HYBRID, 300),
        "web": Room("web", {"fr": "En ligne", "es": "En línea", "en": "Online"},
                    RoomKind.ONLINE, position=1),
    }
    built.tracks = {"ia": Track("ia", {"fr": "Intelligence artificielle",
                                       "es": "Inteligencia artificial",
                                       "en": "Artificial intelligence"}, "#aa3300")}
    built.speakers = {
        "ana": Speaker("ana", "Ana López", bio={"es": "Investigadora."}),
        "42": Speaker("42", "Jean Dupont"),
    }
    sessions = [
        Session("s1", "s1", {"fr": "Ouverture : été", "es": "Apertura: año", "en": "Opening"},
                "main", utc(2025, 3, 10, 15), utc(2025, 3, 10, 16),
                abstract={"fr": "Bienvenue à tous.", "es": "Bienvenida.", "en": "Welcome."},
                speakers=["ana", "42"], language="es", track="ia", sequence=3,
                updated=utc(2025, 2, 1, 12)),
        Session("s2", S2_GUID, {"fr": "Nocturne", "es": "Nocturna", "en": "Night owls"},
                "main", utc(2025, 3, 11, 5, 30), utc(2025, 3, 11, 6, 30), language="fr"),
        Session("s3", "s3", {"en": "Cancelled talk"}, "web", utc(2025, 3, 11, 16),
                utc(2025, 3, 11, 17), status=Status.CANCELLED, sequence=1),
        Session("s4", "s4", {"fr": LONG_TITLE}, "web", utc(2025, 3, 11, 18),
                utc(2025, 3, 11, 19, 30), language="fr", speakers=["ana"]),
    ]
    built.sessions = {s.id: s for s in sessions}
    return built


# iCalendar


def ical(prog: Programme | None = None, **options: object) -> bytes:
    return export_ical(prog or programme(), now=NOW, base_url=BASE, **options)


def vevents(data: bytes) -> dict[str, object]:
    return {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_ical_calendar_properties() -> None:
    data = ical(lang="fr", refresh_minutes=60)
    calendar = Calendar.from_ical(data)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["PRODID"]).startswith("-//Rencontre")
    assert calendar["NAME"] == calendar["X-WR-CALNAME"] == "Rencontre 2025"
    assert calendar["X-WR-TIMEZONE"] == "America/Mexico_City"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in data
    assert all("METHOD" not in event for event in calendar.walk("VEVENT"))
    assert data.count(b"METHOD:") == 1


def test_ical_calendar_name_can_be_given() -> None:
    calendar = Calendar.from_ical(ical(calendar_name="Salle 1 — Rencontre"))
    assert calendar["NAME"] == calendar["X-WR-CALNAME"] == "Salle 1 — Rencontre"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT15M" in ical()


def test_ical_has_a_vtimezone_for_every_tzid() -> None:
    calendar = Calendar.from_ical(ical())
    used = {prop.params["TZID"] for event in calendar.walk("VEVENT")
            for prop in event.values() if hasattr(prop, "params") and "TZID" in prop.params}
    assert used == {"America/Mexico_City"}
    assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} == used
    assert calendar.get_missing_tzids() == set()


def test_ical_event_properties() -> None:
    events = vevents(ical(lang="fr"))
    assert set(events) == {"s1@rencontre-2025", f"{S2_GUID}@rencontre-2025",
                           "s3@rencontre-2025", "s4@rencontre-2025"}
    opening = events["s1@rencontre-2025"]
    assert opening["SUMMARY"] == "Ouverture : été"
    assert opening["LOCATION"] == "Grande salle"
    assert opening["DTSTART"].params["TZID"] == "America/Mexico_City"
    assert opening["DTSTART"].dt == utc(2025, 3, 10, 15)
    assert opening["DTSTART"].dt.hour == 9
    assert opening["DTEND"].dt == utc(2025, 3, 10, 16)
    assert opening["DTSTAMP"].dt == NOW
    assert opening["SEQUENCE"] == 3
    assert opening["STATUS"] == "CONFIRMED"
    assert opening["LAST-MODIFIED"].dt == utc(2025, 2, 1, 12)
    assert opening["URL"] == f"{BASE}/sessions/s1"
    assert [str(c) for c in opening.categories] == ["Intelligence artificielle"]
    assert "Bienvenue à tous." in opening["DESCRIPTION"]
    assert "Ana López, Jean Dupont" in opening["DESCRIPTION"]
    assert "LAST-MODIFIED" not in events[f"{S2_GUID}@rencontre-2025"]
    assert "CATEGORIES" not in events[f"{S2_GUID}@rencontre-2025"]


def test_ical_marks_cancelled_sessions() -> None:
    cancelled = vevents(ical())["s3@rencontre-2025"]
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SEQUENCE"] == 1


def test_ical_texts_follow_the_language() -> None:
    opening = vevents(ical(lang="es"))["s1@rencontre-2025"]
    assert (opening["SUMMARY"], opening["LOCATION"]) == ("Apertura: año", "Sala grande")
    assert "Ponentes: Ana López" in opening["DESCRIPTION"]
    assert "URL" not in vevents(export_ical(programme(), now=NOW))["s1@rencontre-2025"]


def test_ical_uid_stays_when_a_session_moves() -> None:
    moved = programme()
    session = moved.sessions["s1"]
    session.start += timedelta(hours=2)
    session.end += timedelta(hours=2)
    session.room = "web"
    session.sequence += 1
    before, after = vevents(ical())["s1@rencontre-2025"], vevents(ical(moved))["s1@rencontre-2025"]
    assert after["DTSTART"].dt - before["DTSTART"].dt == timedelta(hours=2)
    assert (before["LOCATION"], after["LOCATION"]) == ("Main hall", "Online")
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1


def test_ical_subset_of_sessions() -> None:
    prog = programme()
    data = ical(prog, sessions=[s for s in prog.sessions.values() if s.room == "web"])
    assert set(vevents(data)) == {"s3@rencontre-2025", "s4@rencontre-2025"}


def test_ical_lines_are_folded_at_75_octets_on_character_boundaries() -> None:
    data = ical(lang="fr")
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # raises if a fold split a character
    assert any(line.startswith(b" ") for line in lines)
    assert vevents(data)["s4@rencontre-2025"]["SUMMARY"] == LONG_TITLE.strip()


def test_ical_is_deterministic() -> None:
    assert ical() == ical()


# frab XML


def frab(prog: Programme | None = None, lang: str = "en", base_url: str = BASE) -> bytes:
    return export_frab(prog or programme(), lang=lang, base_url=base_url)


def xsd_errors(data: bytes, tmp_path: Path) -> str:
    """xmllint's complaints about ``data`` against the c3voc XSD ("" when it validates)."""
    if shutil.which("xmllint") is None:
        pytest.fail("xmllint (libxml2-utils) is not installed: run scripts/setup --test")
    path = tmp_path / "schedule.xml"
    path.write_bytes(data)
    result = subprocess.run(
        ["xmllint", "--noout", "--schema", str(fixture("interop/schemas/schedule.xml.xsd")),
         str(path)], capture_output=True, text=True, check=False)
    return "" if result.returncode == 0 else result.stderr


@pytest.mark.parametrize("lang", ["fr", "es", "en"])
def test_frab_export_validates(lang: str, tmp_path: Path) -> None:
    assert xsd_errors(frab(lang=lang), tmp_path) == ""
    assert xsd_errors(frab(lang=lang, base_url=""), tmp_path) == ""


def test_xsd_check_does_catch_errors(tmp_path: Path) -> None:
    broken = frab().replace(b"<duration>01:00</duration>", b"<duration>an hour</duration>")
    assert "duration" in xsd_errors(broken, tmp_path)


def test_frab_days_rooms_and_events() -> None:
    root = ET.fromstring(frab(lang="fr"))
    assert root.findtext("conference/acronym") == "rencontre_2025"
    assert root.findtext("conference/time_zone_name") == "America/Mexico_City"
    assert root.findtext("conference/title") == "Rencontre 2025"
    days = root.findall("day")
    assert [d.get("date") for d in days] == ["2025-03-10", "2025-03-11"]
    assert days[0].get("start") == "2025-03-10T00:00:00-06:00"
    assert days[0].get("end") == "2025-03-11T00:00:00-06:00"
    assert [r.get("name") for r in days[0].findall("room")] == ["Grande salle", "En ligne"]
    # s2 starts at 05:30 UTC on the 11th: 23:30 on the 10th in Mexico City.
    titles = [e.findtext("title") for e in days[0].iter("event")]
    assert titles == ["Ouverture : été", "Nocturne"]
    night = days[0].findall("room/event")[1]
    assert night.get("guid") == S2_GUID
    assert (night.findtext("date"), night.findtext("start"), night.findtext("duration")) == (
        "2025-03-10T23:30:00-06:00", "23:30", "01:00")
    assert night.findtext("language") == "fr"
    assert night.findtext("url") == f"{BASE}/sessions/s2"
    assert "Cancelled talk" not in [e.findtext("title") for e in root.iter("event")]


def test_frab_derives_uuids_and_numeric_ids() -> None:
    root = ET.fromstring(frab())
    events = {e.findtext("title"): e for e in root.iter("event")}
    opening = events["Opening"]
    guid = opening.get("guid")
    assert str(uuid.UUID(guid)) == guid and guid != S2_GUID
    assert opening.get("id").isdigit()
    assert guid == ET.fromstring(frab(lang="fr")).find("day/room/event").get("guid")
    persons = opening.findall("persons/person")
    assert [p.text for p in persons] == ["Ana López", "Jean Dupont"]
    # Every person has a numeric id (the FOSDEM companion app rejects a person without one).
    assert persons[0].get("id").isdigit() and persons[1].get("id") == "42"
    assert opening.findtext("track") == "Artificial intelligence"


def test_frab_sniffable_by_giggity() -> None:
    head = frab()[:1024]
    assert b"<schedule" in head and b"<conference" in head


def test_frab_version_follows_content() -> None:
    changed = programme()
    changed.sessions["s1"].title["en"] = "Opening, revised"
    versions = {ET.fromstring(data).findtext("version") for data in (frab(), frab(changed))}
    assert len(versions) == 2


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("base_url", [BASE, ""])
def test_frab_round_trip(lang: str, base_url: str) -> None:
    first = frab(lang=lang, base_url=base_url)
    imported = import_frab(first)
    assert frab(imported, lang=lang, base_url=base_url) == first
    assert len(imported.sessions) == 3
    assert imported.event.timezone == "America/Mexico_City"
    night = next(s for s in imported.sessions.values() if s.guid == S2_GUID)
    assert night.start == utc(2025, 3, 11, 5, 30)
    # Without URLs to carry ids, the numeric ids of the file become the ids.
    assert night.id == ("s2" if base_url else str(numeric_id("s2")))


def test_frab_round_trip_keeps_ids_through_urls() -> None:
    imported = import_frab(frab())
    assert set(imported.sessions) == {"s1", "s2", "s4"}
    assert imported.sessions["s1"].title == {"es": "Opening"}
    assert imported.sessions["s1"].speakers[1] == "42"


def test_frab_export_drops_control_characters() -> None:
    prog = programme()
    prog.sessions["s1"].title["en"] = "Bell\x07 and tab\t"
    assert ET.fromstring(frab(prog)).find("day/room/event").findtext("title") == "Bell and tab"


def test_exports_refuse_a_relative_base_url() -> None:
    with pytest.raises(ValueError, match="absolute"):
        export_frab(programme(), base_url="/e/rencontre")


# schedule JSON


def schedule_json(prog: Programme | None = None, lang: str = "en", base_url: str = BASE) -> bytes:
    return export_schedule_json(prog or programme(), lang=lang, base_url=base_url)


@pytest.mark.parametrize("base_url", [BASE, ""])
def test_json_export_validates(base_url: str) -> None:
    schema = json.loads(fixture("interop/schemas/schedule.json.schema.json").read_text())
    validator = jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    document = json.loads(schedule_json(base_url=base_url))
    assert [e.message for e in validator.iter_errors(document)] == []
    document["schedule"]["conference"]["days"][0]["rooms"]["Main hall"][0]["date"] = "soon"
    assert any("date-time" in e.message for e in validator.iter_errors(document))


def test_json_content() -> None:
    document = json.loads(schedule_json(lang="es"))
    conference = document["schedule"]["conference"]
    assert (conference["acronym"], conference["title"]) == ("rencontre_2025", "Encuentro 2025")
    assert (conference["start"], conference["end"], conference["daysCount"]) == (
        "2025-03-10", "2025-03-11", 2)
    assert conference["rooms"][1] == {
        "name": "En línea", "slug": "web", "guid": conference["rooms"][1]["guid"],
        "type": "online"}
    day = conference["days"][0]
    assert (day["day_start"], day["day_end"]) == (
        "2025-03-10T00:00:00-06:00", "2025-03-11T00:00:00-06:00")
    opening, night = day["rooms"]["Sala grande"]
    assert opening["title"] == "Apertura: año"
    assert (opening["date"], opening["start"], opening["end"]) == (
        "2025-03-10T09:00:00-06:00", "09:00", "2025-03-10T10:00:00-06:00")
    assert opening["persons"][1] == {"id": 42, "guid": opening["persons"][1]["guid"],
                                     "name": "Jean Dupont"}
    assert opening["persons"][0]["biography"] == "Investigadora."
    assert night["guid"] == S2_GUID
    assert conference["days"][1]["rooms"]["En línea"][0]["title"] == LONG_TITLE.strip()
    assert json.loads(schedule_json(base_url=""))["schedule"]["conference"]["days"][0][
        "rooms"]["Main hall"][1]["url"] == f"urn:uuid:{S2_GUID}"


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("base_url", [BASE, ""])
def test_json_round_trip(lang: str, base_url: str) -> None:
    first = schedule_json(lang=lang, base_url=base_url)
    imported = import_schedule_json(first)
    assert schedule_json(imported, lang=lang, base_url=base_url) == first
    assert imported.rooms["web"].kind is RoomKind.ONLINE
    assert imported.rooms["main"].capacity == 300


def test_cross_format_round_trip() -> None:
    """frab → JSON → frab keeps the same sessions, times and texts."""
    first = frab()
    via_json = import_schedule_json(schedule_json(import_frab(first)))
    assert frab(via_json) == first


# CSV


def test_csv_header_and_rows() -> None:
    data = export_csv(programme(), lang="fr")
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ",".join(COLUMNS)
    assert lines[0].startswith("id,guid,start,end,room,track,language,title_fr,title_es,title_en")
    assert lines[1] == ("s1,s1,2025-03-10T09:00-06:00,2025-03-10T10:00-06:00,Grande salle,"
                        "Intelligence artificielle,es,Ouverture : été,Apertura: año,Opening,"
                        "Bienvenue à tous.,Bienvenida.,Welcome.,Ana López; Jean Dupont,scheduled"
                        ",,,,,,,")  # no stream, captions, replay or audio-only channel
    assert ",cancelled" in lines[3]


def test_csv_round_trip() -> None:
    first = export_csv(programme())
    imported = import_csv(first, default_timezone="America/Mexico_City")
    assert export_csv(imported) == first
    assert imported.sessions["s3"].status is Status.CANCELLED
    assert imported.sessions["s1"].title == programme().sessions["s1"].title
    assert imported.sessions["s2"].start == utc(2025, 3, 11, 5, 30)
    assert load(first).sessions.keys() == imported.sessions.keys()


def test_csv_local_times_need_a_zone() -> None:
    data = (b"id,start,end,room,title_en\r\n"
            b"a,2025-03-10 09:00,2025-03-10 10:00,Main,Hello\r\n")
    assert import_csv(data, default_timezone="Europe/Paris").sessions["a"].start == utc(
        2025, 3, 10, 8)
    with pytest.raises(ImportProblems) as refused:
        import_csv(data)
    assert [p.place for p in refused.value.problems] == [
        "line 2, column start", "line 2, column end"]
