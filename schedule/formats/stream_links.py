"""A session's stream as the links of the exchange formats (frab ``<links>``, schedule JSON
``links``, CSV columns), and back.

Each channel is a link titled ``Live stream: <language>`` (``floor``, ``fr``…), followed by
`` (audio)`` for an audio-only channel; the captions page is ``Live captions``, the replay
``Recording``. On import, those titles are read back; an untitled or otherwise titled link
(or a frab ``<url>``) that is an HLS playlist, a known video host or a known meeting host
becomes the floor channel when there is none yet. Links that are not streams are left out.
Whether a channel is on air is live state, not programme: it is not exported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rencontre.schedule.model import Programme, Session
from rencontre.streams.links import BadLink, classify, web_link
from rencontre.streams.model import FLOOR, InvalidStream, Stream

_CHANNEL = re.compile(r"^\s*live ?stream(?::\s*(?P<lang>floor|[a-z]{2,3}(?:-[a-z0-9]{2,8})?))?"
                      r"\s*(?P<audio>\(audio\))?\s*$", re.IGNORECASE)
_CAPTIONS = re.compile(r"^\s*(?:live )?(?:captions|subtitles)\s*$", re.IGNORECASE)
_REPLAY = re.compile(r"^\s*(?:recording|replay|video recording)\s*$", re.IGNORECASE)
CAPTIONS = "Live captions"
REPLAY = "Recording"


def channel_title(language: str, audio: bool = False) -> str:
    return f"Live stream: {language}" + (" (audio)" if audio else "")


def export_links(programme: Programme, session: Session) -> list[tuple[str, str]]:
    """(address, title) of what the session's attendees follow (its own or its room's)."""
    stream = programme.watch(session).stream
    links = [(c.url, channel_title(c.language, c.media == "audio")) for c in stream.channels]
    if stream.captions:
        links.append((stream.captions, CAPTIONS))
    if stream.replay:
        links.append((stream.replay, REPLAY))
    return links


def import_links(links: Iterable[tuple[str, str]]) -> Stream:
    """The stream that ``links`` (address, title) describe; unusable links are left out."""
    channels: list[dict[str, str]] = []
    captions = replay = ""
    for url, title in links:
        url = (url or "").strip()
        title = title or ""
        if _CAPTIONS.match(title):
            captions = captions or _web(url)
        elif _REPLAY.match(title):
            replay = replay or _web(url)
        elif match := _CHANNEL.match(title):
            language = (match["lang"] or FLOOR).lower()
            _add(channels, url, language, match["audio"] is not None, guess=False)
        else:
            _add(channels, url, FLOOR, False, guess=True)
    try:
        return Stream.from_json({"channels": channels, "captions": captions, "replay": replay})
    except InvalidStream:
        return Stream()


def _add(channels: list[dict[str, str]], url: str, language: str, audio: bool,
         guess: bool) -> None:
    if any(c["id"] == language for c in channels):
        return
    try:
        link = classify(url)
    except BadLink:
        if guess:
            return
        try:  # a titled channel on a host of its own: a self-hosted meeting
            link = classify(url, "meeting")
        except BadLink:
            return
    if guess and link.platform == "web":
        return
    channels.append({"id": language, "language": language, "url": link.url,
                     "kind": link.kind.value, "media": "audio" if audio else "video"})


def _web(url: str) -> str:
    try:
        return web_link(url)
    except BadLink:
        return ""
