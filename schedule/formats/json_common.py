"""Reading helpers shared by the schedule JSON v1 and schedule2 importers."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from jsonschema import Draft7Validator

from rencontre.schedule.model import RoomKind

from .builder import ProgrammeBuilder
from .common import local_date
from .errors import ImportProblems, Problem

_MESSAGE_LENGTH = 200


def pointer(*parts: str | int) -> str:
    """The JSON pointer (RFC 6901) of a place in the document."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def load_json(data: bytes) -> Any:
    """The JSON document in ``data`` (UTF-8, with or without BOM); ImportProblems if it is not."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        problem = Problem(f"byte {error.start}", "not UTF-8 text")
    except json.JSONDecodeError as error:
        problem = Problem(f"line {error.lineno}, column {error.colno}",
                          f"not valid JSON: {error.msg}")
    raise ImportProblems([problem])


def check_schema(document: Any, schema: dict[str, Any]) -> None:
    """Raise ImportProblems with one problem per schema violation, placed by JSON pointer.

    A missing property is placed where it should be (``…/3/start``).
    """
    problems = []
    for error in Draft7Validator(schema).iter_errors(document):
        place = pointer(*error.absolute_path)
        message = error.message
        if error.validator == "required":
            missing = next(p for p in error.validator_value if message.startswith(repr(p)))
            place, message = f"{place}/{missing}", "required, but missing"
        elif error.validator in ("anyOf", "not"):
            message = error.schema["description"]
        if len(message) > _MESSAGE_LENGTH:  # messages quote the offending value
            message = message[:_MESSAGE_LENGTH - 1] + "…"
        problems.append(Problem(place or "/", message))
    if problems:
        raise ImportProblems(problems)


def conference_date(builder: ProgrammeBuilder, conference: dict[str, Any], key: str,
                    zone: ZoneInfo | None) -> date | None:
    """The conference's ``start`` or ``end`` (a date or a time) as a date in its zone."""
    text = conference.get(key)
    if not text:
        return None
    try:
        return local_date(text, zone)
    except ValueError:
        builder.problem(pointer("schedule", "conference", key), f"expected a date: {text!r}")
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
