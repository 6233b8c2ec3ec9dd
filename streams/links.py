"""What a stream address is: an HLS playlist, an embeddable player, or a meeting link.

Organisers paste the address they were given (a YouTube watch page, a Vimeo
page, a PeerTube video, a Zoom invitation); :func:`classify` checks it and
returns what the live page does with it: play it (HLS), frame it (the host's
embed form), or open it in a new tab (meetings). Only ``https`` is taken, except
for HLS from the machine itself (``localhost``, ``127.0.0.1``), which local
set-ups and the tests serve over plain HTTP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qs, urlsplit, urlunsplit

from rencontre.engine.messages import N_

MAX_URL = 2000
LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


class Kind(StrEnum):
    HLS = "hls"
    EMBED = "embed"
    MEETING = "meeting"


class BadLink(ValueError):
    """An address that cannot be used; ``message`` is marked for translation."""

    def __init__(self, message: str, **params: str) -> None:
        super().__init__(message.format(**params))
        self.message = message
        self.params = params


@dataclass(frozen=True, slots=True)
class Link:
    kind: Kind
    url: str  # what the page uses: the playlist, the embed form, the meeting address
    platform: str  # hls, youtube, vimeo, peertube, jitsi, bigbluebutton, zoom, web


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, as a CSP source names it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be",
                            "www.youtube-nocookie.com", "youtube-nocookie.com"})
_VIMEO_HOSTS = frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"})
# PeerTube is federated: any instance, recognised by its video paths.
_PEERTUBE = re.compile(r"^/(?:w|videos/watch|videos/embed)/([A-Za-z0-9-]{8,40})/?$")
_VIMEO = re.compile(r"^/(?:video/)?(\d{4,12})(?:/([0-9a-f]{6,20}))?/?$")
_VIMEO_EVENT = re.compile(r"^/event/(\d{3,12})(?:/embed)?/?$")
_ZOOM = re.compile(r"(^|\.)zoom\.us$|(^|\.)zoomgov\.com$")
_ZOOM_PATH = re.compile(r"^/(?:j|w|my|s)/[A-Za-z0-9._-]+/?$")
_BBB_PATH = re.compile(r"^/(?:b|rooms|bigbluebutton)/")


def _split(url: str):  # noqa: ANN202 - SplitResult
    if not isinstance(url, str) or not url.strip():
        raise BadLink(N_("An address is required."))
    url = url.strip()
    if len(url) > MAX_URL or any(c.isspace() or ord(c) < 32 for c in url):
        raise BadLink(N_("“{url}” is not a web address."), url=url[:80])
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username \
            or parts.password:
        raise BadLink(N_("“{url}” is not a web address."), url=url[:80])
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise BadLink(N_("“{url}” must start with https://."), url=url[:80])
    return parts


def web_link(url: str) -> str:
    """``url`` when it is an https address (captions, replays), else :class:`BadLink`."""
    parts = _split(url)
    if parts.scheme != "https":
        raise BadLink(N_("“{url}” must start with https://."), url=url[:80])
    return urlunsplit(parts)


def classify(url: str, kind: str | None = None) -> Link:
    """What ``url`` is, as the page will use it; ``kind`` forces the reading of an address
    that does not say (an HLS playlist without ``.m3u8``, a self-hosted Jitsi)."""
    parts = _split(url)
    host = parts.hostname or ""
    if kind not in (None, "", *Kind):
        raise BadLink(N_("“{kind}” is not a kind of stream."), kind=str(kind)[:20])
    if kind in (None, "", Kind.EMBED):
        embed = _embed(parts, host)
        if embed is not None:
            return embed
        if kind == Kind.EMBED:
            raise BadLink(N_("“{url}” is not a video on a known host (PeerTube, YouTube, "
                             "Vimeo)."), url=url[:80])
    if kind == Kind.HLS or (not kind and parts.path.lower().endswith(".m3u8")):
        return Link(Kind.HLS, urlunsplit(parts._replace(fragment="")), "hls")
    if parts.scheme != "https":
        raise BadLink(N_("“{url}” must start with https://."), url=url[:80])
    platform = _meeting(parts, host)
    if kind == Kind.MEETING or platform != "web":
        return Link(Kind.MEETING, urlunsplit(parts), platform)
    raise BadLink(N_("“{url}” is neither an HLS playlist (.m3u8), nor a video on a known host "
                     "(PeerTube, YouTube, Vimeo), nor a meeting (Jitsi, BigBlueButton, Zoom)."),
                  url=url[:80])


def _embed(parts, host: str) -> Link | None:  # noqa: ANN001 - SplitResult
    """The embed form of a YouTube, Vimeo or PeerTube video page, or None."""
    if parts.scheme != "https":
        return None
    if host in _YOUTUBE_HOSTS:
        video = _youtube_id(parts, host)
        if video is None:
            raise BadLink(N_("“{url}” is not a YouTube video."), url=urlunsplit(parts)[:80])
        return Link(Kind.EMBED, f"https://www.youtube-nocookie.com/embed/{video}", "youtube")
    if host in _VIMEO_HOSTS:
        event = _VIMEO_EVENT.match(parts.path)
        if event:
            return Link(Kind.EMBED, f"https://vimeo.com/event/{event[1]}/embed", "vimeo")
        video = _VIMEO.match(parts.path)
        if video is None:
            raise BadLink(N_("“{url}” is not a Vimeo video."), url=urlunsplit(parts)[:80])
        hashed = video[2] or parse_qs(parts.query).get("h", [""])[0]
        query = f"?h={hashed}" if re.fullmatch(r"[0-9a-f]{6,20}", hashed or "") else ""
        return Link(Kind.EMBED, f"https://player.vimeo.com/video/{video[1]}{query}", "vimeo")
    peertube = _PEERTUBE.match(parts.path)
    if peertube:
        return Link(Kind.EMBED, f"https://{parts.netloc}/videos/embed/{peertube[1]}",
                    "peertube")
    return None


def _youtube_id(parts, host: str) -> str | None:  # noqa: ANN001 - SplitResult
    path = parts.path.rstrip("/")
    if host == "youtu.be":
        candidate = path.lstrip("/")
    elif path == "/watch":
        candidate = parse_qs(parts.query).get("v", [""])[0]
    else:
        match = re.fullmatch(r"/(?:embed|live|shorts|v)/([^/]+)", path)
        candidate = match[1] if match else ""
    return candidate if _YOUTUBE_ID.match(candidate) else None


def _meeting(parts, host: str) -> str:  # noqa: ANN001 - SplitResult
    if _ZOOM.search(host) and _ZOOM_PATH.match(parts.path):
        return "zoom"
    if host == "meet.jit.si" or host.startswith(("jitsi.", "meet.jitsi.")) or \
            ".jitsi." in host:
        return "jitsi"
    if "bigbluebutton" in host or host.startswith(("bbb.", "greenlight.")) or \
            _BBB_PATH.match(parts.path):
        return "bigbluebutton"
    return "web"
