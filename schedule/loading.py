"""What loading a programme file does to the event's programme.

Pure functions used by ``schedule.load`` twice, identically: by the handler (to check the
result and say which sessions change) and by the applier (to apply it). A merge matches the
file's rooms and tracks to the event's by id, then by any language's name, so that a CSV
naming "Plénière" where the event has ``plenaria`` (fr "Plénière", es "Plenaria") does not
create a second room; and it matches sessions by id, then guid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rencontre.engine.text import fold
from rencontre.schedule.model import Programme, Room, Session, Status, Track
from rencontre.schedule.overlaps import room_overlaps, speaker_overlaps

# What a session may change by, in the order a change is named after.
_TEXTS = ("title", "abstract", "speakers", "track", "language")


@dataclass(slots=True)
class Change:
    """A session the load changes: its kind for the change log (as live changes name them),
    the session as it will be, and the details the change log shows."""

    kind: str
    session: Session
    details: dict[str, Any] = field(default_factory=dict)


def settle(current: Programme, incoming: Programme, mode: str, at: datetime) -> list[Change]:
    """Make ``incoming`` (a fresh copy, changed in place) refer to what ``current`` has:
    rooms and tracks (merge only), session ids, sequences and update times, and the streams
    of the rooms and sessions it names without one. Returns the
    changes to sessions the event already had, in programme order.
    """
    if mode == "merge":
        _remap(incoming, "rooms", _match(current.rooms, incoming.rooms))
        _remap(incoming, "tracks", _match(current.tracks, incoming.tracks))
    for room in incoming.rooms.values():
        if room.id in current.rooms and not room.stream:
            room.stream = current.rooms[room.id].stream
    by_guid = {session.guid: session for session in current.sessions.values()}
    changes = []
    sessions: dict[str, Session] = {}
    for session in incoming.ordered_sessions():
        # A re-imported session keeps its id and counts as a change of the one it updates.
        known = current.sessions.get(session.id) or by_guid.get(session.guid)
        if known is None:
            session.updated = session.updated or at
        else:
            session.id = known.id
            # Files rarely say how a session streams: what organisers set stays.
            if not session.stream:
                session.stream = known.stream
            moved = (known.start, known.end, known.status, known.room) != (
                session.start, session.end, session.status, session.room)
            session.sequence = known.sequence + 1 if moved else known.sequence
            change = _change(known, session)
            session.updated = at if change is not None else known.updated
            if change is not None:
                changes.append(change)
        sessions[session.id] = session
    incoming.sessions = sessions
    return changes


def dropped(current: Programme, incoming: Programme, mode: str) -> list[Session]:
    """The sessions a replacing load (``incoming`` settled) leaves out, in programme order."""
    if mode != "replace":
        return []
    return [s for s in current.ordered_sessions() if s.id not in incoming.sessions]


def result(current: Programme, incoming: Programme, mode: str) -> dict[str, Session]:
    """The sessions the event will have once ``incoming`` (settled) is loaded."""
    return dict(incoming.sessions) if mode == "replace" else {**current.sessions,
                                                               **incoming.sessions}


def new_overlaps(sessions: dict[str, Session], incoming: Programme
                 ) -> list[tuple[Session, Session]]:
    """Pairs of sessions sharing a room at once, at least one of them from the file."""
    return [(a, b) for a, b in room_overlaps(sessions.values())
            if a.id in incoming.sessions or b.id in incoming.sessions]


def new_speaker_overlaps(sessions: dict[str, Session], incoming: Programme
                         ) -> list[tuple[Session, Session, str]]:
    """Pairs of sessions sharing a speaker at once (with the speaker), at least one of them
    from the file."""
    return [(a, b, speaker) for a, b, speaker in speaker_overlaps(sessions.values())
            if a.id in incoming.sessions or b.id in incoming.sessions]


def _change(known: Session, session: Session) -> Change | None:
    cancelled = Status.CANCELLED
    if session.status is cancelled and known.status is not cancelled:
        return Change("cancelled", session)
    if known.status is cancelled and session.status is not cancelled:
        return Change("restored", session)
    if known.room != session.room:
        return Change("moved", session, {"from_room": known.room, "to_room": session.room})
    if (known.start, known.end) != (session.start, session.end):
        shift = session.start - known.start
        if session.end - known.end == shift and shift.total_seconds() % 60 == 0:
            return Change("delayed", session, {"minutes": int(shift.total_seconds() // 60)})
        fields = [name for name in ("end", "start")
                  if getattr(known, name) != getattr(session, name)]
        return Change("edited", session, {"fields": fields})
    fields = [name for name in _TEXTS if getattr(known, name) != getattr(session, name)]
    return Change("edited", session, {"fields": sorted(fields)}) if fields else None


def _match(current: dict[str, Room] | dict[str, Track],
           incoming: dict[str, Room] | dict[str, Track]) -> dict[str, str]:
    """The event's id for each of the file's rooms (or tracks) that it already has."""
    names = {fold(name): item.id for item in current.values() for name in item.name.values()}
    found = {}
    for item in incoming.values():
        if item.id in current:
            found[item.id] = item.id
        else:
            match = next((names[fold(name)] for name in item.name.values()
                          if fold(name) in names), None)
            if match is not None:
                found[item.id] = match
    return found


def _remap(incoming: Programme, kind: str, known: dict[str, str]) -> None:
    """Point the file's sessions at the event's rooms (or tracks) and drop the file's copies,
    so that the merge keeps the event's names in every language."""
    items = getattr(incoming, kind)
    for item_id in known:
        del items[item_id]
    attribute = "room" if kind == "rooms" else "track"
    for session in incoming.sessions.values():
        value = getattr(session, attribute)
        if value in known:
            setattr(session, attribute, known[value])
