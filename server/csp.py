"""The pages' Content-Security-Policy: our own origin, plus exactly the stream hosts the
programme names (HLS hosts for the media and for hls.js's requests, video hosts for frames)."""

from __future__ import annotations

from rencontre.schedule.model import Programme

_BASE = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
         "frame-ancestors 'none'")
_cache: dict[int, tuple[int, str]] = {}


def policy(programme: Programme, version: int) -> str:
    """The header for pages of ``programme`` as of ``version`` (its last change's seq)."""
    key = id(programme)
    found = _cache.get(key)
    if found is not None and found[0] == version:
        return found[1]
    played, framed = programme.stream_hosts()
    hls = "".join(f" {origin}" for origin in sorted(played))
    # hls.js plays through MediaSource, whose object URLs are blob:.
    parts = [_BASE, f"connect-src 'self' ws: wss:{hls}", f"media-src 'self' blob:{hls}"]
    if framed:
        parts.append("frame-src " + " ".join(sorted(framed)))
    header = "; ".join(parts)
    _cache.clear()  # one programme per process: keep only its latest policy
    _cache[key] = (version, header)
    return header
