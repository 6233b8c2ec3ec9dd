"""What a poll is: its kind, its texts per language, its audience, its ballots and counts.

Counts are kept as ballots arrive (a ballot changes a few numbers, whatever the
size of the hall), so that showing the results never walks the ballots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MAX_OPTIONS = 10
TOP_WORDS = 100  # words of a cloud that attendees get, most submitted first


class PollStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Kind(StrEnum):
    CHOICE = "choice"  # single or multiple choice
    RATING = "rating"  # a scale from 1 to 5 or 10
    RANKING = "ranking"  # order the options; Borda count
    WORDS = "words"  # a word cloud, moderated
    TEXT = "text"  # open answers, moderated
    QUIZ = "quiz"  # choice with correct answers revealed on close


class Audience(StrEnum):
    EVERYONE = "everyone"
    ONSITE = "onsite"  # checked in at the venue
    ONLINE = "online"  # not checked in: following from afar
    DELEGATES = "delegates"  # members of a delegation, one ballot each
    DELEGATION = "delegation"  # one ballot per delegation, the last one counts


class Verdict(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DISMISSED = "dismissed"


WITH_OPTIONS = frozenset({Kind.CHOICE, Kind.RANKING, Kind.QUIZ})
MODERATED = frozenset({Kind.WORDS, Kind.TEXT})


@dataclass(slots=True)
class Word:
    """One word of a cloud, however many people sent it (matched ignoring case and accents)."""

    key: str
    text: str  # as the first person wrote it
    count: int = 0
    status: Verdict = Verdict.PENDING
    filtered: bool = False  # caught by the Q&A word filter

    def view(self) -> dict[str, Any]:
        return {"key": self.key, "text": self.text, "count": self.count}

    def staff_view(self) -> dict[str, Any]:
        return {**self.view(), "status": self.status.value, "filtered": self.filtered}


@dataclass(slots=True)
class Entry:
    """One open answer."""

    id: str
    author: str
    name: str
    text: str
    language: str
    at: float
    status: Verdict = Verdict.PENDING
    filtered: bool = False

    def view(self) -> dict[str, Any]:
        """What the room sees of an approved answer: never who wrote it."""
        return {"id": self.id, "text": self.text, "language": self.language, "at": self.at}

    def staff_view(self) -> dict[str, Any]:
        return {**self.view(), "name": self.name, "status": self.status.value,
                "filtered": self.filtered}


@dataclass(slots=True)
class Poll:
    id: str
    session: str
    question: dict[str, str]  # per language
    options: list[dict[str, str]]  # each per language
    multiple: bool
    results: str  # "live": counts shown while open; "closed": only once closed
    created_at: float
    kind: Kind = Kind.CHOICE
    language: str = "en"  # the language it was written in first: the fallback
    scale: int = 0  # rating: 5 or 10
    correct: tuple[int, ...] = ()  # quiz
    audience: Audience = Audience.EVERYONE
    status: PollStatus = PollStatus.DRAFT
    opened_at: float | None = None
    closed_at: float | None = None
    # Voter (a principal, or a delegation for one ballot per delegation) -> ballot:
    # option indices (choice, quiz), (rating,), an order of options (ranking), word keys,
    # or answer ids (text).
    ballots: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    counts: list[int] = field(default_factory=list)  # per option; per rating; Borda points
    points: int = 0  # rating: the sum of the ratings
    names: dict[str, str] = field(default_factory=dict)  # voter -> shown name
    cast_by: dict[str, str] = field(default_factory=dict)  # delegation -> the delegate's name
    words: dict[str, Word] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    # The approved words or answers as attendees see them, kept until the next change:
    # a reconnecting hall asks for them ten thousand times in a few seconds.
    shown: tuple[int, list[dict[str, Any]]] | None = field(default=None, compare=False)
    changes: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if not self.counts:
            size = self.scale if self.kind is Kind.RATING else len(self.options)
            self.counts = [0] * size

    @property
    def counts_public(self) -> bool:
        return self.status is PollStatus.CLOSED or (
            self.status is PollStatus.OPEN and self.results == "live")

    @property
    def by_delegation(self) -> bool:
        return self.audience is Audience.DELEGATION

