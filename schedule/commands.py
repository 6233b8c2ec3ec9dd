"""Commands that load the programme."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rencontre.engine.fields import CONTROL, Blob, Choice
from rencontre.engine.messages import N_, Command, Decision, Event, Refusal, Role
from rencontre.engine.registry import applies, command, publishes
from rencontre.schedule.model import InvalidProgramme, Programme, Session

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

ORGANISER = frozenset({Role.ORGANISER})


@command("schedule.load", roles=ORGANISER, fields={
    "programme": Blob(), "mode": Choice(values=("replace", "merge"), optional=True),
})
def load(state: EventState, cmd: Command) -> Decision:
    """Load a whole programme: replace the agenda, or merge it in by session id."""
    try:
        incoming = Programme.from_json(cmd.data["programme"])
    except InvalidProgramme as problem:
        raise Refusal("schedule.invalid", N_("{place}: {problem}"),
                      place=problem.place, problem=problem.problem) from None
    _refuse_control_characters(incoming)
    return Decision([Event("schedule.loaded", {
        "programme": incoming.to_json(), "mode": cmd.data.get("mode", "replace"), "at": cmd.at,
    })], {"sessions": len(incoming.sessions)})


def _refuse_control_characters(programme: Programme) -> None:
    """Titles and names are one line, as ``session.edit`` requires of a title."""
    named = [(f"sessions[{i}].title", s.title) for i, s in enumerate(programme.ordered_sessions())]
    named += [(f"rooms[{i}].name", r.name) for i, r in enumerate(programme.ordered_rooms())]
    named += [(f"tracks[{i}].name", t.name) for i, t in enumerate(programme.tracks.values())]
    for place, texts in named:
        if any(CONTROL.search(text) for text in texts.values()):
            raise Refusal("schedule.invalid", N_("{place}: {problem}"), place=place,
                          problem="a line break or control character in a one-line text")


@applies("schedule.loaded")
def _loaded(state: EventState, event: Event) -> None:
    incoming = Programme.from_json(event.data["programme"])
    current = state.programme
    at = datetime.fromtimestamp(event.data["at"], UTC)
    by_guid = {session.guid: session for session in current.sessions.values()}
    sessions: dict[str, Session] = {}
    for session in incoming.sessions.values():
        # A re-imported session keeps its id and counts as a change of the one it updates.
        known = current.sessions.get(session.id) or by_guid.get(session.guid)
        if known is not None:
            session.id = known.id
            moved = (known.start, known.end, known.status, known.room) != (
                session.start, session.end, session.status, session.room)
            session.sequence = known.sequence + 1 if moved else known.sequence
            session.updated = at if moved or session != known else known.updated
        else:
            session.updated = session.updated or at
        sessions[session.id] = session
    if event.data["mode"] == "replace":
        incoming.sessions = sessions
        state.programme = incoming
    else:
        current.event = incoming.event
        for name in ("rooms", "tracks", "speakers"):
            getattr(current, name).update(getattr(incoming, name))
        current.sessions.update(sessions)
    state.programme_seq = state.seq


@publishes("schedule.loaded")
def _publish_loaded(state: EventState, event: Event) -> list[tuple[str, dict]]:
    return [("all", {"programme": state.programme.to_json()})]
