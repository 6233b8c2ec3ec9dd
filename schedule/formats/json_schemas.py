"""JSON Schemas (draft 7) of what Rencontre reads from schedule JSON files.

They follow the c3voc schedule JSON v1 and schedule2 formats in the fields Rencontre uses,
with the same types and requirements, so that a file those formats reject is refused before
anything is read from it. Fields Rencontre ignores are only checked where v1 forbids them.
"""

from __future__ import annotations

from typing import Any

_STRING: dict[str, Any] = {"type": "string"}
_TEXT: dict[str, Any] = {"type": ["string", "null"]}
_ID = {"type": "integer", "minimum": 1}
# schedule2's LocalizableString: a text, or texts by language code.
_LOCALIZABLE: dict[str, Any] = {"type": ["string", "null", "object"],
                                "additionalProperties": _STRING}

_V1_EVENT_FIELDS = (
    "guid", "code", "id", "logo", "date", "start", "end", "duration", "room", "slug", "url",
    "title", "subtitle", "track", "type", "language", "abstract", "description",
    "recording_license", "do_not_record", "do_not_stream", "persons", "links", "feedback_url",
    "origin_url", "attachments",
)

_PERSON = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "guid": _STRING, "code": _STRING, "name": _STRING,
        "public_name": _STRING, "biography": _TEXT,
    },
    "anyOf": [{"required": ["name"]}, {"required": ["public_name"]}],
    "description": "a person needs a name or public_name",
}

_ROOM = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": _STRING, "slug": _STRING, "guid": _STRING, "type": _STRING,
        "capacity": {"type": ["number", "null"]},
    },
}

_TRACK = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": _STRING, "slug": _STRING, "color": _STRING,
                   "colors": {"type": "object"}},
}

_CONFERENCE_FIELDS = {
    "title": _STRING, "acronym": _STRING, "start": _STRING, "end": _STRING,
    "daysCount": {"type": "integer"}, "time_zone_name": _STRING, "url": _STRING,
    "rooms": {"type": "array", "items": _ROOM},
    "tracks": {"type": "array", "items": _TRACK},
}

_V1_EVENT = {
    "type": "object",
    "required": ["id", "guid", "date", "start", "duration", "room", "title"],
    "additionalProperties": False,
    "properties": {name: {} for name in _V1_EVENT_FIELDS} | {
        "id": _ID, "guid": _STRING, "date": _STRING, "start": _STRING, "end": _STRING,
        "duration": _STRING, "room": _STRING, "title": _STRING, "url": _STRING,
        "track": _TEXT, "language": _TEXT, "abstract": _TEXT, "description": _TEXT,
        "persons": {"type": "array", "items": _PERSON},
    },
}

SCHEDULE_V1: dict[str, Any] = {
    "type": "object",
    "required": ["schedule"],
    "properties": {"schedule": {
        "type": "object",
        "required": ["conference"],
        "properties": {
            "version": _STRING,
            "base_url": _STRING,
            "rooms": {"not": {}, "description": "rooms belong in the conference object"},
            "conference": {
                "type": "object",
                "required": ["title", "acronym", "days"],
                "properties": _CONFERENCE_FIELDS | {"days": {"type": "array", "items": {
                    "type": "object",
                    "required": ["date", "rooms"],
                    "properties": {"rooms": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": _V1_EVENT},
                    }},
                }}},
            },
        },
    }},
}

_V2_EVENT = {
    "type": "object",
    "required": ["guid", "start", "end", "room", "title"],
    "properties": {
        "guid": _STRING, "code": _STRING, "id": _ID, "start": _STRING, "end": _STRING,
        "title": _STRING, "url": _STRING, "language": _TEXT, "abstract": _LOCALIZABLE,
        "description": _LOCALIZABLE, "state": _STRING,
        "room": {
            "type": "object",
            "properties": {"name": _STRING, "slug": _STRING, "guid": _STRING},
            "anyOf": [{"required": ["guid"]}, {"required": ["slug"]}, {"required": ["name"]}],
            "description": "a room needs a guid, slug or name",
        },
        "track": {"type": ["object", "string", "null"],
                  "properties": {"name": _STRING, "slug": _STRING}},
        "participants": {"type": "array", "items": {
            "type": "object", "required": ["name"],
            "properties": {"name": _STRING, "guid": _STRING, "role": _STRING},
        }},
    },
}

SCHEDULE_V2: dict[str, Any] = {
    "type": "object",
    "required": ["schedule"],
    "properties": {"schedule": {
        "type": "object",
        "required": ["conference", "events"],
        "properties": {
            "base_url": _STRING,
            "conference": {"type": "object", "required": ["title", "acronym"],
                           "properties": _CONFERENCE_FIELDS},
            "events": {"type": "array", "items": _V2_EVENT},
            "persons": {"type": "array", "items": {
                "type": "object",
                "properties": {"guid": _STRING, "name": _STRING, "biography": _TEXT},
            }},
        },
    }},
}
