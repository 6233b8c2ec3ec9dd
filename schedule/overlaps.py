"""Sessions that take one room, or one speaker, at the same time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rencontre.schedule.model import Session, Status


def room_overlaps(sessions: Iterable[Session]) -> list[tuple[Session, Session]]:
    """Each pair of sessions (earlier, later) that overlap in one room, cancelled ones aside."""
    by_room: dict[str, list[Session]] = defaultdict(list)
    for session in sessions:
        if session.status is not Status.CANCELLED:
            by_room[session.room].append(session)
    return [pair for room_sessions in by_room.values() for pair in _sweep(room_sessions)]


def speaker_overlaps(sessions: Iterable[Session]) -> list[tuple[Session, Session, str]]:
    """Each pair of sessions (earlier, later) that overlap and share a speaker, with that
    speaker's id (a pair sharing two speakers comes once for each), cancelled ones aside;
    in the order of the later session's start."""
    by_speaker: dict[str, list[Session]] = defaultdict(list)
    for session in sessions:
        if session.status is not Status.CANCELLED:
            for speaker in dict.fromkeys(session.speakers):
                by_speaker[speaker].append(session)
    found = [(earlier, later, speaker) for speaker, its in by_speaker.items()
             for earlier, later in _sweep(its)]
    found.sort(key=lambda t: (t[1].start, t[1].id, t[0].start, t[0].id, t[2]))
    return found


def _sweep(sessions: list[Session]) -> list[tuple[Session, Session]]:
    """The overlapping pairs among ``sessions``, by a sweep in start order: a 1,000-session
    import costs n log n, not n²."""
    sessions.sort(key=lambda s: (s.start, s.end, s.id))
    pairs = []
    running: list[Session] = []
    for session in sessions:
        running = [other for other in running if other.end > session.start]
        pairs.extend((other, session) for other in running)
        running.append(session)
    return pairs
