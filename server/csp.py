"""The pages' Content-Security-Policy: our own origin, plus exactly the stream hosts the
programme names (HLS hosts for the media and for hls.js's requests, video hosts for frames)
and the pages' inline scripts by their digest."""

from __future__ import annotations

from rencontre.schedule.model import Programme

_BASE = "default-src 'self'; frame-ancestors 'none'"
_cache: dict[tuple[int, str, tuple[str, ...], str, str], tuple[int, str]] = {}


def policy(programme: Programme, version: int, sockets: str = "",
           images: tuple[str, ...] = (), scripts: str = "", styles: str = "") -> str:
    """The header for pages of ``programme`` as of ``version`` (its last change's seq);
    ``sockets`` are the page's websocket sources (``server/security.py: socket_sources``),
    ``images`` the origins of the delegations' flags and logos, ``scripts`` the inline
    scripts' and styles' hashes (``server/static_files.py: script_sources``,
    ``style_sources``)."""
    key = (id(programme), sockets, images, scripts, styles)
    found = _cache.get(key)
    if found is not None and found[0] == version:
        return found[1]
    played, framed = programme.stream_hosts()
    hls = "".join(f" {origin}" for origin in sorted(played))
    # hls.js plays through MediaSource, whose object URLs are blob:.
    parts = [_BASE, f"style-src 'self'{styles}", f"script-src 'self'{scripts}",
             "img-src 'self' data:" + "".join(f" {origin}" for origin in images),
             f"connect-src 'self'{sockets}{hls}", f"media-src 'self' blob:{hls}"]
    if framed:
        parts.append("frame-src " + " ".join(sorted(framed)))
    header = "; ".join(parts)
    if len(_cache) >= 16:
        _cache.clear()  # one programme per process, reached by a few host names
    _cache[key] = (version, header)
    return header
