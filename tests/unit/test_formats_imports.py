"""Imports of the shared real-world samples, of broken files, and the format dispatcher.

Expected times were read off the raw files: debconf23.xml says time_zone_name Asia/Kolkata but
writes ``<date>`` in UTC, and its ``<day date>`` is the UTC date (a day early); the pretalx
sample says time_zone_name UTC but stamps +01:00; the FOSDEM dialect has only local times.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from rencontre.schedule.formats import (
    ImportProblems,
    Problem,
    export_frab,
    export_schedule_json,
    import_csv,
    import_frab,
    import_ical,
    import_schedule_json,
    load,
    sniff,
)
from rencontre.schedule.model import Programme, Status
from tests.support import fixture



def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def sample(name: str) -> bytes:
    return fixture(f"interop/samples/{name}").read_bytes()


def refused(read: object, data: bytes, **options: object) -> list[Problem]:
    with pytest.raises(ImportProblems) as caught:
        read(data, **options)  # type: ignore[operator]
    assert caught.value.problems, "ImportProblems without problems"
    return caught.value.problems


def places(problems: list[Problem]) -> list[str]:
    return [problem.place for problem in problems]


# Shared samples


def test_debconf_uses_the_date_offsets_not_the_conference_zone() -> None:
    programme = import_frab(sample("debconf23.xml"))
    assert (len(programme.sessions), len(programme.rooms)) == (117, 5)
    event = programme.event
    assert (event.slug, event.timezone, event.start_date, event.days) == (
        "debconf23", "Asia/Kolkata", date(2023, 9, 10), 8)
    opening = programme.sessions["35"]
    assert opening.title == {"en": "Opening Ceremony"}
    assert opening.guid == "455d075f-48c0-2ec2-24b3-f5add30c383a"
    # <date>2023-09-10T05:00:00+00:00</date>, <start>10:30</start> (IST), in <day date="…09">.
    assert (opening.start, opening.end) == (utc(2023, 9, 10, 5), utc(2023, 9, 10, 5, 20))
    assert programme.rooms[opening.room].name == {"en": "Anamudi"}
    assert [programme.speakers[s].name for s in opening.speakers] == ["Sruthi Chandran"]
    assert opening.abstract == {"en": "Welcome to DebConf23"}
    dinner = programme.sessions["31"]
    assert (dinner.start, dinner.end) == (utc(2023, 9, 17, 13, 30), utc(2023, 9, 17, 17))
    assert programme.tracks[dinner.track].name == {"en": "No Track"}
    assert {r.name["en"] for r in programme.rooms.values()} == {
        "Anamudi", "Kuthiran", "Ponmudi", "Elsewhere", "Outside"}


def test_fosdem_dialect_reads_local_times_in_the_given_zone() -> None:
    programme = import_frab(sample("fosdem2018-snippet.xml"), default_timezone="Europe/Brussels")
    assert (len(programme.sessions), len(programme.rooms)) == (2, 1)
    assert (programme.event.slug, programme.event.timezone) == ("fosdem-2018", "Europe/Brussels")
    assert (programme.event.start_date, programme.event.days) == (date(2018, 2, 3), 2)
    assert (programme.event.venue, programme.event.city) == (
        "ULB (Université Libre de Bruxelles)", "Brussels")
    keynote = programme.sessions["6245"]
    assert (keynote.start, keynote.end) == (utc(2018, 2, 3, 9), utc(2018, 2, 3, 9, 50))
    assert programme.sessions["6230"].start == utc(2018, 2, 3, 11)
    assert keynote.speakers == ["228", "312"]
    assert programme.speakers["228"].name == "Simon Phipps"
    assert keynote.language == "en"
    assert keynote.guid != programme.sessions["6230"].guid
    again = import_frab(sample("fosdem2018-snippet.xml"), default_timezone="Europe/Brussels")
    assert again.sessions["6245"].guid == keynote.guid


def test_fosdem_dialect_without_a_zone_is_refused() -> None:
    problems = refused(import_frab, sample("fosdem2018-snippet.xml"))
    assert places(problems) == ["line 17, /schedule/day[1]/room[1]/event[1]/start"]
    assert "time zone" in problems[0].message


def test_pretalx_uses_the_date_offsets_not_time_zone_name() -> None:
    programme = import_schedule_json(sample("pretalx-democon.json"))
    assert (len(programme.sessions), len(programme.rooms)) == (36, 2)
    assert (programme.event.slug, programme.event.timezone) == ("democon", "UTC")
    assert (programme.event.start_date, programme.event.days) == (date(2020, 12, 14), 3)
    first = programme.sessions["25"]
    # "date": "2020-12-14T09:00:00+01:00" although time_zone_name is UTC.
    assert (first.start, first.end) == (utc(2020, 12, 14, 8), utc(2020, 12, 14, 8, 30))
    assert first.title == {"en": "Focused 5thgeneration hardware"}
    assert first.abstract["en"].startswith("Brand back-end models!\n\nStation provide")
    assert programme.tracks[first.track].name == {"en": "Phased"}
    assert programme.speakers[first.speakers[0]].name == "Brian Robinson"
    tan = programme.sessions["20"]
    assert (tan.start, tan.end) == (utc(2020, 12, 16, 8), utc(2020, 12, 16, 9, 30))
    assert len(tan.speakers) == 2
    assert {t.name["en"] for t in programme.tracks.values()} == {"Phased", "Horizontal"}


def test_hub_schedule2() -> None:
    programme = import_schedule_json(sample("hub-schedule2.json"))
    assert (len(programme.sessions), len(programme.rooms)) == (2, 5)
    assert (programme.event.slug, programme.event.timezone) == ("38c3", "Europe/Berlin")
    assert (programme.event.start_date, programme.event.days) == (date(2024, 12, 27), 4)
    opening = programme.sessions["HQCCYH"]
    assert (opening.start, opening.end) == (utc(2024, 12, 27, 9, 30), utc(2024, 12, 27, 10))
    assert opening.guid == "270fa44c-821a-577f-8ca3-33e8d4a8c2a7"
    assert programme.rooms[opening.room].name == {"en": "Saal 1"}
    assert programme.rooms[opening.room].capacity == 3025
    assert [programme.speakers[s].name for s in opening.speakers] == [
        "Gabriela Bogk", "Aline Blankertz", "Senficon"]
    assert programme.speakers[opening.speakers[0]].bio["en"].startswith("Gabriela, the hacker")
    late = programme.sessions["TPGRNN"]
    # 00:15+01:00 on the 28th is 23:15 UTC on the 27th.
    assert late.start == utc(2024, 12, 27, 23, 15)
    assert programme.rooms[late.room].name == {"en": "Saal ZIGZAG"}
    assert programme.tracks[late.track].name == {"en": "Hardware & Making"}
    assert programme.tracks[late.track].color == "#685b9d"


def test_kielux_ics() -> None:
    programme = import_ical(sample("kielux-2020.ics"))
    assert (len(programme.sessions), len(programme.rooms)) == (24, 4)
    assert {r.name["en"] for r in programme.rooms.values()} == {
        "Ravensberg", "Laboe", "Düsternbrook", "Linux-Lounge"}
    assert programme.event.name == {"en": "18. Kieler Open Source und Linux Tage"}
    assert (programme.event.start_date, programme.event.days) == (date(2020, 9, 18), 2)
    talk = next(s for s in programme.sessions.values() if s.guid == "460@KOLT20")
    assert (talk.start, talk.end) == (utc(2020, 9, 18, 11), utc(2020, 9, 18, 12))
    assert talk.title == {"en": "OpenCelium - Der generische OpenSoure API-Hub"}
    assert [programme.speakers[s].name for s in talk.speakers] == ["Jakob Semere"]
    assert talk.abstract["en"].endswith("Schritt für Schritt vorstellen.\nhttps://www.opencelium.io")
    course = next(s for s in programme.sessions.values() if s.guid == "469@KOLT20")
    assert (course.start, course.end) == (utc(2020, 9, 19, 12), utc(2020, 9, 19, 14))


def test_kielux_zone_can_be_given() -> None:
    programme = import_ical(sample("kielux-2020.ics"), default_timezone="Europe/Berlin")
    assert programme.event.timezone == "Europe/Berlin"
    talk = next(s for s in programme.sessions.values() if s.guid == "460@KOLT20")
    assert talk.start == utc(2020, 9, 18, 11)


def test_invalid_example_is_refused_with_json_pointers() -> None:
    problems = refused(import_schedule_json, sample("invalid-example.json"))
    event = "/schedule/conference/days/0/rooms/Winterchaos/0"
    assert set(places(problems)) == {
        "/schedule/rooms", event, f"{event}/id", f"{event}/persons/0/id"}
    assert any("answers" in p.text() for p in problems)


@pytest.mark.parametrize("name", ["debconf23.xml", "pretalx-democon.json",
                                  "hub-schedule2.json", "kielux-2020.ics"])
@pytest.mark.parametrize("export", [export_frab, export_schedule_json])
@pytest.mark.parametrize("base_url", ["", "https://example.org/events/x/"])
def test_sample_round_trips(name: str, export: object, base_url: str) -> None:
    first = export(load(sample(name)), base_url=base_url)  # type: ignore[operator]
    imported = load(first)
    assert export(imported, base_url=base_url) == first  # type: ignore[operator]
    assert len(imported.sessions) == len(load(sample(name)).sessions)


# Dispatcher and progress


@pytest.mark.parametrize(("name", "kind"), [
    ("debconf23.xml", "frab"), ("fosdem2018-snippet.xml", "frab"), ("pretalx-democon.json", "json"),
    ("hub-schedule2.json", "json"), ("invalid-example.json", "json"), ("kielux-2020.ics", "ical"),
])
def test_sniff(name: str, kind: str) -> None:
    assert sniff(sample(name)) == kind


def test_sniff_csv_and_unknown() -> None:
    assert sniff(b"\xef\xbb\xbfid,guid,start,end,room,title_en\r\n") == "csv"
    assert sniff(b"<rss><channel/></rss>") is None
    assert sniff(b"name,date\r\n") is None


def test_load_dispatches_and_passes_options() -> None:
    seen: list[tuple[int, int]] = []
    programme = load(sample("fosdem2018-snippet.xml"), "fosdem.xml",
                     default_timezone="Europe/Brussels", progress=lambda *a: seen.append(a))
    assert programme.sessions["6245"].start == utc(2018, 2, 3, 9)
    assert seen == [(1, 2), (2, 2)]


def test_load_refuses_unknown_formats_by_name() -> None:
    problems = refused(load, b"%PDF-1.7 ...", filename="agenda.pdf")
    assert places(problems) == ["agenda.pdf"]
    assert "unknown format" in problems[0].message


def test_progress_counts_every_session() -> None:
    seen: list[tuple[int, int]] = []
    import_frab(sample("debconf23.xml"), progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 117) for n in range(1, 118)]


# Broken files


def test_truncated_xml_is_refused_with_line_and_column() -> None:
    data = sample("debconf23.xml")[:5000]
    problems = refused(import_frab, data)
    line = data.count(b"\n") + 1
    assert problems[0].place.startswith(f"line {line}, column ")
    assert "not well-formed" in problems[0].message


def test_entity_declarations_are_refused() -> None:
    laughs = (b'<?xml version="1.0"?>\n<!DOCTYPE schedule [\n <!ENTITY lol "lol">\n'
              b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
              b"<schedule><conference><title>&lol2;</title></conference></schedule>")
    problems = refused(import_frab, laughs)
    assert places(problems) == ["line 3"]
    assert "entity" in problems[0].message


FRAB = """<?xml version="1.0"?>
<schedule>
  <conference><title>Broken</title><acronym>broken</acronym>
    <time_zone_name>Europe/Paris</time_zone_name></conference>
  <day index="1" date="2025-05-02">
    <room name="A">
      <event id="1" guid="a6d6b8a4-3a1f-4d6e-9b1b-9a1c3f1e2d01">
        <start>10:00</start><duration>00:30</duration><title>Fine</title>
      </event>
      <event id="2">
        <start>11:00</start>
        <duration>half an hour</duration>
        <title></title>
      </event>
      <event id="1">
        <start>12:00</start><duration>00:30</duration><title>Same id</title>
      </event>
    </room>
  </day>
</schedule>
"""


def test_frab_problems_are_all_collected_with_element_paths() -> None:
    problems = refused(import_frab, FRAB.encode())
    event = "/schedule/day[1]/room[1]/event"
    assert places(problems) == [
        f"line 13, {event}[2]/title",
        f"line 12, {event}[2]/duration",
        f"line 15, {event}[3]",
    ]
    assert "duplicate session id" in problems[2].message


def test_frab_without_problems_uses_day_dates_and_zone() -> None:
    fixed = FRAB.replace("half an hour", "00:30").replace("<title></title>", "<title>B</title>")
    programme = import_frab(fixed.replace('<event id="1">', '<event id="3">').encode())
    assert programme.sessions["2"].start == utc(2025, 5, 2, 9)
    assert programme.sessions["3"].start == utc(2025, 5, 2, 10)


def test_frab_day_change_moves_early_hours_to_the_next_day() -> None:
    data = FRAB.replace("<acronym>broken</acronym>", "<day_change>04:00</day_change>")
    data = data.replace("half an hour", "00:30").replace("<title></title>", "<title>B</title>")
    data = data.replace('<event id="1">', '<event id="3">').replace("<start>12:00", "<start>02:00")
    assert import_frab(data.encode()).sessions["3"].start == utc(2025, 5, 3, 0)


def test_frab_unknown_zone_is_a_problem() -> None:
    data = FRAB.replace("Europe/Paris", "Paris time").encode()
    assert places(refused(import_frab, data))[0] == (
        "line 4, /schedule/conference/time_zone_name")


def test_not_a_schedule_document() -> None:
    assert places(refused(import_frab, b"<html>\n<body/></html>")) == ["line 1, /html"]


def test_json_session_missing_start_is_refused_at_its_place() -> None:
    document = json.loads(sample("pretalx-democon.json"))
    events = document["schedule"]["conference"]["days"][0]["rooms"]["Gray Room"]
    del events[3]["start"]
    events[5]["date"] = "yesterday"
    problems = refused(import_schedule_json, json.dumps(document).encode())
    assert places(problems) == [
        "/schedule/conference/days/0/rooms/Gray Room/3/start",
    ]
    assert problems[0].message == "required, but missing"
    events[3]["start"] = "09:00"
    problems = refused(import_schedule_json, json.dumps(document).encode())
    assert places(problems) == ["/schedule/conference/days/0/rooms/Gray Room/5/date"]


def test_json_pointer_escapes_slashes_in_room_names() -> None:
    document = {"schedule": {"version": "1", "conference": {
        "title": "T", "acronym": "tttt", "days": [{"date": "2025-01-01", "rooms": {
            "Hall A/B": [{"id": 1, "guid": "x", "date": "2025-01-01T10:00:00+00:00",
                          "start": "10:00", "duration": "1:00", "room": "Hall A/B"}]}}]}}}
    problems = refused(import_schedule_json, json.dumps(document).encode())
    assert places(problems) == ["/schedule/conference/days/0/rooms/Hall A~1B/0/title"]


def test_truncated_json_is_refused_with_line_and_column() -> None:
    problems = refused(import_schedule_json, b'{\n  "schedule": {\n    "version": ')
    assert places(problems) == ["line 3, column 16"]


def test_schedule2_unknown_room_and_track() -> None:
    document = json.loads(sample("hub-schedule2.json"))
    events = document["schedule"]["events"]
    events[0]["room"] = {"slug": "nowhere"}
    events[1]["track"] = {"slug": "nothing"}
    problems = refused(import_schedule_json, json.dumps(document).encode())
    assert places(problems) == ["/schedule/events/0/room", "/schedule/events/1/track"]
    events[0]["room"] = {"name": "Saal 1"}
    events[1]["track"] = "Music"
    events[1]["end"] = "2024-12-28T00:15:00+01:00"
    problems = refused(import_schedule_json, json.dumps(document).encode())
    assert places(problems) == ["/schedule/events/1"]
    assert "end after it starts" in problems[0].message
    events[1]["end"] = "2024-12-28T00:45:00+01:00"
    programme = import_schedule_json(json.dumps(document).encode())
    assert programme.tracks[programme.sessions["TPGRNN"].track].name == {"en": "Music"}


ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
X-WR-TIMEZONE:America/Bogota\r
BEGIN:VEVENT\r
UID:one@test\r
SUMMARY:Fine\r
LOCATION:Aula\r
DTSTART:20250301T090000\r
DTEND:20250301T100000\r
SEQUENCE:2\r
STATUS:CANCELLED\r
LAST-MODIFIED:20250201T120000Z\r
CATEGORIES:Ciencia,Otro\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:two@test\r
SUMMARY:No start\r
LOCATION:Aula\r
DTEND:20250301T100000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:three@test\r
SUMMARY:All day\r
DTSTART;VALUE=DATE:20250301\r
DTEND;VALUE=DATE:20250302\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_ical_problems_name_the_vevent() -> None:
    problems = refused(import_ical, ICS.encode())
    assert places(problems) == [
        "VEVENT #2 (UID two@test)", "VEVENT #3 (UID three@test)", "VEVENT #3 (UID three@test)"]
    assert [p.text() for p in problems] == [
        "no DTSTART", "no LOCATION", "an all-day event cannot be placed in a room’s timetable"]


def test_ical_floating_times_status_sequence_and_category() -> None:
    fine = ICS.split("BEGIN:VEVENT\r\nUID:two")[0] + "END:VCALENDAR\r\n"
    programme = import_ical(fine.encode())
    session = programme.sessions["one-test"]
    assert session.start == utc(2025, 3, 1, 14)  # 09:00 in Bogotá (UTC-5)
    assert (session.status, session.sequence) == (Status.CANCELLED, 2)
    assert session.updated == utc(2025, 2, 1, 12)
    assert programme.tracks[session.track].name == {"en": "Ciencia"}
    assert programme.event.timezone == "America/Bogota"


def test_ical_garbage_is_refused() -> None:
    assert places(refused(import_ical, b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n")) == ["VCALENDAR"]


CSV_HEADER = "id,start,end,room,title_fr,title_en,speakers,status\r\n"


def test_csv_bad_time_is_refused_with_line_and_column() -> None:
    data = (CSV_HEADER
            + 'a,2025-03-10T09:00-06:00,2025-03-10T10:00-06:00,Sala,"Deux\r\nlignes",,,\r\n'
            + "b,10/03/2025 9h,2025-03-10T11:00-06:00,Sala,,Two,,\r\n"
            + "c,2025-03-10T09:00-06:00,2025-03-10T10:00-06:00,Sala,,Three,,maybe\r\n")
    problems = refused(import_csv, data.encode())
    assert places(problems) == ["line 4, column start", "line 5, column status"]


def test_csv_header_problems() -> None:
    problems = refused(import_csv, b"id,start,end,titel_en\r\n")
    assert places(problems) == ["line 1, column titel_en", "line 1", "line 1"]
    assert [p.text() for p in problems][1:] == [
        "no room column", "no title column (title_fr, title_es or title_en)"]


def test_csv_reads_speakers_and_keeps_all_or_nothing() -> None:
    good = (CSV_HEADER + "a,2025-03-10T09:00-06:00,2025-03-10T10:00-06:00,Sala,Un,One,"
            "Ana López; Jean Dupont,live\r\n")
    programme: Programme = import_csv(good.encode())
    session = programme.sessions["a"]
    assert session.title == {"fr": "Un", "en": "One"}
    assert [programme.speakers[s].name for s in session.speakers] == ["Ana López", "Jean Dupont"]
    assert session.status is Status.LIVE
    assert programme.event.timezone == "UTC"
    bad = good + "b,2025-03-10T11:00-06:00,2025-03-10T10:00-06:00,Sala,Deux,,,\r\n"
    assert [p.message for p in refused(import_csv, bad.encode())] == [
        "the session must end after it starts"]
