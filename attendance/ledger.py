"""The attendance ledger: arrivals at the venue, session doors in and out, online presence.

Every verdict is decided when the scan is applied, in log order, so two kiosks
that scan one badge at once both learn which of them was first. Scans made
offline carry their scan time (``offline_at``), and that time decides: when two
kiosks scanned one badge offline, the earlier scan wins whichever synced first,
and the other is listed as a conflict for staff.

On site, a person's door scans (``moves``) are kept in scan order and read as
intervals: an entry opens one, an exit, an entry elsewhere or a check-out at the
venue closes it, and the session's end closes what is still open. Online, a
principal's presence is opened and closed by the servers that see one of their
pages open and visible in the session's room (``presence.start``/``presence.stop``,
logged on changes only, never per heartbeat). Minutes come from
:mod:`rencontre.attendance.minutes`, clipped to when the session was actually held.
"""

from __future__ import annotations

import bisect
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rencontre.attendance.registrations import (
    ATTENDANCE_TOPICS,
    CheckIn,
    Held,
    Move,
    Presence,
    Registration,
)
from rencontre.engine.fields import Bool, Id, Int, Text
from rencontre.engine.messages import N_, STAFF, Actor, Command, Decision, Event, Refusal, Role
from rencontre.engine.registry import applies, command, publishes
from rencontre.schedule.lookup import session_of
from rencontre.schedule.model import RoomKind, Session, Status

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

SCANNERS = STAFF | {Role.KIOSK}
ORGANISER = frozenset({Role.ORGANISER})
ATTENDEES = frozenset({Role.ATTENDEE})
RECENT = 20
CONFLICTS = 10_000  # the newest kept, for staff; older ones are in the log
NEAR_CAPACITY = 0.9  # share of the room's capacity at which doors are warned
OFFLINE_AT = Int(min=0, max=2**40, optional=True)
DOOR = {"badge": Id(), "session": Id(), "offline_at": OFFLINE_AT, "force": Bool(optional=True)}


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


def scanned_at(cmd: Command) -> float:
    """When the badge was scanned: offline, the kiosk's time, never later than the log's."""
    offline_at = cmd.data.get("offline_at")
    return cmd.at if offline_at is None else min(float(offline_at), cmd.at)


def _door_time(state: EventState, registration: Registration, cmd: Command) -> float:
    """When a door scan happened. Scans made online are in log order (two processes' clocks
    may differ by a little), so never before the person's latest scan."""
    at = scanned_at(cmd)
    moves = state.attendance.moves.get(registration.id)
    if cmd.data.get("offline_at") is None and moves:
        at = max(at, moves[-1].at)
    return at


def _when(checkin: CheckIn) -> float:
    return checkin.at if checkin.offline_at is None else min(checkin.offline_at, checkin.at)


def _conflict(kind: str, registration: Registration, cmd: Command, winner: CheckIn,
              loser: CheckIn, session: str | None = None) -> Event:
    return Event("checkin.conflict", {
        "kind": kind, "registration": registration.id, "session": session, "at": cmd.at,
        "winner": winner.to_json(), "loser": loser.to_json()})


# -- the venue -----------------------------------------------------------------------------------

def _check_in(state: EventState, registration: Registration, cmd: Command) -> Decision:
    """Check in, or say who was first; of two offline scans, the earlier one wins."""
    first = state.attendance.checkins.get(registration.id)
    this = CheckIn(cmd.at, _device(cmd), cmd.data.get("offline_at"))
    result = {"registration": registration.to_json()}
    # Log order decides, except for a scan made offline before the check-in it syncs after.
    if first is not None and (this.offline_at is None or _when(first) <= _when(this)):
        return Decision([_conflict("duplicate", registration, cmd, first, this)],
                        {**result, "verdict": "already", "first": first.to_json()})
    events = [Event("checkin.recorded", {"registration": registration.id, **this.to_json()})]
    if first is not None:
        # Synced later but scanned earlier: this scan is the check-in, the other a duplicate.
        events.append(_conflict("earlier", registration, cmd, this, first))
        return Decision(events, {**result, "verdict": "checked-in", "replaced": first.to_json(),
                                 "first": None})
    return Decision(events, {**result, "verdict": "checked-in", "first": None})


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


@command("checkout.scan", roles=SCANNERS, fields={"badge": Id(), "offline_at": OFFLINE_AT})
def checkout(state: EventState, cmd: Command) -> Decision:
    """Check a person out of the venue: whatever session they are in, they have left it."""
    registration = _by_badge(state, cmd.data["badge"])
    where = location(state, registration.id)
    move = _move(state, registration, cmd, "out", None)
    result = {"registration": registration.to_json(), "left": where}
    return Decision([move, *_occupancy([where] if where else [])],
                    {**result, "verdict": "checked-out"})


# -- session doors -------------------------------------------------------------------------------

def window(state: EventState, session: Session) -> tuple[float, float] | None:
    """When ``session`` was (or is to be) held: its live start and end where staff marked
    them, else its scheduled times (delays included); ``None`` once cancelled."""
    if session.status is Status.CANCELLED:
        return None
    held = state.attendance.held.get(session.id, Held())
    start, end = session.start.timestamp(), session.end.timestamp()
    if held.started is not None:
        # Started late (or early) by staff: it runs its whole length unless ended sooner.
        end = max(end, held.started + (end - start))
        start = held.started
    if held.ended is not None:
        end = held.ended
    return start, max(start, end)


def _door_open(state: EventState, session: Session, cmd: Command, at: float) -> None:
    """Refuse a door scan that cannot be right, unless staff force it."""
    if session.status in (Status.CANCELLED, Status.ENDED):
        raise Refusal("entry.session-over", N_("This session is over: nobody enters now."))
    room = state.programme.rooms.get(session.room)
    if cmd.data.get("force"):
        return
    if room is not None and room.kind is RoomKind.ONLINE:
        raise Refusal("entry.online-room",
                      N_("This session is online only: it has no door to enter."))
    start, end = window(state, session)  # type: ignore[misc]
    opens = start - 60 * state.attendance.early_entry
    if at < opens:
        zone = state.programme.event.zone if state.programme.event else UTC
        door = datetime.fromtimestamp(opens, zone)
        if door.date() != datetime.fromtimestamp(at, zone).date():
            raise Refusal("entry.other-day", N_("This session is on another day ({day})."),
                          day=door.date().isoformat(), opens=opens)
        raise Refusal("entry.not-yet", N_("This session's door opens at {time}."),
                      time=door.strftime("%H:%M"), opens=opens)
    if at >= end:
        raise Refusal("entry.session-over", N_("This session is over: nobody enters now."))


def _move(state: EventState, registration: Registration, cmd: Command, kind: str,
          session: str | None) -> Event:
    return Event("door.moved", {"registration": registration.id, "kind": kind,
                                "session": session, "at": _door_time(state, registration, cmd),
                                "device": _device(cmd), "logged_at": cmd.at})


def _occupancy(sessions: list[str]) -> list[Event]:
    return [Event("occupancy.changed", {"session": s}) for s in sessions]


def location(state: EventState, registration: str) -> str | None:
    """The session the person is inside now, by their door scans (``None``: no session)."""
    here = None
    for move in state.attendance.moves.get(registration, ()):
        if move.kind == "in":
            here = move.session
        elif move.session is None or move.session == here:
            here = None
    held = state.attendance.held.get(here or "")
    return None if held is not None and held.ended is not None else here


def _inside_at(state: EventState, registration: str, session: str, at: float) -> Move | None:
    """The entry scan by which the person was inside ``session`` at ``at``, if they were."""
    entry = None
    for move in state.attendance.moves.get(registration, ()):
        if move.at > at:
            break
        if move.kind == "in":
            entry = move if move.session == session else None
        elif move.session is None or move.session == session:
            entry = None
    return entry


@command("entry.scan", roles=SCANNERS, fields=DOOR)
def entry(state: EventState, cmd: Command) -> Decision:
    """Let a person into a session's room, within its capacity; checks them in if needed."""
    session = session_of(state, cmd)
    registration = _by_badge(state, cmd.data["badge"])
    at = _door_time(state, registration, cmd)
    _door_open(state, session, cmd, at)
    inside = state.attendance.inside.get(session.id, set())
    capacity = _capacity(state, session.room)
    result = {"registration": registration.to_json(), "capacity": capacity}
    already = _inside_at(state, registration.id, session.id, at)
    if already is not None:
        this = CheckIn(cmd.at, _device(cmd), cmd.data.get("offline_at"))
        first = CheckIn(already.at, already.device)
        return Decision([_conflict("duplicate", registration, cmd, first, this, session.id)],
                        {**result, "verdict": "already", "count": len(inside),
                         "first": first.to_json()})
    if capacity is not None and len(inside) >= capacity and not cmd.data.get("force"):
        raise Refusal("entry.full", N_("The room is full ({capacity} people)."),
                      capacity=capacity)
    events = [e for e in _check_in(state, registration, cmd).events
              if e.type != "checkin.conflict"]
    left = location(state, registration.id)
    events.append(_move(state, registration, cmd, "in", session.id))
    first = state.attendance.entries.get(session.id, {}).get(registration.id)
    verdict = {**result, "verdict": "entered"}
    if first is not None and _when(first) > at:
        # An offline scan synced late: it was this one that let the person in first.
        this = CheckIn(cmd.at, _device(cmd), cmd.data.get("offline_at"))
        events.append(_conflict("earlier", registration, cmd, this, first, session.id))
        verdict["replaced"] = first.to_json()
    events += _occupancy(sorted({session.id} | ({left} if left else set())))
    count = len(inside) + (0 if registration.id in inside else 1)
    return Decision(events, {**verdict, "count": count})


@command("exit.scan", roles=SCANNERS, fields=DOOR)
def leave(state: EventState, cmd: Command) -> Decision:
    """Scan a person out of a session's room: they are no longer inside."""
    session = session_of(state, cmd)
    registration = _by_badge(state, cmd.data["badge"])
    at = _door_time(state, registration, cmd)
    inside = state.attendance.inside.get(session.id, set())
    result = {"registration": registration.to_json(), "capacity": _capacity(state, session.room)}
    if _inside_at(state, registration.id, session.id, at) is None:
        return Decision([], {**result, "verdict": "not-inside", "count": len(inside)})
    count = len(inside) - (1 if registration.id in inside else 0)
    return Decision([_move(state, registration, cmd, "out", session.id), *_occupancy([session.id])],
                    {**result, "verdict": "left", "count": count})


def _capacity(state: EventState, room_id: str) -> int | None:
    room = state.programme.rooms.get(room_id)
    if room is None or room.kind is RoomKind.ONLINE:
        return None
    return room.capacity


@command("attendance.settings", roles=ORGANISER, fields={
    "early_entry": Int(min=0, max=24 * 60)})
def settings(state: EventState, cmd: Command) -> Decision:
    """Set how many minutes before its start a session's door lets people in."""
    return Decision([Event("attendance.settings-changed", dict(cmd.data))], dict(cmd.data))


# -- online presence ----------------------------------------------------------------------------

PRESENCE = {"session": Id(), "source": Text(max=40)}


@command("presence.start", roles=ATTENDEES, fields=PRESENCE)
def presence_start(state: EventState, cmd: Command) -> Decision:
    """A server sees a visible page of mine in a session's room: I follow it online from now."""
    session = session_of(state, cmd).id
    actor: Actor = cmd.actor  # type: ignore[assignment]
    presence = state.attendance.online.get(session, {}).get(actor.id)
    if presence is not None and cmd.data["source"] in presence.sources:
        return Decision([], {"session": session})
    return Decision([Event("presence.started", {"session": session, "principal": actor.id,
                                                "source": cmd.data["source"], "at": cmd.at}),
                     *_occupancy([session])], {"session": session})


@command("presence.stop", roles=ATTENDEES, fields={**PRESENCE, "since": Int(min=0, max=2**40)})
def presence_stop(state: EventState, cmd: Command) -> Decision:
    """That server sees no visible page of mine there any more, since ``since``."""
    session = session_of(state, cmd).id
    actor: Actor = cmd.actor  # type: ignore[assignment]
    presence = state.attendance.online.get(session, {}).get(actor.id)
    if presence is None or cmd.data["source"] not in presence.sources:
        return Decision([], {"session": session})
    return Decision([Event("presence.stopped", {
        "session": session, "principal": actor.id, "source": cmd.data["source"],
        "at": min(float(cmd.data["since"]), cmd.at)}), *_occupancy([session])],
        {"session": session})


# -- applying and publishing -------------------------------------------------------------------

@applies("checkin.recorded")
def _recorded(state: EventState, event: Event) -> None:
    data = event.data
    attendance = state.attendance
    attendance.checkins[data["registration"]] = CheckIn(data["at"], data["device"],
                                                        data["offline_at"])
    attendance.recent = [r for r in attendance.recent if r != data["registration"]]
    attendance.recent.append(data["registration"])
    del attendance.recent[:-RECENT]


@publishes("checkin.recorded")
def _publish_recorded(state: EventState, event: Event) -> list[tuple[str, dict]]:
    registration = state.attendance.registrations[event.data["registration"]]
    payload = {**event.data, "registration": registration.to_json(),
               "counts": state.attendance.counts()}
    return [(topic, payload) for topic in ATTENDANCE_TOPICS]


@applies("checkin.conflict")
def _conflicted(state: EventState, event: Event) -> None:
    conflicts = state.attendance.conflicts
    conflicts.append({**event.data, "seq": state.seq})
    del conflicts[:-CONFLICTS]


@publishes("checkin.conflict")
def _publish_conflict(state: EventState, event: Event) -> list[tuple[str, dict]]:
    payload = conflict_json(state, state.attendance.conflicts[-1])
    return [("role:moderator", payload), ("role:organiser", payload)]


def conflict_json(state: EventState, conflict: dict[str, Any]) -> dict[str, Any]:
    registration = state.attendance.registrations[conflict["registration"]]
    return {**conflict, "registration": registration.to_json()}


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


@applies("door.moved")
def _moved(state: EventState, event: Event) -> None:
    data = event.data
    attendance = state.attendance
    registration = data["registration"]
    before = location(state, registration)
    moves = attendance.moves.setdefault(registration, [])
    bisect.insort(moves, Move(data["at"], data["kind"], data["session"], data["device"]),
                  key=lambda move: move.at)
    after = location(state, registration)
    if before != after:
        if before is not None:
            attendance.inside[before].discard(registration)
        if after is not None:
            attendance.inside.setdefault(after, set()).add(registration)
    session = data["session"]
    if data["kind"] == "in":
        first = attendance.entries.setdefault(session, {}).get(registration)
        if first is None or _when(first) > data["at"]:
            offline_at = data["at"] if data["at"] < data["logged_at"] else None
            attendance.entries[session][registration] = CheckIn(
                data["logged_at"], data["device"], offline_at)


@publishes("door.moved")
def _publish_moved(state: EventState, event: Event) -> list[tuple[str, dict]]:
    data = event.data
    if data["kind"] != "in":
        return []
    session = state.programme.sessions[data["session"]]
    payload = {"session": session.id, "registration": state.attendance.registrations[
        data["registration"]].to_json(), "at": data["at"], "device": data["device"],
        "count": len(state.attendance.inside.get(session.id, ())),
        "capacity": _capacity(state, session.room)}
    return [("role:kiosk", payload), (f"staff:{session.id}", payload)]


@applies("presence.started")
def _present(state: EventState, event: Event) -> None:
    data = event.data
    presence = state.attendance.online.setdefault(data["session"], {}).setdefault(
        data["principal"], Presence())
    if not presence.sources:
        presence.intervals.append([data["at"], None])
        state.attendance.watching.setdefault(data["session"], set()).add(data["principal"])
    presence.sources.append(data["source"])


@applies("presence.stopped")
def _absent(state: EventState, event: Event) -> None:
    data = event.data
    presence = state.attendance.online[data["session"]][data["principal"]]
    presence.sources.remove(data["source"])
    if not presence.sources:
        last = presence.intervals[-1]
        last[1] = max(last[0], data["at"])  # type: ignore[type-var]
        state.attendance.watching[data["session"]].discard(data["principal"])


@applies("session.changed")
def _held(state: EventState, event: Event) -> None:
    """Note when sessions really started and ended; an ended session has nobody inside."""
    kind = event.data["kind"]
    if kind not in ("started", "ended"):
        return
    for data in event.data["sessions"]:
        held = state.attendance.held.setdefault(data["id"], Held())
        if kind == "started":
            held.started, held.ended = event.data["at"], None
        else:
            held.ended = event.data["at"]
            state.attendance.inside.pop(data["id"], None)


@applies("attendance.settings-changed")
def _settings_changed(state: EventState, event: Event) -> None:
    state.attendance.early_entry = event.data["early_entry"]


@publishes("attendance.settings-changed")
def _publish_settings(state: EventState, event: Event) -> list[tuple[str, dict]]:
    return [(topic, dict(event.data)) for topic in ATTENDANCE_TOPICS]


@applies("occupancy.changed")
def _occupancy_changed(state: EventState, event: Event) -> None:
    """Nothing to apply: the push carries the counts as they are now."""


@publishes("occupancy.changed")
def _publish_occupancy(state: EventState, event: Event) -> list[tuple[str, dict]]:
    session = event.data["session"]
    payload = {"occupancy": {session: occupancy(state, session)}, "coalesce": True}
    return [("role:kiosk", payload), ("role:organiser", payload), (f"staff:{session}", payload),
            (f"stage:{session}", payload)]


# -- reading -----------------------------------------------------------------------------------

def occupancy(state: EventState, session_id: str) -> dict[str, Any]:
    """Inside now and following online now (without those inside), with the room's capacity."""
    attendance = state.attendance
    session = state.programme.sessions.get(session_id)
    capacity = _capacity(state, session.room) if session is not None else None
    inside = attendance.inside.get(session_id, set())
    watching = attendance.watching.get(session_id, set())
    registrations = attendance.registrations
    both = sum(1 for r in inside if registrations[r].principal in watching)
    count = len(inside)
    return {"inside": count, "capacity": capacity, "online": len(watching) - both,
            "near": bool(capacity) and count >= NEAR_CAPACITY * capacity,  # type: ignore[operator]
            "full": bool(capacity) and count >= capacity}  # type: ignore[operator]


def occupancies(state: EventState) -> dict[str, dict[str, Any]]:
    """The live counts of every session someone is in or follows now."""
    attendance = state.attendance
    busy = {s for s, people in attendance.inside.items() if people}
    busy |= {s for s, people in attendance.watching.items() if people}
    return {session: occupancy(state, session) for session in sorted(busy)}


LISTED_CONFLICTS = 50


def summary(state: EventState, staff: bool = False) -> dict[str, Any]:
    """What kiosks and staff get on hello: the counts and the latest check-ins; staff also
    the latest offline conflicts and refused duplicates, newest first."""
    attendance = state.attendance
    recent = [{"registration": attendance.registrations[r].to_json(),
               **attendance.checkins[r].to_json()} for r in reversed(attendance.recent)]
    entries = {session: len(people) for session, people in attendance.inside.items()}
    out = {**attendance.counts(), "recent": recent, "entries": entries,
           "occupancy": occupancies(state), "early_entry": attendance.early_entry,
           "conflicts": len(attendance.conflicts)}
    if staff:
        out["conflict_list"] = [conflict_json(state, c) for c in
                                reversed(attendance.conflicts[-LISTED_CONFLICTS:])]
    return out
