"""Gathering what an importer reads into a Programme: all or nothing, or leniently."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from rencontre.engine.messages import N_
from rencontre.schedule.model import EventInfo, Programme, Room, RoomKind, Session, Speaker, Track
from rencontre.schedule.overlaps import room_overlaps

from .common import HEX_COLOR, SLUG, one_line, slugify, zone_named
from .errors import KEPT, KEPT_AS, SKIPPED, ImportProblems, Problem

Progress = Callable[[int, int], None]
MAX_DAYS = 31  # what EventInfo.from_json accepts


@dataclass(frozen=True, slots=True)
class Leniency:
    """How strict an import is: all or nothing by default (see ProgrammeBuilder)."""

    lenient: bool = False
    report: list[Problem] = field(default_factory=list)
    allow_overlaps: bool = False

    @classmethod
    def of(cls, lenient: bool, report: list[Problem] | None, allow_overlaps: bool) -> Leniency:
        return cls(lenient, [] if report is None else report, allow_overlaps)


class ProgrammeBuilder:
    """Collects rooms, tracks, speakers and sessions of one file, and every problem met.

    Rooms and tracks are keyed by name (``room("Saal 1")`` twice gives one room); sessions are
    counted as they are offered so that ``progress(done, total)`` can be reported.

    All or nothing by default: ``finish`` raises ImportProblems if anything was wrong. With
    ``lenient``, a session with problems is skipped (a duplicate id with its own guid is
    kept under a free id) and its problems go to ``report`` with what was done; what is
    wrong with the file as a whole still refuses it. Two sessions overlapping in one room
    are a problem unless ``allow_overlaps`` (or ``lenient``, which reports them).
    """

    def __init__(self, total: int, progress: Progress | None,
                 leniency: Leniency | None = None) -> None:
        leniency = leniency or Leniency()
        self.programme = Programme()
        self.problems: list[Problem] = []
        self.lenient = leniency.lenient
        self.report = leniency.report
        self.allow_overlaps = leniency.allow_overlaps or leniency.lenient
        self._total = total
        self._done = 0
        self._progress = progress
        self._rooms: dict[str, str] = {}
        self._tracks: dict[str, str] = {}
        self._places: dict[str, str] = {}
        self._mark = 0  # problems before this index are not the current session's

    def problem(self, place: str, message: str, **params: object) -> None:
        """Note a problem; ``message`` is an English template marked with N_."""
        self.problems.append(Problem(place, message, params))

    def lenient_problem(self, place: str, message: str, resolution: str,
                        **params: object) -> None:
        """A problem a lenient import resolved without skipping anything (an ignored field)."""
        self.report.append(Problem(place, message, params, resolution))

    def zone(self, declared: str, default: str | None, place: str) -> ZoneInfo | None:
        """The event's zone: the one the file declares, else ``default``, else None.

        A declared name that is not an IANA zone is a problem.
        """
        name = declared or default
        if not name:
            return None
        zone = zone_named(name)
        if zone is None:
            self.problem(place, N_("unknown time zone “{zone}” (expected an IANA name such as "
                                   "America/Mexico_City)"), zone=name)
        return zone

    def time(self, text: str, place: str, zone: ZoneInfo | None) -> datetime | None:
        """An ISO 8601 time in UTC; one without offset is read in ``zone``."""
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            self.problem(place, N_("not an ISO 8601 time: “{text}”"), text=text)
            return None
        if value.tzinfo is None:
            if zone is None:
                self.problem(place, N_("a time without UTC offset, and no time zone to read "
                                       "it in"))
                return None
            value = value.replace(tzinfo=zone)
        return value.astimezone(UTC)

    def room(self, name: str, *, slug: str = "", kind: RoomKind = RoomKind.PHYSICAL,
             capacity: int | None = None) -> str:
        """The id of the room called ``name``, added on first mention with the given details."""
        if name not in self._rooms:
            rooms = self.programme.rooms
            room_id = _free(slug if SLUG.fullmatch(slug) else slugify(name, "room"), rooms)
            rooms[room_id] = Room(room_id, {"en": one_line(name)}, kind, capacity,
                                  position=len(rooms))
            self._rooms[name] = room_id
        return self._rooms[name]

    def track(self, name: str, *, slug: str = "", color: str = "") -> str:
        """The id of the track called ``name``, added on first mention."""
        if name not in self._tracks:
            tracks = self.programme.tracks
            track_id = _free(slug if SLUG.fullmatch(slug) else slugify(name, "track"), tracks)
            tracks[track_id] = Track(track_id, {"en": one_line(name)})
            if HEX_COLOR.fullmatch(color):
                tracks[track_id].color = color.lower()
            self._tracks[name] = track_id
        return self._tracks[name]

    def speaker(self, key: str, name: str, bio: str = "") -> str:
        """The id of a speaker: ``key`` (the file's id for the person) or a slug of the name."""
        speaker_id = key or slugify(name, "speaker")
        if speaker_id not in self.programme.speakers:
            self.programme.speakers[speaker_id] = Speaker(
                speaker_id, name, bio={"en": bio} if bio else {})
        return speaker_id

    def add(self, place: str, session: Session | None) -> None:
        """Count one session read and keep it (None: it had problems, already reported)."""
        if session is not None:
            session.title = {lang: one_line(text) for lang, text in session.title.items()}
            known = self.programme.sessions.get(session.id)
            if known is not None and self.lenient and known.guid != session.guid:
                new_id = _free(session.id, self.programme.sessions)
                self.report.append(Problem(place, N_("duplicate session id “{id}”"),
                                           {"id": session.id}, KEPT_AS, {"id": new_id}))
                session.id = new_id
                known = None
            if known is not None:
                self.problem(place, N_("duplicate session id “{id}”"), id=session.id)
            elif session.end <= session.start:
                self.problem(place, N_("the session must end after it starts"))
            else:
                self.programme.sessions[session.id] = session
                self._places[session.id] = place
        fresh = self.problems[self._mark:]
        if self.lenient and fresh:
            del self.problems[self._mark:]
            self.report.extend(Problem(p.place, p.message, p.params, SKIPPED) for p in fresh)
        self._mark = len(self.problems)
        self._done += 1
        if self._progress is not None:
            self._progress(self._done, self._total)

    def check_overlaps(self) -> None:
        """Two sessions at once in one room: a problem placed at the later one."""
        for earlier, later in room_overlaps(self.programme.sessions.values()):
            params = {"other": self._places[earlier.id],
                      "room": next(iter(self.programme.rooms[later.room].name.values()))}
            message = N_("overlaps the session at {other} in room “{room}”")
            if self.allow_overlaps:
                self.report.append(Problem(self._places[later.id], message, params, KEPT))
            else:
                self.problem(self._places[later.id], message, **params)

    def finish(self, place: str, *, slug: str, name: str, zone: ZoneInfo | None,
               first: date | None = None, last: date | None = None, venue: str = "",
               city: str = "", url: str = "") -> Programme:
        """The programme with its event, or ImportProblems listing every problem met.

        The event runs from ``first`` to ``last`` (the dates the file declares), widened to the
        local dates of all sessions; without a zone it is shown in UTC.
        """
        self._mark = len(self.problems)  # what follows is about the file as a whole
        self.check_overlaps()
        timezone = zone.key if zone is not None else "UTC"
        local = ZoneInfo(timezone)
        dates = [s.start.astimezone(local).date() for s in self.programme.sessions.values()]
        dates += [day for day in (first, last) if day is not None]
        if not name:
            self.problem(place, N_("the file names no event (no title)"))
        if not dates and not self.problems:
            self.problem(place, N_("no sessions and no dates: cannot tell when the event is"))
        days = (max(dates) - min(dates)).days + 1 if dates else 1
        if days > MAX_DAYS:
            self.problem(place, N_("the programme spans {days} days; at most {most} are allowed"),
                         days=days, most=MAX_DAYS)
        if self.problems:
            raise ImportProblems(self.problems)
        self.programme.event = EventInfo(
            slug=slug, name={"en": name}, timezone=timezone, start_date=min(dates), days=days,
            venue=venue, city=city, url=url)
        return self.programme


def _free(wanted: str, taken: dict[str, object]) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``… when two names give the same slug."""
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate
