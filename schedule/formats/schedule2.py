"""The schedule2 JSON dialect (the CCC hub's: events listed once, with their own ``start``
and ``end``, rooms and tracks referenced by guid or slug), served at ``/schedule2.json``."""

from __future__ import annotations

import json
import re
from typing import Any
from zoneinfo import ZoneInfo

from rencontre.engine.messages import N_
from rencontre.schedule.model import Programme, Room, RoomKind, Session, Status, Track, pick

from .builder import Leniency, ProgrammeBuilder, Progress
from .common import (
    GENERATOR,
    acronym,
    check_base_url,
    content_version,
    event_of,
    event_slug,
    export_slug,
    guid_for,
    id_from_url,
    joined,
    numeric_id,
    person_ids,
    session_url,
    slugify,
    text_key,
    tidy,
)
from .days import schedule_days
from .json_common import add_rooms, check_schema, conference_date, http_url, pointer
from .json_schemas import SCHEDULE_V2
from .stream_links import export_links, import_links


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
        abstract = _texts(event.get("abstract"), event.get("description"), key)
        speakers = [builder.speaker(p.get("guid", ""), p["name"].strip(),
                                    self.bios.get(p.get("guid", ""), ""))
                    for p in event.get("participants", []) if p["name"].strip()]
        links = [(link.get("url") or "", link.get("title") or "")
                 for link in event.get("links") or [] if isinstance(link, dict)]
        return Session(
            stream=import_links([(event.get("url") or "", ""), *links]),
            id=session_id, guid=event["guid"], title={key: tidy(event["title"])},
            room=builder.room(room), start=start, end=end,
            abstract=abstract, speakers=list(dict.fromkeys(speakers)), language=language,
            track=track, status=Status.CANCELLED if event.get("state") in _CANCELLED
            else Status.SCHEDULED)

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


_CANCELLED = ("CANCELED", "CANCELLED", "WITHDRAWN", "DELETED")


def _texts(abstract: Any, description: Any, key: str) -> dict[str, str]:
    """Abstract and description, each a text or texts by language (LocalizableString)."""
    by_language: dict[str, list[str]] = {}
    for value in (abstract, description):
        if isinstance(value, dict):
            for language, text in value.items():
                if isinstance(text, str):
                    by_language.setdefault(text_key(language), []).append(text)
        elif isinstance(value, str):
            by_language.setdefault(key, []).append(value)
    return {language: text for language, texts in by_language.items()
            if (text := joined(*texts))}


def export_schedule2(programme: Programme, *, lang: str = "en", base_url: str = "") -> bytes:
    """The programme as schedule2 JSON, UTF-8, valid against the c3voc ``schema2.json``.

    Like schedule JSON v1 (texts in ``lang``, calendar days of the event zone, the same
    guids, slugs and person ids), with what v1 cannot say: every session is listed once,
    cancelled ones too (``state: CANCELED``), and abstracts in every language the session
    has them. A session without a track is in the track ``general``, since the format
    requires one.
    """
    event = event_of(programme)
    base = check_base_url(base_url)
    code = acronym(event.slug)
    days = schedule_days(programme)
    rooms = {room.id: _room(room, pick(room.name, lang), code)
             for room in programme.ordered_rooms()}
    tracks = {track.id: {"name": pick(track.name, lang),
                         "slug": export_slug(track.id, pick(track.name, lang), "track"),
                         "color": track.color} for track in programme.tracks.values()}
    sessions = programme.ordered_sessions()
    if any(session.track not in tracks for session in sessions):
        general = _free_slug("general", {track["slug"] for track in tracks.values()})
        tracks[None] = {"name": _GENERAL.get(lang, _GENERAL["en"]), "slug": general,
                        "color": Track("", {}).color}
    conference: dict[str, Any] = {
        "acronym": code, "title": pick(event.name, lang), "start": days[0].start.isoformat(),
        "end": days[-1].end.isoformat(), "timeslot_duration": "PT5M",
        "time_zone_name": event.timezone,
        "languages": [language for language in event.languages if _LANGUAGE.fullmatch(language)],
    }
    if event.url.startswith(("http://", "https://")):
        conference["url"] = event.url
    conference |= {
        "tracks": list(tracks.values()), "rooms": list(rooms.values()),
        "days": [{"index": day.index, "date": day.date.isoformat(),
                  "start": day.start.isoformat(), "end": day.end.isoformat()} for day in days],
    }
    events = [_event(programme, session, rooms[session.room],
                     tracks.get(session.track) or tracks[None], code, base, lang)
              for session in sessions]
    speakers = dict.fromkeys(s for session in sessions for s in session.speakers)
    persons = []
    for speaker_id in speakers:
        speaker = programme.speakers[speaker_id]
        person: dict[str, Any] = {"guid": person_ids(speaker.id, code)[1], "name": speaker.name}
        if speaker.bio:
            person["biography"] = pick(speaker.bio, lang)
        persons.append(person)
    body = {"conference": conference, "events": events, "persons": persons}
    schedule: dict[str, Any] = {
        "version": content_version(json.dumps(body, sort_keys=True).encode())}
    if base:
        schedule["base_url"] = base + "/"
    document = {"$schema": SCHEMA2_URL, "generator": {"name": GENERATOR},
                "schedule": schedule | body}
    return json.dumps(document, ensure_ascii=False, indent=2).encode() + b"\n"


SCHEMA2_URL = "https://c3voc.de/schedule/schema2.json"
_LANGUAGE = re.compile(r"[a-z]{2}")
_CODE = re.compile(r"[A-Z0-9]+")
_GENERAL = {"fr": "Général", "es": "General", "en": "General"}
_STATES = {Status.CANCELLED: "CANCELED", Status.DELAYED: "DELAYED"}


def _room(room: Room, name: str, code: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "slug": export_slug(room.id, name, "room"),
                             "guid": guid_for(name, "room", code),
                             "type": "VIRTUAL" if room.kind is RoomKind.ONLINE else "OTHER"}
    if room.capacity is not None:
        entry["capacity"] = room.capacity
    return entry


def _event(programme: Programme, session: Session, room: dict[str, Any],
           track: dict[str, Any], code: str, base: str, lang: str) -> dict[str, Any]:
    zone = event_of(programme).zone
    number = numeric_id(session.id)
    guid = guid_for(session.guid, "session", code)
    title = tidy(pick(session.title, lang))
    language = session.language if _LANGUAGE.fullmatch(session.language) else lang
    abstracts = {key: tidy(text) for key, text in session.abstract.items()
                 if _LANGUAGE.fullmatch(key) and tidy(text)}
    return {
        # The session id when it fits "code" (the hub's HQCCYH), else its number: either comes
        # back as the same session id, and so the same number and slug.
        "guid": guid, "code": session.id if _CODE.fullmatch(session.id) else str(number),
        "start": session.start.astimezone(zone).isoformat(),
        "end": session.end.astimezone(zone).isoformat(),
        "room": {"guid": room["guid"], "name": room["name"], "slug": room["slug"]},
        "slug": f"{code}-{number}-{slugify(title, 'session')}",
        "url": session_url(base, session.id) if base else f"urn:uuid:{guid}",
        "title": title, "subtitle": None, "track": {"slug": track["slug"]}, "type": "TALK",
        "language": language, "abstract": abstracts or None,
        "participants": [
            {"guid": person_ids(speaker_id, code)[1],
             "name": programme.speakers[speaker_id].name, "role": "SPEAKER"}
            for speaker_id in session.speakers],
        "links": [{"url": url, "title": title_} for url, title_ in export_links(programme, session)],
        "attachments": [], "state": _STATES.get(session.status, "CONFIRMED"),
    }


def _free_slug(wanted: str, taken: set[str]) -> str:
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate
