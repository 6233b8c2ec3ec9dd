"""Admit commands and apply the log, one entry at a time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import rencontre.engine.areas  # noqa: F401  (fills the registry)
from rencontre.engine.fields import check_fields
from rencontre.engine.messages import N_, Command, Push, Refusal
from rencontre.engine.registry import CommandSpec, Registry, registry
from rencontre.engine.state import EventState

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Applied:
    """The result of applying one log entry."""

    seq: int
    outcome: dict[str, Any]
    pushes: list[Push]
    key: str | None


@dataclass(slots=True)
class Replay:
    """A command whose key the log already holds: answer with its first outcome."""

    outcome: dict[str, Any]


class Engine:
    """Holds the state of one event and moves it forward along the log."""

    def __init__(self, state: EventState | None = None, table: Registry = registry) -> None:
        self.state = state if state is not None else EventState()
        self.table = table

    def spec(self, command: Command) -> CommandSpec:
        spec = self.table.commands.get(command.type)
        if spec is None:
            raise Refusal(
                "request.unknown-type", N_("Unknown message type “{type}”."), type=command.type
            )
        actor = command.actor
        if spec.roles is not None and (actor is None or actor.role not in spec.roles):
            raise Refusal("auth.forbidden", N_("Your role may not do this."))
        return spec

    def admit(self, command: Command) -> Command | Replay:
        """Check ``command`` against the current state before it is logged.

        Returns the command with its data normalised, ready to append, or a
        :class:`Replay` when the same key was already applied. Raises
        :class:`Refusal` when the command would be refused now; it may still
        be refused when applied, if the log moved on in between.
        """
        if command.key is not None:
            first = self.state.outcomes.get(command.key)
            if first is not None:
                return Replay(first)
        spec = self.spec(command)
        data = check_fields(spec.fields, command.data)
        command = Command(command.type, data, command.actor, command.at, command.key)
        spec.handle(self.state, command)
        return command

    def apply(self, seq: int, entry: dict[str, Any], publish: bool = True) -> Applied:
        """Apply the log entry at position ``seq``; never raises.

        With ``publish`` false no pushes are made: a replay has no one to send them to.
        """
        state = self.state
        if seq <= state.seq:
            raise ValueError(f"entry {seq} applied out of order after {state.seq}")
        state.seq = seq
        command = Command.from_entry(entry)
        key = command.key
        if key is not None:
            first = state.outcomes.get(key)
            if first is not None:
                return Applied(seq, first, [], key)
        pushes: list[Push] = []
        try:
            spec = self.spec(command)
            decision = spec.handle(state, command)
            for event in decision.events:
                self.table.appliers[event.type](state, event)
                publisher = self.table.publishers.get(event.type) if publish else None
                if publisher is not None:
                    for topic, payload in publisher(state, event):
                        message = {"type": event.type, "seq": seq, **payload}
                        coalesce = message.pop("coalesce", False)
                        pushes.append(Push(topic, message, coalesce))
        except Refusal as refusal:
            outcome = refusal.to_outcome()
        except Exception:
            # A bug must not stop the log: the entry fails alike on every process.
            log.exception("command %s at seq %d failed", command.type, seq,
                          extra={"seq": seq, "command": command.type,
                                 "principal": command.actor.id if command.actor else None})
            pushes = []
            outcome = {"ok": False, "code": "server.error", "message": N_("Internal error."),
                       "params": {}}
        else:
            outcome = {"ok": True, "result": decision.result}
            if state.programme_seq == seq:
                state.programme_changed_at(command.at)
        outcome["seq"] = seq
        if key is not None:
            state.outcomes.add(key, outcome, command.at)
        return Applied(seq, outcome, pushes, key)
