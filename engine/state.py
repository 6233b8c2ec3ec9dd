"""The whole state of one event, as rebuilt from the log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rencontre.access.directory import Directory
from rencontre.attendance.registrations import Attendance
from rencontre.cities.declaration import Declaration
from rencontre.cities.delegations import Delegations
from rencontre.engine.outcomes import Outcomes
from rencontre.rooms.announcements import Board
from rencontre.rooms.polls import Polls
from rencontre.rooms.qa import QA
from rencontre.rooms.reactions import Reactions
from rencontre.schedule.agenda import Agendas
from rencontre.schedule.model import Programme

if TYPE_CHECKING:
    from rencontre.schedule.changes import Change


@dataclass(slots=True)
class EventState:
    seq: int = 0
    access: Directory = field(default_factory=Directory)
    programme: Programme = field(default_factory=Programme)
    # The public change log, newest last, and the seq of the last programme change
    # (feeds use it as their version).
    changes: list[Change] = field(default_factory=list)
    programme_seq: int = 0
    # The whole second of the last programme change, and whether an earlier change fell in
    # the same second: then a Last-Modified date cannot tell the two versions apart.
    programme_second: int = 0
    programme_second_shared: bool = False
    agendas: Agendas = field(default_factory=Agendas)
    announcements: Board = field(default_factory=Board)
    qa: QA = field(default_factory=QA)
    polls: Polls = field(default_factory=Polls)
    reactions: Reactions = field(default_factory=Reactions)
    attendance: Attendance = field(default_factory=Attendance)
    delegations: Delegations = field(default_factory=Delegations)
    declaration: Declaration = field(default_factory=Declaration)
    # Outcome of every recent command that carried an idempotency key, by key.
    outcomes: Outcomes = field(default_factory=Outcomes)

    def programme_changed_at(self, at: float) -> None:
        """Note the time of a programme change (called once per entry that changed it)."""
        second = int(at)
        self.programme_second_shared = second == self.programme_second
        self.programme_second = second
