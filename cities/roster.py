"""The attendee list with its delegations, imported in one command, all or nothing.

Each row is a person as ``attendance.import`` takes them, plus the columns of
their delegation: ``delegation`` (its name), ``country``, ``flag``,
``languages`` and ``signatory``. A delegation named for the first time is
created (it needs a country); one that exists already, in the event or in an
earlier row, is matched by name, accents and case aside. Its country may not
contradict; a flag or languages fill in what it lacks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rencontre.attendance.registrations import MAX_IMPORT, checked_people
from rencontre.cities.delegations import ORGANISER, country_code, flag_url, languages_of
from rencontre.engine.fields import Blob, Text
from rencontre.engine.messages import N_, Command, Decision, Event, Refusal
from rencontre.engine.registry import command
from rencontre.engine.text import fold

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

COLUMNS = ("delegation", "country", "flag", "languages", "signatory")
YES = frozenset({"yes", "y", "oui", "o", "si", "sí", "s", "x", "1", "true", "vrai", "verdadero"})
NO = frozenset({"", "no", "n", "non", "0", "false", "faux", "falso"})


def yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in YES or text in NO:
        return text in YES
    raise Refusal("delegation.bad-signatory",
                  N_("“{value}” is not yes or no (signatory column)."), value=str(value),
                  field="signatory")


def _row_refusal(refusal: Refusal, row: int) -> Refusal:
    return Refusal(refusal.code, refusal.message, **{**refusal.params, "row": row})


class _Plan:
    """The delegations an import creates or completes, and who joins which."""

    def __init__(self, state: EventState, at: float) -> None:
        self.state = state
        self.at = at
        self.records: dict[str, dict[str, Any]] = {}  # folded name -> record to save
        self.members: list[dict[str, Any]] = []

    def record(self, name: str) -> dict[str, Any] | None:
        folded = fold(name)
        if folded in self.records:
            return self.records[folded]
        existing = self.state.delegations.named(name)
        if existing is None:
            return None
        record = {**existing.public(), "created_at": existing.created_at}
        self.records[folded] = record
        return record

    def add(self, registration: str, columns: dict[str, Any]) -> None:
        name = Text(min=0, max=120).check("delegation", columns.get("delegation") or "")
        signatory = yes_no(columns.get("signatory", False))
        if not name:
            if signatory or str(columns.get("country") or "").strip():
                raise Refusal("delegation.missing",
                              N_("This row has delegation details but no delegation name."),
                              field="delegation")
            return
        country = str(columns.get("country") or "").strip()
        country = country_code(country) if country else ""
        flag = flag_url(str(columns.get("flag") or ""))
        languages = languages_of(columns.get("languages") or [])
        record = self.record(name)
        if record is None:
            if not country:
                raise Refusal("delegation.no-country",
                              N_("The delegation “{name}” needs a country."), name=name,
                              field="country")
            record = {"id": f"d{self.state.seq}-{len(self.records) + 1}", "name": name,
                      "country": country, "flag": "", "languages": [], "created_at": self.at}
            self.records[fold(name)] = record
        elif country and country != record["country"]:
            raise Refusal("delegation.country-mismatch",
                          N_("The delegation “{name}” is in {country}, not {other}."),
                          name=record["name"], country=record["country"], other=country,
                          field="country")
        record["flag"] = record["flag"] or flag
        record["languages"] = record["languages"] or languages
        self.members.append({"registration": registration, "delegation": record["id"],
                             "from": None, "signatory": signatory})


@command("delegation.import", roles=ORGANISER, fields={"people": Blob(max_items=MAX_IMPORT)})
def import_roster(state: EventState, cmd: Command) -> Decision:
    """Register many people with their delegations, all or nothing."""
    rows = cmd.data["people"]
    if not isinstance(rows, list) or not rows:
        raise Refusal("attendance.invalid", N_("Row {row}: {field} is missing or wrong."),
                      row=1, field="people")
    people, columns = [], []
    for row, raw in enumerate(rows, start=1):
        if not isinstance(raw, dict):
            raise Refusal("attendance.invalid", N_("Row {row}: {field} is missing or wrong."),
                          row=row, field="people")
        people.append({k: v for k, v in raw.items() if k not in COLUMNS})
        columns.append({k: raw[k] for k in COLUMNS if raw.get(k) is not None})
    checked = checked_people(state, people)
    plan = _Plan(state, cmd.at)
    for row, (person, given) in enumerate(zip(checked, columns, strict=True), start=1):
        try:
            plan.add(person["id"], given)
        except Refusal as refusal:
            raise _row_refusal(refusal, row) from None
    events = [Event("attendance.registered", {"people": checked, "at": cmd.at})]
    if plan.records:
        events.append(Event("delegation.saved", {"delegations": list(plan.records.values())}))
    if plan.members:
        events.append(Event("delegation.members-set", {"members": plan.members}))
    created = sum(1 for r in plan.records.values() if r["id"] not in state.delegations.by_id)
    return Decision(events, {"count": len(checked), "badges": [p["badge"] for p in checked],
                             "delegations": created, "delegates": len(plan.members)})
