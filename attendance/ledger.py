"""The check-in ledger: arrivals at the venue, entries at session doors, online presence.

Every verdict is decided when the scan is applied, in log order, so two kiosks
that scan one badge at once both learn which of them was first, and a kiosk
that replays its offline queue gets the verdicts the ledger gives now. A
kiosk's scan time while offline (``offline_at``) is kept beside the time the
log accepted it, for reports; the order is the log's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rencontre.attendance.registrations import ATTENDANCE_TOPICS, CheckIn, Registration
from rencontre.engine.fields import Id, Int
from rencontre.engine.messages import N_, STAFF, Actor, Command, Decision, Event, Refusal, Role
from rencontre.engine.registry import applies, command, publishes
from rencontre.schedule.lookup import session_of
from rencontre.schedule.model import RoomKind, Status

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

SCANNERS = STAFF | {Role.KIOSK}
RECENT = 20
OFFLINE_AT = Int(min=0, max=2**40, optional=True)


def _by_badge(state: EventState, badge: str) -> Registration:
    registration_id = state.attendance.by_badge.get(badge)
    if registration_id is None:
        raise Refusal("checkin.unknown-badge", N_("Badge {badge} is not registered."),
                      badge=badge)
    return state.attendance.registrations[registration_id]


def _by_id(state: EventState, registration_id: str) -> Registration:
    registration = state.attendance.registrations.get(registration_id)
    if registration is None:
        raise Refusal("attendance.unknown", N_("No such registration."))
    return registration


def _device(cmd: Command) -> str:
    actor: Actor = cmd.actor  # type: ignore[assignment]
    return actor.name or actor.id


def _check_in(state: EventState, registration: Registration, cmd: Command) -> Decision:
    first = state.attendance.checkins.get(registration.id)
    if first is not None:
        return Decision([], {"verdict": "already", "registration": registration.to_json(),
                             "first": first.to_json()})
    checkin = {"registration": registration.id, "at": cmd.at, "device": _device(cmd),
               "offline_at": cmd.data.get("offline_at")}
    return Decision([Event("checkin.recorded", checkin)],
                    {"verdict": "checked-in", "registration": registration.to_json(),
                     "first": None})


@command("checkin.scan", roles=SCANNERS, fields={"badge": Id(), "offline_at": OFFLINE_AT})
def scan(state: EventState, cmd: Command) -> Decision:
    """Check in the person whose badge was scanned (or typed) at a kiosk."""
    return _check_in(state, _by_badge(state, cmd.data["badge"]), cmd)


@command("checkin.manual", roles=SCANNERS, fields={"registration": Id(),
                                                   "offline_at": OFFLINE_AT})
def manual(state: EventState, cmd: Command) -> Decision:
    """Check in a person found by name."""
    return _check_in(state, _by_id(state, cmd.data["registration"]), cmd)


@command("checkin.undo", roles=STAFF, fields={"registration": Id()})
def undo(state: EventState, cmd: Command) -> Decision:
    """Take back a mistaken check-in."""
    registration = _by_id(state, cmd.data["registration"])
    if registration.id not in state.attendance.checkins:
        return Decision([], {"registration": registration.id})
    return Decision([Event("checkin.undone", {"registration": registration.id})],
                    {"registration": registration.id})


@command("entry.scan", roles=SCANNERS, fields={"badge": Id(), "session": Id(),
                                               "offline_at": OFFLINE_AT})
def entry(state: EventState, cmd: Command) -> Decision:
    """Let a person into a session's room, within its capacity; checks them in if needed."""
    session = session_of(state, cmd)
    registration = _by_badge(state, cmd.data["badge"])
    if session.status in (Status.CANCELLED, Status.ENDED):
        raise Refusal("entry.session-over", N_("This session is over: nobody enters now."))
    inside = state.attendance.entries.get(session.id, {})
    capacity = _capacity(state, session.room)
    result = {"registration": registration.to_json(), "capacity": capacity}
    if registration.id in inside:
        return Decision([], {**result, "verdict": "already", "count": len(inside)})
    if capacity is not None and len(inside) >= capacity:
        raise Refusal("entry.full", N_("The room is full ({capacity} people)."),
                      capacity=capacity)
    events = _check_in(state, registration, cmd).events
    events.append(Event("entry.recorded", {
        "session": session.id, "registration": registration.id, "at": cmd.at,
        "device": _device(cmd), "offline_at": cmd.data.get("offline_at")}))
    return Decision(events, {**result, "verdict": "entered", "count": len(inside) + 1})


def _capacity(state: EventState, room_id: str) -> int | None:
    room = state.programme.rooms.get(room_id)
    if room is None or room.kind is RoomKind.ONLINE:
        return None
    return room.capacity


@command("presence.online", roles=frozenset({Role.ATTENDEE}), fields={"session": Id()})
def online(state: EventState, cmd: Command) -> Decision:
    """Record that I follow a session online; once per attendee and session."""
    session = session_of(state, cmd).id
    actor: Actor = cmd.actor  # type: ignore[assignment]
    if actor.id in state.attendance.online.get(session, {}):
        return Decision([], {"session": session})
    return Decision([Event("presence.recorded", {"session": session, "principal": actor.id,
                                                 "at": cmd.at})], {"session": session})


# -- applying and publishing -------------------------------------------------------------------

@applies("checkin.recorded")
def _recorded(state: EventState, event: Event) -> None:
    data = event.data
    attendance = state.attendance
    attendance.checkins[data["registration"]] = CheckIn(data["at"], data["device"],
                                                        data["offline_at"])
    attendance.recent.append(data["registration"])
    del attendance.recent[:-RECENT]


@publishes("checkin.recorded")
def _publish_recorded(state: EventState, event: Event) -> list[tuple[str, dict]]:
    registration = state.attendance.registrations[event.data["registration"]]
    payload = {**event.data, "registration": registration.to_json(),
               "counts": state.attendance.counts()}
    return [(topic, payload) for topic in ATTENDANCE_TOPICS]


@applies("checkin.undone")
def _undone(state: EventState, event: Event) -> None:
    attendance = state.attendance
    del attendance.checkins[event.data["registration"]]
    attendance.recent = [r for r in attendance.recent if r != event.data["registration"]]


@publishes("checkin.undone")
def _publish_undone(state: EventState, event: Event) -> list[tuple[str, dict]]:
    registration = state.attendance.registrations[event.data["registration"]]
    payload = {"registration": registration.to_json(), "counts": state.attendance.counts()}
    return [(topic, payload) for topic in ATTENDANCE_TOPICS]


@applies("entry.recorded")
def _entered(state: EventState, event: Event) -> None:
    data = event.data
    state.attendance.entries.setdefault(data["session"], {})[data["registration"]] = CheckIn(
        data["at"], data["device"], data["offline_at"])


@publishes("entry.recorded")
def _publish_entered(state: EventState, event: Event) -> list[tuple[str, dict]]:
    data = event.data
    session = state.programme.sessions[data["session"]]
    payload = {**data, "registration": state.attendance.registrations[
        data["registration"]].to_json(), "count": len(state.attendance.entries[session.id]),
        "capacity": _capacity(state, session.room)}
    return [("role:kiosk", payload), (f"staff:{session.id}", payload)]


@applies("presence.recorded")
def _present(state: EventState, event: Event) -> None:
    state.attendance.online.setdefault(event.data["session"], {})[
        event.data["principal"]] = event.data["at"]


# -- reading -----------------------------------------------------------------------------------

def summary(state: EventState) -> dict[str, Any]:
    """What kiosks and staff get on hello: the counts and the latest check-ins."""
    attendance = state.attendance
    recent = [{"registration": attendance.registrations[r].to_json(),
               **attendance.checkins[r].to_json()} for r in reversed(attendance.recent)]
    entries = {session: len(people) for session, people in attendance.entries.items()}
    return {**attendance.counts(), "recent": recent, "entries": entries}
