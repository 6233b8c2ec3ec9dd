"""Commands that load the programme."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rencontre.engine.fields import CONTROL, Blob, Bool, Choice
from rencontre.engine.messages import N_, Command, Decision, Event, Refusal, Role
from rencontre.engine.registry import applies, command, publishes
from rencontre.schedule.loading import (
    dropped,
    new_overlaps,
    new_speaker_overlaps,
    result,
    settle,
)
from rencontre.schedule.model import InvalidProgramme, Programme, Session

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

ORGANISER = frozenset({Role.ORGANISER})


@command("schedule.load", roles=ORGANISER, fields={
    "programme": Blob(), "mode": Choice(values=("replace", "merge"), optional=True),
    "force": Bool(optional=True),
})
def load(state: EventState, cmd: Command) -> Decision:
    """Load a whole programme: replace the agenda, or merge it in by session id.

    Like a live change, a load that would put two sessions in one room at once is refused
    (``schedule.room-conflict``, every pair listed) unless it says ``force``. Sessions that
    would share a speaker at once are loaded, and listed in the result
    (``speaker_conflicts``, with ``speaker_conflict_count``): real programmes have them (a
    panel beside its speaker's talk), and only the organiser knows which is a mistake. It is a
    programme change like any other: each session it moves, cancels, restores or edits gets
    its ``session.changed``, with a line in the change log; so does each session a
    replacing load leaves out (``removed``, said before the load, while the session is
    still there to be named).
    """
    mode = cmd.data.get("mode", "replace")
    try:
        incoming = Programme.from_json(cmd.data["programme"])
    except InvalidProgramme as problem:
        raise Refusal("schedule.invalid", N_("{place}: {problem}"),
                      place=problem.place, problem=problem.problem) from None
    _refuse_control_characters(incoming)
    at = datetime.fromtimestamp(cmd.at, UTC)
    changes = settle(state.programme, incoming, mode, at)
    merged = result(state.programme, incoming, mode)
    if not cmd.data.get("force"):
        _refuse_overlaps(new_overlaps(merged, incoming))
    shared = new_speaker_overlaps(merged, incoming)
    removed = dropped(state.programme, incoming, mode)
    events = [Event("session.changed", {
        "kind": "removed", "at": cmd.at, "sessions": [session.to_json()],
        "details": {"title": session.title, "source": "import"},
    }) for session in removed]
    events.append(Event("schedule.loaded", {
        "programme": cmd.data["programme"], "mode": mode, "at": cmd.at,
    }))
    events += [Event("session.changed", {
        "kind": change.kind, "at": cmd.at, "sessions": [change.session.to_json()],
        "details": {**change.details, "source": "import"},
    }) for change in changes]
    return Decision(events, {
        "sessions": len(incoming.sessions), "changed": len(removed) + len(changes),
        "speaker_conflicts": [{"session": later.id, "other": earlier.id, "speaker": speaker}
                              for earlier, later, speaker in shared[:MAX_LISTED]],
        "speaker_conflict_count": len(shared)})


MAX_LISTED = 100


def _refuse_overlaps(pairs: list[tuple[Session, Session]]) -> None:
    if not pairs:
        return
    earlier, later = pairs[0]
    listed = [{"session": b.id, "other": a.id, "room": b.room} for a, b in pairs[:MAX_LISTED]]
    raise Refusal("schedule.room-conflict",
                  N_("“{session}” would overlap “{other}” in the same room."),
                  session=later.id, other=earlier.id, conflicts=listed, count=len(pairs))


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
    mode = event.data["mode"]
    settle(current, incoming, mode, datetime.fromtimestamp(event.data["at"], UTC))
    if mode == "replace":
        state.programme = incoming
    else:
        current.event = incoming.event
        for name in ("rooms", "tracks", "speakers"):
            getattr(current, name).update(getattr(incoming, name))
        current.sessions.update(incoming.sessions)
    state.programme_seq = state.seq


@publishes("schedule.loaded")
def _publish_loaded(state: EventState, event: Event) -> list[tuple[str, dict]]:
    return [("all", {"programme": state.programme.to_json()})]
