"""Values that cross the boundary between the server and the domain."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    ATTENDEE = "attendee"
    MODERATOR = "moderator"
    KIOSK = "kiosk"
    ORGANISER = "organiser"


STAFF = frozenset({Role.MODERATOR, Role.ORGANISER})
EVERYONE = frozenset(Role)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sent a command, as established by the gateway."""

    id: str
    role: Role
    name: str = ""

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "role": self.role.value, "name": self.name}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Actor:
        return cls(data["id"], Role(data["role"]), data.get("name", ""))


@dataclass(frozen=True, slots=True)
class Command:
    """A request to change the event, as it is written to the log.

    ``at`` is the time, in Unix seconds, at which the server accepted the
    command; handlers use it instead of a clock so that replaying the log
    gives the same outcome on every process. ``key`` makes retries
    idempotent: it is the actor's id joined to the client's command id.
    """

    type: str
    data: dict[str, Any]
    actor: Actor | None
    at: float
    key: str | None = None

    def to_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"type": self.type, "data": self.data, "at": self.at}
        if self.actor is not None:
            entry["actor"] = self.actor.to_json()
        if self.key is not None:
            entry["key"] = self.key
        return entry

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> Command:
        actor = entry.get("actor")
        return cls(
            type=entry["type"],
            data=entry.get("data", {}),
            actor=Actor.from_json(actor) if actor else None,
            at=entry["at"],
            key=entry.get("key"),
        )


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened, produced by a handler and applied to the state."""

    type: str
    data: dict[str, Any]


@dataclass(slots=True)
class Decision:
    """What a handler decided: the events to apply and the answer to the sender."""

    events: list[Event] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)


class Refusal(Exception):
    """A command that cannot be carried out, with a stable code.

    ``message`` is an English template marked for translation; ``params`` fill
    it in. The gateway translates it into the connection's language.
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.params = params

    def to_outcome(self) -> dict[str, Any]:
        return {"ok": False, "code": self.code, "message": self.message, "params": self.params}


@dataclass(frozen=True, slots=True)
class Push:
    """A message for every connection subscribed to ``topic``.

    Topics: ``all``; ``role:<role>``; ``principal:<id>``; ``room:<session>`` for
    everyone in a session; ``staff:<session>`` for moderators in a session;
    ``news:<session>`` for pages that watch a session's announcements.
    """

    topic: str
    message: dict[str, Any]
    # High-rate pushes (vote counts) are merged per topic and sent in ticks.
    coalesce: bool = False


def N_(message: str) -> str:
    """Mark a string for translation without translating it here."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - gettext's style
    """Mark a message with a count (``{count}``) for translation in each plural form; it is
    translated where it is shown, with ``ngettext``."""
    return singular, plural
