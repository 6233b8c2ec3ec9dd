"""Schedule JSON v1 (what pretalx and frab export, served at ``/schedule.json``) and the
schedule2 dialect (import only, see ``schedule2``)."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from rencontre.engine.messages import N_
from rencontre.schedule.model import Programme, RoomKind, Session, pick

from .builder import Leniency, ProgrammeBuilder, Progress
from .common import (
    GENERATOR,
    acronym,
    check_base_url,
    content_version,
    event_of,
    event_slug,
    export_slug,
    format_duration,
    guid_for,
    id_from_url,
    joined,
    last_day,
    numeric_id,
    parse_duration,
    person_ids,
    person_key,
    session_url,
    slugify,
    text_key,
    tidy,
)
from .days import schedule_days
from .errors import Problem
from .frab import TIMESLOT
from .json_common import (
    add_rooms,
    check_schema,
    conference_date,
    http_url,
    load_json,
    pointer,
)
from .json_schemas import SCHEDULE_V1
from .schedule2 import read_schedule2
from .stream_links import export_links, import_links

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"


def export_schedule_json(programme: Programme, *, lang: str = "en", base_url: str = "") -> bytes:
    """The programme as schedule JSON v1, UTF-8, valid against the c3voc schema.

    Same content and rules as ``export_frab``: texts in ``lang``, calendar days in the event's
    zone, every room on every day, cancelled sessions left out. Each session's ``url`` is its
    page under ``base_url``, or ``urn:uuid:{guid}`` without one (the format requires a URL).
    """
    event = event_of(programme)
    base = check_base_url(base_url)
    code = acronym(event.slug)
    days = schedule_days(programme)
    rooms = [(room.id, pick(room.name, lang), room) for room in programme.ordered_rooms()]
    conference: dict[str, Any] = {
        "acronym": code, "title": pick(event.name, lang), "start": days[0].date.isoformat(),
        "end": days[-1].date.isoformat(), "daysCount": len(days), "timeslot_duration": TIMESLOT,
        "time_zone_name": event.timezone,
    }
    if event.url.startswith(("http://", "https://")):
        conference["url"] = event.url
    conference["tracks"] = [
        {"name": pick(t.name, lang), "slug": export_slug(t.id, pick(t.name, lang), "track"),
         "color": t.color} for t in programme.tracks.values()]
    conference["rooms"] = []
    for _, name, room in rooms:
        entry: dict[str, Any] = {"name": name, "slug": export_slug(room.id, name, "room"),
                                 "guid": guid_for(name, "room", code)}
        if room.kind is RoomKind.ONLINE:
            entry["type"] = "online"
        if room.capacity is not None:
            entry["capacity"] = room.capacity
        conference["rooms"].append(entry)
    conference["days"] = [{
        "index": day.index, "date": day.date.isoformat(), "day_start": day.start.isoformat(),
        "day_end": day.end.isoformat(),
        "rooms": {name: [_event(programme, s, name, code, base, lang)
                         for s in day.sessions if s.room == room_id]
                  for room_id, name, _ in rooms},
    } for day in days]
    version = content_version(json.dumps(conference, sort_keys=True).encode())
    schedule: dict[str, Any] = {"version": version}
    if base:
        schedule["base_url"] = base + "/"
    schedule["conference"] = conference
    document = {"$schema": SCHEMA_URL, "generator": {"name": GENERATOR}, "schedule": schedule}
    return json.dumps(document, ensure_ascii=False, indent=2).encode() + b"\n"


def _event(programme: Programme, session: Session, room: str, code: str, base: str,
           lang: str) -> dict[str, Any]:
    zone = event_of(programme).zone
    start, end = session.start.astimezone(zone), session.end.astimezone(zone)
    number = numeric_id(session.id)
    guid = guid_for(session.guid, "session", code)
    title = tidy(pick(session.title, lang))
    track = programme.tracks.get(session.track or "")
    persons = []
    for speaker_id in session.speakers:
        speaker = programme.speakers[speaker_id]
        person_id, person_guid = person_ids(speaker.id, code)
        person: dict[str, Any] = {"id": person_id, "guid": person_guid, "name": speaker.name}
        if speaker.bio:
            person["biography"] = pick(speaker.bio, lang)
        persons.append(person)
    return {
        "guid": guid, "id": number, "date": start.isoformat(), "start": start.strftime("%H:%M"),
        "end": end.isoformat(), "duration": format_duration(session.duration), "room": room,
        "slug": f"{code}-{number}-{slugify(title, 'session')}",
        "url": session_url(base, session.id) if base else f"urn:uuid:{guid}",
        "title": title, "subtitle": "", "track": pick(track.name, lang) if track else None,
        "type": "talk", "language": session.language,
        "abstract": tidy(pick(session.abstract, lang)), "persons": persons,
        "links": [{"url": url, "title": title} for url, title in export_links(programme, session)],
        "attachments": [],
    }


def import_schedule_json(data: bytes, *, default_timezone: str | None = None,
                         progress: Progress | None = None, lenient: bool = False,
                         report: list[Problem] | None = None,
                         allow_overlaps: bool = False) -> Programme:
    """Read schedule JSON v1 or schedule2 into a new Programme, or raise ImportProblems.

    The file is first checked against Rencontre's schema of the format (``json_schemas``);
    each violation is a problem placed by JSON pointer. An event's ``date`` (v1) or
    ``start``/``end`` (schedule2) with their own offsets give its times; the conference's
    ``time_zone_name`` (else ``default_timezone``) is the event zone and reads times that lack
    an offset.
    """
    document = load_json(data)
    leniency = Leniency.of(lenient, report, allow_overlaps)
    schedule = document.get("schedule") if isinstance(document, dict) else None
    if isinstance(schedule, dict) and "events" in schedule:
        return read_schedule2(document, default_timezone, progress, leniency)
    skipped = check_schema(document, SCHEDULE_V1, leniency)
    schedule = document["schedule"]
    conference = schedule["conference"]
    total = sum(len(events) for day in conference["days"] for events in day["rooms"].values())
    builder = ProgrammeBuilder(total, progress, leniency)
    zone = builder.zone(conference.get("time_zone_name", ""), default_timezone,
                        pointer("schedule", "conference", "time_zone_name"))
    slug = event_slug(conference["acronym"], conference["title"])
    for track in conference.get("tracks", []):
        builder.track(track["name"], slug=track.get("slug", ""), color=track.get("color", ""))
    add_rooms(builder, conference.get("rooms", []))
    for d, day in enumerate(conference["days"]):
        for room, events in day["rooms"].items():
            for e, event in enumerate(events):
                place = pointer("schedule", "conference", "days", d, "rooms", room, e)
                session = None if place in skipped else _session(
                    builder, event, place, room, zone, schedule.get("base_url", ""), slug)
                builder.add(place, session)
    first = conference_date(builder, conference, "start", zone)
    days = conference.get("daysCount")
    last = (last_day(first, days) if first and days
            else conference_date(builder, conference, "end", zone))
    return builder.finish(pointer("schedule", "conference"), slug=slug, name=conference["title"],
                          zone=zone, first=first, last=last, url=http_url(conference.get("url")))


def _session(builder: ProgrammeBuilder, event: dict[str, Any], place: str, room: str,
             zone: ZoneInfo | None, base_url: str, slug: str) -> Session | None:
    problems = len(builder.problems)
    start = builder.time(event["date"], f"{place}/date", zone)
    if "end" in event:
        end = builder.time(event["end"], f"{place}/end", zone)
    else:
        duration = parse_duration(event["duration"])
        if duration is None:
            builder.problem(f"{place}/duration", N_("expected HH:MM, not “{text}”"),
                            text=event["duration"])
        end = start + duration if start and duration else None
    if not tidy(event["title"]):
        builder.problem(f"{place}/title", N_("empty title"))
    if len(builder.problems) > problems or start is None or end is None:
        return None
    session_id = id_from_url(event.get("url") or "", base_url) or str(event["id"])
    language = (event.get("language") or "").strip().lower() or "en"
    key = text_key(language)
    abstract = joined(event.get("abstract"), event.get("description"))
    track = (event.get("track") or "").strip()
    speakers = []
    for person in event.get("persons", []):
        name = (person.get("name") or person.get("public_name") or "").strip()
        if name:
            key_of_person = person_key(str(person.get("id") or ""), str(person.get("guid") or ""),
                                       acronym(slug)) or str(person.get("code") or "")
            speakers.append(builder.speaker(key_of_person, name, person.get("biography") or ""))
    links = [(link.get("url") or "", link.get("title") or "")
             for link in event.get("links") or [] if isinstance(link, dict)]
    return Session(
        stream=import_links([(event.get("url") or "", ""), *links]),
        id=session_id, guid=event["guid"] or guid_for(session_id, "session", slug),
        title={key: tidy(event["title"])}, room=builder.room(room), start=start, end=end,
        abstract={key: abstract} if abstract else {}, speakers=list(dict.fromkeys(speakers)),
        language=language, track=builder.track(track) if track else None)
