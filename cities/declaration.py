"""The declaration the member cities sign: versions in fr, es and en, signing, withdrawals.

Organisers publish the declaration; each publication is a new version, and a
delegation's signature is on the version that was current when it signed. A
version published once signing has begun asks every delegation to sign again:
earlier signatures stay in the record, on their version.

Each delegation's authorised signatory signs once per version: at a signing
station (a paired kiosk: the badge says who signs) or from their personal link.
While signing is open, staff may withdraw a signature, with a reason.

Every version, signature and withdrawal is a link of a digest chain
(:mod:`rencontre.cities.chain`), computed as the log is applied, so that every
process holds the same digests and the record can be checked afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rencontre.cities.chain import Chain, iso_time
from rencontre.cities.delegations import delegation_of, registration_of
from rencontre.engine.fields import Bool, Choice, Id, Int, Localized, Text
from rencontre.engine.messages import N_, STAFF, Command, Decision, Event, Refusal, Role
from rencontre.engine.registry import applies, command, publishes

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

ORGANISER = frozenset({Role.ORGANISER})
SIGNERS = frozenset({Role.KIOSK, Role.ATTENDEE})
LANGUAGES = ("fr", "es", "en")
MAX_TEXT = 20_000
MAX_DRAWING = 16_000  # characters of SVG path data: a few strokes, about 12 KiB
# SVG path data made of absolute moves and lines with integer coordinates, as the
# signature pad writes it: nothing that a page could run or fetch.
_DRAWING = re.compile(r"^(?:[ML]\d{1,4} \d{1,4} ?)+$")
DRAWING_BOX = (600, 200)


@dataclass(slots=True)
class Version:
    number: int
    title: dict[str, str]
    text: dict[str, str]
    published_at: float
    seq: int
    digest: str = ""

    def summary(self) -> dict[str, Any]:
        return {"number": self.number, "title": dict(self.title),
                "published_at": self.published_at, "seq": self.seq, "digest": self.digest}

    def full(self) -> dict[str, Any]:
        return {**self.summary(), "text": dict(self.text)}


@dataclass(slots=True)
class Signature:
    id: str
    delegation: str
    version: int
    registration: str
    name: str  # the signatory's, as registered when they signed
    at: float
    seq: int
    where: str  # "station" or "remote"
    device: str  # the signing station's name, or "" from a personal link
    language: str  # the language the text was read in
    drawing: str = ""  # SVG path data in a DRAWING_BOX, or ""
    digest: str = ""
    withdrawn: dict[str, Any] | None = None  # {at, seq, by, reason, digest}

    def view(self, state: EventState) -> dict[str, Any]:
        delegation = state.delegations.by_id.get(self.delegation)
        return {
            "id": self.id, "delegation": delegation.public() if delegation else
            {"id": self.delegation, "name": "", "country": "", "flag": "", "languages": []},
            "version": self.version, "name": self.name, "at": self.at, "seq": self.seq,
            "where": self.where, "language": self.language, "drawn": bool(self.drawing),
            "digest": self.digest, "withdrawn": dict(self.withdrawn) if self.withdrawn else None,
        }


@dataclass(slots=True)
class Declaration:
    versions: list[Version] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)  # every one, in log order
    open: bool = False
    opened_at: float | None = None
    closed_at: float | None = None
    chain: Chain = field(default_factory=Chain)

    @property
    def current(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    def standing(self, version: int | None = None) -> list[Signature]:
        """Signatures not withdrawn on ``version`` (the current one by default), in order."""
        if version is None:
            version = self.current.number if self.current else 0
        return [s for s in self.signatures if s.version == version and s.withdrawn is None]

    def signed_by(self, delegation: str) -> Signature | None:
        return next((s for s in self.standing() if s.delegation == delegation), None)


def declaration_snapshot(state: EventState) -> dict[str, Any]:
    """What every page gets: versions without their texts (those are served over HTTP)."""
    declaration = state.declaration
    current = declaration.current
    return {
        "versions": [v.summary() for v in declaration.versions],
        "current": current.number if current else None,
        "open": declaration.open, "opened_at": declaration.opened_at,
        "closed_at": declaration.closed_at,
        "signatures": [s.view(state) for s in declaration.signatures],
        "delegations": len(state.delegations.by_id),
        "head": declaration.chain.head,
    }


def awaits_signature(state: EventState, principal: str) -> bool:
    """Whether ``principal`` is a signatory whose delegation is still to sign, signing open."""
    declaration = state.declaration
    delegation = delegation_of(state, principal)
    registration = registration_of(state, principal)
    return (declaration.open and delegation is not None and registration is not None
            and delegation.members.get(registration.id, False)
            and declaration.signed_by(delegation.id) is None)


def _wall(state: EventState) -> dict[str, Any]:
    return {"count": len(state.declaration.standing()),
            "delegations": len(state.delegations.by_id), "head": state.declaration.chain.head}


# -- publishing and opening -------------------------------------------------------------------

@command("declaration.publish", roles=ORGANISER, fields={
    "title": Localized(max=200), "text": Localized(max=MAX_TEXT),
})
def publish(state: EventState, cmd: Command) -> Decision:
    """Publish a new version of the declaration, in French, Spanish and English."""
    for name in ("title", "text"):
        missing = [lang for lang in LANGUAGES if lang not in cmd.data[name]]
        if missing:
            raise Refusal("declaration.language-missing",
                          N_("The declaration needs its title and text in French, Spanish "
                             "and English ({lang} is missing)."),
                          field=name, lang=missing[0])
    current = state.declaration.current
    if current is not None and (current.title, current.text) == (cmd.data["title"],
                                                                 cmd.data["text"]):
        raise Refusal("declaration.unchanged",
                      N_("This is the version published already: change the text first."))
    number = current.number + 1 if current else 1
    signed = bool(current is not None and state.declaration.standing())
    return Decision([Event("declaration.published", {
        "number": number, "title": cmd.data["title"], "text": cmd.data["text"], "at": cmd.at,
    })], {"version": number, "asks_again": signed})


@command("declaration.open", roles=ORGANISER, fields={"open": Bool()})
def open_signing(state: EventState, cmd: Command) -> Decision:
    """Open or close signing."""
    declaration = state.declaration
    if cmd.data["open"] and declaration.current is None:
        raise Refusal("declaration.none", N_("Publish the declaration before opening signing."))
    if declaration.open == cmd.data["open"]:
        return Decision([], {"open": declaration.open, "already": True})
    return Decision([Event("declaration.signing-changed", {"open": cmd.data["open"],
                                                           "at": cmd.at})],
                    {"open": cmd.data["open"]})


# -- signing -------------------------------------------------------------------------------------

def _signer(state: EventState, cmd: Command) -> tuple[Any, Any, str, str]:
    """(registration, delegation, where, device) of the person signing ``cmd``."""
    actor = cmd.actor
    assert actor is not None
    if actor.role is Role.KIOSK:
        badge = cmd.data.get("badge")
        if not badge:
            raise Refusal("request.missing", N_("Field “{field}” is required."), field="badge")
        registration_id = state.attendance.by_badge.get(badge)
        if registration_id is None:
            raise Refusal("checkin.unknown-badge", N_("Badge {badge} is not registered."),
                          badge=badge)
        registration = state.attendance.registrations[registration_id]
        return registration, _delegation_of_registration(state, registration.id), "station", \
            actor.name
    registration = registration_of(state, actor.id)
    delegation = delegation_of(state, actor.id)
    if registration is None or delegation is None:
        raise Refusal("declaration.not-signatory",
                      N_("Only a delegation's authorised signatory may sign."))
    return registration, delegation, "remote", ""


def _delegation_of_registration(state: EventState, registration: str) -> Any:
    delegation_id = state.delegations.member_of.get(registration)
    if delegation_id is None:
        raise Refusal("declaration.not-signatory",
                      N_("Only a delegation's authorised signatory may sign."))
    return state.delegations.by_id[delegation_id]


def signer_view(state: EventState, cmd: Command) -> dict[str, Any]:
    """Who would sign, and for whom: what a signing station shows before confirming.
    Refuses as :func:`sign` would."""
    declaration = state.declaration
    if declaration.current is None or not declaration.open:
        raise Refusal("declaration.closed", N_("Signing is not open."))
    registration, delegation, _, _ = _signer(state, cmd)
    if not delegation.members.get(registration.id):
        raise Refusal("declaration.not-signatory",
                      N_("Only a delegation's authorised signatory may sign."))
    signed = declaration.signed_by(delegation.id)
    if signed is not None:
        raise Refusal("declaration.already-signed",
                      N_("{delegation} has signed version {version} already ({name})."),
                      delegation=delegation.name, version=signed.version, name=signed.name)
    return {"registration": registration.id, "name": registration.name,
            "delegation": delegation.public(), "version": declaration.current.number}


@command("declaration.sign", roles=SIGNERS, fields={
    "version": Int(min=1, max=10_000),
    "language": Choice(values=LANGUAGES),
    "confirm": Bool(),
    "badge": Id(optional=True),
    "drawing": Text(min=0, max=MAX_DRAWING, optional=True),
})
def sign(state: EventState, cmd: Command) -> Decision:
    """Sign the declaration for my delegation (from a personal link), or for the person
    whose badge a signing station scanned."""
    view = signer_view(state, cmd)
    if not cmd.data["confirm"]:
        raise Refusal("declaration.not-confirmed", N_("Confirm that you sign, first."))
    if cmd.data["version"] != view["version"]:
        raise Refusal("declaration.version-changed",
                      N_("A new version of the declaration was published: read it first."),
                      version=view["version"])
    drawing = cmd.data.get("drawing", "")
    if drawing and not _DRAWING.match(drawing):
        raise Refusal("declaration.bad-drawing", N_("The drawn signature cannot be read."))
    _, _, where, device = _signer(state, cmd)
    return Decision([Event("declaration.signed", {
        "id": f"s{state.seq}", "delegation": view["delegation"]["id"],
        "version": view["version"], "registration": view["registration"],
        "name": view["name"], "at": cmd.at, "where": where, "device": device,
        "language": cmd.data["language"], "drawing": drawing,
    })], {"signature": f"s{state.seq}", "version": view["version"],
          "delegation": view["delegation"]["name"]})


@command("declaration.withdraw", roles=STAFF, fields={
    "signature": Id(), "reason": Text(min=3, max=300),
})
def withdraw(state: EventState, cmd: Command) -> Decision:
    """Withdraw a signature, with a reason, while signing is open."""
    declaration = state.declaration
    signature = next((s for s in declaration.signatures if s.id == cmd.data["signature"]), None)
    if signature is None:
        raise Refusal("declaration.unknown", N_("No such signature."))
    if not declaration.open:
        raise Refusal("declaration.closed", N_("Signing is not open."))
    if signature.withdrawn is not None:
        raise Refusal("declaration.withdrawn", N_("This signature was withdrawn already."))
    actor = cmd.actor
    assert actor is not None
    return Decision([Event("declaration.withdrawn", {
        "signature": signature.id, "reason": cmd.data["reason"], "at": cmd.at,
        "by": actor.name,
    })], {"signature": signature.id})


# -- applying and publishing ------------------------------------------------------------------

@applies("declaration.published")
def _published(state: EventState, event: Event) -> None:
    d = event.data
    version = Version(d["number"], d["title"], d["text"], d["at"], state.seq)
    version.digest = state.declaration.chain.add({
        "kind": "version", "seq": state.seq, "at": iso_time(d["at"]), "version": d["number"],
        "title": d["title"], "text": d["text"]})
    state.declaration.versions.append(version)


@publishes("declaration.published")
def _publish_published(state: EventState, event: Event) -> list[tuple[str, dict]]:
    return [("all", {"version": state.declaration.current.summary(), **_wall(state)})]


@applies("declaration.signing-changed")
def _signing_changed(state: EventState, event: Event) -> None:
    declaration = state.declaration
    declaration.open = event.data["open"]
    if declaration.open:
        declaration.opened_at = event.data["at"]
        declaration.closed_at = None
    else:
        declaration.closed_at = event.data["at"]


@publishes("declaration.signing-changed")
def _publish_signing(state: EventState, event: Event) -> list[tuple[str, dict]]:
    return [("all", {"open": event.data["open"], "at": event.data["at"], **_wall(state)})]


@applies("declaration.signed")
def _signed(state: EventState, event: Event) -> None:
    d = event.data
    signature = Signature(seq=state.seq, **d)
    delegation = state.delegations.by_id[d["delegation"]]
    signature.digest = state.declaration.chain.add({
        "kind": "signature", "seq": state.seq, "at": iso_time(d["at"]), "signature": d["id"],
        "version": d["version"], "delegation": delegation.name, "country": delegation.country,
        "signatory": d["name"], "where": d["where"], "language": d["language"],
        "drawing": d["drawing"]})
    state.declaration.signatures.append(signature)


@publishes("declaration.signed")
def _publish_signed(state: EventState, event: Event) -> list[tuple[str, dict]]:
    signature = state.declaration.signatures[-1]
    return [("all", {"signature": signature.view(state), **_wall(state)})]


@applies("declaration.withdrawn")
def _withdrawn(state: EventState, event: Event) -> None:
    d = event.data
    signature = next(s for s in state.declaration.signatures if s.id == d["signature"])
    withdrawn = {"at": d["at"], "seq": state.seq, "by": d["by"], "reason": d["reason"]}
    withdrawn["digest"] = state.declaration.chain.add({
        "kind": "withdrawal", "seq": state.seq, "at": iso_time(d["at"]),
        "signature": signature.id, "reason": d["reason"], "by": d["by"]})
    signature.withdrawn = withdrawn


@publishes("declaration.withdrawn")
def _publish_withdrawn(state: EventState, event: Event) -> list[tuple[str, dict]]:
    signature = next(s for s in state.declaration.signatures
                     if s.id == event.data["signature"])
    return [("all", {"signature": signature.view(state), **_wall(state)})]
