"""Who may vote in a poll, and as whom: a person, or their delegation.

A poll is for everyone, for the people on site (checked in at the venue, per the
attendance ledger), for the people following online (not checked in), for
delegates, or takes one ballot per delegation. Refusals say why, in the
voter's language (the gateway translates them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rencontre.engine.messages import N_, STAFF, Actor, Refusal
from rencontre.rooms.poll_model import Audience, Kind, Poll

if TYPE_CHECKING:
    from rencontre.engine.state import EventState


def check_fits(kind: Kind, audience: Audience) -> None:
    """Refuse an audience that a kind of poll cannot have."""


def on_site(state: EventState, principal: str) -> bool:
    """Whether the person of ``principal`` has checked in at the venue."""
    registration = state.attendance.by_principal.get(principal)
    return registration is not None and registration in state.attendance.checkins


def voter(state: EventState, poll: Poll, actor: Actor) -> tuple[str, str]:
    """Who ``actor``'s ballot counts for in ``poll`` and the name shown for it; refuses
    anyone outside the poll's audience. Staff vote only in polls for everyone."""
    audience = poll.audience
    if audience is Audience.EVERYONE:
        return actor.id, actor.name
    if actor.role in STAFF:
        raise _outside(N_("This poll is for attendees only."))
    here = on_site(state, actor.id)
    if audience is Audience.ONSITE and not here:
        raise _outside(N_("This poll is for the people in the room: check in at the "
                          "venue to vote."))
    if audience is Audience.ONLINE and here:
        raise _outside(N_("This poll is for the people following online; you are "
                          "checked in on site."))
    return actor.id, actor.name


def _outside(message: str) -> Refusal:
    return Refusal("poll.not-in-audience", message)


def voter_key(state: EventState, poll: Poll, principal: str) -> str | None:
    """Whose ballot ``principal`` sees as theirs in ``poll``."""
    return principal


def sharing(state: EventState, poll: Poll, voted: dict[str, Any]) -> list[str]:
    """The principals whose pages show the ballot just cast as their own."""
    return [voted["principal"]]


def standing(state: EventState, actor: Actor | None) -> dict[str, Any]:
    """What a page needs to tell its viewer which polls they may vote in."""
    return {"on_site": actor is not None and on_site(state, actor.id)}
