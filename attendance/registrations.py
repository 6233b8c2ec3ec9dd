"""Who is expected: registrations with their badge codes, registered one by one or imported.

A badge code is what the badge's QR code holds and what staff type when a
scanner fails; it identifies, it does not authenticate (the personal link's
token does that). Generated codes carry a check digit so that a mistyped code
is refused instead of checking in someone else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from rencontre.engine.fields import Blob, Choice, Id, Text, check_fields
from rencontre.engine.messages import N_, Command, Decision, Event, Refusal, Role
from rencontre.engine.registry import applies, command, publishes
from rencontre.engine.text import fold

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

ORGANISER = frozenset({Role.ORGANISER})
KINDS = ("onsite", "remote")
MAX_IMPORT = 5000
ATTENDANCE_TOPICS = ("role:kiosk", "role:moderator", "role:organiser")
PERSON = {
    "name": Text(max=120), "organisation": Text(min=0, max=120, optional=True),
    "city": Text(min=0, max=80, optional=True), "kind": Choice(values=KINDS, optional=True),
    "badge": Id(optional=True), "principal": Id(optional=True),
    # The language of their certificate (fr, es or en); else the event's first language.
    "language": Choice(values=("fr", "es", "en"), optional=True),
}


@dataclass(slots=True)
class Registration:
    id: str
    name: str
    badge: str
    kind: str = "onsite"
    organisation: str = ""
    city: str = ""
    principal: str | None = None
    registered_at: float = 0.0
    language: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "organisation": self.organisation,
                "city": self.city, "kind": self.kind, "badge": self.badge}


@dataclass(slots=True)
class CheckIn:
    at: float
    device: str
    offline_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "device": self.device, "offline_at": self.offline_at}


@dataclass(slots=True)
class Move:
    """One door scan: into a session (``in``), out of one (``out``), or out of the venue
    (``out`` with no session). ``at`` is when it was scanned (offline scans: their scan time)."""

    at: float
    kind: str
    session: str | None
    device: str


@dataclass(slots=True)
class Presence:
    """One principal following one session online: its intervals, and the servers
    (``sources``) that see a visible page of theirs now."""

    intervals: list[list[float | None]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Held:
    """When a session actually started and ended, as its live changes said."""

    started: float | None = None
    ended: float | None = None


@dataclass(slots=True)
class Attendance:
    """The attendance of the whole event."""

    registrations: dict[str, Registration] = field(default_factory=dict)
    by_badge: dict[str, str] = field(default_factory=dict)
    # principal of a personal link -> registration: whoever links a principal keeps it here.
    by_principal: dict[str, str] = field(default_factory=dict)
    checkins: dict[str, CheckIn] = field(default_factory=dict)  # registration -> first
    recent: list[str] = field(default_factory=list)  # registrations, last checked in last
    entries: dict[str, dict[str, CheckIn]] = field(default_factory=dict)  # session -> reg
    moves: dict[str, list[Move]] = field(default_factory=dict)  # registration -> by time
    inside: dict[str, set[str]] = field(default_factory=dict)  # session -> registrations
    online: dict[str, dict[str, Presence]] = field(default_factory=dict)  # session -> principal
    watching: dict[str, set[str]] = field(default_factory=dict)  # session -> principals now
    held: dict[str, Held] = field(default_factory=dict)  # session -> actual times
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    early_entry: int = 30  # minutes before its start a session's door opens
    former: dict[str, list[str]] = field(default_factory=dict)  # registration -> old links
    link_used: dict[str, float] = field(default_factory=dict)  # principal -> first opened
    next_code: int = 1

    def counts(self) -> dict[str, int]:
        return {"registered": len(self.registrations), "checked_in": len(self.checkins)}


def check_digit(digits: str) -> str:
    """The Luhn check digit of ``digits``: catches any single mistyped digit and most swaps."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def badge_code(number: int) -> str:
    digits = f"{number:06d}"
    return digits + check_digit(digits)


def checked_people(state: EventState, people: list[Any],
                   rows: bool = True) -> list[dict[str, Any]]:
    """``people`` checked and given ids and badges; refuses the first wrong row
    (naming the row when ``rows``, for imports)."""
    registered = state.attendance.by_badge
    new: set[str] = set()

    def taken(badge: str) -> bool:
        return badge in registered or badge in new

    number = state.attendance.next_code
    out = []
    for row, person in enumerate(people, start=1):
        try:
            data = check_fields(PERSON, person)
        except Refusal as refusal:
            if not rows:
                raise
            raise Refusal("attendance.invalid", N_("Row {row}: {field} is missing or wrong."),
                          row=row, field=refusal.params.get("field", "")) from None
        if "badge" not in data:
            while taken(badge_code(number)):
                number += 1
            data["badge"] = badge_code(number)
            number += 1
        if taken(data["badge"]):
            raise Refusal("attendance.badge-taken", N_("Badge {badge} belongs to someone else."),
                          badge=data["badge"], row=row)
        new.add(data["badge"])
        out.append({"id": f"r{state.seq}-{row}", "kind": "onsite", **data})
    return out


@command("attendance.register", roles=ORGANISER, fields=PERSON)
def register(state: EventState, cmd: Command) -> Decision:
    """Register one person; a badge code is made unless one is given."""
    person = checked_people(state, [cmd.data], rows=False)[0]
    return Decision([Event("attendance.registered", {"people": [person], "at": cmd.at})],
                    {"id": person["id"], "badge": person["badge"]})


@command("attendance.import", roles=ORGANISER, fields={"people": Blob(max_items=MAX_IMPORT)})
def import_people(state: EventState, cmd: Command) -> Decision:
    """Register many people at once, all or nothing."""
    people = cmd.data["people"]
    if not isinstance(people, list) or not people:
        raise Refusal("attendance.invalid", N_("Row {row}: {field} is missing or wrong."),
                      row=1, field="people")
    checked = checked_people(state, people)
    return Decision([Event("attendance.registered", {"people": checked, "at": cmd.at})],
                    {"count": len(checked), "badges": [p["badge"] for p in checked]})


@applies("attendance.registered")
def _registered(state: EventState, event: Event) -> None:
    attendance = state.attendance
    for person in event.data["people"]:
        registration = Registration(registered_at=event.data["at"], **person)
        attendance.registrations[registration.id] = registration
        attendance.by_badge[registration.badge] = registration.id
        if registration.principal:
            attendance.by_principal[registration.principal] = registration.id
        while badge_code(attendance.next_code) in attendance.by_badge:
            attendance.next_code += 1


@publishes("attendance.registered")
def _publish_registered(state: EventState, event: Event) -> list[tuple[str, dict]]:
    payload = {"count": len(event.data["people"]), "counts": state.attendance.counts()}
    return [(topic, payload) for topic in ATTENDANCE_TOPICS]


def search(state: EventState, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Registrations whose name, organisation, city or badge contain ``query``, by name."""
    words = fold(query).split()
    attendance = state.attendance
    matches = []
    for registration in attendance.registrations.values():
        haystack = fold(" ".join((registration.name, registration.organisation,
                                  registration.city, registration.badge)))
        if all(word in haystack for word in words):
            matches.append(registration)
    matches.sort(key=lambda r: fold(r.name))
    return [{**r.to_json(), "checked_in_at": (attendance.checkins[r.id].at
                                              if r.id in attendance.checkins else None)}
            for r in matches[:limit]]


def kiosk_roster(state: EventState) -> dict[str, Any]:
    """What a paired kiosk keeps for offline use: each person as ``[id, name, organisation,
    city, badge, checked_in_at]``, the event's slug, and ``ends``: the end of its last day
    in its zone (Unix seconds; 0 without an event), when kiosks forget the list."""
    event = state.programme.event
    if event is None:
        return {"event": None, "ends": 0, "people": []}
    last = datetime.combine(event.end_date + timedelta(days=1), time(), tzinfo=event.zone)
    checkins = state.attendance.checkins
    people = [[r.id, r.name, r.organisation, r.city, r.badge,
               checkins[r.id].at if r.id in checkins else None]
              for r in state.attendance.registrations.values()]
    return {"event": event.slug, "ends": last.timestamp(), "people": people}
