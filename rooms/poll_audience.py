"""Who may vote in a poll, and as whom: a person, or their delegation.

A poll is for everyone, for the people on site (checked in at the venue, per the
attendance ledger), for the people following online (not checked in), for
delegates, or takes one ballot per delegation: any of its delegates casts it,
the last one counts, and every delegate of it sees it as theirs. Refusals say
why, in the voter's language (the gateway translates them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rencontre.cities.delegations import Delegation, delegation_of
from rencontre.engine.messages import N_, STAFF, Actor, Refusal
from rencontre.engine.text import fold
from rencontre.rooms.poll_model import Audience, Kind, Poll

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

# One ballot per delegation suits decisions; words and answers belong to people.
BY_DELEGATION = frozenset({Kind.CHOICE, Kind.RATING, Kind.RANKING})


def check_fits(kind: Kind, audience: Audience) -> None:
    """Refuse an audience that a kind of poll cannot have."""
    if audience is Audience.DELEGATION and kind not in BY_DELEGATION:
        raise Refusal("poll.bad-audience", N_("Only choice, rating and ranking polls take one "
                                              "ballot per delegation."))


def on_site(state: EventState, principal: str) -> bool:
    """Whether the person of ``principal`` is at the venue: checked in, and not checked
    out since (their last door scan is not a check-out)."""
    return at_venue(state, state.attendance.by_principal.get(principal))


def at_venue(state: EventState, registration: str | None) -> bool:
    attendance = state.attendance
    if registration is None or registration not in attendance.checkins:
        return False
    moves = attendance.moves.get(registration)
    return not (moves and moves[-1].kind == "out" and moves[-1].session is None)


def voter(state: EventState, poll: Poll, actor: Actor) -> tuple[str, str]:
    """Who ``actor``'s ballot counts for in ``poll`` and the name shown for it; refuses
    anyone outside the poll's audience. Staff vote only in polls for everyone."""
    audience = poll.audience
    if audience is Audience.EVERYONE:
        return actor.id, actor.name
    if actor.role in STAFF:
        raise _outside(N_("This poll is for attendees only."))
    if audience in (Audience.DELEGATES, Audience.DELEGATION):
        delegation = delegation_of(state, actor.id)
        if delegation is None:
            raise _outside(N_("This poll is for the delegates of member cities."))
        if audience is Audience.DELEGATION:
            return delegation.id, delegation.name
        return actor.id, actor.name
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
    if not poll.by_delegation:
        return principal
    delegation = delegation_of(state, principal)
    return delegation.id if delegation is not None else None


def delegates(state: EventState, delegation: Delegation) -> list[str]:
    """The principals (personal links) of a delegation's members."""
    registrations = state.attendance.registrations
    return [registrations[r].principal for r in delegation.members  # type: ignore[misc]
            if r in registrations and registrations[r].principal]


def sharing(state: EventState, poll: Poll, voted: dict[str, Any]) -> list[str]:
    """The principals whose pages show the ballot just cast as their own."""
    delegation = state.delegations.by_id.get(voted["voter"]) if poll.by_delegation else None
    if delegation is None:
        return [voted["principal"]]
    return delegates(state, delegation)


def present(state: EventState, delegation: Delegation, session: str) -> bool:
    """A delegation is present when one of its delegates is at the venue or follows
    ``session`` online now."""
    watching = state.attendance.watching.get(session, set())
    registrations = state.attendance.registrations
    return any(at_venue(state, r) or (r in registrations and registrations[r].principal in watching)
               for r in delegation.members)


def delegation_results(state: EventState, poll: Poll) -> dict[str, Any]:
    """Which delegations voted what, and the turnout: delegations voted / present.

    Walks the delegations (a few dozen), never the people: each ballot of a
    delegation poll costs that much, and a delegation votes once or twice.
    """
    delegations = state.delegations.by_id
    voted = sorted(({"id": d, "name": poll.names.get(d, ""),
                     "country": delegations[d].country if d in delegations else "",
                     "ballot": list(ballot)} for d, ballot in poll.ballots.items()),
                   key=lambda item: fold(item["name"]))
    here = sum(1 for d in delegations.values() if present(state, d, poll.session))
    return {"voted": voted, "turnout": {"voted": len(poll.ballots),
                                        "present": max(here, len(poll.ballots))}}


def standing(state: EventState, actor: Actor | None) -> dict[str, Any]:
    """What a page needs to tell its viewer which polls they may vote in."""
    if actor is None:
        return {"on_site": False, "delegation": None}
    delegation = delegation_of(state, actor.id)
    return {"on_site": on_site(state, actor.id),
            "delegation": {"id": delegation.id, "name": delegation.name}
            if delegation is not None else None}
