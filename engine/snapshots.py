"""What a client receives when it signs in or joins a room: the state as of one seq."""

from __future__ import annotations

from typing import Any

from rencontre.attendance.ledger import summary as attendance_summary
from rencontre.cities.declaration import declaration_snapshot
from rencontre.cities.delegations import delegations_snapshot, my_delegation
from rencontre.engine.messages import N_, Actor, Refusal, Role
from rencontre.engine.state import EventState
from rencontre.rooms.announcements import visible
from rencontre.rooms.polls import polls_snapshot
from rencontre.rooms.qa import qa_snapshot
from rencontre.rooms.reactions import reactions_snapshot

RECENT_CHANGES = 100


def event_snapshot(state: EventState, actor: Actor | None, now: float,
                   programme: Any = None) -> dict[str, Any]:
    """The event, its programme and the event-wide announcements.

    ``programme`` stands for ``state.programme.to_json()`` when the caller keeps
    it ready (the gateway keeps it encoded, once per programme change).
    """
    snapshot = {
        "seq": state.seq,
        "time": now,
        "me": actor.to_json() if actor else None,
        "programme": state.programme.to_json() if programme is None else programme,
        "announcements": visible(state, None, now),
        "changes": [change.to_json() for change in state.changes[-RECENT_CHANGES:]],
        "starred": state.agendas.of(actor.id) if actor else [],
        "delegations": delegations_snapshot(state, staff=is_staff(actor)),
        "my_delegation": my_delegation(state, actor.id) if actor else None,
        "declaration": declaration_snapshot(state),
    }
    if is_staff(actor):
        snapshot["all_announcements"] = visible(state, None, now, every_room=True)
    if is_staff(actor) or (actor is not None and actor.role is Role.KIOSK):
        snapshot["attendance"] = attendance_summary(state, staff=is_staff(actor))
    return snapshot


def room_snapshot(state: EventState, room: str, actor: Actor | None, now: float) -> dict[str, Any]:
    """One session's room: the session and its announcements."""
    session = state.programme.sessions.get(room)
    if session is None:
        raise Refusal("room.unknown", N_("No session “{room}”."), room=room)
    return {
        "seq": state.seq,
        "time": now,
        "room": room,
        "session": session.to_json(),
        "announcements": visible(state, room, now),
        "qa": qa_snapshot(state, room, actor),
        "polls": polls_snapshot(state, room, actor, is_staff(actor)),
        "reactions": reactions_snapshot(state, room),
    }


def may_view(state: EventState, actor: Actor | None) -> bool:
    """Signed-in principals see the event; anyone does when it takes guests."""
    event = state.programme.event
    return actor is not None or (event is not None and event.guests_allowed)


def is_staff(actor: Actor | None) -> bool:
    return actor is not None and actor.role in (Role.MODERATOR, Role.ORGANISER)
