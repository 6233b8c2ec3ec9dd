"""Live polls in a session: prepare, open, vote, show the results on stage, close.

Rules that hold here, whatever the pages do: one ballot per principal and poll
(voting again replaces it, so an attendee's phone and laptop share one ballot,
across processes too, since ballots apply in log order); no vote outside an
open poll; nobody but the voter learns who chose what; attendees see no counts
of a poll that keeps its results for the end until it closes; a room has at
most one open poll.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from rencontre.engine.fields import Bool, Choice, Id, IntList, Text, TextList
from rencontre.engine.messages import N_, STAFF, Actor, Command, Decision, Event, Refusal, Role
from rencontre.engine.registry import applies, command, publishes
from rencontre.schedule.lookup import session_of

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

VOTERS = frozenset({Role.ATTENDEE, Role.MODERATOR, Role.ORGANISER})
MAX_OPTIONS = 10


class PollStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(slots=True)
class Poll:
    id: str
    session: str
    question: str
    options: list[str]
    multiple: bool
    results: str  # "live": counts shown while open; "closed": only once closed
    created_at: float
    status: PollStatus = PollStatus.DRAFT
    opened_at: float | None = None
    closed_at: float | None = None
    ballots: dict[str, tuple[int, ...]] = field(default_factory=dict)
    counts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.counts:
            self.counts = [0] * len(self.options)

    @property
    def counts_public(self) -> bool:
        return self.status is PollStatus.CLOSED or (
            self.status is PollStatus.OPEN and self.results == "live")

    def view(self, staff: bool) -> dict[str, Any]:
        """The poll as attendees (or staff) may see it: counts, never ballots."""
        shown = staff or self.counts_public
        return {
            "id": self.id, "session": self.session, "question": self.question,
            "options": self.options, "multiple": self.multiple, "results": self.results,
            "status": self.status.value, "opened_at": self.opened_at,
            "closed_at": self.closed_at,
            "counts": list(self.counts) if shown else None,
            "total": len(self.ballots) if shown else None,
        }

    def tally(self) -> dict[str, Any]:
        return {"counts": list(self.counts), "total": len(self.ballots)}


@dataclass(slots=True)
class Polls:
    """The polls of the whole event, and which one each room shows on stage."""

    by_id: dict[str, Poll] = field(default_factory=dict)
    by_session: dict[str, list[str]] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)  # session -> poll id

    def of(self, session: str) -> list[Poll]:
        return [self.by_id[p] for p in self.by_session.get(session, ())]


def _poll(state: EventState, cmd: Command) -> Poll:
    poll = state.polls.by_id.get(cmd.data["poll"])
    if poll is None:
        raise Refusal("poll.unknown", N_("No such poll."))
    return poll


def _changed(poll: Poll, at: float, **updates: Any) -> Event:
    return Event("poll.changed", {"poll": poll.id, "at": at, **updates})


# -- staff -------------------------------------------------------------------------------------

@command("poll.create", roles=STAFF, fields={
    "session": Id(), "question": Text(max=300),
    "options": TextList(min_items=2, max_items=MAX_OPTIONS, max=120),
    "multiple": Bool(optional=True), "results": Choice(values=("live", "closed"), optional=True),
})
def create(state: EventState, cmd: Command) -> Decision:
    """Prepare a poll in a session; attendees see it once it opens."""
    session = session_of(state, cmd).id
    poll_id = f"p{state.seq}"
    return Decision([Event("poll.created", {
        "id": poll_id, "session": session, "question": cmd.data["question"],
        "options": cmd.data["options"], "multiple": bool(cmd.data.get("multiple")),
        "results": cmd.data.get("results", "live"), "created_at": cmd.at,
    })], {"id": poll_id})


@command("poll.open", roles=STAFF, fields={"poll": Id()})
def open_poll(state: EventState, cmd: Command) -> Decision:
    """Take votes; the room's other open poll closes, and this one goes on stage."""
    poll = _poll(state, cmd)
    if poll.status is PollStatus.OPEN:
        return Decision([], {"poll": poll.id})
    events = [_changed(other, cmd.at, status=PollStatus.CLOSED.value)
              for other in state.polls.of(poll.session)
              if other.status is PollStatus.OPEN]
    events.append(_changed(poll, cmd.at, status=PollStatus.OPEN.value))
    events.append(Event("poll.shown", {"session": poll.session, "poll": poll.id}))
    return Decision(events, {"poll": poll.id})


@command("poll.close", roles=STAFF, fields={"poll": Id()})
def close(state: EventState, cmd: Command) -> Decision:
    """Stop the votes; the final counts go to every screen of the room."""
    poll = _poll(state, cmd)
    if poll.status is not PollStatus.OPEN:
        return Decision([], {"poll": poll.id})
    return Decision([_changed(poll, cmd.at, status=PollStatus.CLOSED.value)], {"poll": poll.id})


@command("poll.show", roles=STAFF, fields={"session": Id(), "poll": Id(optional=True)})
def show(state: EventState, cmd: Command) -> Decision:
    """Show a poll's results on the stage display; without ``poll``, back to the Q&A."""
    session = session_of(state, cmd).id
    poll_id = cmd.data.get("poll")
    if poll_id is not None:
        poll = state.polls.by_id.get(poll_id)
        if poll is None or poll.session != session:
            raise Refusal("poll.unknown", N_("No such poll."))
        if poll.status is PollStatus.DRAFT:
            raise Refusal("poll.draft", N_("Open the poll before showing it."))
    return Decision([Event("poll.shown", {"session": session, "poll": poll_id})],
                    {"poll": poll_id})


# -- voters ------------------------------------------------------------------------------------

@command("poll.vote", roles=VOTERS, fields={
    "poll": Id(), "choices": IntList(max_items=MAX_OPTIONS, max=MAX_OPTIONS - 1),
})
def vote(state: EventState, cmd: Command) -> Decision:
    """Vote, vote again (the new choices replace the old), or take the vote back (no choices)."""
    poll = _poll(state, cmd)
    if poll.status is not PollStatus.OPEN:
        raise Refusal("poll.not-open", N_("This poll is not open."))
    choices = cmd.data["choices"]
    if (len(set(choices)) != len(choices) or any(c >= len(poll.options) for c in choices)
            or (not poll.multiple and len(choices) > 1)):
        raise Refusal("poll.bad-choice", N_("Choose one of the poll’s options.")
                      if not poll.multiple else N_("Choose among the poll’s options, once each."))
    actor: Actor = cmd.actor  # type: ignore[assignment]
    ballot = tuple(sorted(choices))
    result = {"poll": poll.id, "choices": list(ballot)}
    if poll.ballots.get(actor.id, ()) == ballot:
        return Decision([], result)
    return Decision([Event("poll.voted", {"poll": poll.id, "principal": actor.id,
                                         "choices": list(ballot)})], result)


# -- applying and publishing -------------------------------------------------------------------

@applies("poll.created")
def _created(state: EventState, event: Event) -> None:
    poll = Poll(**event.data)
    state.polls.by_id[poll.id] = poll
    state.polls.by_session.setdefault(poll.session, []).append(poll.id)


@publishes("poll.created")
def _publish_created(state: EventState, event: Event) -> list[tuple[str, dict]]:
    poll = state.polls.by_id[event.data["id"]]
    return [(f"staff:{poll.session}", {"room": poll.session, "poll": poll.view(staff=True)})]


@applies("poll.changed")
def _poll_changed(state: EventState, event: Event) -> None:
    poll = state.polls.by_id[event.data["poll"]]
    poll.status = PollStatus(event.data["status"])
    if poll.status is PollStatus.OPEN:
        poll.opened_at = event.data["at"]
    else:
        poll.closed_at = event.data["at"]


@publishes("poll.changed")
def _publish_changed(state: EventState, event: Event) -> list[tuple[str, dict]]:
    poll = state.polls.by_id[event.data["poll"]]
    room = poll.session
    return [(f"room:{room}", {"room": room, "poll": poll.view(staff=False)}),
            (f"staff:{room}", {"room": room, "poll": poll.view(staff=True)})]


@applies("poll.shown")
def _shown(state: EventState, event: Event) -> None:
    if event.data["poll"] is None:
        state.polls.shown.pop(event.data["session"], None)
    else:
        state.polls.shown[event.data["session"]] = event.data["poll"]


@publishes("poll.shown")
def _publish_shown(state: EventState, event: Event) -> list[tuple[str, dict]]:
    room, poll_id = event.data["session"], event.data["poll"]
    view = state.polls.by_id[poll_id].view(staff=False) if poll_id else None
    return [(f"room:{room}", {"room": room, "poll": view})]


@applies("poll.voted")
def _voted(state: EventState, event: Event) -> None:
    poll = state.polls.by_id[event.data["poll"]]
    principal = event.data["principal"]
    for choice in poll.ballots.pop(principal, ()):
        poll.counts[choice] -= 1
    if event.data["choices"]:
        poll.ballots[principal] = tuple(event.data["choices"])
        for choice in event.data["choices"]:
            poll.counts[choice] += 1


@publishes("poll.voted")
def _publish_voted(state: EventState, event: Event) -> list[tuple[str, dict]]:
    # Coalesced by the hub into ticks: a burst of ballots makes one push per topic.
    poll = state.polls.by_id[event.data["poll"]]
    room = poll.session
    results = {poll.id: poll.tally()}
    pushes = [(f"staff:{room}", {"room": room, "results": results, "coalesce": True}),
              (f"principal:{event.data['principal']}", {
                  "room": room, "mine": {poll.id: event.data["choices"]}, "coalesce": True})]
    if poll.counts_public:
        pushes.append((f"room:{room}", {"room": room, "results": results, "coalesce": True}))
    return pushes


# -- reading -----------------------------------------------------------------------------------

def polls_snapshot(state: EventState, session: str, actor: Actor | None,
                   staff: bool) -> dict[str, Any]:
    """The polls of ``session`` as ``actor`` may see them, newest first."""
    polls = [p for p in reversed(state.polls.of(session))
             if staff or p.status is not PollStatus.DRAFT]
    mine = {}
    if actor is not None:
        mine = {p.id: list(p.ballots[actor.id]) for p in polls if actor.id in p.ballots}
    return {"list": [p.view(staff) for p in polls], "shown": state.polls.shown.get(session),
            "mine": mine}
