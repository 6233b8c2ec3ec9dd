"""What each kind of poll takes as a ballot, and how a ballot moves its counts.

A ballot is checked here before anything is logged as voted, and counted in
O(options): a hall voting at once costs each process a few additions per vote.
"""

from __future__ import annotations

from typing import Any

from rencontre.engine.messages import N_, Refusal
from rencontre.engine.text import fold
from rencontre.rooms.poll_model import TOP_WORDS, Kind, Poll, PollStatus, Verdict

MAX_WORDS = 3  # words one person may add to a cloud
MAX_WORD = 40
MAX_ANSWERS = 3  # open answers one person may send to a poll
MAX_ANSWER = 280
MAX_CLOUD = 5000  # distinct words a cloud keeps: people changing words cannot grow it forever
SCALES = (5, 10)
# The field of ``poll.vote`` that holds each kind's ballot; the others are refused.
BALLOT_FIELD = {Kind.CHOICE: "choices", Kind.QUIZ: "choices", Kind.RATING: "rating",
                Kind.RANKING: "ranking", Kind.WORDS: "words", Kind.TEXT: "text"}


def word_key(text: str) -> str:
    """How words are matched: "Climat", "climat " and "CLIMAT" are one word of the cloud."""
    return " ".join(fold(text).split())


def ballot_of(poll: Poll, data: dict[str, Any], mine: int = 0) -> tuple[Any, ...]:
    """The ballot that ``data`` casts in ``poll``; empty takes the vote back.

    ``mine`` is how many open answers the voter has sent already. Raises
    ``poll.bad-choice`` for a ballot that does not fit the poll.
    """
    kind = poll.kind
    field = BALLOT_FIELD[kind]
    if any(name in data for name in set(BALLOT_FIELD.values()) - {field}):
        raise Refusal("poll.bad-choice", N_("This poll takes another kind of answer."))
    if kind in (Kind.CHOICE, Kind.QUIZ):
        return _choices(poll, data.get("choices") or [])
    if kind is Kind.RATING:
        rating = data.get("rating")
        if rating is None:
            return ()
        if not 1 <= rating <= poll.scale:
            raise Refusal("poll.bad-choice", N_("Choose a rating from 1 to {max}."),
                          max=poll.scale)
        return (rating,)
    if kind is Kind.RANKING:
        order = data.get("ranking") or []
        if order and sorted(order) != list(range(len(poll.options))):
            raise Refusal("poll.bad-choice", N_("Put every option in order, once each."))
        return tuple(order)
    if kind is Kind.WORDS:
        words = word_texts(data.get("words") or [])
        if len(poll.words) + sum(key not in poll.words for key in words) > MAX_CLOUD:
            raise Refusal("poll.too-many", N_("This word cloud is full: choose among its words."),
                          max=MAX_CLOUD)
        return tuple(words)
    text = data.get("text")
    if not text:
        raise Refusal("poll.bad-choice", N_("Write your answer first."))
    if mine >= MAX_ANSWERS:
        raise Refusal("poll.too-many", N_("You have sent {max} answers to this poll already."),
                      max=MAX_ANSWERS)
    return (text,)


def _choices(poll: Poll, choices: list[int]) -> tuple[int, ...]:
    if (len(set(choices)) != len(choices) or any(c >= len(poll.options) for c in choices)
            or (not poll.multiple and len(choices) > 1)):
        raise Refusal("poll.bad-choice", N_("Choose one of the poll’s options.")
                      if not poll.multiple else N_("Choose among the poll’s options, once each."))
    return tuple(sorted(choices))


def word_texts(words: list[str]) -> dict[str, str]:
    """The distinct words of a ballot by key, each as written (spaces tidied)."""
    if len(words) > MAX_WORDS or any(len(w) > MAX_WORD for w in words):
        raise Refusal("poll.bad-choice",
                      N_("Send up to {count} words of at most {max} characters."),
                      count=MAX_WORDS, max=MAX_WORD)
    texts = {}
    for word in words:
        key = word_key(word)
        if key and key not in texts:
            texts[key] = " ".join(word.split())
    return texts


def count(poll: Poll, ballot: tuple[Any, ...], sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) ``ballot`` from the counts of ``poll``."""
    kind = poll.kind
    if kind is Kind.RATING:
        for rating in ballot:
            poll.counts[rating - 1] += sign
            poll.points += sign * rating
    elif kind is Kind.RANKING:
        last = len(poll.options) - 1
        for place, option in enumerate(ballot):
            poll.counts[option] += sign * (last - place)
    elif kind is Kind.WORDS:
        for key in ballot:
            poll.words[key].count += sign
    elif kind is not Kind.TEXT:
        for choice in ballot:
            poll.counts[choice] += sign


def tally(poll: Poll) -> dict[str, Any]:
    """The figures that change with each ballot, as every screen shows them."""
    figures: dict[str, Any] = {"total": len(poll.ballots)}
    if poll.kind in (Kind.CHOICE, Kind.QUIZ, Kind.RANKING, Kind.RATING):
        figures["counts"] = list(poll.counts)
    if poll.kind is Kind.RATING:
        figures["average"] = round(poll.points / len(poll.ballots), 2) if poll.ballots else None
    return figures


def hidden_tally(poll: Poll) -> dict[str, Any]:
    """The same keys, all null: results kept for the end."""
    return dict.fromkeys(tally(poll), None)


def approved_words(poll: Poll) -> list[dict[str, Any]]:
    words = [w for w in poll.words.values() if w.status is Verdict.APPROVED and w.count > 0]
    words.sort(key=lambda w: (-w.count, w.key))
    return [w.view() for w in words[:TOP_WORDS]]


def approved_answers(poll: Poll) -> list[dict[str, Any]]:
    return [e.view() for e in reversed(poll.entries.values()) if e.status is Verdict.APPROVED]


def public_items(poll: Poll) -> list[dict[str, Any]]:
    """The approved words or answers, computed once per change of the poll."""
    if poll.shown is None or poll.shown[0] != poll.changes:
        items = approved_words(poll) if poll.kind is Kind.WORDS else approved_answers(poll)
        poll.shown = (poll.changes, items)
    return poll.shown[1]


def moderated_view(poll: Poll, staff: bool) -> dict[str, Any]:
    """The words or answers of a moderated poll: all of them for staff, the approved ones else."""
    if poll.kind is Kind.WORDS:
        if staff:
            return {"words": [w.staff_view() for w in sorted(
                poll.words.values(), key=lambda w: (-w.count, w.key))]}
        return {"words": public_items(poll)}
    if staff:
        return {"entries": [e.staff_view() for e in reversed(poll.entries.values())]}
    return {"entries": public_items(poll)}


def scores(polls: list[Poll]) -> dict[str, int]:
    """Points per principal over the closed quizzes of ``polls``: one per exact answer."""
    points: dict[str, int] = {}
    for poll in polls:
        if poll.kind is not Kind.QUIZ or poll.status is not PollStatus.CLOSED:
            continue
        for principal, ballot in poll.ballots.items():
            points[principal] = points.get(principal, 0) + (ballot == poll.correct)
    return points
