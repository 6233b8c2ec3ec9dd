"""Reactions in a session: applause, laughter, a heart, a question mark, on site or remote.

Each reaction is a logged command, so that every process counts the same; the pushes
carry the session's running totals per kind and are coalesced by the hub into one push
per topic and tick, like poll counts: 10,000 people clapping at once make five pushes a
second per topic, whatever the rate of claps. The stage turns the growth of the totals
into a burst on screen; moderators see the totals.

Rules that hold here: a principal sends at most :data:`RATE_COUNT` reactions per
:data:`RATE_WINDOW` seconds (the rest are refused before they reach the log, with how
long to wait); nothing is sent to a session that is cancelled or over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rencontre.engine.fields import Choice, Id
from rencontre.engine.messages import N_, Actor, Command, Decision, Event, Refusal, Role
from rencontre.engine.registry import applies, command, publishes
from rencontre.schedule.lookup import session_of
from rencontre.schedule.model import Status

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

KINDS = ("applause", "laugh", "heart", "question")
REACTORS = frozenset({Role.ATTENDEE, Role.MODERATOR, Role.ORGANISER})
RATE_COUNT = 5
RATE_WINDOW = 10.0


@dataclass(slots=True)
class Reactions:
    """Totals per session and kind, and each principal's latest reaction times."""

    totals: dict[str, dict[str, int]] = field(default_factory=dict)
    recent: dict[str, list[float]] = field(default_factory=dict)

    def of(self, session: str) -> dict[str, int]:
        counts = self.totals.get(session, {})
        return {kind: counts.get(kind, 0) for kind in KINDS}


@command("reaction.send", roles=REACTORS, fields={
    "session": Id(), "kind": Choice(values=KINDS),
})
def send(state: EventState, cmd: Command) -> Decision:
    """React in a session: applause, laugh, heart or question mark."""
    session = session_of(state, cmd)
    if session.status in (Status.CANCELLED, Status.ENDED):
        raise Refusal("reaction.closed", N_("This session is over: reactions are closed."))
    actor: Actor = cmd.actor  # type: ignore[assignment]
    recent = [t for t in state.reactions.recent.get(actor.id, ()) if t > cmd.at - RATE_WINDOW]
    if len(recent) >= RATE_COUNT:
        retry = max(1, int(recent[0] + RATE_WINDOW - cmd.at + 0.999))
        raise Refusal("reaction.rate-limited",
                      N_("Easy: you can react again in {seconds} s."),
                      seconds=retry, retry_after=retry)
    return Decision([Event("reaction.added", {
        "session": session.id, "kind": cmd.data["kind"], "principal": actor.id, "at": cmd.at,
    })], {"session": session.id, "kind": cmd.data["kind"]})


@applies("reaction.added")
def _added(state: EventState, event: Event) -> None:
    data = event.data
    counts = state.reactions.totals.setdefault(data["session"], {})
    counts[data["kind"]] = counts.get(data["kind"], 0) + 1
    recent = state.reactions.recent.setdefault(data["principal"], [])
    recent.append(data["at"])
    del recent[:-RATE_COUNT]


@publishes("reaction.added")
def _publish_added(state: EventState, event: Event) -> list[tuple[str, dict]]:
    # Coalesced by the hub into ticks: a burst of claps makes one push per topic and tick,
    # carrying the latest totals (merged key by key).
    room = event.data["session"]
    kind = event.data["kind"]
    counts = {kind: state.reactions.totals[room][kind]}
    # Staff panels are in the room too: one topic.
    return [(f"room:{room}", {"room": room, "counts": counts, "coalesce": True})]


def reactions_snapshot(state: EventState, session: str) -> dict[str, Any]:
    """The running totals of ``session``, per kind."""
    return {"counts": state.reactions.of(session)}
