"""Delegations: the member cities and organisations of the network, their delegates and signatories.

A delegation is a member city or organisation (a name, a country, an optional
flag or logo, the languages it works in). Registered people are its delegates;
some of them are its authorised signatories. A person belongs to at most one
delegation: setting their delegation moves them.

Other areas read delegations through :func:`delegation_of` (who a principal
votes or signs for) and :func:`registration_of`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from rencontre.engine.fields import Bool, Id, Text, TextList
from rencontre.engine.messages import N_, Command, Decision, Event, Refusal, Role
from rencontre.engine.registry import applies, command, publishes
from rencontre.engine.text import fold

if TYPE_CHECKING:
    from rencontre.attendance.registrations import Registration
    from rencontre.engine.state import EventState

ORGANISER = frozenset({Role.ORGANISER})
STAFF_TOPICS = ("role:organiser", "role:moderator")
MAX_DELEGATIONS = 500
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d{1,5})?$")
_URL = re.compile(r"^(https?://|/)[^\s\"'<>]+$")

DETAILS = {
    "name": Text(max=120),
    "country": Text(min=2, max=2),
    "flag": Text(min=0, max=500, optional=True),
    "languages": TextList(min_items=0, max_items=8, max=3, optional=True),
}


@dataclass(slots=True)
class Delegation:
    id: str
    name: str
    country: str  # ISO 3166-1 alpha-2, upper case
    flag: str = ""  # URL of a flag or logo, or "" (pages then show the country's flag)
    languages: list[str] = field(default_factory=list)
    created_at: float = 0.0
    members: dict[str, bool] = field(default_factory=dict)  # registration -> signatory

    @property
    def signatories(self) -> list[str]:
        return [registration for registration, signs in self.members.items() if signs]

    def public(self) -> dict[str, Any]:
        """What anyone may see: no people."""
        return {"id": self.id, "name": self.name, "country": self.country, "flag": self.flag,
                "languages": list(self.languages)}

    def staff_view(self, state: EventState) -> dict[str, Any]:
        registrations = state.attendance.registrations
        members = [{"registration": r, "name": registrations[r].name, "signatory": signs}
                   for r, signs in self.members.items() if r in registrations]
        members.sort(key=lambda m: (not m["signatory"], fold(m["name"])))
        return {**self.public(), "members": members}


@dataclass(slots=True)
class Delegations:
    by_id: dict[str, Delegation] = field(default_factory=dict)
    member_of: dict[str, str] = field(default_factory=dict)  # registration -> delegation

    def named(self, name: str) -> Delegation | None:
        folded = fold(name)
        return next((d for d in self.by_id.values() if fold(d.name) == folded), None)

    def ordered(self) -> list[Delegation]:
        return sorted(self.by_id.values(), key=lambda d: fold(d.name))


# -- the read API for other areas ---------------------------------------------------------

def registration_of(state: EventState, principal: str) -> Registration | None:
    """The registration whose personal link is ``principal``, if it is a delegate's."""
    registration_id = state.attendance.by_principal.get(principal)
    if registration_id is None or registration_id not in state.delegations.member_of:
        return None
    return state.attendance.registrations.get(registration_id)


def delegation_of(state: EventState, principal: str) -> Delegation | None:
    """The delegation the person of ``principal`` belongs to, if any."""
    registration = registration_of(state, principal)
    if registration is None:
        return None
    return state.delegations.by_id[state.delegations.member_of[registration.id]]


def is_signatory(state: EventState, registration: str) -> bool:
    delegation_id = state.delegations.member_of.get(registration)
    return delegation_id is not None and state.delegations.by_id[delegation_id].members[
        registration]


def flag_origins(state: EventState) -> tuple[str, ...]:
    """The origins of the delegations' flags and logos on other sites: the pages may load
    images from exactly these."""
    origins = set()
    for delegation in state.delegations.by_id.values():
        if delegation.flag.startswith(("https://", "http://")):
            parts = urlsplit(delegation.flag)
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return tuple(sorted(origins))


def delegations_snapshot(state: EventState, staff: bool) -> list[dict[str, Any]]:
    return [d.staff_view(state) if staff else d.public() for d in state.delegations.ordered()]


def my_delegation(state: EventState, principal: str) -> dict[str, Any] | None:
    """For a signed-in person: their delegation and whether they sign for it."""
    registration = registration_of(state, principal)
    if registration is None:
        return None
    delegation = state.delegations.by_id[state.delegations.member_of[registration.id]]
    return {"delegation": delegation.id, "registration": registration.id,
            "signatory": delegation.members[registration.id]}


# -- checking details -----------------------------------------------------------------------

@cache
def _countries() -> frozenset[str]:
    from babel import Locale

    # ZZ is Babel's "Unknown Region".
    return frozenset(code for code in Locale("en").territories
                     if code.isalpha() and code != "ZZ")


def country_code(value: str, name: str = "country") -> str:
    code = value.strip().upper()
    if code not in _countries():
        raise Refusal("delegation.bad-country",
                      N_("“{country}” is not a country code (two letters, as MX or FR)."),
                      country=value, field=name)
    return code


def languages_of(value: Any, name: str = "languages") -> list[str]:
    """Language codes from a list or a text such as "fr, es" (as spreadsheets hold them)."""
    items = re.split(r"[\s,;/]+", value) if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        code = str(item).strip().lower()
        if not code:
            continue
        if not _LANGUAGE.match(code):
            raise Refusal("delegation.bad-language",
                          N_("“{language}” is not a language code (as fr, es or en)."),
                          language=str(item), field=name)
        if code not in out:
            out.append(code)
    return out[:8]


def flag_url(value: str, name: str = "flag") -> str:
    value = value.strip()
    # Its host goes into the pages' Content-Security-Policy: a plain host name only.
    if value and (not _URL.match(value) or (
            value.startswith("http") and not _HOST.match(urlsplit(value).netloc))):
        raise Refusal("delegation.bad-flag",
                      N_("The flag or logo must be a web address (https://…)."), field=name)
    return value


def _details(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = data["name"]
    if "country" in data:
        out["country"] = country_code(data["country"])
    if "flag" in data:
        out["flag"] = flag_url(data["flag"])
    if "languages" in data:
        out["languages"] = languages_of(data["languages"])
    return out


def _check_name_free(state: EventState, name: str, own: str | None = None) -> None:
    other = state.delegations.named(name)
    if other is not None and other.id != own:
        raise Refusal("delegation.exists", N_("A delegation is named “{name}” already."),
                      name=other.name, field="name")


def _delegation(state: EventState, delegation_id: str) -> Delegation:
    delegation = state.delegations.by_id.get(delegation_id)
    if delegation is None:
        raise Refusal("delegation.unknown", N_("No such delegation."), field="delegation")
    return delegation


def _registration(state: EventState, registration_id: str) -> Registration:
    registration = state.attendance.registrations.get(registration_id)
    if registration is None:
        raise Refusal("attendance.unknown", N_("No such registration."), field="registration")
    return registration


# -- commands ---------------------------------------------------------------------------------

@command("delegation.create", roles=ORGANISER, fields=DETAILS)
def create(state: EventState, cmd: Command) -> Decision:
    """Create a delegation: a member city or organisation. Replies with its id."""
    if len(state.delegations.by_id) >= MAX_DELEGATIONS:
        raise Refusal("delegation.too-many", N_("An event holds at most {max} delegations."),
                      max=MAX_DELEGATIONS)
    details = _details(cmd.data)
    _check_name_free(state, details["name"])
    record = {"id": f"d{state.seq}", "flag": "", "languages": [], **details,
              "created_at": cmd.at}
    return Decision([Event("delegation.saved", {"delegations": [record]})], {"id": record["id"]})


@command("delegation.edit", roles=ORGANISER, fields={
    "delegation": Id(), **{name: replace(f, optional=True) for name, f in DETAILS.items()},
})
def edit(state: EventState, cmd: Command) -> Decision:
    """Change a delegation's name, country, flag or languages."""
    delegation = _delegation(state, cmd.data["delegation"])
    details = _details(cmd.data)
    if "name" in details:
        _check_name_free(state, details["name"], delegation.id)
    record = {**delegation.public(), "created_at": delegation.created_at, **details}
    return Decision([Event("delegation.saved", {"delegations": [record]})],
                    {"id": delegation.id})


@command("delegation.remove", roles=ORGANISER, fields={"delegation": Id()})
def remove(state: EventState, cmd: Command) -> Decision:
    """Remove a delegation; its delegates belong to none afterwards."""
    delegation = _delegation(state, cmd.data["delegation"])
    if any(s.delegation == delegation.id and s.withdrawn is None
           for s in state.declaration.signatures):
        raise Refusal("delegation.signed",
                      N_("{name} has signed the declaration: it stays in the record."),
                      name=delegation.name)
    return Decision([Event("delegation.removed", {"delegation": delegation.id})],
                    {"id": delegation.id})


@command("delegation.member", roles=ORGANISER, fields={
    "registration": Id(), "delegation": Id(optional=True), "signatory": Bool(optional=True),
})
def member(state: EventState, cmd: Command) -> Decision:
    """Put a registered person in a delegation (moving them from any other), make them a
    signatory or not; without ``delegation``, take them out of theirs."""
    registration = _registration(state, cmd.data["registration"])
    delegation_id = cmd.data.get("delegation")
    if delegation_id is not None:
        _delegation(state, delegation_id)
    before = state.delegations.member_of.get(registration.id)
    change = {"registration": registration.id, "delegation": delegation_id, "from": before,
              "signatory": bool(cmd.data.get("signatory")) and delegation_id is not None}
    return Decision([Event("delegation.members-set", {"members": [change]})], change)


# -- applying and publishing ----------------------------------------------------------------

@applies("delegation.saved")
def _saved(state: EventState, event: Event) -> None:
    by_id = state.delegations.by_id
    for record in event.data["delegations"]:
        existing = by_id.get(record["id"])
        if existing is None:
            by_id[record["id"]] = Delegation(**record)
            continue
        for name in ("name", "country", "flag", "languages"):
            setattr(existing, name, record[name])


@publishes("delegation.saved")
def _publish_saved(state: EventState, event: Event) -> list[tuple[str, dict]]:
    by_id = state.delegations.by_id
    public = [by_id[r["id"]].public() for r in event.data["delegations"]]
    return [("all", {"delegations": public})]


@applies("delegation.removed")
def _removed(state: EventState, event: Event) -> None:
    delegation = state.delegations.by_id.pop(event.data["delegation"])
    for registration in delegation.members:
        state.delegations.member_of.pop(registration, None)


@publishes("delegation.removed")
def _publish_removed(state: EventState, event: Event) -> list[tuple[str, dict]]:
    return [("all", {"delegation": event.data["delegation"]})]


@applies("delegation.members-set")
def _members_set(state: EventState, event: Event) -> None:
    delegations = state.delegations
    for change in event.data["members"]:
        registration = change["registration"]
        before = delegations.member_of.pop(registration, None)
        if before is not None:
            delegations.by_id[before].members.pop(registration, None)
        if change["delegation"] is not None:
            delegations.by_id[change["delegation"]].members[registration] = change["signatory"]
            delegations.member_of[registration] = change["delegation"]


@publishes("delegation.members-set")
def _publish_members(state: EventState, event: Event) -> list[tuple[str, dict]]:
    """Staff get the new member lists of the delegations that changed."""
    changed = {d for c in event.data["members"] for d in (c["delegation"], c.get("from")) if d}
    by_id = state.delegations.by_id
    payload = {"delegations": [by_id[d].staff_view(state) for d in sorted(changed) if d in by_id]}
    return [(topic, payload) for topic in STAFF_TOPICS]
