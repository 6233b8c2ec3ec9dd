"""A session's (or a room's) stream: its language channels, captions and replay.

A channel is one way to follow: the floor (the room as it sounds) or an
interpretation into a language, as video or audio only, played in the page
(HLS), framed (a known video host) or opened in a new tab (a meeting). A
session without channels of its own follows its room's; see :func:`effective`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from rencontre.engine.messages import N_
from rencontre.streams.links import BadLink, Kind, Link, classify, origin, web_link

FLOOR = "floor"
MAX_CHANNELS = 12
_LANGUAGE = re.compile(r"^(?:floor|[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)$")
_ID = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


class Media(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"


class OnAir(StrEnum):
    """Whether a channel is on air: not yet (or paused), live, or over for this session."""

    OFF = "off"
    LIVE = "live"
    ENDED = "ended"


class InvalidStream(ValueError):
    """Stream data that cannot be used; ``place`` says where (``channels[1].url``)."""

    def __init__(self, place: str, message: str, **params: Any) -> None:
        super().__init__(f"{place}: {message.format(**params)}")
        self.place = place
        self.message = message
        self.params = params


@dataclass(frozen=True, slots=True)
class Channel:
    id: str
    language: str  # "floor" or a language code
    kind: Kind
    url: str
    platform: str
    media: Media = Media.VIDEO
    on_air: OnAir = OnAir.LIVE

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "language": self.language, "kind": self.kind.value,
                "url": self.url, "platform": self.platform, "media": self.media.value,
                "on_air": self.on_air.value}

    @classmethod
    def from_json(cls, data: Any, place: str) -> Channel:
        if isinstance(data, str):
            data = {"url": data}
        if not isinstance(data, dict):
            raise InvalidStream(place, N_("A channel must be an address or an object."))
        language = data.get("language") or FLOOR
        if not isinstance(language, str) or not _LANGUAGE.match(language):
            raise InvalidStream(f"{place}.language",
                                N_("A channel’s language must be “floor” or a language code."))
        channel_id = data.get("id") or language
        if not isinstance(channel_id, str) or not _ID.match(channel_id):
            raise InvalidStream(f"{place}.id", N_("A channel’s id must be an identifier."))
        try:
            link = classify(data.get("url", ""), data.get("kind"))
        except BadLink as bad:
            raise InvalidStream(f"{place}.url", bad.message, **bad.params) from None
        return cls(channel_id, language, link.kind, link.url, link.platform,
                   _choice(Media, data.get("media"), Media.VIDEO, f"{place}.media"),
                   _choice(OnAir, data.get("on_air"), OnAir.LIVE, f"{place}.on_air"))


def _choice(kind: type[StrEnum], value: Any, default: StrEnum, place: str) -> Any:
    if value in (None, ""):
        return default
    try:
        return kind(value)
    except ValueError:
        raise InvalidStream(place, N_("“{value}” must be one of: {values}."),
                            value=str(value)[:20], values=", ".join(kind)) from None


def _web(value: Any, place: str) -> str:
    if value in (None, ""):
        return ""
    try:
        return web_link(value)
    except BadLink as bad:
        raise InvalidStream(place, bad.message, **bad.params) from None


def _replay(value: Any, place: str) -> str:
    """A recording: any https page, or one the page plays (which may be local HLS)."""
    try:
        if value not in (None, "") and classify(value).kind is not Kind.MEETING:
            return value.strip()
    except BadLink:
        pass
    return _web(value, place)


@dataclass(frozen=True, slots=True)
class Stream:
    channels: tuple[Channel, ...] = ()
    captions: str = ""  # a page showing live captions, opened in a new tab
    replay: str = ""  # the recording, offered once the session has ended

    @property
    def replay_player(self) -> Link | None:
        """The replay as the page plays it (an HLS recording, a known video host), if it can."""
        if not self.replay:
            return None
        try:
            link = classify(self.replay)
        except BadLink:
            return None
        return link if link.kind is not Kind.MEETING else None

    def __bool__(self) -> bool:
        return bool(self.channels or self.captions or self.replay)

    def channel(self, channel_id: str) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def with_channel(self, channel: Channel) -> Stream:
        return replace(self, channels=tuple(channel if c.id == channel.id else c
                                            for c in self.channels))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"channels": [c.to_json() for c in self.channels]}
        if self.captions:
            data["captions"] = self.captions
        if self.replay:
            data["replay"] = self.replay
            player = self.replay_player
            if player is not None:  # derived: read back from ``replay`` alone
                data["replay_player"] = {"kind": player.kind.value, "url": player.url,
                                         "platform": player.platform}
        return data

    @classmethod
    def from_json(cls, data: Any, place: str = "stream") -> Stream:
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise InvalidStream(place, N_("A stream must be an object."))
        channels = data.get("channels") or []
        if not isinstance(channels, list):
            raise InvalidStream(f"{place}.channels", N_("A stream’s channels must be a list."))
        if len(channels) > MAX_CHANNELS:
            raise InvalidStream(f"{place}.channels", N_("A stream has at most {max} channels."),
                                max=str(MAX_CHANNELS))
        read = tuple(Channel.from_json(item, f"{place}.channels[{index}]")
                     for index, item in enumerate(channels))
        seen: set[str] = set()
        for index, channel in enumerate(read):
            if channel.id in seen:
                raise InvalidStream(f"{place}.channels[{index}].id",
                                    N_("Two channels are called “{id}”."), id=channel.id)
            seen.add(channel.id)
        return cls(read, _web(data.get("captions"), f"{place}.captions"),
                   _replay(data.get("replay"), f"{place}.replay"))


@dataclass(frozen=True, slots=True)
class Watch:
    """What a session's attendees follow: its own channels, else its room's."""

    stream: Stream = field(default_factory=Stream)
    source: str = ""  # "session", "room" or "" (nothing configured)


def effective(session_stream: Stream, room_stream: Stream) -> Watch:
    """The session's channels when it has any, else the room's; captions likewise; the
    replay is the session's own (a room's recording is not this session's)."""
    own = bool(session_stream.channels)
    channels = session_stream.channels if own else room_stream.channels
    stream = Stream(channels, session_stream.captions or room_stream.captions,
                    session_stream.replay)
    source = "session" if own else ("room" if channels else "")
    return Watch(stream, source if stream else "")


def hosts(streams: list[Stream]) -> tuple[set[str], set[str]]:
    """The origins the pages load from: (HLS origins, embed origins), for the CSP."""
    played: set[str] = set()
    framed: set[str] = set()
    for stream in streams:
        replay = stream.replay_player
        for link in [*stream.channels, *([replay] if replay else [])]:
            if link.kind is Kind.HLS:
                played.add(origin(link.url))
            elif link.kind is Kind.EMBED:
                framed.add(origin(link.url))
    return played, framed

