"""Finding the session a command names, the same way in every area."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rencontre.engine.messages import N_, Command, Refusal

if TYPE_CHECKING:
    from rencontre.engine.state import EventState
    from rencontre.schedule.model import Session


def session_of(state: EventState, cmd: Command) -> Session:
    """The session named by the command's ``session`` field; refused as ``session.unknown``."""
    session = state.programme.sessions.get(cmd.data["session"])
    if session is None:
        raise Refusal("session.unknown", N_("No session “{session}”."),
                      session=cmd.data["session"])
    return session
