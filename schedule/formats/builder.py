"""Gathering what an importer reads into a Programme, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from rencontre.schedule.model import EventInfo, Programme, Room, RoomKind, Session, Speaker, Track

from .common import HEX_COLOR, SLUG, one_line, slugify, zone_named
from .errors import ImportProblems, Problem

Progress = Callable[[int, int], None]
MAX_DAYS = 31  # what EventInfo.from_json accepts


class ProgrammeBuilder:
    """Collects rooms, tracks, speakers and sessions of one file, and every problem met.

    Rooms and tracks are keyed by name (``room("Saal 1")`` twice gives one room); sessions are
    counted as they are offered so that ``progress(done, total)`` can be reported.
    """

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.programme = Programme()
        self.problems: list[Problem] = []
        self._total = total
        self._done = 0
        self._progress = progress
        self._rooms: dict[str, str] = {}
        self._tracks: dict[str, str] = {}

    def problem(self, place: str, message: str) -> None:
        self.problems.append(Problem(place, message))

    def zone(self, declared: str, default: str | None, place: str) -> ZoneInfo | None:
        """The event's zone: the one the file declares, else ``default``, else None.

        A declared name that is not an IANA zone is a problem.
        """
        name = declared or default
        if not name:
            return None
        zone = zone_named(name)
        if zone is None:
            self.problem(place, f"unknown time zone {name!r} (expected an IANA name)")
        return zone

    def time(self, text: str, place: str, zone: ZoneInfo | None) -> datetime | None:
        """An ISO 8601 time in UTC; one without offset is read in ``zone``."""
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            self.problem(place, f"not an ISO 8601 time: {text!r}")
            return None
        if value.tzinfo is None:
            if zone is None:
                self.problem(place, "a time without UTC offset, and no time zone to read it in")
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
            if session.id in self.programme.sessions:
                self.problem(place, f"duplicate session id {session.id!r}")
            elif session.end <= session.start:
                self.problem(place, "the session must end after it starts")
            else:
                self.programme.sessions[session.id] = session
        self._done += 1
        if self._progress is not None:
            self._progress(self._done, self._total)

    def finish(self, place: str, *, slug: str, name: str, zone: ZoneInfo | None,
               first: date | None = None, last: date | None = None, venue: str = "",
               city: str = "", url: str = "") -> Programme:
        """The programme with its event, or ImportProblems listing every problem met.

        The event runs from ``first`` to ``last`` (the dates the file declares), widened to the
        local dates of all sessions; without a zone it is shown in UTC.
        """
        timezone = zone.key if zone is not None else "UTC"
        local = ZoneInfo(timezone)
        dates = [s.start.astimezone(local).date() for s in self.programme.sessions.values()]
        dates += [day for day in (first, last) if day is not None]
        if not name:
            self.problem(place, "the file names no event (no title)")
        if not dates and not self.problems:
            self.problem(place, "no sessions and no dates: cannot tell when the event is")
        days = (max(dates) - min(dates)).days + 1 if dates else 1
        if days > MAX_DAYS:
            self.problem(place, f"the programme spans {days} days; at most {MAX_DAYS} are allowed")
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
