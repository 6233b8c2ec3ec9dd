"""Reading the schedule2 JSON dialect (the CCC hub's: events listed once, with their own
``start`` and ``end``, rooms and tracks referenced by guid or slug)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from rencontre.engine.messages import N_
from rencontre.schedule.model import Programme, Session

from .builder import Leniency, ProgrammeBuilder, Progress
from .common import event_slug, id_from_url, joined, text_key, tidy
from .json_common import add_rooms, check_schema, conference_date, http_url, pointer
from .json_schemas import SCHEDULE_V2
from .stream_links import import_links


def read_schedule2(document: Any, default_timezone: str | None, progress: Progress | None,
                   leniency: Leniency) -> Programme:
    """A Programme from a schedule2 document, or ImportProblems (see import_schedule_json).

    Every participant of an event is one of its speakers; biographies come from the
    top-level ``persons`` list, matched by guid.
    """
    skipped = check_schema(document, SCHEDULE_V2, leniency)
    schedule = document["schedule"]
    conference = schedule["conference"]
    builder = ProgrammeBuilder(len(schedule["events"]), progress, leniency)
    zone = builder.zone(conference.get("time_zone_name", ""), default_timezone,
                        pointer("schedule", "conference", "time_zone_name"))
    tracks = {}
    for track in conference.get("tracks", []):
        color = track.get("color") or track.get("colors", {}).get("light", "")
        track_id = builder.track(track["name"], slug=track.get("slug", ""), color=color)
        tracks[track.get("slug") or track["name"]] = track_id
    add_rooms(builder, conference.get("rooms", []))
    rooms = {key: room["name"] for room in conference.get("rooms", [])
             for key in (room.get("guid"), room.get("slug"), room["name"]) if key}
    bios = {person["guid"]: person.get("biography") or ""
            for person in schedule.get("persons", []) if person.get("guid")}
    reader = _Reader(builder, zone, tracks, rooms, bios, schedule.get("base_url", ""))
    for index, event in enumerate(schedule["events"]):
        place = pointer("schedule", "events", index)
        builder.add(place, None if place in skipped else reader.session(event, place))
    return builder.finish(
        pointer("schedule", "conference"), name=conference["title"], zone=zone,
        slug=event_slug(conference["acronym"], conference["title"]),
        first=conference_date(builder, conference, "start", zone),
        last=conference_date(builder, conference, "end", zone),
        url=http_url(conference.get("url")))


class _Reader:
    def __init__(self, builder: ProgrammeBuilder, zone: ZoneInfo | None, tracks: dict[str, str],
                 rooms: dict[str, str], bios: dict[str, str], base_url: str) -> None:
        self.builder = builder
        self.zone = zone
        self.tracks = tracks
        self.rooms = rooms
        self.bios = bios
        self.base_url = base_url

    def session(self, event: dict[str, Any], place: str) -> Session | None:
        builder = self.builder
        problems = len(builder.problems)
        start = builder.time(event["start"], f"{place}/start", self.zone)
        end = builder.time(event["end"], f"{place}/end", self.zone)
        reference = event["room"]
        room = next((self.rooms[reference[key]] for key in ("guid", "slug", "name")
                     if reference.get(key) in self.rooms), reference.get("name", ""))
        if not room:
            builder.problem(f"{place}/room", N_("a room that the conference does not list"))
        track = self.track(event.get("track"), f"{place}/track")
        if not tidy(event["title"]):
            builder.problem(f"{place}/title", N_("empty title"))
        if len(builder.problems) > problems or start is None or end is None:
            return None
        session_id = (id_from_url(event.get("url") or "", self.base_url)
                      or str(event.get("id") or event.get("code") or event["guid"]))
        language = (event.get("language") or "").strip().lower() or "en"
        key = text_key(language)
        abstract = joined(event.get("abstract"), event.get("description"))
        speakers = [builder.speaker(p.get("guid", ""), p["name"].strip(),
                                    self.bios.get(p.get("guid", ""), ""))
                    for p in event.get("participants", []) if p["name"].strip()]
        links = [(link.get("url") or "", link.get("title") or "")
                 for link in event.get("links") or [] if isinstance(link, dict)]
        return Session(
            stream=import_links([(event.get("url") or "", ""), *links]),
            id=session_id, guid=event["guid"], title={key: tidy(event["title"])},
            room=builder.room(room), start=start, end=end,
            abstract={key: abstract} if abstract else {},
            speakers=list(dict.fromkeys(speakers)), language=language, track=track)

    def track(self, value: Any, place: str) -> str | None:
        """The id of the event's track, given as a name or as ``{"slug"…}`` / ``{"name"…}``."""
        if isinstance(value, dict):
            if value.get("slug") in self.tracks:
                return self.tracks[value["slug"]]
            value = value.get("name")
            if not value:
                self.builder.problem(place, N_("a track that the conference does not list"))
                return None
        return self.builder.track(value.strip()) if value and value.strip() else None
