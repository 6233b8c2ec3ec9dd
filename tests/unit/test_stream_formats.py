"""Streams through the exchange formats: frab links, schedule JSON links, CSV columns,
Rencontre's JSON, and the calendar's URL and CONFERENCE."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
from icalendar import Calendar

from rencontre.schedule.formats import (
    export_csv,
    export_frab,
    export_ical,
    export_schedule_json,
    import_csv,
    import_frab,
    import_schedule_json,
)
from rencontre.schedule.formats.json_schemas import SCHEDULE_V1
from rencontre.schedule.model import Programme
from rencontre.streams.model import Stream
from tests.unit.helpers import demo_driver
from tests.support import fixture
from tests.unit.test_formats_exports import xsd_errors

BASE = "https://rencontre.example/e"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
STREAM = {
    "channels": [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        {"language": "es", "media": "audio", "url": "https://cdn.example.org/s02/es.m3u8"},
        {"language": "fr", "url": "https://us02web.zoom.us/j/85551234567?pwd=abc"},
    ],
    "captions": "https://captions.example.org/s02",
    "replay": "https://media.example.org/s02",
}


def programme() -> Programme:
    result = Programme.from_json(demo_driver().state.programme.to_json())
    result.sessions["s02"].stream = Stream.from_json(STREAM)
    return result


def channels(stream: Stream) -> list[tuple[str, str, str, str]]:
    return [(c.language, c.kind.value, c.url, c.media.value) for c in stream.channels]


def imported(found: Programme, guid: str):  # noqa: ANN201 - Session
    return next(s for s in found.sessions.values() if s.guid.endswith(guid) or s.id == guid)


def test_frab_links_carry_the_stream_and_validate(tmp_path: Path) -> None:
    source = programme()
    data = export_frab(source, base_url=BASE)
    assert (b'<link href="https://cdn.example.org/s02/es.m3u8">Live stream: es (audio)</link>'
            in data)
    assert xsd_errors(data, tmp_path) == ""
    session = imported(import_frab(data), "s02")
    assert channels(session.stream) == channels(source.sessions["s02"].stream)
    assert (session.stream.captions, session.stream.replay) == (STREAM["captions"],
                                                                STREAM["replay"])
    # A session of the plenary hall exports its room's channels as its own.
    assert channels(imported(import_frab(data), "s01").stream)[0][0] == "floor"


def test_schedule_json_links_carry_the_stream_and_validate() -> None:
    source = programme()
    data = export_schedule_json(source, base_url=BASE)
    jsonschema.validate(json.loads(data), SCHEDULE_V1)
    session = imported(import_schedule_json(data), "s02")
    assert channels(session.stream) == channels(source.sessions["s02"].stream)
    assert session.stream.replay == STREAM["replay"]


def test_csv_columns_carry_the_channels_captions_and_replay() -> None:
    source = programme()
    data = export_csv(source)
    header = data.decode("utf-8-sig").split("\r\n")[0]
    assert header.endswith(
        "stream_floor,stream_fr,stream_es,stream_en,captions,replay,audio_only")
    session = imported(import_csv(data), "s02")
    # Each language's address, and the Spanish interpretation still audio-only.
    assert sorted(channels(session.stream)) == sorted(channels(source.sessions["s02"].stream))
    assert ("es", "hls", "https://cdn.example.org/s02/es.m3u8", "audio") in channels(
        session.stream)
    assert session.stream.captions == STREAM["captions"]


def test_links_that_are_not_streams_are_left_out_and_a_bare_video_is_the_floor() -> None:
    data = export_frab(programme(), base_url=BASE).replace(
        b"<links>", b'<links><link href="https://example.org/slides.pdf">Slides</link>'
                    b'<link href="https://vimeo.com/76979871">Watch</link>', 1)
    found = import_frab(data)
    first = min(found.sessions.values(), key=lambda s: s.start)
    assert channels(first.stream)[0][:3] == ("floor", "embed",
                                             "https://player.vimeo.com/video/76979871")
    assert all("slides" not in c.url for s in found.sessions.values() for c in s.stream.channels)


def test_calendar_entries_carry_the_watch_link_and_meeting_links() -> None:
    source = programme()
    calendar = Calendar.from_ical(export_ical(source, now=NOW, base_url=BASE, lang="es"))
    events = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    plenary = events[source.sessions["s02"].guid]
    assert str(plenary["URL"]) == f"{BASE}/live/s02"
    conferences = plenary["CONFERENCE"]
    assert [str(c) for c in conferences] == [f"{BASE}/live/s02", STREAM["channels"][2]["url"]]
    assert conferences[0].params["LABEL"] == "Ver en línea"
    assert conferences[1].params["LABEL"] == "Zoom (fr)"
    assert conferences[0].params["VALUE"] == "URI"
    workshop = events[source.sessions["s03"].guid]  # taller-a does not stream
    assert str(workshop["URL"]) == f"{BASE}/sessions/s03" and "CONFERENCE" not in workshop


def test_rencontre_json_keeps_room_and_session_streams_apart() -> None:
    source = programme()
    again = Programme.from_json(source.to_json())
    assert again.sessions["s02"].stream == source.sessions["s02"].stream
    assert again.rooms["plenaria"].stream == source.rooms["plenaria"].stream
    assert again.sessions["s01"].stream == Stream()


def test_schedule2_links_that_are_streams_become_channels() -> None:
    document = json.loads(fixture("interop/samples/hub-schedule2.json").read_bytes())
    event = document["schedule"]["events"][0]
    event["links"] += [
        {"url": "https://cdn.example.org/hall/es.m3u8", "title": "Live stream: es (audio)"},
        {"url": "https://media.ccc.de/v/38c3-1", "title": "Recording"},
    ]
    found = import_schedule_json(json.dumps(document).encode())
    session = next(s for s in found.sessions.values() if s.guid == event["guid"])
    assert channels(session.stream) == [("es", "hls", "https://cdn.example.org/hall/es.m3u8",
                                         "audio")]
    assert session.stream.replay == "https://media.ccc.de/v/38c3-1"
    others = [s for s in found.sessions.values() if s.guid != event["guid"]]
    assert all(not s.stream for s in others), "the sample's own links are not streams"
