"""Online presence as this process sees it, turned into a few logged facts.

A page says whether it is visible when it signs in and with every heartbeat it
already sends (``conn.ping``), and at once when that changes. This process
counts, per attendee and session, the visible pages it holds in that session's
room. Only the changes are logged: ``presence.start`` when the first one
appears, ``presence.stop`` when the last one has been gone (hidden, left or
disconnected) for the grace period, stamped with the time it went. A page that
comes back within the grace period (a reload, a phone waking up, a reconnect)
logs nothing at all. Heartbeats themselves never reach the log.

Each process signs its facts with its own ``source``, so that an attendee with
pages on two processes stays present until both have let go.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any

from rencontre.engine.messages import Actor, Refusal, Role
from rencontre.server.connection import Connection
from rencontre.server.hub import Hub
from rencontre.server.log import LogUnavailable

log = logging.getLogger(__name__)

Key = tuple[str, str]  # (principal, session)


def rooms_of(connection: Connection) -> list[str]:
    return [topic[5:] for topic in connection.topics if topic.startswith("room:")]


def counted(actor: Actor | None) -> bool:
    """Attendees follow sessions; staff, kiosks and stage screens are not audience."""
    return actor is not None and actor.role is Role.ATTENDEE


class PresenceTracker:
    def __init__(self, hub: Hub, grace: float, source: str | None = None) -> None:
        self.hub = hub
        self.grace = grace
        self.source = source or secrets.token_hex(4)
        self.visible: dict[Key, int] = {}
        self._leaving: dict[Key, asyncio.TimerHandle] = {}
        self._last: dict[Key, asyncio.Task[None]] = {}

    def joined(self, connection: Connection, session: str) -> None:
        if counted(connection.actor) and connection.visible:
            self._add(connection.actor, session)  # type: ignore[arg-type]

    def left(self, connection: Connection, session: str) -> None:
        if counted(connection.actor) and connection.visible:
            self._remove(connection.actor, session)  # type: ignore[arg-type]

    def seen(self, connection: Connection, visible: bool) -> None:
        """The page said whether it is visible; only a change counts."""
        if visible == connection.visible:
            return
        if counted(connection.actor):
            for session in rooms_of(connection):
                if visible:
                    self._add(connection.actor, session)  # type: ignore[arg-type]
                else:
                    self._remove(connection.actor, session)  # type: ignore[arg-type]
        connection.visible = visible

    def gone(self, connection: Connection) -> None:
        """The connection closed, or is about to sign in as someone else."""
        for session in rooms_of(connection):
            self.left(connection, session)

    def back(self, connection: Connection) -> None:
        for session in rooms_of(connection):
            self.joined(connection, session)

    def _add(self, actor: Actor, session: str) -> None:
        key = (actor.id, session)
        count = self.visible.get(key, 0)
        self.visible[key] = count + 1
        if count:
            return
        timer = self._leaving.pop(key, None)
        if timer is not None:
            timer.cancel()  # back within the grace period: the interval never closed
        else:
            self._log(key, "presence.start", actor, {"session": session})

    def _remove(self, actor: Actor, session: str) -> None:
        key = (actor.id, session)
        count = self.visible.get(key, 0) - 1
        if count > 0:
            self.visible[key] = count
            return
        self.visible.pop(key, None)
        since = int(self.hub.clock())
        self._leaving[key] = asyncio.get_running_loop().call_later(
            self.grace, self._stop, actor, session, since)

    def _stop(self, actor: Actor, session: str, since: int) -> None:
        key = (actor.id, session)
        self._leaving.pop(key, None)
        self._log(key, "presence.stop", actor, {"session": session, "since": since})

    def _log(self, key: Key, type: str, actor: Actor, data: dict[str, Any]) -> None:
        """Log in order per attendee and session: a stop never overtakes its start."""
        previous = self._last.get(key)
        task = asyncio.create_task(self._execute(previous, type, actor,
                                                 {**data, "source": self.source}))
        self._last[key] = task
        task.add_done_callback(lambda done: self._last.pop(key, None)
                               if self._last.get(key) is done else None)

    async def _execute(self, previous: asyncio.Task[None] | None, type: str, actor: Actor,
                       data: dict[str, Any]) -> None:
        if previous is not None:
            await asyncio.gather(previous, return_exceptions=True)
        try:
            await self.hub.execute(type, data, actor)
        except (Refusal, LogUnavailable) as error:
            log.warning("online presence not recorded (%s): %s", type, error)

    async def close(self) -> None:
        """Stopping: end what this process holds open now, rather than at the sessions' ends."""
        since = int(self.hub.clock())
        keys = set(self.visible) | set(self._leaving)
        for timer in self._leaving.values():
            timer.cancel()
        self._leaving.clear()
        self.visible.clear()
        for principal, session in keys:
            known = self.hub.state.access.principals.get(principal)
            if known is not None:
                actor = Actor(known.id, known.role, known.name)
                self._log((principal, session), "presence.stop", actor,
                          {"session": session, "since": since})
        await asyncio.gather(*self._last.values(), return_exceptions=True)
