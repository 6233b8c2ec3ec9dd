"""The programme of one event, as plain data.

Times are aware datetimes in UTC; the event's IANA time zone says how to show
them. Texts that organisers translate (names, titles, abstracts) are dicts from
language code to text. ``to_json``/``from_json`` give the form used in the log
and in Rencontre's own JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rencontre.streams.model import FLOOR, InvalidStream, Stream, Watch, effective, hosts

Localized = dict[str, str]
LANGUAGES = ("fr", "es", "en")


class Status(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    DELAYED = "delayed"
    CANCELLED = "cancelled"
    ENDED = "ended"


class RoomKind(StrEnum):
    PHYSICAL = "physical"
    ONLINE = "online"
    HYBRID = "hybrid"


class InvalidProgramme(ValueError):
    """A programme that cannot be read; ``place`` says where (``sessions[3].start``)."""

    def __init__(self, place: str, problem: str) -> None:
        super().__init__(f"{place}: {problem}")
        self.place = place
        self.problem = problem


def parse_time(value: Any, place: str) -> datetime:
    """Read an ISO 8601 time with an offset and return it in UTC."""
    if not isinstance(value, str):
        raise InvalidProgramme(place, "expected an ISO 8601 time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidProgramme(place, f"not an ISO 8601 time: {value!r}") from None
    if moment.tzinfo is None:
        raise InvalidProgramme(place, "time has no UTC offset")
    return moment.astimezone(UTC)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def pick(texts: Localized, lang: str) -> str:
    """The text in ``lang``, else in English, else in any language."""
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")


def _localized(value: Any, place: str, *, required: bool = True) -> Localized:
    if isinstance(value, str):
        value = {"en": value}
    if value is None:
        value = {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InvalidProgramme(place, "expected texts per language")
    value = {k: v for k, v in value.items() if v}
    if required and not value:
        raise InvalidProgramme(place, "must not be empty")
    return value


def _str(data: dict[str, Any], key: str, place: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or (default is None and not value):
        raise InvalidProgramme(f"{place}.{key}", "expected a non-empty string")
    return value


def _int(data: dict[str, Any], key: str, place: str, default: int = 0) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidProgramme(f"{place}.{key}", "expected a whole number")
    return value


def _languages(data: dict[str, Any], place: str) -> tuple[str, ...]:
    value = data.get("languages") or LANGUAGES
    if not isinstance(value, list | tuple) or not all(
            isinstance(lang, str) and 0 < len(lang) <= 16 for lang in value):
        raise InvalidProgramme(f"{place}.languages", "expected a list of language codes")
    return tuple(value)


@dataclass(slots=True)
class EventInfo:
    slug: str
    name: Localized
    timezone: str
    start_date: date
    days: int
    venue: str = ""
    city: str = ""
    languages: tuple[str, ...] = LANGUAGES
    url: str = ""
    guests_allowed: bool = True
    anonymous_questions: bool = True

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def end_date(self) -> date:
        return self.start_date + timedelta(days=self.days - 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug, "name": self.name, "timezone": self.timezone,
            "start_date": self.start_date.isoformat(), "days": self.days, "venue": self.venue,
            "city": self.city, "languages": list(self.languages), "url": self.url,
            "guests_allowed": self.guests_allowed,
            "anonymous_questions": self.anonymous_questions,
        }

    @classmethod
    def from_json(cls, data: Any, place: str = "event") -> EventInfo:
        if not isinstance(data, dict):
            raise InvalidProgramme(place, "expected an object")
        timezone = _str(data, "timezone", place)
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidProgramme(f"{place}.timezone", f"unknown time zone {timezone!r}") from None
        try:
            start = date.fromisoformat(_str(data, "start_date", place))
        except ValueError:
            raise InvalidProgramme(f"{place}.start_date", "expected YYYY-MM-DD") from None
        days = data.get("days", 1)
        if not isinstance(days, int) or not 1 <= days <= 31:
            raise InvalidProgramme(f"{place}.days", "expected 1 to 31")
        return cls(
            slug=_str(data, "slug", place),
            name=_localized(data.get("name"), f"{place}.name"),
            timezone=timezone, start_date=start, days=days,
            venue=_str(data, "venue", place, ""), city=_str(data, "city", place, ""),
            languages=_languages(data, place),
            url=_str(data, "url", place, ""),
            guests_allowed=bool(data.get("guests_allowed", True)),
            anonymous_questions=bool(data.get("anonymous_questions", True)),
        )


@dataclass(slots=True)
class Room:
    id: str
    name: Localized
    kind: RoomKind = RoomKind.PHYSICAL
    capacity: int | None = None
    stream: Stream = field(default_factory=Stream)
    position: int = 0

    def to_json(self) -> dict[str, Any]:
        data = {"id": self.id, "name": self.name, "kind": self.kind.value,
                "capacity": self.capacity, "position": self.position}
        if self.stream:
            data["stream"] = self.stream.to_json()
        return data

    @classmethod
    def from_json(cls, data: Any, place: str) -> Room:
        if not isinstance(data, dict):
            raise InvalidProgramme(place, "expected an object")
        try:
            kind = RoomKind(data.get("kind", "physical"))
        except ValueError:
            raise InvalidProgramme(f"{place}.kind", "expected physical, online or hybrid") from None
        capacity = data.get("capacity")
        if capacity is not None and (not isinstance(capacity, int) or capacity < 0):
            raise InvalidProgramme(f"{place}.capacity", "expected a positive integer")
        return cls(_str(data, "id", place), _localized(data.get("name"), f"{place}.name"), kind,
                   capacity, _room_stream(data, place), _int(data, "position", place))


def _stream(value: Any, place: str) -> Stream:
    try:
        return Stream.from_json(value, place)
    except InvalidStream as problem:
        raise InvalidProgramme(problem.place, problem.message.format(**problem.params)) from None


def _room_stream(data: dict[str, Any], place: str) -> Stream:
    """The room's stream; a ``stream_url`` (before channels existed) is its floor channel,
    opened in a new tab unless it is a playlist or a known video host."""
    if "stream" in data or not data.get("stream_url"):
        return _stream(data.get("stream"), f"{place}.stream")
    legacy = {"channels": [{"language": FLOOR, "url": data["stream_url"]}]}
    try:
        return Stream.from_json(legacy, place)
    except InvalidStream:
        legacy["channels"][0]["kind"] = "meeting"
        return _stream(legacy, f"{place}.stream_url")


@dataclass(slots=True)
class Track:
    id: str
    name: Localized
    color: str = "#555555"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "color": self.color}

    @classmethod
    def from_json(cls, data: Any, place: str) -> Track:
        if not isinstance(data, dict):
            raise InvalidProgramme(place, "expected an object")
        return cls(_str(data, "id", place), _localized(data.get("name"), f"{place}.name"),
                   _str(data, "color", place, "#555555"))


@dataclass(slots=True)
class Speaker:
    id: str
    name: str
    organisation: str = ""
    bio: Localized = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "organisation": self.organisation,
                "bio": self.bio}

    @classmethod
    def from_json(cls, data: Any, place: str) -> Speaker:
        if not isinstance(data, dict):
            raise InvalidProgramme(place, "expected an object")
        return cls(_str(data, "id", place), _str(data, "name", place),
                   _str(data, "organisation", place, ""),
                   _localized(data.get("bio"), f"{place}.bio", required=False))


@dataclass(slots=True)
class Session:
    id: str
    guid: str
    title: Localized
    room: str
    start: datetime
    end: datetime
    abstract: Localized = field(default_factory=dict)
    speakers: list[str] = field(default_factory=list)
    language: str = "en"
    track: str | None = None
    status: Status = Status.SCHEDULED
    sequence: int = 0
    updated: datetime | None = None
    delay: int = 0  # minutes, as announced with the last delay
    stream: Stream = field(default_factory=Stream)  # empty: the room's

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def to_json(self) -> dict[str, Any]:
        data = {
            "id": self.id, "guid": self.guid, "title": self.title, "abstract": self.abstract,
            "speakers": list(self.speakers), "language": self.language, "room": self.room,
            "track": self.track, "start": format_time(self.start), "end": format_time(self.end),
            "status": self.status.value, "sequence": self.sequence, "delay": self.delay,
            "updated": format_time(self.updated) if self.updated else None,
        }
        if self.stream:
            data["stream"] = self.stream.to_json()
        return data

    @classmethod
    def from_json(cls, data: Any, place: str) -> Session:
        if not isinstance(data, dict):
            raise InvalidProgramme(place, "expected an object")
        start = parse_time(data.get("start"), f"{place}.start")
        end = parse_time(data.get("end"), f"{place}.end")
        if end <= start:
            raise InvalidProgramme(f"{place}.end", "must be after the start")
        try:
            status = Status(data.get("status", "scheduled"))
        except ValueError:
            raise InvalidProgramme(f"{place}.status", "unknown status") from None
        speakers = data.get("speakers", [])
        if not isinstance(speakers, list) or not all(isinstance(s, str) for s in speakers):
            raise InvalidProgramme(f"{place}.speakers", "expected a list of speaker ids")
        session_id = _str(data, "id", place)
        updated = data.get("updated")
        return cls(
            id=session_id, guid=_str(data, "guid", place, session_id),
            title=_localized(data.get("title"), f"{place}.title"),
            room=_str(data, "room", place), start=start, end=end,
            abstract=_localized(data.get("abstract"), f"{place}.abstract", required=False),
            speakers=speakers, language=_str(data, "language", place, "en"),
            track=data.get("track") or None, status=status,
            sequence=_int(data, "sequence", place),
            updated=parse_time(updated, f"{place}.updated") if updated else None,
            delay=_int(data, "delay", place),
            stream=_stream(data.get("stream"), f"{place}.stream"),
        )


def _in_order(session: Session) -> tuple[datetime, str, str]:
    return (session.start, session.room, session.id)


@dataclass(slots=True)
class Programme:
    """Everything on the agenda of one event."""

    event: EventInfo | None = None
    rooms: dict[str, Room] = field(default_factory=dict)
    tracks: dict[str, Track] = field(default_factory=dict)
    speakers: dict[str, Speaker] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)

    def ordered_rooms(self) -> list[Room]:
        return sorted(self.rooms.values(), key=lambda r: (r.position, r.id))

    def ordered_sessions(self) -> list[Session]:
        return sorted(self.sessions.values(), key=_in_order)

    def to_json(self, only: Iterable[str] | None = None) -> dict[str, Any]:
        """The programme as JSON; with ``only`` (session ids), just those of its sessions and
        their speakers: what a page about those sessions needs (the whole of a large event
        is megabytes)."""
        if only is None:
            sessions, speakers = self.ordered_sessions(), list(self.speakers.values())
        else:
            chosen = [self.sessions[i] for i in dict.fromkeys(only) if i in self.sessions]
            sessions = sorted(chosen, key=_in_order)
            named = dict.fromkeys(speaker for s in sessions for speaker in s.speakers)
            speakers = [self.speakers[i] for i in named if i in self.speakers]
        return {
            "event": self.event.to_json() if self.event else None,
            "rooms": [r.to_json() for r in self.ordered_rooms()],
            "tracks": [t.to_json() for t in self.tracks.values()],
            "speakers": [s.to_json() for s in speakers],
            "sessions": [s.to_json() for s in sessions],
        }

    @classmethod
    def from_json(cls, data: Any) -> Programme:
        """Read a whole programme and check that its references hold."""
        if not isinstance(data, dict):
            raise InvalidProgramme("programme", "expected an object")
        programme = cls(event=EventInfo.from_json(data.get("event")))
        for name, kind in (("rooms", Room), ("tracks", Track), ("speakers", Speaker),
                           ("sessions", Session)):
            items = data.get(name, [])
            if not isinstance(items, list):
                raise InvalidProgramme(name, "expected a list")
            target = getattr(programme, name)
            for index, item in enumerate(items):
                value = kind.from_json(item, f"{name}[{index}]")
                if value.id in target:
                    raise InvalidProgramme(f"{name}[{index}].id", f"duplicate id {value.id!r}")
                target[value.id] = value
        for index, session in enumerate(programme.sessions.values()):
            place = f"sessions[{index}]"
            if session.room not in programme.rooms:
                raise InvalidProgramme(f"{place}.room", f"unknown room {session.room!r}")
            if session.track is not None and session.track not in programme.tracks:
                raise InvalidProgramme(f"{place}.track", f"unknown track {session.track!r}")
            for speaker in session.speakers:
                if speaker not in programme.speakers:
                    raise InvalidProgramme(f"{place}.speakers", f"unknown speaker {speaker!r}")
        return programme

    def watch(self, session: Session) -> Watch:
        """What the session's attendees follow: its channels, else its room's."""
        room = self.rooms.get(session.room)
        return effective(session.stream, room.stream if room else Stream())

    def stream_hosts(self) -> tuple[set[str], set[str]]:
        """Every configured (HLS origin, embed origin), for the pages' CSP."""
        return hosts([r.stream for r in self.rooms.values()]
                     + [s.stream for s in self.sessions.values()])

    def now_and_next(self, now: datetime) -> dict[str, tuple[Session | None, Session | None]]:
        """Per room, the session running at ``now`` and the one after it."""
        result: dict[str, tuple[Session | None, Session | None]] = {}
        for room in self.ordered_rooms():
            current = upcoming = None
            for session in self.ordered_sessions():
                if session.room != room.id or session.status is Status.CANCELLED:
                    continue
                if session.status is Status.LIVE or (
                    session.start <= now < session.end and session.status is not Status.ENDED
                ):
                    current = current or session
                elif session.start >= now and upcoming is None and session is not current:
                    upcoming = session
            result[room.id] = (current, upcoming)
        return result
