"""The whole state of one event, as rebuilt from the log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from access.directory import Directory
from schedule.model import Programme

if TYPE_CHECKING:
    from rooms.announcements import Announcement


@dataclass(slots=True)
class EventState:
    seq: int = 0
    access: Directory = field(default_factory=Directory)
    programme: Programme = field(default_factory=Programme)
    announcements: dict[str, Announcement] = field(default_factory=dict)
    # Outcome of every command that carried an idempotency key, by key.
    outcomes: dict[str, dict[str, Any]] = field(default_factory=dict)
