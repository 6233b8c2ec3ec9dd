"""Commands that load the programme."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.fields import Blob, Choice
from engine.messages import N_, Command, Decision, Event, Refusal, Role
from engine.registry import applies, command, publishes
from schedule.model import InvalidProgramme, Programme

if TYPE_CHECKING:
    from engine.state import EventState

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
    return Decision([Event("schedule.loaded", {
        "programme": incoming.to_json(), "mode": cmd.data.get("mode", "replace"), "at": cmd.at,
    })], {"sessions": len(incoming.sessions)})


@applies("schedule.loaded")
def _loaded(state: EventState, event: Event) -> None:
    incoming = Programme.from_json(event.data["programme"])
    if event.data["mode"] == "replace":
        state.programme = incoming
        return
    current = state.programme
    current.event = incoming.event
    for name in ("rooms", "tracks", "speakers", "sessions"):
        getattr(current, name).update(getattr(incoming, name))


@publishes("schedule.loaded")
def _publish_loaded(state: EventState, event: Event) -> list[tuple[str, dict]]:
    return [("all", {"programme": state.programme.to_json()})]
