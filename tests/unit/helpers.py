"""Drive the engine the way the server does, without any I/O."""

from __future__ import annotations

from datetime import date
from typing import Any

from rencontre.access.directory import mint
from rencontre.engine.core import Engine, Replay
from rencontre.engine.messages import Actor, Command, Role
from rencontre.engine.registry import registry
from rencontre.schedule.demo import demo_programme

ORGANISER = Actor("org", Role.ORGANISER, "Organiser")
MODERATOR = Actor("mod", Role.MODERATOR, "Moda")
ATTENDEE = Actor("att", Role.ATTENDEE, "Ana")
KIOSK = Actor("kiosk", Role.KIOSK, "Kiosk 1")
DEMO_START = date(2026, 3, 10)


class Driver:
    """An engine and a log in a list: ``send`` admits, logs and applies like the hub."""

    def __init__(self, engine: Engine | None = None) -> None:
        self.engine = engine or Engine()
        self.log: list[dict[str, Any]] = []
        self.pushes: list[Any] = []
        self.clock = 1_773_150_000.0  # 2026-03-10 13:40 UTC

    @property
    def state(self):
        return self.engine.state

    def send(self, type: str, data: dict[str, Any] | None = None, actor: Actor | None = ORGANISER,
             key: str | None = None, at: float | None = None) -> dict[str, Any]:
        """Admit, append and apply; return the outcome. Refusals before the log raise."""
        data = dict(data or {})
        spec = registry.commands.get(type)
        reply = {}
        if spec is not None and spec.prepare is not None:
            minted = spec.prepare(data)
            data, reply = minted.data, minted.reply
        command = Command(type, data, actor, self.clock if at is None else at, key)
        admitted = self.engine.admit(command)
        if isinstance(admitted, Replay):
            return admitted.outcome
        outcome = self.append(admitted.to_entry())
        if outcome["ok"]:
            outcome = {**outcome, "result": {**outcome["result"], **reply}}
        return outcome

    def append(self, entry: dict[str, Any]) -> dict[str, Any]:
        self.log.append(entry)
        applied = self.engine.apply(len(self.log), entry)
        self.pushes.extend(applied.pushes)
        return applied.outcome

    def replay(self) -> Engine:
        """A fresh engine rebuilt from this log."""
        engine = Engine()
        for seq, entry in enumerate(self.log, start=1):
            engine.apply(seq, entry)
        return engine


def demo_entries() -> list[dict[str, Any]]:
    """The log entries that load the demo event."""
    return demo_driver().log


def demo_driver() -> Driver:
    driver = Driver()
    outcome = driver.send("schedule.load", {"programme": demo_programme(DEMO_START)})
    assert outcome["ok"], outcome
    return driver


def grant(driver: Driver, role: str, name: str = "Someone") -> str:
    """Create a principal and return its token."""
    outcome = driver.send("access.grant", {"role": role, "name": name})
    assert outcome["ok"], outcome
    return outcome["result"]["token"]


__all__ = ["ATTENDEE", "KIOSK", "MODERATOR", "ORGANISER", "Driver", "demo_driver", "grant", "mint"]
