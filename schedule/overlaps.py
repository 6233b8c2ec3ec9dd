"""Sessions that take one room at the same time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rencontre.schedule.model import Session, Status


def room_overlaps(sessions: Iterable[Session]) -> list[tuple[Session, Session]]:
    """Each pair of sessions (earlier, later) that overlap in one room, cancelled ones aside.

    A sweep per room in start order, so that a 1,000-session import costs n log n, not n².
    """
    by_room: dict[str, list[Session]] = defaultdict(list)
    for session in sessions:
        if session.status is not Status.CANCELLED:
            by_room[session.room].append(session)
    pairs = []
    for room_sessions in by_room.values():
        room_sessions.sort(key=lambda s: (s.start, s.end, s.id))
        running: list[Session] = []
        for session in room_sessions:
            running = [other for other in running if other.end > session.start]
            pairs.extend((other, session) for other in running)
            running.append(session)
    return pairs
