"""Personal agendas: starred sessions kept on the server, and a private calendar feed."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rencontre.access.directory import SECRET_BYTES, Minted, hash_secret
from rencontre.engine.fields import Id, client_fields
from rencontre.engine.messages import EVERYONE, Command, Decision, Event
from rencontre.engine.registry import applies, command, publishes
from rencontre.schedule.lookup import session_of

if TYPE_CHECKING:
    from rencontre.engine.state import EventState


@dataclass(slots=True)
class Agendas:
    starred: dict[str, set[str]] = field(default_factory=dict)
    # Feed secret hash per principal; a new one replaces (revokes) the old.
    feeds: dict[str, str] = field(default_factory=dict)

    def of(self, principal: str) -> list[str]:
        return sorted(self.starred.get(principal, ()))

    def feed_owner(self, token: str) -> str | None:
        """The principal whose private feed ``token`` opens, compared in constant time."""
        principal, _, secret = token.partition(".")
        expected = self.feeds.get(principal, hash_secret(""))
        matches = hmac.compare_digest(expected, hash_secret(secret))
        return principal if matches and principal in self.feeds else None


def _actor_id(cmd: Command) -> str:
    assert cmd.actor is not None
    return cmd.actor.id


def _known_session(state: EventState, cmd: Command) -> str:
    return session_of(state, cmd).id


@command("agenda.star", roles=EVERYONE, fields={"session": Id()})
def star(state: EventState, cmd: Command) -> Decision:
    """Add a session to my agenda (kept on the server, on every device)."""
    session = _known_session(state, cmd)
    if session in state.agendas.starred.get(_actor_id(cmd), ()):
        return Decision([], {"session": session, "starred": True})
    return Decision([Event("agenda.starred", {"principal": _actor_id(cmd), "session": session})],
                    {"session": session, "starred": True})


@command("agenda.unstar", roles=EVERYONE, fields={"session": Id()})
def unstar(state: EventState, cmd: Command) -> Decision:
    """Remove a session from my agenda."""
    session = _known_session(state, cmd)
    if session not in state.agendas.starred.get(_actor_id(cmd), ()):
        return Decision([], {"session": session, "starred": False})
    return Decision([Event("agenda.unstarred", {"principal": _actor_id(cmd),
                                                "session": session})],
                    {"session": session, "starred": False})


def _mint_feed(data: dict[str, Any]) -> Minted:
    client_fields(data)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return Minted({"secret_hash": hash_secret(secret)}, {"secret": secret})


@command("agenda.feed-token", roles=EVERYONE, prepare=_mint_feed, fields={"secret_hash": Id()})
def feed_token(state: EventState, cmd: Command) -> Decision:
    """Make (or replace) the secret address of my calendar feed; the old one stops working.

    The feed's token is ``<principal>.<secret>``: ``/feeds/<token>.ics``.
    """
    return Decision([Event("agenda.feed-set", {"principal": _actor_id(cmd),
                                               "secret_hash": cmd.data["secret_hash"]})],
                    {"principal": _actor_id(cmd)})


@command("agenda.feed-revoke", roles=EVERYONE)
def feed_revoke(state: EventState, cmd: Command) -> Decision:
    """Turn off my calendar feed."""
    if _actor_id(cmd) not in state.agendas.feeds:
        return Decision([], {"revoked": False})
    return Decision([Event("agenda.feed-revoked", {"principal": _actor_id(cmd)})],
                    {"revoked": True})


@applies("agenda.starred")
def _starred(state: EventState, event: Event) -> None:
    state.agendas.starred.setdefault(event.data["principal"], set()).add(event.data["session"])


@applies("agenda.unstarred")
def _unstarred(state: EventState, event: Event) -> None:
    state.agendas.starred[event.data["principal"]].discard(event.data["session"])


@applies("agenda.feed-set")
def _feed_set(state: EventState, event: Event) -> None:
    state.agendas.feeds[event.data["principal"]] = event.data["secret_hash"]


@applies("agenda.feed-revoked")
def _feed_revoked(state: EventState, event: Event) -> None:
    state.agendas.feeds.pop(event.data["principal"], None)


def _to_owner(state: EventState, event: Event) -> list[tuple[str, dict]]:
    return [(f"principal:{event.data['principal']}", {"session": event.data["session"]})]


publishes("agenda.starred")(_to_owner)
publishes("agenda.unstarred")(_to_owner)
