"""Announcements from moderators to every attendee, or to one session's room.

An announcement may be written in several of the event's languages (``texts``); each
reader sees theirs, else English, else the one given. ``text`` is the first of them,
for readers that know no better (exports, old clients).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rencontre.engine.fields import Id, Int, Localized, Text
from rencontre.engine.messages import N_, STAFF, Command, Decision, Event, Refusal
from rencontre.engine.registry import applies, command, publishes

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

MAX_MINUTES = 7 * 24 * 60


@dataclass(slots=True)
class Announcement:
    id: str
    text: str
    room: str | None
    posted_at: float
    expires_at: float | None
    author: str
    texts: dict[str, str] = field(default_factory=dict)

    def visible(self, now: float) -> bool:
        return self.expires_at is None or now < self.expires_at

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "room": self.room,
                "posted_at": self.posted_at, "expires_at": self.expires_at,
                "author": self.author, "texts": self.texts}


@dataclass(slots=True)
class Board:
    """The announcements still up, with their expiry times in a heap.

    Expired announcements are dropped when the next one is posted, at that
    post's time, so every process drops the same ones at the same seq and a
    long event keeps only what can still show.
    """

    by_id: dict[str, Announcement] = field(default_factory=dict)
    expiries: list[tuple[float, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.by_id)

    def __iter__(self) -> Iterator[Announcement]:
        return iter(self.by_id.values())

    def get(self, announcement_id: str) -> Announcement | None:
        return self.by_id.get(announcement_id)

    def add(self, announcement: Announcement) -> None:
        self.prune(announcement.posted_at)
        self.by_id[announcement.id] = announcement
        if announcement.expires_at is not None:
            heapq.heappush(self.expiries, (announcement.expires_at, announcement.id))

    def remove(self, announcement_id: str) -> None:
        # Its heap entry stays until it comes due: prune() skips ids already gone.
        del self.by_id[announcement_id]

    def prune(self, now: float) -> None:
        expiries = self.expiries
        while expiries and expiries[0][0] <= now:
            self.by_id.pop(heapq.heappop(expiries)[1], None)

    def visible(self, room: str | None, now: float, every_room: bool) -> list[dict[str, Any]]:
        return [a.to_json() for a in self.by_id.values()
                if (every_room or a.room == room) and a.visible(now)]


def _topics(room: str | None) -> list[str]:
    """Where a room's announcements go: its room, the pages that watch its news (a
    session's description page), and staff panels that list them all."""
    if room is None:
        return ["all"]
    return [f"room:{room}", f"news:{room}", "role:moderator", "role:organiser"]


def visible(state: EventState, room: str | None, now: float,
            every_room: bool = False) -> list[dict[str, Any]]:
    """The announcements for ``room`` (None: event-wide) that have not expired, oldest first.

    With ``every_room``, those of every room as well, for staff panels.
    """
    return state.announcements.visible(room, now, every_room)


# The order in which a text is picked for ``text`` when several languages are given.
PREFERENCE = ("en", "fr", "es")


@command("announcement.post", roles=STAFF, fields={
    "text": Text(max=500, optional=True),
    "texts": Localized(max=500, optional=True),
    "room": Id(optional=True),
    "expires_in": Int(min=1, max=MAX_MINUTES, optional=True),
})
def post(state: EventState, cmd: Command) -> Decision:
    """Post an announcement (``text``, or ``texts`` per language) to every attendee, or to one
    session's room, optionally expiring."""
    texts = dict(cmd.data.get("texts") or {})
    text = cmd.data.get("text")
    if text is None and not texts:
        raise Refusal("request.missing", N_("Field “{field}” is required."), field="texts")
    if text is None:
        text = next(texts[lang] for lang in (*PREFERENCE, *texts) if lang in texts)
    room = cmd.data.get("room")
    if room is not None and room not in state.programme.sessions:
        raise Refusal("room.unknown", N_("No session “{room}”."), room=room)
    minutes = cmd.data.get("expires_in")
    announcement_id = f"an{state.seq}"
    return Decision([Event("announcement.posted", {
        "id": announcement_id, "text": text, "texts": texts, "room": room, "posted_at": cmd.at,
        "expires_at": cmd.at + 60 * minutes if minutes else None,
        "author": cmd.actor.name if cmd.actor else "",
    })], {"id": announcement_id})


@command("announcement.withdraw", roles=STAFF, fields={"announcement": Id()})
def withdraw(state: EventState, cmd: Command) -> Decision:
    """Take an announcement down from every screen."""
    announcement = state.announcements.get(cmd.data["announcement"])
    if announcement is None:
        raise Refusal("announcement.unknown", N_("No such announcement."))
    return Decision([Event("announcement.withdrawn", {
        "id": announcement.id, "room": announcement.room})], {"id": announcement.id})


@applies("announcement.posted")
def _posted(state: EventState, event: Event) -> None:
    state.announcements.add(Announcement(**event.data))


@publishes("announcement.posted")
def _publish_posted(state: EventState, event: Event) -> list[tuple[str, dict]]:
    payload = {"room": event.data["room"], "announcement": event.data}
    return [(t, payload) for t in _topics(event.data["room"])]


@applies("announcement.withdrawn")
def _withdrawn(state: EventState, event: Event) -> None:
    state.announcements.remove(event.data["id"])


@publishes("announcement.withdrawn")
def _publish_withdrawn(state: EventState, event: Event) -> list[tuple[str, dict]]:
    payload = {"room": event.data["room"], "id": event.data["id"]}
    return [(t, payload) for t in _topics(event.data["room"])]
