"""Commands that set a session's or a room's stream, and put its channels on or off air.

Both go through the log, so every process, page and feed agrees on them, and
both end in one ``stream.changed`` event that carries the whole new stream:
pages replace what they had. A session's own channels replace its room's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rencontre.engine.fields import Blob, Choice, Id, Text
from rencontre.engine.messages import N_, STAFF, Command, Decision, Event, Refusal, Role
from rencontre.engine.registry import applies, command, publishes
from rencontre.streams.links import MAX_URL, BadLink, classify
from rencontre.streams.model import Channel, InvalidStream, OnAir, Stream

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

TARGET = {"session": Id(optional=True), "room": Id(optional=True)}


def _target(state: EventState, cmd: Command) -> tuple[str, str, Stream]:
    """("session" or "room", its id, its current stream), from exactly one of the two fields."""
    session, room = cmd.data.get("session"), cmd.data.get("room")
    if (session is None) == (room is None):
        raise Refusal("request.invalid", N_("Name either a session or a room."), field="session")
    programme = state.programme
    if session is not None:
        found = programme.sessions.get(session)
        if found is None:
            raise Refusal("session.unknown", N_("No session “{session}”."), session=session)
        return "session", session, found.stream
    place = programme.rooms.get(room)
    if place is None:
        raise Refusal("room.unknown-room", N_("No room “{room}”."), room=room)
    return "room", room, place.stream


def _invalid(problem: InvalidStream) -> Refusal:
    return Refusal("stream.invalid", problem.message, place=problem.place, **problem.params)


def _changed(cmd: Command, target: str, target_id: str, stream: Stream) -> Decision:
    return Decision([Event("stream.changed", {
        "target": target, "id": target_id, "stream": stream.to_json(), "at": cmd.at,
    })], {target: target_id, "stream": stream.to_json()})


@command("stream.set", roles=frozenset({Role.ORGANISER}), fields={
    **TARGET, "stream": Blob(max_items=10),
})
def set_stream(state: EventState, cmd: Command) -> Decision:
    """Set the channels, captions link and replay of a session or a room (no channels: none)."""
    target, target_id, _ = _target(state, cmd)
    try:
        stream = Stream.from_json(cmd.data["stream"])
    except InvalidStream as problem:
        raise _invalid(problem) from None
    return _changed(cmd, target, target_id, stream)


@command("stream.channel", roles=STAFF, fields={
    **TARGET, "channel": Id(), "on_air": Choice(values=tuple(OnAir), optional=True),
    "url": Text(max=MAX_URL, optional=True),
})
def set_channel(state: EventState, cmd: Command) -> Decision:
    """Put one channel on air, off air or ended, or move it to a new address."""
    target, target_id, stream = _target(state, cmd)
    channel = stream.channel(cmd.data["channel"])
    if channel is None:
        raise Refusal("stream.unknown-channel", N_("No channel “{channel}”."),
                      channel=cmd.data["channel"])
    if "on_air" not in cmd.data and "url" not in cmd.data:
        raise Refusal("request.missing", N_("Field “{field}” is required."), field="on_air")
    data: dict[str, Any] = channel.to_json()
    if "url" in cmd.data:
        # A moved channel keeps its kind unless the new address says otherwise.
        try:
            link = classify(cmd.data["url"])
        except BadLink:
            link = None
        data.update(url=cmd.data["url"], kind=link.kind.value if link else channel.kind.value)
    if "on_air" in cmd.data:
        data["on_air"] = cmd.data["on_air"]
    try:
        changed = Channel.from_json(data, "url")
    except InvalidStream as problem:
        raise _invalid(problem) from None
    if changed == channel:
        raise Refusal("stream.unchanged", N_("The channel is like this already."))
    return _changed(cmd, target, target_id, stream.with_channel(changed))


@applies("stream.changed")
def _apply(state: EventState, event: Event) -> None:
    programme = state.programme
    stream = Stream.from_json(event.data["stream"])
    at = datetime.fromtimestamp(event.data["at"], UTC)
    if event.data["target"] == "session":
        session = programme.sessions[event.data["id"]]
        session.stream = stream
        session.updated = at
    else:
        programme.rooms[event.data["id"]].stream = stream
        # Calendar entries of the sessions that follow the room's stream change with it.
        for session in programme.sessions.values():
            if session.room == event.data["id"] and not session.stream.channels:
                session.updated = at
    state.programme_seq = state.seq


@publishes("stream.changed")
def _publish(state: EventState, event: Event) -> list[tuple[str, dict]]:
    return [("all", {"target": event.data["target"], "id": event.data["id"],
                     "stream": event.data["stream"]})]
