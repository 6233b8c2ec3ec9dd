"""Reading helpers shared by the schedule JSON v1 and schedule2 importers."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from jsonschema import Draft7Validator, ValidationError

from rencontre.engine.messages import N_
from rencontre.schedule.model import RoomKind

from .builder import Leniency, ProgrammeBuilder
from .common import local_date
from .errors import IGNORED, SKIPPED, ImportProblems, Problem

_MESSAGE_LENGTH = 200


def pointer(*parts: str | int) -> str:
    """The JSON pointer (RFC 6901) of a place in the document."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def load_json(data: bytes) -> Any:
    """The JSON document in ``data`` (UTF-8, with or without BOM); ImportProblems if it is not."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        problem = Problem(f"byte {error.start}", N_("not UTF-8 text"))
    except json.JSONDecodeError as error:
        problem = Problem(f"line {error.lineno}, column {error.colno}",
                          N_("not valid JSON: {error}"), {"error": error.msg})
    raise ImportProblems([problem])


def check_schema(document: Any, schema: dict[str, Any], leniency: Leniency) -> set[str]:
    """Check ``document`` against ``schema``; ImportProblems with one problem per violation,
    placed by JSON pointer (a missing property where it should be: ``…/3/start``).

    Leniently, a violation inside an event skips that event, or for fields the format does
    not have (pretalx's ``answers``) only ignores them; both are reported. The pointers of
    the events to skip are returned.
    """
    problems, skipped = [], set()
    for error in Draft7Validator(schema).iter_errors(document):
        place, problem = _violation(error)
        event = _event_of(list(error.absolute_path)) if leniency.lenient else None
        if event is None:
            problems.append(problem)
        elif error.validator == "additionalProperties":
            leniency.report.append(replace(problem, resolution=IGNORED))
        else:
            skipped.add(event)
            leniency.report.append(replace(problem, resolution=SKIPPED))
    if problems:
        raise ImportProblems(problems)
    return skipped


def _violation(error: ValidationError) -> tuple[str, Problem]:
    place = pointer(*error.absolute_path)
    if error.validator == "required":
        missing = next(p for p in error.validator_value if error.message.startswith(repr(p)))
        place = f"{place}/{missing}"
        return place, Problem(place, N_("required, but missing"))
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        fields = ", ".join(sorted(str(key) for key in error.instance if key not in known))
        return place, Problem(place or "/", N_("fields the format does not have: {fields}"),
                              {"fields": fields})
    if error.validator in ("anyOf", "not"):
        return place, Problem(place or "/", N_("does not match the format: {error}"),
                              {"error": error.schema["description"]})
    message = error.message
    if len(message) > _MESSAGE_LENGTH:  # messages quote the offending value
        message = message[:_MESSAGE_LENGTH - 1] + "…"
    return place, Problem(place or "/", N_("does not match the format: {error}"),
                          {"error": message})


def _event_of(path: list[Any]) -> str | None:
    """The pointer of the event a schema violation is in, if it is in one."""
    if path[:3] == ["schedule", "conference", "days"] and len(path) >= 7 and path[4] == "rooms":
        return pointer(*path[:7])
    if path[:2] == ["schedule", "events"] and len(path) >= 3:
        return pointer(*path[:3])
    return None


def conference_date(builder: ProgrammeBuilder, conference: dict[str, Any], key: str,
                    zone: ZoneInfo | None) -> date | None:
    """The conference's ``start`` or ``end`` (a date or a time) as a date in its zone.

    An ``end`` at midnight is the end of the day before (schedule2 gives instants).
    """
    text = conference.get(key)
    if not text:
        return None
    try:
        day = local_date(text, zone)
        if key == "end" and len(text) > 10 and local_date(text, zone) != local_date(
                (datetime.fromisoformat(text) - timedelta(microseconds=1)).isoformat(), zone):
            day -= timedelta(days=1)
        return day
    except ValueError:
        builder.problem(pointer("schedule", "conference", key),
                        N_("expected a date, not “{text}”"), text=text)
        return None


def add_rooms(builder: ProgrammeBuilder, rooms: list[dict[str, Any]]) -> None:
    """Declare the conference's rooms, in order, with their kind and capacity."""
    for room in rooms:
        capacity = room.get("capacity")
        builder.room(
            room["name"], slug=room.get("slug", ""),
            kind=RoomKind.ONLINE if str(room.get("type", "")).lower() == "online"
            else RoomKind.PHYSICAL,
            capacity=int(capacity) if isinstance(capacity, int | float) and capacity >= 0
            else None)


def http_url(value: Any) -> str:
    """``value`` when it is an absolute http(s) URL, else empty."""
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else ""
