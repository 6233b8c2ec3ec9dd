"""Live polls in a session: prepare, open, vote, moderate, show the results on stage, close.

Rules that hold here, whatever the pages do: one ballot per voter and poll
(voting again replaces it, so an attendee's phone and laptop share one ballot,
across processes too, since ballots apply in log order; a voter is a person, or
a delegation when the poll takes one ballot per delegation); no vote outside an
open poll nor outside its audience; nobody but the voter learns who chose
what; attendees see no counts of a poll that keeps its results for the end
until it closes, no quiz answer before it closes, and no word or open answer
before a moderator approves it; a room has at most one open poll.

Poll texts are kept per language (``{"fr": ..., "es": ..., "en": ...}``) and
sent whole: every screen picks its own language, so one frame serves them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rencontre.engine.fields import Bool, Choice, Id, Int, IntList, Text, TextList, Texts, TextsList
from rencontre.engine.messages import N_, STAFF, Actor, Command, Decision, Event, Refusal, Role
from rencontre.engine.registry import applies, command, publishes
from rencontre.rooms import poll_audience as audiences
from rencontre.rooms import poll_kinds as kinds
from rencontre.rooms.poll_model import (
    MAX_OPTIONS, MODERATED, WITH_OPTIONS, Audience, Entry, Kind, Poll, PollStatus, Verdict, Word,
)
from rencontre.rooms.qa import filtered
from rencontre.schedule.lookup import session_of
from rencontre.schedule.model import LANGUAGES

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

__all__ = ["Kind", "Poll", "PollStatus", "Polls", "poll_view", "polls_snapshot"]

VOTERS = frozenset({Role.ATTENDEE, Role.MODERATOR, Role.ORGANISER})
LEADERBOARD = 10


@dataclass(slots=True)
class Polls:
    """The polls of the whole event, which one each room shows on stage, the quiz scores."""

    by_id: dict[str, Poll] = field(default_factory=dict)
    by_session: dict[str, list[str]] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)  # session -> poll id
    # session -> principal -> points over its closed quizzes, and the names to show.
    scores: dict[str, dict[str, int]] = field(default_factory=dict)
    nicknames: dict[str, str] = field(default_factory=dict)

    def of(self, session: str) -> list[Poll]:
        return [self.by_id[p] for p in self.by_session.get(session, ())]


def _poll(state: EventState, cmd: Command) -> Poll:
    poll = state.polls.by_id.get(cmd.data["poll"])
    if poll is None:
        raise Refusal("poll.unknown", N_("No such poll."))
    return poll


def _changed(poll: Poll, at: float, **updates: Any) -> Event:
    return Event("poll.changed", {"poll": poll.id, "at": at, **updates})


def _texts(value: str | dict[str, str], language: str) -> dict[str, str]:
    return {language: value} if isinstance(value, str) else value


# -- staff -------------------------------------------------------------------------------------

@command("poll.create", roles=STAFF, fields={
    "session": Id(), "kind": Choice(values=tuple(Kind), optional=True),
    "question": Texts(max=300), "language": Choice(values=LANGUAGES, optional=True),
    "options": TextsList(max_items=MAX_OPTIONS, max=120, optional=True),
    "multiple": Bool(optional=True), "results": Choice(values=("live", "closed"), optional=True),
    "scale": Int(min=5, max=10, optional=True), "correct": IntList(
        max_items=MAX_OPTIONS, max=MAX_OPTIONS - 1, optional=True),
    "audience": Choice(values=tuple(Audience), optional=True),
})
def create(state: EventState, cmd: Command) -> Decision:
    """Prepare a poll in a session; attendees see it once it opens."""
    data = cmd.data
    session = session_of(state, cmd).id
    kind = Kind(data.get("kind", Kind.CHOICE))
    question = data["question"]
    language = data.get("language") or (next(iter(question)) if isinstance(question, dict)
                                        else "en")
    options = [_texts(option, language) for option in data.get("options") or []]
    if kind in WITH_OPTIONS and len(options) < 2:
        raise Refusal("request.invalid",
                      N_("Field “{field}” must be a list of {min} to {max} texts."),
                      field="options", min=2, max=MAX_OPTIONS)
    if kind not in WITH_OPTIONS:
        options = []
    scale = data.get("scale", 5) if kind is Kind.RATING else 0
    if scale not in (0, *kinds.SCALES):
        raise Refusal("poll.bad-scale", N_("A rating scale goes from 1 to 5 or from 1 to 10."))
    correct = sorted(set(data.get("correct") or []))
    multiple = bool(data.get("multiple")) and kind in (Kind.CHOICE, Kind.QUIZ)
    if kind is Kind.QUIZ and (not correct or correct[-1] >= len(options)
                              or (len(correct) > 1 and not multiple)):
        raise Refusal("poll.bad-answer", N_("Mark which answer is correct (one, unless several "
                                            "answers are allowed)."))
    audience = Audience(data.get("audience", Audience.EVERYONE))
    audiences.check_fits(kind, audience)
    poll_id = f"p{state.seq}"
    return Decision([Event("poll.created", {
        "id": poll_id, "session": session, "kind": kind.value,
        "question": _texts(question, language), "language": language, "options": options,
        "multiple": multiple, "results": data.get("results", "closed" if kind is Kind.QUIZ
                                                  else "live"),
        "scale": scale, "correct": correct if kind is Kind.QUIZ else [],
        "audience": audience.value, "created_at": cmd.at,
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
    """Stop the votes; the final counts (and a quiz's answer) go to every screen of the room."""
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


@command("poll.moderate", roles=STAFF, fields={
    "poll": Id(), "entry": Text(max=80, optional=True),
    "verdict": Choice(values=("approve", "dismiss")),
})
def moderate(state: EventState, cmd: Command) -> Decision:
    """Approve or dismiss a word of a cloud or an open answer; without ``entry``,
    approve every waiting one that the word filter did not catch."""
    poll = _poll(state, cmd)
    if poll.kind not in MODERATED:
        raise Refusal("poll.not-moderated", N_("This poll has nothing to moderate."))
    verdict = Verdict.APPROVED if cmd.data["verdict"] == "approve" else Verdict.DISMISSED
    items: dict[str, Word] | dict[str, Entry] = (
        poll.words if poll.kind is Kind.WORDS else poll.entries)
    key = cmd.data.get("entry")
    if key is None:
        if verdict is not Verdict.APPROVED:
            raise Refusal("request.missing", N_("Field “{field}” is required."), field="entry")
        keys = [k for k, item in items.items()
                if item.status is Verdict.PENDING and not item.filtered]
    elif key not in items:
        raise Refusal("poll.unknown-entry", N_("No such answer in this poll."))
    else:
        keys = [key] if items[key].status is not verdict else []
    if not keys:
        return Decision([], {"poll": poll.id, "entries": []})
    return Decision([Event("poll.moderated", {"poll": poll.id, "entries": keys,
                                              "verdict": verdict.value})],
                    {"poll": poll.id, "entries": keys})


# -- voters ------------------------------------------------------------------------------------

@command("poll.vote", roles=VOTERS, fields={
    "poll": Id(), "choices": IntList(max_items=MAX_OPTIONS, max=MAX_OPTIONS - 1, optional=True),
    "rating": Int(min=1, max=10, optional=True),
    "ranking": IntList(max_items=MAX_OPTIONS, max=MAX_OPTIONS - 1, optional=True),
    "words": TextList(min_items=0, max_items=kinds.MAX_WORDS, max=kinds.MAX_WORD,
                      optional=True),
    "text": Text(max=kinds.MAX_ANSWER, optional=True),
    "language": Choice(values=LANGUAGES, optional=True),
})
def vote(state: EventState, cmd: Command) -> Decision:
    """Vote, vote again (the new ballot replaces the old), or take the vote back (an empty
    ballot); in an open-answer poll, send one more answer."""
    poll = _poll(state, cmd)
    if poll.status is not PollStatus.OPEN:
        raise Refusal("poll.not-open", N_("This poll is not open."))
    actor: Actor = cmd.actor  # type: ignore[assignment]
    voter, name = audiences.voter(state, poll, actor)
    language = cmd.data.get("language") or poll.language
    previous = poll.ballots.get(voter, ())
    ballot = kinds.ballot_of(poll, cmd.data, mine=len(previous))
    if poll.kind is Kind.TEXT:
        entry_id = f"{poll.id}-{state.seq}"
        return Decision([Event("poll.answered", {
            "poll": poll.id, "principal": actor.id, "name": actor.name, "entry": {
                "id": entry_id, "text": ballot[0], "language": language, "at": cmd.at,
                "filtered": filtered(state.qa, ballot[0], language)}})],
            {"poll": poll.id, "entry": entry_id, "status": Verdict.PENDING.value})
    new_words = {}
    if poll.kind is Kind.WORDS:
        texts = kinds.word_texts(cmd.data.get("words") or [])
        new_words = {key: {"text": text, "filtered": filtered(state.qa, text, language)}
                     for key, text in texts.items() if key not in poll.words}
    result = {"poll": poll.id, "ballot": list(ballot)}
    if previous == ballot:
        return Decision([], result)
    return Decision([Event("poll.voted", {
        "poll": poll.id, "voter": voter, "principal": actor.id, "name": name,
        "by": actor.name, "ballot": list(ballot), "previous": list(previous),
        "new_words": new_words})], result)


# -- applying and publishing -------------------------------------------------------------------

@applies("poll.created")
def _created(state: EventState, event: Event) -> None:
    data = event.data
    poll = Poll(**{**data, "kind": Kind(data["kind"]), "audience": Audience(data["audience"]),
                   "correct": tuple(data["correct"])})
    state.polls.by_id[poll.id] = poll
    state.polls.by_session.setdefault(poll.session, []).append(poll.id)


@publishes("poll.created")
def _publish_created(state: EventState, event: Event) -> list[tuple[str, dict]]:
    poll = state.polls.by_id[event.data["id"]]
    return [(f"staff:{poll.session}", {"room": poll.session, "poll": poll_view(state, poll, True)})]


@applies("poll.changed")
def _poll_changed(state: EventState, event: Event) -> None:
    poll = state.polls.by_id[event.data["poll"]]
    poll.status = PollStatus(event.data["status"])
    if poll.status is PollStatus.OPEN:
        poll.opened_at = event.data["at"]
    else:
        poll.closed_at = event.data["at"]
    if poll.kind is Kind.QUIZ:
        # Once per quiz that opens or closes, never per ballot.
        state.polls.scores[poll.session] = kinds.scores(state.polls.of(poll.session))


@publishes("poll.changed")
def _publish_changed(state: EventState, event: Event) -> list[tuple[str, dict]]:
    poll = state.polls.by_id[event.data["poll"]]
    room = poll.session
    extra = {"leaderboard": leaderboard(state, room)} if poll.kind is Kind.QUIZ else {}
    return [(f"room:{room}", {"room": room, "poll": poll_view(state, poll, False), **extra}),
            (f"staff:{room}", {"room": room, "poll": poll_view(state, poll, True), **extra})]


@applies("poll.shown")
def _shown(state: EventState, event: Event) -> None:
    if event.data["poll"] is None:
        state.polls.shown.pop(event.data["session"], None)
    else:
        state.polls.shown[event.data["session"]] = event.data["poll"]


@publishes("poll.shown")
def _publish_shown(state: EventState, event: Event) -> list[tuple[str, dict]]:
    room, poll_id = event.data["session"], event.data["poll"]
    view = poll_view(state, state.polls.by_id[poll_id], False) if poll_id else None
    return [(f"room:{room}", {"room": room, "poll": view})]


@applies("poll.voted")
def _voted(state: EventState, event: Event) -> None:
    data = event.data
    poll = state.polls.by_id[data["poll"]]
    voter = data["voter"]
    for key, word in data["new_words"].items():
        poll.words[key] = Word(key, word["text"], filtered=word["filtered"])
    poll.changes += 1
    kinds.count(poll, poll.ballots.pop(voter, ()), -1)
    poll.cast_by.pop(voter, None)
    if data["ballot"]:
        ballot = tuple(data["ballot"])
        poll.ballots[voter] = ballot
        kinds.count(poll, ballot, 1)
        poll.names[voter] = data["name"]
        if poll.by_delegation:
            poll.cast_by[voter] = data["by"]
    if poll.kind is Kind.QUIZ:
        state.polls.nicknames[data["principal"]] = data["name"]


@publishes("poll.voted")
def _publish_voted(state: EventState, event: Event) -> list[tuple[str, dict]]:
    # Coalesced by the hub into ticks: a burst of ballots makes one push per topic. Every
    # key below holds an absolute value (a count, a word's count), so merging keeps the last.
    data = event.data
    poll = state.polls.by_id[data["poll"]]
    room = poll.session
    results = {poll.id: kinds.tally(poll)}
    staff: dict[str, Any] = {"room": room, "results": results, "coalesce": True}
    public: dict[str, Any] = {"room": room, "results": results, "coalesce": True}
    if poll.kind is Kind.WORDS:
        words = [poll.words[key] for key in {*data["previous"], *data["ballot"]}]
        staff["cloud"] = {f"{poll.id}/{w.key}": w.staff_view() for w in words}
        public["cloud"] = {f"{poll.id}/{w.key}": w.view() for w in words
                           if w.status is Verdict.APPROVED}
    if poll.by_delegation:
        staff["delegations"] = public["delegations"] = {
            poll.id: audiences.delegation_results(state, poll)}
    pushes = [(f"staff:{room}", staff)]
    if poll.counts_public:
        pushes.append((f"room:{room}", public))
    mine = {"room": room, "mine": {poll.id: my_ballot(poll, data["voter"])}, "coalesce": True}
    if poll.by_delegation:
        mine["cast_by"] = {poll.id: poll.cast_by.get(data["voter"])}
    pushes.extend((f"principal:{p}", mine) for p in audiences.sharing(state, poll, data))
    return pushes


def _publish_turnout(state: EventState, event: Event) -> list[tuple[str, dict]]:
    """Who is present changed (a check-in or check-out, a door scan, a page following a
    session online): the turnout of every open delegation poll, as a ``poll.voted``
    without a ballot, coalesced with the ballots' pushes."""
    pushes: list[tuple[str, dict]] = []
    for poll in state.polls.by_id.values():
        if poll.status is not PollStatus.OPEN or not poll.by_delegation:
            continue
        delegations = {poll.id: audiences.delegation_results(state, poll)}
        topics = [f"staff:{poll.session}"]
        if poll.counts_public:
            topics.append(f"room:{poll.session}")
        pushes.extend((topic, {"type": "poll.voted", "room": poll.session,
                               "delegations": delegations, "coalesce": True})
                      for topic in topics)
    return pushes


for _presence in ("checkin.recorded", "checkin.undone", "door.moved", "occupancy.changed"):
    publishes(_presence)(_publish_turnout)


@applies("poll.answered")
def _answered(state: EventState, event: Event) -> None:
    data = event.data
    poll = state.polls.by_id[data["poll"]]
    entry = Entry(author=data["principal"], name=data["name"], **data["entry"])
    poll.entries[entry.id] = entry
    poll.changes += 1
    poll.ballots[data["principal"]] = (*poll.ballots.get(data["principal"], ()), entry.id)


@publishes("poll.answered")
def _publish_answered(state: EventState, event: Event) -> list[tuple[str, dict]]:
    data = event.data
    poll = state.polls.by_id[data["poll"]]
    room = poll.session
    entry = poll.entries[data["entry"]["id"]]
    results = {poll.id: kinds.tally(poll)}
    pushes = [(f"staff:{room}", {"room": room, "results": results, "coalesce": True,
                                 "answers": {f"{poll.id}/{entry.id}": entry.staff_view()}}),
              (f"principal:{data['principal']}", {
                  "room": room, "mine": {poll.id: my_ballot(poll, data["principal"])},
                  "coalesce": True})]
    if poll.counts_public:
        pushes.append((f"room:{room}", {"room": room, "results": results, "coalesce": True}))
    return pushes


@applies("poll.moderated")
def _moderated(state: EventState, event: Event) -> None:
    poll = state.polls.by_id[event.data["poll"]]
    items = poll.words if poll.kind is Kind.WORDS else poll.entries
    for key in event.data["entries"]:
        items[key].status = Verdict(event.data["verdict"])
    poll.changes += 1


@publishes("poll.moderated")
def _publish_moderated(state: EventState, event: Event) -> list[tuple[str, dict]]:
    poll = state.polls.by_id[event.data["poll"]]
    room = poll.session
    name = "words" if poll.kind is Kind.WORDS else "entries"
    items = [(poll.words if poll.kind is Kind.WORDS else poll.entries)[key]
             for key in event.data["entries"]]
    approved = event.data["verdict"] == Verdict.APPROVED.value
    base = {"room": room, "poll": poll.id, "verdict": event.data["verdict"]}
    pushes = [(f"staff:{room}", {**base, name: [item.staff_view() for item in items]})]
    if poll.counts_public:
        # A dismissed item leaves every screen; attendees never learn what waited.
        pushes.append((f"room:{room}", {**base, name: [item.view() for item in items]
                                        if approved else [],
                                        "removed": [] if approved else event.data["entries"]}))
    if poll.kind is Kind.TEXT:
        for author in {item.author for item in items}:  # type: ignore[union-attr]
            pushes.append((f"principal:{author}", {
                "room": room, "poll": poll.id, "mine": {poll.id: my_ballot(poll, author)}}))
    return pushes


# -- reading -----------------------------------------------------------------------------------

def poll_view(state: EventState, poll: Poll, staff: bool) -> dict[str, Any]:
    """The poll as attendees (or staff) may see it: counts, never ballots."""
    shown = staff or poll.counts_public
    view = {
        "id": poll.id, "session": poll.session, "kind": poll.kind.value,
        "question": poll.question, "options": poll.options, "language": poll.language,
        "multiple": poll.multiple, "scale": poll.scale, "audience": poll.audience.value,
        "results": poll.results, "status": poll.status.value, "opened_at": poll.opened_at,
        "closed_at": poll.closed_at, "staff": staff,
        "correct": list(poll.correct) if poll.kind is Kind.QUIZ and (
            staff or poll.status is PollStatus.CLOSED) else None,
        **(kinds.tally(poll) if shown else kinds.hidden_tally(poll)),
    }
    if poll.kind in MODERATED:
        view.update(kinds.moderated_view(poll, staff) if shown
                    else {"words" if poll.kind is Kind.WORDS else "entries": None})
    if poll.by_delegation:
        view["delegations"] = audiences.delegation_results(state, poll) if shown else None
    return view


def my_ballot(poll: Poll, voter: str) -> Any:
    """A voter's own ballot as their pages show it."""
    ballot = poll.ballots.get(voter, ())
    if poll.kind is Kind.WORDS:
        return [poll.words[key].text for key in ballot]
    if poll.kind is Kind.TEXT:
        return [{"id": e.id, "text": e.text, "status": e.status.value}
                for e in (poll.entries[i] for i in ballot)]
    return list(ballot)


def leaderboard(state: EventState, session: str) -> list[dict[str, Any]]:
    """The best quiz scores of a session, by nickname; never a principal's id."""
    scores = state.polls.scores.get(session, {})
    names = state.polls.nicknames
    best = sorted(((points, names.get(p, "")) for p, points in scores.items() if points > 0),
                  key=lambda item: (-item[0], item[1].casefold()))
    return [{"name": name, "score": points} for points, name in best[:LEADERBOARD]]


def polls_snapshot(state: EventState, session: str, actor: Actor | None,
                   staff: bool) -> dict[str, Any]:
    """The polls of ``session`` as ``actor`` may see them, newest first."""
    polls = [p for p in reversed(state.polls.of(session))
             if staff or p.status is not PollStatus.DRAFT]
    mine, cast_by = {}, {}
    if actor is not None:
        for poll in polls:
            voter = audiences.voter_key(state, poll, actor.id)
            if voter is not None and voter in poll.ballots:
                mine[poll.id] = my_ballot(poll, voter)
                if poll.by_delegation:
                    cast_by[poll.id] = poll.cast_by.get(voter)
    snapshot = {"list": [poll_view(state, p, staff) for p in polls],
                "shown": state.polls.shown.get(session), "mine": mine, "cast_by": cast_by,
                "me": audiences.standing(state, actor)}
    if any(p.kind is Kind.QUIZ for p in polls):
        snapshot["leaderboard"] = leaderboard(state, session)
        snapshot["my_score"] = (state.polls.scores.get(session, {}).get(actor.id, 0)
                                if actor else 0)
    return snapshot
