"""The table of commands, and of how each event is applied and published.

Domain modules register into :data:`registry` when imported::

    @registry.command("announcement.post", roles=STAFF, fields={...})
    def post(state, command) -> Decision: ...

    @registry.applies("announcement.posted")
    def _(state, event) -> None: ...

    @registry.publishes("announcement.posted")
    def _(state, event) -> list[tuple[str, dict]]: ...

A push is named after the event it publishes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rencontre.engine.fields import Field
from rencontre.engine.messages import Command, Decision, Event, Role

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

Handler = Callable[["EventState", Command], Decision]
Applier = Callable[["EventState", Event], None]
Publisher = Callable[["EventState", Event], list[tuple[str, dict[str, Any]]]]


@dataclass(frozen=True)
class CommandSpec:
    type: str
    roles: frozenset[Role] | None  # None: also open to connections not signed in
    fields: dict[str, Field]
    handle: Handler
    doc: str
    # Runs on the receiving server before the command is logged, to mint ids
    # and secrets: the log gets ``Minted.data``, only the sender gets ``Minted.reply``.
    prepare: Callable[[dict[str, Any]], Any] | None = None


class Registry:
    def __init__(self) -> None:
        self.commands: dict[str, CommandSpec] = {}
        self.appliers: dict[str, Applier] = {}
        self.publishers: dict[str, Publisher] = {}

    def command(
        self,
        type: str,
        *,
        roles: frozenset[Role] | None,
        fields: dict[str, Field] | None = None,
        prepare: Callable[[dict[str, Any]], Any] | None = None,
    ) -> Callable[[Handler], Handler]:
        def register(handle: Handler) -> Handler:
            if type in self.commands:
                raise ValueError(f"command {type} registered twice")
            doc = (handle.__doc__ or "").strip()
            self.commands[type] = CommandSpec(type, roles, fields or {}, handle, doc, prepare)
            return handle

        return register

    def applies(self, type: str) -> Callable[[Applier], Applier]:
        """Register how an event changes the state. Another area may follow the same
        event (attendance follows ``session.changed``): its applier runs after the first."""

        def register(apply: Applier) -> Applier:
            first = self.appliers.get(type)
            if first is None:
                self.appliers[type] = apply
            else:
                def both(state: EventState, event: Event) -> None:
                    first(state, event)
                    apply(state, event)

                self.appliers[type] = both
            return apply

        return register

    def publishes(self, type: str) -> Callable[[Publisher], Publisher]:
        """Register the pushes an event makes. Another area may push on the same event
        (polls push turnout when attendance changes who is present): both lists go out."""

        def register(publish: Publisher) -> Publisher:
            first = self.publishers.get(type)
            if first is None:
                self.publishers[type] = publish
            else:
                def both(state: EventState, event: Event) -> list[tuple[str, dict]]:
                    return [*first(state, event), *publish(state, event)]

                self.publishers[type] = both
            return publish

        return register


registry = Registry()
command = registry.command
applies = registry.applies
publishes = registry.publishes
