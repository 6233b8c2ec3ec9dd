"""What an import reports when a file cannot be read, or is read leniently."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from rencontre.engine.messages import N_


class Translate(Protocol):
    def __call__(self, message: str, params: dict[str, Any]) -> str: ...


def english(message: str, params: dict[str, Any]) -> str:
    return message.format(**params)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in an imported file.

    ``place`` points into the file in the file's own terms: an XML element path with its
    line, a JSON pointer, a CSV line and column, or an iCalendar VEVENT number and UID.
    ``message`` is an English template marked for translation, filled from ``params``.
    In a lenient import, ``resolution`` says what was done about it (skipped, repaired).
    """

    place: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    resolution: str = ""
    resolution_params: dict[str, Any] = field(default_factory=dict)

    def text(self, translate: Translate = english) -> str:
        """The message, and what was done about it, in the language ``translate`` gives."""
        said = translate(self.message, self.params)
        if self.resolution:
            done = translate(self.resolution, self.resolution_params)
            said = translate(N_("{problem} ({resolution})"), {"problem": said, "resolution": done})
        return said

    def __str__(self) -> str:
        return f"{self.place}: {self.text()}"


SKIPPED = N_("skipped")
IGNORED = N_("field ignored")
KEPT_AS = N_("kept as session {id}")
KEPT = N_("kept: overlaps allowed")


class ImportProblems(ValueError):
    """An import refused as a whole; ``problems`` lists everything found wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the file:\n{lines}")
