"""iCalendar feeds (RFC 5545, with the RFC 7986 properties for subscribed calendars)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vDuration, vText

from rencontre.engine.messages import N_
from rencontre.schedule.model import Programme, Session, Status, pick
from rencontre.streams.links import Kind

from .builder import Leniency, ProgrammeBuilder, Progress
from .common import (
    check_base_url,
    event_of,
    event_slug,
    joined,
    live_url,
    session_url,
    tidy,
    zone_named,
)
from .errors import ImportProblems, Problem
from .vtimezone import vtimezone

PRODID = "-//Rencontre//Rencontre//EN"
_FOLD = re.compile(rb"\r?\n[ \t]")
_SPEAKERS = {"fr": "Intervenant·es", "es": "Ponentes", "en": "Speakers"}
_WATCH = {"fr": "Suivre en ligne", "es": "Ver en línea", "en": "Watch online"}
_PLATFORMS = {"zoom": "Zoom", "jitsi": "Jitsi Meet", "bigbluebutton": "BigBlueButton",
              "web": "Web"}


def export_ical(programme: Programme, *, now: datetime, sessions: Iterable[Session] | None = None,
                calendar_name: str = "", lang: str = "en", base_url: str = "",
                refresh_minutes: int = 15) -> bytes:
    """The sessions (all of the programme's by default) as an iCalendar feed, UTF-8.

    One VEVENT per session, cancelled ones kept with STATUS:CANCELLED so that subscribers drop
    them; UID ``{guid}@{event slug}`` does not change when a session moves, SEQUENCE is the
    session's. Times carry the event's zone, whose VTIMEZONE is included. ``now`` is the
    DTSTAMP of every VEVENT: pass the programme's last change to get the same bytes for the
    same programme. ``calendar_name`` defaults to the event name in ``lang``.
    """
    event = event_of(programme)
    base = check_base_url(base_url)
    chosen = programme.ordered_sessions() if sessions is None else list(sessions)
    refresh = timedelta(minutes=refresh_minutes)
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("METHOD", "PUBLISH")
    # Added as text so that commas, semicolons and line breaks are escaped (RFC 5545 3.3.11).
    name = tidy(calendar_name or pick(event.name, lang))
    calendar.add("NAME", vText(name))
    calendar.add("X-WR-CALNAME", vText(name))
    calendar.add("X-WR-TIMEZONE", event.timezone)
    calendar.add("REFRESH-INTERVAL", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(refresh))
    for session in chosen:
        calendar.add_component(_vevent(programme, session, now, lang, base))
    first = min([event.start_date, *(s.start.date() for s in chosen)])
    last = max([event.end_date, *(s.end.date() for s in chosen)])
    # Before the VEVENTs that use it: some readers resolve TZIDs as they go.
    calendar.subcomponents.insert(0, vtimezone(event.zone, first - timedelta(days=1),
                                               last + timedelta(days=1)))
    return calendar.to_ical()


def _stamp(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` as a local time of ``zone``, or in UTC when the local time is ambiguous.

    RFC 5545 3.3.5 reads a local time in the hour repeated when clocks go back as its first
    occurrence: a session in the second one would be shown an hour early by every reader.
    (No instant falls in the hour skipped when clocks go forward.)
    """
    local = moment.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return moment.astimezone(UTC)
    return local


def _vevent(programme: Programme, session: Session, now: datetime, lang: str,
            base: str) -> Event:
    event = event_of(programme)
    zone = event.zone
    vevent = Event()
    vevent.add("UID", f"{session.guid}@{event.slug}")
    vevent.add("DTSTAMP", now.astimezone(UTC))
    vevent.add("DTSTART", _stamp(session.start, zone))
    vevent.add("DTEND", _stamp(session.end, zone))
    vevent.add("SUMMARY", tidy(pick(session.title, lang)))
    vevent.add("DESCRIPTION", _description(programme, session, lang))
    vevent.add("LOCATION", pick(programme.rooms[session.room].name, lang))
    vevent.add("SEQUENCE", session.sequence)
    vevent.add("STATUS", "CANCELLED" if session.status is Status.CANCELLED else "CONFIRMED")
    if session.updated is not None:
        vevent.add("LAST-MODIFIED", session.updated.astimezone(UTC))
    if session.track in programme.tracks:
        vevent.add("CATEGORIES", [pick(programme.tracks[session.track].name, lang)])
    _watch(vevent, programme, session, lang, base)
    return vevent


def _watch(vevent: Event, programme: Programme, session: Session, lang: str, base: str) -> None:
    """URL: the live page when the session streams (else its page); CONFERENCE (RFC 7986):
    the live page, and each meeting channel, which calendars offer to join directly."""
    stream = programme.watch(session).stream
    if base:
        live = live_url(base, session.id)
        vevent.add("URL", live if stream.channels else session_url(base, session.id))
        if stream.channels:
            _conference(vevent, live, _WATCH.get(lang, _WATCH["en"]))
    for channel in stream.channels:
        if channel.kind is Kind.MEETING:
            name = _PLATFORMS.get(channel.platform, channel.platform.capitalize())
            _conference(vevent, channel.url, f"{name} ({channel.language})")


def _conference(vevent: Event, url: str, label: str) -> None:
    vevent.add("CONFERENCE", url, parameters={
        "VALUE": "URI", "FEATURE": ["AUDIO", "VIDEO"], "LABEL": label})


def _description(programme: Programme, session: Session, lang: str) -> str:
    """The abstract, then the speakers' names."""
    names = ", ".join(programme.speakers[s].name for s in session.speakers)
    label = _SPEAKERS.get(lang, _SPEAKERS["en"])
    return joined(pick(session.abstract, lang), f"{label}: {names}" if names else "")


def import_ical(data: bytes, *, default_timezone: str | None = None,
                progress: Progress | None = None, lenient: bool = False,
                report: list[Problem] | None = None,
                allow_overlaps: bool = False) -> Programme:
    """Read an iCalendar file into a new Programme, or raise ImportProblems.

    Each VEVENT is a session: UID gives its guid (and, sanitised, its id), SUMMARY its title,
    LOCATION its room, DTSTART and DTEND (or DURATION) its times, DESCRIPTION its abstract,
    ATTENDEE names its speakers, the first CATEGORIES value its track; SEQUENCE, LAST-MODIFIED
    and STATUS:CANCELLED are kept. A VEVENT lacking UID, SUMMARY, LOCATION or a start and end
    with a time of day is a problem. The event zone is X-WR-TIMEZONE, else ``default_timezone``,
    else the first DTSTART's zone, else UTC. Places are ``VEVENT #3 (UID …)``.
    """
    text = _unfolded(data)
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        raise ImportProblems([Problem("VCALENDAR", N_("not an iCalendar file: {error}"),
                                      {"error": str(error)})]) from None
    vevents = calendar.walk("VEVENT")
    builder = ProgrammeBuilder(len(vevents), progress,
                               Leniency.of(lenient, report, allow_overlaps))
    declared = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    zone = builder.zone(declared, default_timezone, "VCALENDAR X-WR-TIMEZONE")
    if zone is None:
        zone = next(filter(None, (_zone_of(vevent) for vevent in vevents)), None)
    for number, vevent in enumerate(vevents, 1):
        place = f"VEVENT #{number} (UID {vevent.get('UID', 'missing')})"
        builder.add(place, _session(builder, vevent, place, zone))
    name = _unescaped(str(calendar.get("NAME") or calendar.get("X-WR-CALNAME") or "")).strip()
    name = name or "Calendar"
    return builder.finish("VCALENDAR", slug=event_slug("", name), name=name, zone=zone)


def _unfolded(data: bytes) -> str:
    """The text of ``data`` with its folded lines joined.

    Folding counts octets, so a fold may fall inside a UTF-8 character (a real JRES file
    splits "’" this way): lines are joined before the bytes are decoded.
    """
    joined_lines = _FOLD.sub(b"", data)
    try:
        return joined_lines.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        where = error.start  # in the joined text; back to the file's own lines
        for fold in _FOLD.finditer(data):
            if fold.start() > where:
                break
            where += len(fold[0])
        line = data.count(b"\n", 0, where) + 1
        raise ImportProblems([Problem(f"line {line}", N_("not UTF-8 text"))]) from None


def _unescaped(text: str) -> str:
    """A TEXT value read raw (NAME and X-WR-CALNAME are not typed by the parser), unescaped
    per RFC 5545 3.3.11."""
    return re.sub(r"\\([\\;,nN])",
                  lambda match: "\n" if match[1] in "nN" else match[1], text)


def _zone_of(vevent: Event) -> ZoneInfo | None:
    """The IANA zone of the VEVENT's DTSTART, if it has one."""
    tzid = vevent.get("DTSTART").params.get("TZID", "") if "DTSTART" in vevent else ""
    return zone_named(tzid) if tzid else None


def _session(builder: ProgrammeBuilder, vevent: Event, place: str,
             zone: ZoneInfo | None) -> Session | None:
    problems = len(builder.problems)
    broken = {name for name, _ in vevent.errors}
    for name, message in vevent.errors:
        builder.problem(f"{place} {name}", N_("unreadable: {error}"), error=message)
    texts = {name: str(vevent.get(name, "")).strip() for name in ("UID", "SUMMARY", "LOCATION")}
    for name, text in texts.items():
        if not text and name not in broken:
            builder.problem(place, N_("no {property}"), property=name)
    start = end = None
    if not broken & {"DTSTART", "DTEND", "DURATION"}:
        start, end = _times(builder, vevent, place, zone)
    if len(builder.problems) > problems or start is None or end is None:
        return None
    track = str(vevent.categories[0]).strip() if vevent.categories else ""
    attendees = vevent.get("ATTENDEE", [])
    speakers = [builder.speaker("", str(attendee.params["CN"]).strip())
                for attendee in (attendees if isinstance(attendees, list) else [attendees])
                if str(attendee.params.get("CN", "")).strip()]
    modified = vevent.decoded("LAST-MODIFIED") if "LAST-MODIFIED" in vevent else None
    abstract = tidy(str(vevent.get("DESCRIPTION", "")))
    return Session(
        id=re.sub(r"[^A-Za-z0-9_.-]+", "-", texts["UID"]).strip("-") or texts["UID"],
        guid=texts["UID"], title={"en": texts["SUMMARY"]},
        room=builder.room(texts["LOCATION"]), start=start, end=end,
        abstract={"en": abstract} if abstract else {}, speakers=list(dict.fromkeys(speakers)),
        track=builder.track(track) if track else None,
        status=Status.CANCELLED if str(vevent.get("STATUS", "")).upper() == "CANCELLED"
        else Status.SCHEDULED,
        sequence=int(vevent.get("SEQUENCE", 0)),
        updated=_utc(modified) if isinstance(modified, datetime) else None)


def _times(builder: ProgrammeBuilder, vevent: Event, place: str,
           zone: ZoneInfo | None) -> tuple[datetime | None, datetime | None]:
    """The VEVENT's start and end in UTC, floating times read in ``zone``."""
    if "DTSTART" not in vevent:
        builder.problem(place, N_("no {property}"), property="DTSTART")
        return None, None
    if "DTEND" not in vevent and "DURATION" not in vevent:
        builder.problem(place, N_("neither DTEND nor DURATION"))
        return None, None
    unknown = [(name, vevent[name].params["TZID"]) for name in ("DTSTART", "DTEND")
               if name in vevent and "TZID" in vevent[name].params
               and isinstance(vevent[name].dt, datetime) and vevent[name].dt.tzinfo is None]
    for name, tzid in unknown:
        # Reading it in some other zone would put the session hours off, silently.
        builder.problem(f"{place} {name}", N_("unknown time zone TZID=“{zone}”: not an IANA "
                                              "name, and the file has no VTIMEZONE for it"),
                        zone=tzid)
    if unknown:
        return None, None
    start = vevent["DTSTART"].dt
    end = vevent["DTEND"].dt if "DTEND" in vevent else start + vevent["DURATION"].dt
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        builder.problem(place, N_("an all-day event cannot be placed in a room’s timetable"))
        return None, None
    if start.tzinfo is None or end.tzinfo is None:
        if zone is None:
            builder.problem(place, N_("a floating time, but the calendar has no "
                                      "X-WR-TIMEZONE and no default time zone was given"))
            return None, None
        start, end = (moment.replace(tzinfo=moment.tzinfo or zone) for moment in (start, end))
    return start.astimezone(UTC), end.astimezone(UTC)


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC; RFC 5545 says LAST-MODIFIED is UTC, so a naive one is taken as UTC."""
    return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC)
