"""frab / pentabarf schedule XML (``application/vnd.c3voc.schedule+xml``).

The export validates against the c3voc XSD and is what Giggity, EventFahrplan and the c3voc
tools read. The import also takes the older FOSDEM dialect (no GUIDs, no ``<date>`` on events,
``<day_change>``) and wafer's files (``<date>`` in UTC while the conference zone differs).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time, timedelta

from rencontre.engine.messages import N_
from rencontre.schedule.model import EventInfo, Programme, Session, pick

from .builder import Leniency, ProgrammeBuilder, Progress
from .common import (
    GENERATOR,
    HEX_COLOR,
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
    local_date,
    numeric_id,
    parse_duration,
    person_ids,
    person_key,
    session_url,
    slugify,
    text_key,
    tidy,
)
from .days import Day, schedule_days
from .errors import ImportProblems, Problem
from .stream_links import export_links, import_links
from .xml_reader import parse_xml

TIMESLOT = "00:05"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def export_frab(programme: Programme, *, lang: str = "en", base_url: str = "") -> bytes:
    """The programme as schedule XML, UTF-8, valid against the c3voc XSD.

    Texts are in ``lang`` (or the nearest translation). Days are calendar days in the event's
    zone; each lists every room in room order with the sessions starting in it that day;
    cancelled sessions are left out. ``base_url`` (absolute, or empty) gives the conference's
    ``base_url`` and each session's ``url``. ``<version>`` is a hash of everything else.
    """
    event = event_of(programme)
    base = check_base_url(base_url)
    code = acronym(event.slug)
    days = schedule_days(programme)
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR)
    version = ET.SubElement(root, "version")
    root.append(_conference(programme, event, code, days, base, lang))
    rooms = [(room.id, pick(room.name, lang)) for room in programme.ordered_rooms()]
    for day in days:
        day_element = ET.SubElement(
            root, "day", index=str(day.index), date=day.date.isoformat(),
            start=day.start.isoformat(), end=day.end.isoformat())
        for room_id, name in rooms:
            room = ET.SubElement(day_element, "room", name=_clean(name),
                                 guid=guid_for(name, "room", code))
            for session in day.sessions:
                if session.room == room_id:
                    room.append(_event(programme, session, name, code, base, lang))
    ET.indent(root)
    version.text = content_version(b"".join(ET.tostring(part) for part in root[2:]))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _conference(programme: Programme, event: EventInfo, code: str, days: list[Day], base: str,
                lang: str) -> ET.Element:
    conference = ET.Element("conference")
    _text(conference, "acronym", code)
    _text(conference, "title", pick(event.name, lang))
    _text(conference, "start", days[0].date.isoformat())
    _text(conference, "end", days[-1].date.isoformat())
    _text(conference, "days", str(len(days)))
    _text(conference, "timeslot_duration", TIMESLOT)
    if base:
        _text(conference, "base_url", base + "/")
    if event.url.startswith(("http://", "https://")):
        _text(conference, "url", event.url)
    _text(conference, "time_zone_name", event.timezone)
    for track in programme.tracks.values():
        name = pick(track.name, lang)
        attributes = {"name": _clean(name), "slug": export_slug(track.id, name, "track")}
        if HEX_COLOR.fullmatch(track.color):
            attributes["color"] = track.color
        ET.SubElement(conference, "track", attributes)
    return conference


def _event(programme: Programme, session: Session, room: str, code: str, base: str,
           lang: str) -> ET.Element:
    local = session.start.astimezone(event_of(programme).zone)
    number = numeric_id(session.id)
    title = tidy(pick(session.title, lang))
    track = programme.tracks.get(session.track or "")
    element = ET.Element("event", guid=guid_for(session.guid, "session", code), id=str(number))
    _text(element, "date", local.isoformat())
    _text(element, "start", local.strftime("%H:%M"))
    _text(element, "duration", format_duration(session.duration))
    _text(element, "room", room)
    _text(element, "slug", f"{code}-{number}-{slugify(title, 'session')}")
    if base:
        _text(element, "url", session_url(base, session.id))
    _text(element, "title", title)
    _text(element, "subtitle", "")
    _text(element, "track", pick(track.name, lang) if track else "")
    _text(element, "type", "talk")
    _text(element, "language", session.language)
    _text(element, "abstract", tidy(pick(session.abstract, lang)))
    persons = ET.SubElement(element, "persons")
    for speaker_id in session.speakers:
        speaker = programme.speakers[speaker_id]
        number, guid = person_ids(speaker.id, code)
        _text(persons, "person", speaker.name, {"id": str(number), "guid": guid})
    links = ET.SubElement(element, "links")
    for url, title in export_links(programme, session):
        _text(links, "link", title, {"href": url})
    ET.SubElement(element, "attachments")
    return element


def _text(parent: ET.Element, tag: str, text: str,
          attributes: dict[str, str] | None = None) -> None:
    ET.SubElement(parent, tag, attributes or {}).text = _clean(text)


def _clean(text: str) -> str:
    """``text`` without the control characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def import_frab(data: bytes, *, default_timezone: str | None = None,
                progress: Progress | None = None, lenient: bool = False,
                report: list[Problem] | None = None,
                allow_overlaps: bool = False) -> Programme:
    """Read schedule XML into a new Programme, or raise ImportProblems listing every problem.

    An event's ``<date>`` (with its offset) gives its start; without one, the day's ``date``
    plus ``<start>`` in the conference zone (``time_zone_name``, else ``default_timezone``),
    a start before ``<day_change>`` falling on the next calendar day. Places are
    ``line N, /schedule/day[1]/room[2]/event[3]/start``.
    """
    root, lines = parse_xml(data)
    if root.tag != "schedule":
        place = f"line {lines[root]}, /{root.tag}"
        raise ImportProblems([Problem(place, N_("expected a <schedule> document (frab XML)"))])
    return _FrabReader(root, lines, default_timezone, progress,
                       Leniency.of(lenient, report, allow_overlaps)).read()


class _FrabReader:
    def __init__(self, root: ET.Element, lines: dict[ET.Element, int],
                 default_timezone: str | None, progress: Progress | None,
                 leniency: Leniency) -> None:
        self.root = root
        self.lines = lines
        self.builder = ProgrammeBuilder(len(root.findall("day/room/event")), progress, leniency)
        conference = root.find("conference")
        if conference is None:
            self.builder.problem(self.place(root, "/schedule"), N_("no <conference> element"))
            conference = ET.Element("conference")
            lines[conference] = lines[root]
        self.conference = conference
        self.title = self.field(conference, "title")
        self.slug = event_slug(self.field(conference, "acronym"), self.title)
        self.base_url = self.field(conference, "base_url")
        self.zone = self.builder.zone(self.field(conference, "time_zone_name"), default_timezone,
                                      self.child_place(conference, "/schedule/conference",
                                                       "time_zone_name"))
        self.zone_missing_reported = False
        self.day_change = self.duration(conference, "/schedule/conference", "day_change")

    def read(self) -> Programme:
        conference, path = self.conference, "/schedule/conference"
        for track in conference.findall("track"):
            if track.get("name", "").strip():
                self.builder.track(track.get("name", "").strip(), slug=track.get("slug", ""),
                                   color=track.get("color", ""))
        for d, day in enumerate(self.root.findall("day"), 1):
            for r, room in enumerate(day.findall("room"), 1):
                room_name = room.get("name", "").strip()
                if room_name:
                    self.builder.room(room_name)
                for e, event in enumerate(room.findall("event"), 1):
                    event_path = f"/schedule/day[{d}]/room[{r}]/event[{e}]"
                    session = self.session(event, event_path, day, f"/schedule/day[{d}]",
                                           room_name)
                    self.builder.add(self.place(event, event_path), session)
        first = self.conference_date(path, "start")
        days = self.field(conference, "days")
        last = (last_day(first, int(days)) if first and days.isdigit()
                else self.conference_date(path, "end"))
        url = self.field(conference, "url")
        return self.builder.finish(
            self.place(conference, path), slug=self.slug, name=self.title or self.slug,
            zone=self.zone, first=first, last=last, venue=self.field(conference, "venue"),
            city=self.field(conference, "city"),
            url=url if url.startswith(("http://", "https://")) else "")

    def session(self, event: ET.Element, path: str, day: ET.Element, day_path: str,
                room_name: str) -> Session | None:
        problems = len(self.builder.problems)
        guid = event.get("guid", "").strip()
        session_id = (id_from_url(self.field(event, "url"), self.base_url)
                      or event.get("id", "").strip() or guid)
        if not session_id:
            self.builder.problem(self.place(event, path), N_("the event has neither id nor guid"))
        title = self.field(event, "title")
        if not title:
            self.builder.problem(self.child_place(event, path, "title"), N_("no title"))
        room = room_name or self.field(event, "room")
        if not room:
            self.builder.problem(self.child_place(event, path, "room"), N_("no room"))
        start = self.start(event, path, day, day_path)
        duration = self.duration(event, path, "duration")
        if duration is None and not self.field(event, "duration"):
            self.builder.problem(self.child_place(event, path, "duration"), N_("no duration"))
        if len(self.builder.problems) > problems or start is None or duration is None:
            return None
        language = self.field(event, "language").lower() or "en"
        key = text_key(language)
        abstract = joined(self.field(event, "abstract"), self.field(event, "description"))
        track = self.field(event, "track")
        speakers = [
            self.builder.speaker(person_key(person.get("id", "").strip(),
                                            person.get("guid", "").strip(), acronym(self.slug)),
                                 (person.text or "").strip())
            for person in event.findall("persons/person") if (person.text or "").strip()]
        links = [(link.get("href", ""), link.text or "") for link in event.findall("links/link")]
        return Session(
            stream=import_links([(self.field(event, "url"), ""), *links]),
            id=session_id, guid=guid or guid_for(session_id, "session", self.slug),
            title={key: title}, room=self.builder.room(room), start=start,
            end=start + duration, abstract={key: abstract} if abstract else {},
            speakers=list(dict.fromkeys(speakers)), language=language,
            track=self.builder.track(track) if track else None)

    def start(self, event: ET.Element, path: str, day: ET.Element,
              day_path: str) -> datetime | None:
        stamp = self.field(event, "date")
        if stamp:
            return self.builder.time(stamp, self.child_place(event, path, "date"), self.zone)
        clock = self.duration(event, path, "start")
        if clock is None:
            if not self.field(event, "start"):
                self.builder.problem(self.child_place(event, path, "start"), N_("no start time"))
            return None
        try:
            day_date = date.fromisoformat(day.get("date", ""))
        except ValueError:
            self.builder.problem(self.place(day, f"{day_path}/@date"),
                                 N_("expected the day’s date as YYYY-MM-DD"))
            return None
        if self.day_change is not None and clock < self.day_change:
            day_date += timedelta(days=1)
        moment = datetime.combine(day_date, time()) + clock
        return self.localize(moment, self.child_place(event, path, "start"))

    def localize(self, moment: datetime, place: str) -> datetime | None:
        """A local time of the conference, in UTC; a problem when no zone is known."""
        if self.zone is None:
            if not self.zone_missing_reported:
                self.builder.problem(place, N_("a local time, but the file gives no "
                                               "time_zone_name and no default time zone was "
                                               "given"))
                self.zone_missing_reported = True
            return None
        return moment.replace(tzinfo=self.zone).astimezone(UTC)

    def conference_date(self, path: str, tag: str) -> date | None:
        text = self.field(self.conference, tag)
        if not text:
            return None
        try:
            return local_date(text, self.zone)
        except ValueError:
            self.builder.problem(self.child_place(self.conference, path, tag),
                                 N_("expected a date, not “{text}”"), text=text)
            return None

    def duration(self, element: ET.Element, path: str, tag: str) -> timedelta | None:
        """``<tag>`` of ``element`` read as H:MM[:SS]; a problem when present but unreadable."""
        text = self.field(element, tag)
        if not text:
            return None
        value = parse_duration(text)
        if value is None:
            self.builder.problem(self.child_place(element, path, tag),
                                 N_("expected HH:MM, not “{text}”"), text=text)
        return value

    @staticmethod
    def field(element: ET.Element, tag: str) -> str:
        return (element.findtext(tag) or "").strip()

    def place(self, element: ET.Element, path: str) -> str:
        return f"line {self.lines[element]}, {path}"

    def child_place(self, element: ET.Element, path: str, tag: str) -> str:
        child = element.find(tag)
        return self.place(element if child is None else child, f"{path}/{tag}")
