"""Personal links for registered people: issued and revoked by organisers, used by attendees.

A personal link is ``/a/<token>``, the token of an attendee principal made for one
registration (``Registration.principal``), so that what the person does online (presence,
questions, votes, signatures) is theirs. Secrets are minted on the receiving server before
the command is logged (:func:`mint_links`); the log holds hashes, so links are shown once,
as the CSV the organiser downloads for a mail merge. Issuing again replaces a person's
link (the old one stops working); their earlier principals stay theirs in the ledger,
so minutes followed online under an old link still count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rencontre.access.directory import Minted, mint
from rencontre.engine.fields import Blob, TextList
from rencontre.engine.messages import N_, Command, Decision, Event, Refusal, Role
from rencontre.engine.registry import applies, command

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

ORGANISER = frozenset({Role.ORGANISER})
MAX_LINKS = 5000


def mint_links(data: dict[str, Any]) -> Minted:
    """One new principal and secret per registration named; the tokens go to the sender."""
    wanted = data.get("registrations")
    ids = [r for r in wanted if isinstance(r, str)] if isinstance(wanted, list) else []
    links, tokens = [], {}
    for registration in ids[:MAX_LINKS]:
        minted = mint({"registration": registration}, "p")
        links.append(minted.data)
        tokens[registration] = minted.reply["token"]
    return Minted({"links": links}, {"tokens": tokens})


@command("attendance.link", roles=ORGANISER, prepare=mint_links, fields={
    "links": Blob(max_items=MAX_LINKS),
})
def link(state: EventState, cmd: Command) -> Decision:
    """Issue personal links to registrations (``registrations``: ids), replacing any they
    had. Replies with ``tokens`` (registration -> token), once."""
    links = cmd.data["links"]
    if not isinstance(links, list) or not links:
        raise Refusal("request.missing", N_("Field “{field}” is required."),
                      field="registrations")
    registrations = state.attendance.registrations
    events = []
    for item in links:
        person = registrations.get(item["registration"]) if isinstance(item, dict) else None
        if person is None:
            raise Refusal("attendance.unknown", N_("No such registration."))
        old = state.access.principals.get(person.principal or "")
        if old is not None and old.active:
            events.append(Event("access.revoked", {"principal": old.id}))
        events.append(Event("access.granted", {
            "principal": item["principal"], "role": Role.ATTENDEE.value, "name": person.name,
            "secret_hash": item["secret_hash"], "at": cmd.at}))
        events.append(Event("attendance.linked", {"registration": person.id,
                                                  "principal": item["principal"]}))
    return Decision(events, {"count": len(links)})


@command("attendance.unlink", roles=ORGANISER, fields={"registrations": TextList(
    max_items=MAX_LINKS, max=80)})
def unlink(state: EventState, cmd: Command) -> Decision:
    """Revoke the personal links of registrations: their tokens stop working."""
    events = []
    for registration_id in cmd.data["registrations"]:
        person = state.attendance.registrations.get(registration_id)
        if person is None:
            raise Refusal("attendance.unknown", N_("No such registration."))
        principal = state.access.principals.get(person.principal or "")
        if principal is not None and principal.active:
            events.append(Event("access.revoked", {"principal": principal.id}))
    return Decision(events, {"count": len(events)})


@command("attendance.link-used", roles=frozenset({Role.ATTENDEE}), fields={})
def used(state: EventState, cmd: Command) -> Decision:
    """Note that I opened my personal link (sent by the server, the first time)."""
    actor = cmd.actor
    assert actor is not None
    registration = state.attendance.by_principal.get(actor.id)
    if registration is None or actor.id in state.attendance.link_used:
        return Decision([], {})
    return Decision([Event("attendance.link-opened", {"principal": actor.id, "at": cmd.at})],
                    {})


@applies("attendance.linked")
def _linked(state: EventState, event: Event) -> None:
    attendance = state.attendance
    registration = attendance.registrations[event.data["registration"]]
    if registration.principal:
        attendance.former.setdefault(registration.id, []).append(registration.principal)
    registration.principal = event.data["principal"]
    attendance.by_principal[registration.principal] = registration.id


@applies("attendance.link-opened")
def _opened(state: EventState, event: Event) -> None:
    state.attendance.link_used[event.data["principal"]] = event.data["at"]


SCOPES = ("missing", "all")


def chosen(state: EventState, scope: Any, registrations: Any) -> list[str]:
    """The registrations an organiser means: ``missing`` (no working link), ``all``, or the
    ids listed in ``registrations``."""
    people = state.attendance.registrations
    if scope == "all":
        return list(people)
    if scope == "missing":
        return [r for r in people if link_status(state, r)["status"] in ("none", "revoked")]
    if not isinstance(registrations, list) or not registrations:
        raise Refusal("request.missing", N_("Field “{field}” is required."),
                      field="registrations")
    unknown = [r for r in registrations if r not in people]
    if unknown:
        raise Refusal("attendance.unknown", N_("No such registration."))
    return list(registrations)


def principals_of(state: EventState, registration: str) -> list[str]:
    """Every principal that has been this person's personal link, the current one last."""
    person = state.attendance.registrations[registration]
    current = [person.principal] if person.principal else []
    return state.attendance.former.get(registration, []) + current


def link_status(state: EventState, registration_id: str) -> dict[str, Any]:
    """Whether the person has a working link, since when, and when they first used it."""
    person = state.attendance.registrations[registration_id]
    principal = state.access.principals.get(person.principal or "")
    if principal is None:
        return {"status": "none", "issued_at": None, "used_at": None}
    used_at = state.attendance.link_used.get(principal.id)
    status = "revoked" if not principal.active else "used" if used_at else "issued"
    return {"status": status, "issued_at": principal.created_at, "used_at": used_at}

