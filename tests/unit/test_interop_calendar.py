"""Calendar feeds that every reader puts at the right time, calendar files read exactly, and
persons clients accept (issue 12: ambiguous hours, escaping, folds inside characters, unknown
TZIDs, VTIMEZONE, numeric person ids)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from rencontre.schedule.formats import (
    ImportProblems,
    export_frab,
    export_ical,
    export_schedule_json,
    import_frab,
    import_ical,
)
from rencontre.schedule.formats.vtimezone import vtimezone
from rencontre.schedule.model import EventInfo, Programme, Room, Session, Speaker
from tests.support import fixture

NOW = datetime(2022, 10, 1, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def programme(*sessions: Session, zone: str = "America/Mexico_City",
              first: date = date(2022, 10, 29), name: str = "Rencontre") -> Programme:
    built = Programme(event=EventInfo(slug="rencontre", name={"en": name}, timezone=zone,
                                      start_date=first, days=3))
    built.rooms = {"a": Room("a", {"en": "Sala 1, planta baja; ala B"})}
    built.sessions = {s.id: s for s in sessions}
    return built


def session(session_id: str, start: datetime, end: datetime, title: str = "Talk") -> Session:
    return Session(session_id, session_id, {"en": title}, "a", start, end)


def read(data: bytes) -> dict[str, object]:
    return {str(e["UID"]).split("@")[0]: e for e in Calendar.from_ical(data).walk("VEVENT")}


# 1. The hour repeated when clocks go back, and the one skipped when they go forward


def test_a_session_in_the_repeated_hour_is_written_in_utc() -> None:
    # 2022-10-30 in Mexico City: 02:00 CDT became 01:00 CST; 07:30 UTC is the second 01:30.
    second = session("late", utc(2022, 10, 30, 7, 30), utc(2022, 10, 30, 8, 30))
    first = session("early", utc(2022, 10, 30, 6, 30), utc(2022, 10, 30, 7, 15))
    data = export_ical(programme(second, first), now=NOW)
    assert b"DTSTART:20221030T073000Z\r\n" in data
    assert b"DTSTART:20221030T063000Z\r\n" in data  # the first 01:30 is ambiguous too
    assert b"DTEND:20221030T071500Z\r\n" in data
    assert b"DTEND;TZID=America/Mexico_City:20221030T023000\r\n" in data  # 02:30 is not
    events = read(data)
    assert events["late"]["DTSTART"].dt == utc(2022, 10, 30, 7, 30)
    assert events["early"]["DTSTART"].dt == utc(2022, 10, 30, 6, 30)


def test_a_session_at_the_skipped_hour_keeps_its_local_time() -> None:
    # 2022-04-03 in Mexico City: 02:00 CST became 03:00 CDT; 08:00 UTC is 03:00 CDT.
    spring = programme(session("spring", utc(2022, 4, 3, 8), utc(2022, 4, 3, 9)),
                       first=date(2022, 4, 2))
    data = export_ical(spring, now=NOW)
    assert b"DTSTART;TZID=America/Mexico_City:20220403T030000\r\n" in data
    assert read(data)["spring"]["DTSTART"].dt == utc(2022, 4, 3, 8)


def test_a_local_time_in_the_skipped_hour_is_read_as_rfc_5545_says() -> None:
    # RFC 5545 3.3.5: a nonexistent local time means the same time after the jump (03:30 CDT).
    data = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:gap\r\nSUMMARY:Gap\r\n"
            "LOCATION:A\r\nDTSTART;TZID=America/Mexico_City:20220403T023000\r\n"
            "DTEND;TZID=America/Mexico_City:20220403T040000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert import_ical(data.encode()).sessions["gap"].start == utc(2022, 4, 3, 8, 30)


# 2. Escaping


def test_calendar_names_are_escaped() -> None:
    data = export_ical(programme(session("s", utc(2022, 10, 29, 15), utc(2022, 10, 29, 16))),
                       now=NOW, calendar_name="Rencontre · Sala 1, planta baja; ala B")
    assert b"\r\nNAME:Rencontre \xc2\xb7 Sala 1\\, planta baja\\; ala B\r\n" in data
    assert b"\r\nX-WR-CALNAME:Rencontre \xc2\xb7 Sala 1\\, planta baja\\; ala B\r\n" in data
    assert import_ical(data).event.name == {"en": "Rencontre · Sala 1, planta baja; ala B"}


def test_a_line_break_in_a_title_is_escaped_not_a_crash() -> None:
    two_lines = session("s", utc(2022, 10, 29, 15), utc(2022, 10, 29, 16), "Deux\nlignes")
    data = export_ical(programme(two_lines), now=NOW, calendar_name="Rencontre · Deux\nlignes")
    assert b"\r\nNAME:Rencontre \xc2\xb7 Deux\\nlignes\r\n" in data
    assert b"\r\nSUMMARY:Deux\\nlignes\r\n" in data


# 3. Folds inside a UTF-8 character


def test_a_fold_inside_a_character_is_joined_before_decoding() -> None:
    title = "Journées réseaux de l’enseignement"
    raw = title.encode()
    cut = raw.index("’".encode()) + 1  # inside the three bytes of ’
    line = b"SUMMARY:" + raw[:cut] + b"\r\n " + raw[cut:]
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-TIMEZONE:Europe/Paris\r\nBEGIN:VEVENT\r\n"
            b"UID:jres\r\n" + line + b"\r\nLOCATION:Amphi\r\nDTSTART:20220517T110000\r\n"
            b"DTEND:20220517T120000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert import_ical(data).sessions["jres"].title == {"en": title}


def test_bytes_that_are_not_utf8_are_placed_on_their_line() -> None:
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:ab\r\n c\r\n"
            b"LOCATION:Caf\xe9\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    with pytest.raises(ImportProblems) as refused:
        import_ical(data)
    assert [str(p) for p in refused.value.problems] == ["line 7: not UTF-8 text"]


# 4. A TZID that names no zone


UNKNOWN_TZID = """BEGIN:VCALENDAR\r
VERSION:2.0\r
BEGIN:VEVENT\r
UID:one\r
SUMMARY:Keynote\r
LOCATION:Main\r
DTSTART;TZID=Customized Time Zone:20250301T090000\r
DTEND;TZID=Customized Time Zone:20250301T100000\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_an_unknown_tzid_without_vtimezone_is_a_problem_with_its_place() -> None:
    for options in ({}, {"default_timezone": "Asia/Kolkata"}):
        with pytest.raises(ImportProblems) as refused:
            import_ical(UNKNOWN_TZID.encode(), **options)
        assert [p.place for p in refused.value.problems] == [
            "VEVENT #1 (UID one) DTSTART", "VEVENT #1 (UID one) DTEND"]
        assert "Customized Time Zone" in refused.value.problems[0].text()


def test_a_custom_tzid_with_its_vtimezone_is_read_from_it() -> None:
    defined = UNKNOWN_TZID.replace("VERSION:2.0\r\n", (
        "VERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\nBEGIN:STANDARD\r\n"
        "DTSTART:16010101T000000\r\nTZOFFSETFROM:-0300\r\nTZOFFSETTO:-0300\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\n"))
    assert import_ical(defined.encode()).sessions["one"].start == utc(2025, 3, 1, 12)


# 8. VTIMEZONE: rules Outlook maps, COMMENT only where RFC 5545 allows it


@pytest.mark.parametrize(("zone", "first"), [
    ("America/Mexico_City", date(2022, 10, 29)), ("Europe/Paris", date(2025, 3, 29)),
    ("America/Mexico_City", date(2026, 3, 10)), ("Australia/Lord_Howe", date(2025, 4, 5)),
    ("America/Sao_Paulo", date(2018, 11, 3)), ("Asia/Jerusalem", date(2025, 3, 27)),
])
def test_the_vtimezone_gives_the_zone_offsets_around_the_programme(zone: str,
                                                                   first: date) -> None:
    prog = programme(session("s", datetime.combine(first, datetime.min.time(), UTC),
                             datetime.combine(first, datetime.min.time(), UTC)
                             + timedelta(hours=1)), zone=zone, first=first)
    calendar = Calendar.from_ical(export_ical(prog, now=NOW))
    (component,) = calendar.walk("VTIMEZONE")
    described, real = component.to_tz(), ZoneInfo(zone)
    moment = datetime.combine(first - timedelta(days=200), datetime.min.time(), UTC)
    while moment < datetime.combine(first + timedelta(days=200), datetime.min.time(), UTC):
        assert moment.astimezone(described).utcoffset() == moment.astimezone(real).utcoffset(), (
            moment)
        moment += timedelta(minutes=30)


def test_yearly_rules_are_written_as_rrules() -> None:
    paris = vtimezone(ZoneInfo("Europe/Paris"), date(2025, 3, 29), date(2025, 3, 31))
    observances = {c.name: c for c in paris.subcomponents}
    assert set(observances) == {"STANDARD", "DAYLIGHT"}
    assert observances["DAYLIGHT"]["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
    assert observances["STANDARD"]["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
    mexico = vtimezone(ZoneInfo("America/Mexico_City"), date(2022, 10, 29), date(2022, 10, 31))
    assert [c["RRULE"]["UNTIL"] for c in mexico.subcomponents] == [
        utc(2022, 4, 3, 8), utc(2022, 10, 30, 7)]  # the rules Mexico dropped after 2022


def test_comment_is_never_a_property_of_vtimezone_itself() -> None:
    data = export_ical(programme(session("s", utc(2022, 10, 29, 15), utc(2022, 10, 29, 16))),
                       now=NOW)
    (component,) = Calendar.from_ical(data).walk("VTIMEZONE")
    assert "COMMENT" not in component
    assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")


# 8. Every person has a stable numeric id


def test_every_person_has_a_stable_numeric_id_that_round_trips() -> None:
    prog = programme(session("s", utc(2022, 10, 29, 15), utc(2022, 10, 29, 16)))
    prog.speakers = {"ana-lopez": Speaker("ana-lopez", "Ana López"),
                     "7": Speaker("7", "Jean Dupont"),
                     "0f8fad5b-d9cb-469f-a165-70867728950e": Speaker(
                         "0f8fad5b-d9cb-469f-a165-70867728950e", "Kofi Mensah")}
    prog.sessions["s"].speakers = list(prog.speakers)
    document = json.loads(export_schedule_json(prog))
    (event,) = document["schedule"]["conference"]["days"][0]["rooms"]["Sala 1, planta baja; ala B"]
    ids = [person["id"] for person in event["persons"]]
    assert all(isinstance(number, int) and 0 < number < 2**31 for number in ids)
    assert ids[1] == 7
    assert event["persons"][2]["guid"] == "0f8fad5b-d9cb-469f-a165-70867728950e"
    frab = export_frab(prog)
    assert frab.count(b"<person id=") == 3
    assert [int(n) for n in re.findall(rb'<person id="(\d+)"', frab)] == ids
    again = import_frab(frab)
    assert export_frab(again) == frab  # the ids come back to the same speakers
    assert export_schedule_json(again) == export_schedule_json(prog)
