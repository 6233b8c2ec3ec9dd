"""A scenario: how to load one target, the numbers it yields, and the goal for each."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from bench.targets import Target


@dataclass(frozen=True)
class Options:
    """What ``python -m bench run`` was asked for."""

    clients: int
    duration: float
    rate: float
    log_events: int
    quick: bool
    generators: int | None
    workdir: Path
    only: str | None = None  # run one target ("rencontre" or "bare") instead of both
    profile: Path | None = None  # where py-spy writes a flame graph of each fan-out window
    attendees: str = "shared"  # idle and fan-out: "distinct" gives each client its own token


@dataclass(frozen=True)
class Metric:
    """One printed number: its key in a sample, its label and unit, and the goal if any."""

    key: str
    label: str
    unit: str
    goal: str = ""
    digits: int = 1


@dataclass
class Sample:
    """What one target yielded in one scenario."""

    numbers: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    series: dict[str, Any] = field(default_factory=dict)


class Scenario(ABC):
    """A numbered scenario of issue 5, run the same way against Rencontre and the bare server.

    ``ready = False`` marks a scenario whose feature does not exist yet: it is listed
    as "not yet" with ``needs`` instead of run.
    """

    number: ClassVar[int]
    key: ClassVar[str]
    title: ClassVar[str]
    metrics: ClassVar[tuple[Metric, ...]] = ()
    ready: ClassVar[bool] = True
    needs: ClassVar[str] = ""

    def describe(self, options: Options) -> str:
        """One line saying what this run does, with its sizes."""
        return self.title

    async def prepare(self, options: Options) -> None:  # noqa: B027 - optional hook
        """Set up what both targets share (a generated log, a Redis); default nothing."""

    async def cleanup(self) -> None:  # noqa: B027 - optional hook
        """Undo :meth:`prepare`."""

    @abstractmethod
    def targets(self, options: Options) -> list[Target]:
        """Rencontre first, then its bare baseline, both not yet started."""

    @abstractmethod
    async def measure(self, target: Target, options: Options) -> Sample:
        """Start ``target``, load it, and return its numbers; stop what it started."""
