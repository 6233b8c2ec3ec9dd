"""Live changes to the programme: start, end, delay, move, cancel, restore, edit.

Each change is one command, applied in log order. It bumps the session's
``sequence`` when its time or status changes (calendar clients compare it),
records a line in the public change log, and is pushed to every page.
Overlaps in a room, or a speaker in two places at once, are refused unless
the command says ``force``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from rencontre.engine.fields import Bool, Id, Int, Localized, Text
from rencontre.engine.messages import N_, STAFF, Command, Decision, Event, Refusal
from rencontre.engine.registry import applies, command, publishes
from rencontre.schedule.lookup import session_of
from rencontre.schedule.model import InvalidProgramme, Session, Status, format_time, parse_time

if TYPE_CHECKING:
    from rencontre.engine.state import EventState
    from rencontre.schedule.model import Programme

MAX_DELAY = 24 * 60
CHANGE_LOG = 500


@dataclass(slots=True)
class Change:
    """One line of the public change log."""

    seq: int
    at: float
    kind: str
    session: str
    details: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at, "kind": self.kind, "session": self.session,
                **self.details}


def _session(state: EventState, cmd: Command) -> Session:
    return session_of(state, cmd)


def conflicts(programme: Programme, candidate: Session, ignore: set[str] = frozenset()
              ) -> list[dict[str, str]]:
    """Sessions that clash with ``candidate``: same room or a shared speaker, overlapping."""
    found = []
    for other in programme.sessions.values():
        if other.id == candidate.id or other.id in ignore or other.status is Status.CANCELLED:
            continue
        if other.start >= candidate.end or candidate.start >= other.end:
            continue
        if other.room == candidate.room:
            found.append({"session": other.id, "kind": "room", "with": other.room})
        for speaker in set(other.speakers) & set(candidate.speakers):
            found.append({"session": other.id, "kind": "speaker", "with": speaker})
    return found


def _refuse_conflicts(programme: Programme, changed: list[Session], force: bool) -> None:
    if force:
        return
    moving = {session.id for session in changed}
    for session in changed:
        clashes = conflicts(programme, session, ignore=moving)
        if clashes:
            first = clashes[0]
            code = "schedule.room-conflict" if first["kind"] == "room" else \
                "schedule.speaker-conflict"
            message = (N_("“{session}” would overlap “{other}” in the same room.")
                       if first["kind"] == "room" else
                       N_("A speaker of “{session}” is also in “{other}” at that time."))
            raise Refusal(code, message, session=session.id, other=first["session"],
                          conflicts=clashes)


def _copy(session: Session, **changes: Any) -> Session:
    data = session.to_json()
    for name, value in changes.items():
        data[name] = format_time(value) if isinstance(value, datetime) else value
    return Session.from_json(data, "session")


def _changed(cmd: Command, kind: str, sessions: list[Session], **details: Any) -> Decision:
    return Decision([Event("session.changed", {
        "kind": kind, "at": cmd.at, "sessions": [s.to_json() for s in sessions],
        "details": details,
    })], {"sessions": [s.id for s in sessions]})


def _moment(at: float) -> datetime:
    return datetime.fromtimestamp(at, UTC)


SESSION = {"session": Id()}


# Whole sentences rather than "This session is {status}.": the status word agrees
# with the sentence in French and Spanish.
_IS_STATUS = {
    Status.SCHEDULED: N_("This session is scheduled."),
    Status.LIVE: N_("This session is live."),
    Status.DELAYED: N_("This session is delayed."),
    Status.CANCELLED: N_("This session is cancelled."),
    Status.ENDED: N_("This session has ended."),
}


def _bad_status(session: Session) -> Refusal:
    return Refusal("session.bad-status", _IS_STATUS[session.status],
                   status=session.status.value)


@command("session.start", roles=STAFF, fields=SESSION)
def start(state: EventState, cmd: Command) -> Decision:
    """Mark a session live now (its Q&A opens)."""
    session = _session(state, cmd)
    if session.status in (Status.LIVE, Status.CANCELLED):
        raise _bad_status(session)
    return _changed(cmd, "started", [_copy(session, status=Status.LIVE.value)])


@command("session.end", roles=STAFF, fields=SESSION)
def end(state: EventState, cmd: Command) -> Decision:
    """Mark a session ended (its Q&A closes)."""
    session = _session(state, cmd)
    if session.status in (Status.ENDED, Status.CANCELLED):
        raise _bad_status(session)
    return _changed(cmd, "ended", [_copy(session, status=Status.ENDED.value)])


@command("session.delay", roles=STAFF, fields={
    **SESSION, "minutes": Int(min=-MAX_DELAY, max=MAX_DELAY),
    "shift_following": Bool(optional=True), "force": Bool(optional=True),
})
def delay(state: EventState, cmd: Command) -> Decision:
    """Move a session later (or earlier) by N minutes, and optionally what follows in its room."""
    session = _session(state, cmd)
    minutes = cmd.data["minutes"]
    if minutes == 0:
        raise Refusal("request.invalid", N_("Field “{field}” must not be 0."), field="minutes")
    if session.status in (Status.ENDED, Status.CANCELLED):
        raise _bad_status(session)
    shift = timedelta(minutes=minutes)
    moved = [session]
    if cmd.data.get("shift_following"):
        zone = state.programme.event.zone if state.programme.event else UTC
        day = session.start.astimezone(zone).date()
        moved += [other for other in state.programme.ordered_sessions()
                  if other.room == session.room and other.id != session.id
                  and other.start >= session.start and other.status is not Status.CANCELLED
                  and other.start.astimezone(zone).date() == day]
    changed = []
    for item in moved:
        status = item.status if item.status is Status.LIVE else Status.DELAYED
        changed.append(_copy(item, start=item.start + shift, end=item.end + shift,
                             status=status.value, delay=item.delay + minutes))
    _refuse_conflicts(state.programme, changed, bool(cmd.data.get("force")))
    return _changed(cmd, "delayed", changed, minutes=minutes)


@command("session.move", roles=STAFF, fields={**SESSION, "room": Id(),
                                              "force": Bool(optional=True)})
def move(state: EventState, cmd: Command) -> Decision:
    """Move a session to another room."""
    session = _session(state, cmd)
    room = cmd.data["room"]
    if room not in state.programme.rooms:
        raise Refusal("room.unknown-room", N_("No room “{room}”."), room=room)
    if room == session.room:
        raise Refusal("session.same-room", N_("The session is in this room already."))
    changed = _copy(session, room=room)
    _refuse_conflicts(state.programme, [changed], bool(cmd.data.get("force")))
    return _changed(cmd, "moved", [changed], from_room=session.room, to_room=room)


@command("session.cancel", roles=STAFF, fields=SESSION)
def cancel(state: EventState, cmd: Command) -> Decision:
    """Cancel a session: it stays listed, marked cancelled, and its Q&A closes."""
    session = _session(state, cmd)
    if session.status is Status.CANCELLED:
        raise _bad_status(session)
    return _changed(cmd, "cancelled", [_copy(session, status=Status.CANCELLED.value)])


@command("session.restore", roles=STAFF, fields={**SESSION, "force": Bool(optional=True)})
def restore(state: EventState, cmd: Command) -> Decision:
    """Undo a cancellation."""
    session = _session(state, cmd)
    if session.status is not Status.CANCELLED:
        raise _bad_status(session)
    changed = _copy(session, status=Status.SCHEDULED.value)
    _refuse_conflicts(state.programme, [changed], bool(cmd.data.get("force")))
    return _changed(cmd, "restored", [changed])


@command("session.edit", roles=STAFF, fields={
    **SESSION,
    "title": Localized(max=300, line=True, optional=True),
    "abstract": Localized(max=5000, optional=True),
    "language": Text(max=8, optional=True),
    "track": Id(optional=True),
    "speakers": Text(max=2000, optional=True),
    "start": Text(max=40, optional=True),
    "end": Text(max=40, optional=True),
    "force": Bool(optional=True),
})
def edit(state: EventState, cmd: Command) -> Decision:
    """Edit a session: titles, abstracts, language, track, speakers (comma-separated ids), times."""
    session = _session(state, cmd)
    programme = state.programme
    changes: dict[str, Any] = {}
    for name in ("title", "abstract", "language"):
        if name in cmd.data:
            changes[name] = cmd.data[name]
    if "track" in cmd.data:
        if cmd.data["track"] not in programme.tracks:
            raise Refusal("track.unknown", N_("No track “{track}”."), track=cmd.data["track"])
        changes["track"] = cmd.data["track"]
    if "speakers" in cmd.data:
        speakers = [s.strip() for s in cmd.data["speakers"].split(",") if s.strip()]
        unknown = [s for s in speakers if s not in programme.speakers]
        if unknown:
            raise Refusal("speaker.unknown", N_("No speaker “{speaker}”."), speaker=unknown[0])
        changes["speakers"] = speakers
    for name in ("start", "end"):
        if name in cmd.data:
            try:
                changes[name] = parse_time(cmd.data[name], name)
            except InvalidProgramme as problem:
                raise Refusal("request.invalid", N_("Field “{field}” must be a date and time."),
                              field=name, detail=problem.problem) from None
    if not changes:
        raise Refusal("request.missing", N_("Field “{field}” is required."), field="title")
    if changes.get("start", session.start) >= changes.get("end", session.end):
        raise Refusal("session.bad-times", N_("A session must end after it starts."))
    changed = _copy(session, **changes)
    if "start" in changes or "end" in changes or "speakers" in changes:
        _refuse_conflicts(programme, [changed], bool(cmd.data.get("force")))
    return _changed(cmd, "edited", [changed], fields=sorted(changes))


@applies("session.changed")
def _apply_changed(state: EventState, event: Event) -> None:
    programme = state.programme
    at = _moment(event.data["at"])
    for data in event.data["sessions"]:
        new = Session.from_json(data, "session")
        old = programme.sessions[new.id]
        if (old.start, old.end, old.status, old.room) != (new.start, new.end, new.status,
                                                          new.room):
            new.sequence = old.sequence + 1
        new.updated = at
        programme.sessions[new.id] = new
    primary = event.data["sessions"][0]["id"]
    details = dict(event.data["details"])
    if len(event.data["sessions"]) > 1:
        details["also"] = [s["id"] for s in event.data["sessions"][1:]]
    state.changes.append(Change(state.seq, event.data["at"], event.data["kind"], primary,
                                details))
    del state.changes[:-CHANGE_LOG]
    state.programme_seq = state.seq


@publishes("session.changed")
def _publish_changed(state: EventState, event: Event) -> list[tuple[str, dict]]:
    sessions = [state.programme.sessions[s["id"]].to_json() for s in event.data["sessions"]]
    return [("all", {"change": state.changes[-1].to_json(), "sessions": sessions})]
