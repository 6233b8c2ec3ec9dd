"""Live Q&A in a session: ask, vote, moderate, answer, highlight on stage.

Rules that hold here, whatever the pages do: attendees never see other
people's pending or dismissed questions, nor who voted; a vote counts once
per principal (so once across all of an attendee's devices and across
processes, since votes apply in log order); a dismissed question keeps no
votes that count; nothing can be asked in a cancelled or ended session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from rencontre.engine.fields import Bool, Choice, Id, Text
from rencontre.engine.messages import N_, STAFF, Actor, Command, Decision, Event, Refusal, Role
from rencontre.engine.registry import applies, command, publishes
from rencontre.engine.text import fold
from rencontre.schedule.lookup import session_of
from rencontre.schedule.model import LANGUAGES, Status

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

ASKERS = frozenset({Role.ATTENDEE, Role.MODERATOR, Role.ORGANISER})
VOTERS = ASKERS
RATE_COUNT = 3
RATE_WINDOW = 60.0


class QuestionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DISMISSED = "dismissed"
    WITHDRAWN = "withdrawn"


@dataclass(slots=True)
class Question:
    id: str
    session: str
    author: str
    author_name: str | None  # None when asked anonymously
    text: str
    language: str
    asked_at: float
    status: QuestionStatus = QuestionStatus.PENDING
    original: str | None = None  # the asker's words, when a moderator edited them
    answered: bool = False
    pinned: bool = False
    reply: str | None = None
    filtered: bool = False  # held because of the word filter
    voters: set[str] = field(default_factory=set)

    @property
    def public(self) -> bool:
        return self.status is QuestionStatus.APPROVED

    @property
    def votes(self) -> int:
        return len(self.voters) if self.public else 0

    def public_view(self) -> dict[str, Any]:
        """What every attendee may see: no author id, no voters."""
        return {
            "id": self.id, "session": self.session, "text": self.text,
            "language": self.language, "author_name": self.author_name,
            "votes": self.votes, "answered": self.answered, "pinned": self.pinned,
            "reply": self.reply, "asked_at": self.asked_at, "edited": self.original is not None,
            "status": self.status.value,
        }

    def own_view(self) -> dict[str, Any]:
        return {**self.public_view(), "mine": True}

    def staff_view(self) -> dict[str, Any]:
        return {**self.public_view(), "author": self.author, "original": self.original,
                "filtered": self.filtered, "votes": len(self.voters)}


@dataclass(slots=True)
class QARoom:
    """The Q&A of one session."""

    session: str
    premoderation: bool = True
    anonymous: bool | None = None  # None: as the event says
    open_override: bool | None = None  # None: open while the session is live
    highlighted: str | None = None
    questions: dict[str, Question] = field(default_factory=dict)


@dataclass(slots=True)
class QA:
    """Q&A state of the whole event."""

    rooms: dict[str, QARoom] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    blocked: set[str] = field(default_factory=set)
    filters: dict[str, list[str]] = field(default_factory=dict)
    recent_asks: dict[str, list[float]] = field(default_factory=dict)

    def room(self, session: str) -> QARoom:
        room = self.rooms.get(session)
        if room is None:
            room = self.rooms[session] = QARoom(session)
        return room


def filtered(qa: QA, text: str, language: str) -> bool:
    words = set(fold(text).replace("\n", " ").split())
    folded = fold(text)
    for term in qa.filters.get(language, []) + qa.filters.get("*", []):
        term = fold(term)
        if (" " in term and term in folded) or term in words or any(
                w.strip(".,;:!?¿¡()\"'«»") == term for w in words):
            return True
    return False


def is_open(state: EventState, session_id: str) -> bool:
    session = state.programme.sessions.get(session_id)
    if session is None or session.status in (Status.CANCELLED, Status.ENDED):
        return False
    room = state.qa.rooms.get(session_id)
    override = room.open_override if room else None
    return override if override is not None else session.status is Status.LIVE


def anonymous_allowed(state: EventState, session_id: str) -> bool:
    room = state.qa.rooms.get(session_id)
    if room is not None and room.anonymous is not None:
        return room.anonymous
    event = state.programme.event
    return bool(event and event.anonymous_questions)


def _question(state: EventState, cmd: Command) -> Question:
    question = state.qa.questions.get(cmd.data["question"])
    if question is None:
        raise Refusal("qa.unknown", N_("No such question."))
    return question


def _changed(question: Question, change: str, was_public: bool, **updates: Any) -> Event:
    return Event("qa.question-changed", {"question": question.id, "change": change,
                                         "was_public": was_public, "updates": updates})


# -- attendees ---------------------------------------------------------------------------------

@command("qa.ask", roles=ASKERS, fields={
    "session": Id(), "text": Text(max=500),
    "anonymous": Bool(optional=True), "language": Choice(values=LANGUAGES, optional=True),
})
def ask(state: EventState, cmd: Command) -> Decision:
    """Ask a question in a session, named or anonymous, tagged with its language."""
    actor: Actor = cmd.actor  # type: ignore[assignment]
    session = session_of(state, cmd)
    session_id = session.id
    if session.status in (Status.CANCELLED, Status.ENDED):
        message = (N_("This session is cancelled: questions are closed.")
                   if session.status == Status.CANCELLED
                   else N_("This session has ended: questions are closed."))
        raise Refusal("qa.session-over", message, status=session.status.value)
    if not is_open(state, session_id):
        raise Refusal("qa.closed", N_("Questions are closed for this session."))
    if actor.id in state.qa.blocked:
        raise Refusal("qa.blocked", N_("You may not ask questions in this event."))
    anonymous = bool(cmd.data.get("anonymous"))
    if anonymous and not anonymous_allowed(state, session_id):
        raise Refusal("qa.anonymous-off", N_("Questions in this session must carry your name."))
    recent = [t for t in state.qa.recent_asks.get(actor.id, []) if t > cmd.at - RATE_WINDOW]
    if len(recent) >= RATE_COUNT:
        retry = max(1, int(recent[0] + RATE_WINDOW - cmd.at + 0.999))
        raise Refusal("qa.rate-limited",
                      N_("You have asked several questions just now; try again in {seconds} s."),
                      seconds=retry, retry_after=retry)
    language = cmd.data.get("language") or "en"
    held = filtered(state.qa, cmd.data["text"], language)
    room = state.qa.rooms.get(session_id)
    premoderation = room.premoderation if room else True
    status = QuestionStatus.PENDING if premoderation or held else QuestionStatus.APPROVED
    question_id = f"q{state.seq}"
    return Decision([Event("qa.asked", {
        "id": question_id, "session": session_id, "author": actor.id,
        "author_name": None if anonymous else actor.name, "text": cmd.data["text"],
        "language": language, "asked_at": cmd.at, "status": status.value, "filtered": held,
    })], {"id": question_id, "status": status.value})


@command("qa.vote", roles=VOTERS, fields={"question": Id(), "up": Bool()})
def vote(state: EventState, cmd: Command) -> Decision:
    """Upvote a question, or take the upvote back (``up: false``)."""
    question = _question(state, cmd)
    if not question.public:
        raise Refusal("qa.not-votable", N_("Only approved questions take votes."))
    actor_id = cmd.actor.id  # type: ignore[union-attr]
    up = cmd.data["up"]
    if (actor_id in question.voters) == up:
        return Decision([], {"question": question.id, "votes": question.votes, "up": up})
    return Decision([Event("qa.voted", {"question": question.id, "principal": actor_id,
                                        "up": up})],
                    {"question": question.id, "votes": question.votes + (1 if up else -1),
                     "up": up})


@command("qa.withdraw", roles=ASKERS, fields={"question": Id()})
def withdraw(state: EventState, cmd: Command) -> Decision:
    """Withdraw my own question."""
    question = _question(state, cmd)
    if question.author != cmd.actor.id:  # type: ignore[union-attr]
        raise Refusal("auth.forbidden", N_("Your role may not do this."))
    if question.status is QuestionStatus.WITHDRAWN:
        return Decision([], {"question": question.id})
    return Decision([_changed(question, "withdrawn", question.public,
                              status=QuestionStatus.WITHDRAWN.value)], {"question": question.id})


# -- moderators --------------------------------------------------------------------------------

def _moderate(change: str, **updates: Any):
    def handle(state: EventState, cmd: Command) -> Decision:
        question = _question(state, cmd)
        if question.status is QuestionStatus.WITHDRAWN:
            raise Refusal("qa.withdrawn", N_("The asker withdrew this question."))
        return Decision([_changed(question, change, question.public, **updates)],
                        {"question": question.id})
    return handle


QUESTION = {"question": Id()}
command("qa.approve", roles=STAFF, fields=QUESTION)(_moderate("approved", status="approved"))
command("qa.dismiss", roles=STAFF, fields=QUESTION)(_moderate("dismissed", status="dismissed"))
command("qa.restore", roles=STAFF, fields=QUESTION)(_moderate("restored", status="approved"))


@command("qa.answer", roles=STAFF, fields={**QUESTION, "answered": Bool()})
def answer(state: EventState, cmd: Command) -> Decision:
    """Mark a question answered (or not)."""
    return _moderate("answered", answered=cmd.data["answered"])(state, cmd)


@command("qa.pin", roles=STAFF, fields={**QUESTION, "pinned": Bool()})
def pin(state: EventState, cmd: Command) -> Decision:
    """Pin a question to the top of the list (or unpin it)."""
    return _moderate("pinned", pinned=cmd.data["pinned"])(state, cmd)


@command("qa.reply", roles=STAFF, fields={**QUESTION, "text": Text(min=0, max=1000)})
def reply(state: EventState, cmd: Command) -> Decision:
    """Write a short public reply under a question; empty text removes it."""
    return _moderate("replied", reply=cmd.data["text"] or None)(state, cmd)


@command("qa.edit", roles=STAFF, fields={**QUESTION, "text": Text(max=500)})
def edit(state: EventState, cmd: Command) -> Decision:
    """Fix a typo in a question; the asker's original words are kept."""
    question = _question(state, cmd)
    original = question.original if question.original is not None else question.text
    return _moderate("edited", text=cmd.data["text"], original=original)(state, cmd)


@command("qa.highlight", roles=STAFF, fields={"session": Id(), "question": Id(optional=True)})
def highlight(state: EventState, cmd: Command) -> Decision:
    """Show one approved question on the stage display; without ``question``, clear it."""
    session = session_of(state, cmd).id
    question_id = cmd.data.get("question")
    if question_id is not None:
        question = state.qa.questions.get(question_id)
        if question is None or question.session != session:
            raise Refusal("qa.unknown", N_("No such question."))
        if not question.public:
            raise Refusal("qa.not-approved", N_("Approve the question before showing it."))
    return Decision([Event("qa.highlighted", {"session": session, "question": question_id})],
                    {"question": question_id})


@command("qa.settings", roles=STAFF, fields={
    "session": Id(), "open": Choice(values=("auto", "open", "closed"), optional=True),
    "premoderation": Bool(optional=True), "anonymous": Bool(optional=True),
})
def settings(state: EventState, cmd: Command) -> Decision:
    """Open or close a session's Q&A (``auto`` follows the session), pre-moderation, anonymity."""
    session_of(state, cmd)
    return Decision([Event("qa.settings-changed", dict(cmd.data))], dict(cmd.data))


@command("qa.block", roles=STAFF, fields={"principal": Id(), "blocked": Bool()})
def block(state: EventState, cmd: Command) -> Decision:
    """Stop (or allow again) an attendee asking questions anywhere in this event."""
    principal = state.access.principals.get(cmd.data["principal"])
    if principal is None:
        raise Refusal("access.unknown", N_("No such principal."))
    return Decision([Event("qa.block-changed", dict(cmd.data))], dict(cmd.data))


@command("qa.filter", roles=STAFF, fields={
    "language": Choice(values=(*LANGUAGES, "*")), "words": Text(min=0, max=5000),
})
def word_filter(state: EventState, cmd: Command) -> Decision:
    """Set the words (comma-separated) that send a question to the queue, per language."""
    words = sorted({w.strip() for w in cmd.data["words"].split(",") if w.strip()})
    return Decision([Event("qa.filter-set", {"language": cmd.data["language"], "words": words})],
                    {"language": cmd.data["language"], "words": words})


# -- applying and publishing -------------------------------------------------------------------

@applies("qa.asked")
def _asked(state: EventState, event: Event) -> None:
    data = dict(event.data)
    question = Question(**{**data, "status": QuestionStatus(data["status"])})
    state.qa.questions[question.id] = question
    state.qa.room(question.session).questions[question.id] = question
    recent = state.qa.recent_asks.setdefault(question.author, [])
    recent.append(question.asked_at)
    del recent[:-RATE_COUNT]


def _question_pushes(question: Question, was_public: bool) -> list[tuple[str, dict]]:
    room = question.session
    pushes = [(f"staff:{room}", {"room": room, "question": question.staff_view()}),
              (f"principal:{question.author}", {"room": room, "question": question.own_view()})]
    if question.public or was_public:
        pushes.append((f"room:{room}", {"room": room, "question": question.public_view()}))
    return pushes


@publishes("qa.asked")
def _publish_asked(state: EventState, event: Event) -> list[tuple[str, dict]]:
    return _question_pushes(state.qa.questions[event.data["id"]], False)


@applies("qa.question-changed")
def _question_changed(state: EventState, event: Event) -> None:
    question = state.qa.questions[event.data["question"]]
    for name, value in event.data["updates"].items():
        setattr(question, name, QuestionStatus(value) if name == "status" else value)
    room = state.qa.room(question.session)
    if room.highlighted == question.id and not question.public:
        room.highlighted = None


@publishes("qa.question-changed")
def _publish_changed(state: EventState, event: Event) -> list[tuple[str, dict]]:
    question = state.qa.questions[event.data["question"]]
    return _question_pushes(question, event.data["was_public"])


@applies("qa.voted")
def _voted(state: EventState, event: Event) -> None:
    voters = state.qa.questions[event.data["question"]].voters
    if event.data["up"]:
        voters.add(event.data["principal"])
    else:
        voters.discard(event.data["principal"])


@publishes("qa.voted")
def _publish_voted(state: EventState, event: Event) -> list[tuple[str, dict]]:
    # Coalesced by the hub into ticks: several votes make one push per topic.
    question = state.qa.questions[event.data["question"]]
    room = question.session
    votes = {question.id: question.votes}
    return [
        (f"room:{room}", {"room": room, "votes": votes, "coalesce": True}),
        (f"principal:{event.data['principal']}", {
            "room": room, "votes": votes, "mine": {question.id: event.data["up"]},
            "coalesce": True}),
    ]


@applies("qa.highlighted")
def _highlighted(state: EventState, event: Event) -> None:
    state.qa.room(event.data["session"]).highlighted = event.data["question"]


@publishes("qa.highlighted")
def _publish_highlighted(state: EventState, event: Event) -> list[tuple[str, dict]]:
    question_id = event.data["question"]
    view = state.qa.questions[question_id].public_view() if question_id else None
    return [(f"room:{event.data['session']}", {"room": event.data["session"], "question": view})]


@applies("qa.settings-changed")
def _settings_changed(state: EventState, event: Event) -> None:
    room = state.qa.room(event.data["session"])
    if "open" in event.data:
        room.open_override = {"auto": None, "open": True, "closed": False}[event.data["open"]]
    if "premoderation" in event.data:
        room.premoderation = event.data["premoderation"]
    if "anonymous" in event.data:
        room.anonymous = event.data["anonymous"]


@publishes("qa.settings-changed")
def _publish_settings(state: EventState, event: Event) -> list[tuple[str, dict]]:
    session = event.data["session"]
    return [(f"room:{session}", {"room": session, "settings": room_settings(state, session)})]


@applies("qa.block-changed")
def _block_changed(state: EventState, event: Event) -> None:
    if event.data["blocked"]:
        state.qa.blocked.add(event.data["principal"])
    else:
        state.qa.blocked.discard(event.data["principal"])


@publishes("qa.block-changed")
def _publish_block(state: EventState, event: Event) -> list[tuple[str, dict]]:
    payload = {"principal": event.data["principal"], "blocked": event.data["blocked"]}
    return [("role:moderator", payload), ("role:organiser", payload)]


@applies("qa.filter-set")
def _filter_set(state: EventState, event: Event) -> None:
    state.qa.filters[event.data["language"]] = event.data["words"]


# -- reading -----------------------------------------------------------------------------------

def room_settings(state: EventState, session: str) -> dict[str, Any]:
    room = state.qa.rooms.get(session)
    override = room.open_override if room else None
    return {
        "open": is_open(state, session),
        "mode": {None: "auto", True: "open", False: "closed"}[override],
        "premoderation": room.premoderation if room else True,
        "anonymous": anonymous_allowed(state, session),
    }


def ranked(questions: list[Question]) -> list[Question]:
    """Pinned first, then unanswered before answered, then most votes, then oldest."""
    return sorted(questions, key=lambda q: (not q.pinned, q.answered, -q.votes, q.asked_at))


def qa_snapshot(state: EventState, session: str, actor: Actor | None) -> dict[str, Any]:
    """The Q&A of ``session`` as ``actor`` may see it."""
    room = state.qa.rooms.get(session)
    questions = list(room.questions.values()) if room else []
    highlighted = room.highlighted if room else None
    snapshot: dict[str, Any] = {
        "settings": room_settings(state, session),
        "questions": [q.public_view() for q in ranked([q for q in questions if q.public])],
        "highlighted": state.qa.questions[highlighted].public_view() if highlighted else None,
        "mine": [], "my_votes": [],
    }
    if actor is not None:
        snapshot["mine"] = [q.own_view() for q in questions if q.author == actor.id]
        snapshot["my_votes"] = [q.id for q in questions if actor.id in q.voters and q.public]
        if actor.role in STAFF:
            snapshot["queue"] = [q.staff_view() for q in questions]
            snapshot["blocked"] = sorted(state.qa.blocked)
            snapshot["filters"] = state.qa.filters
    return snapshot
