"""What an import reports when a file cannot be read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in an imported file.

    ``place`` points into the file in the file's own terms: an XML element path with its
    line, a JSON pointer, a CSV line and column, or an iCalendar VEVENT number and UID.
    """

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


class ImportProblems(ValueError):
    """An import refused as a whole; ``problems`` lists everything found wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the file:\n{lines}")
