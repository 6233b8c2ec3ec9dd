"""Calendar feeds and schedule exports at fixed public URLs.

=================================  =====================================================
``GET /agenda.ics``                the whole event, iCalendar
``GET /rooms/{room}/agenda.ics``   one room's sessions
``GET /tracks/{track}/agenda.ics`` one track's sessions
``GET /sessions/{id}/calendar.ics`` one session ("add to my calendar")
``GET /feeds/{token}.ics``         a personal feed: the owner's starred sessions
``GET /schedule.xml``              frab schedule XML
``GET /schedule.json``             schedule JSON v1
``GET /schedule2.json``            schedule JSON v2 (schedule2)
``GET /schedule.csv``              Rencontre CSV
=================================  =====================================================

Calendar clients poll these, often every few minutes and by the thousand, so
the bytes are rendered once per version of the programme and kept in a small
cache; ``DTSTAMP`` is the time of the last programme change, which keeps the
output identical between changes. Every response carries a strong ``ETag``
(a hash of the bytes) and, unless two programme changes fell in one second,
``Last-Modified``; it answers ``If-None-Match`` / ``If-Modified-Since`` with 304.
``?lang=fr|es|en`` picks the language of the titles (the pages link the feeds
with the reader's language: calendar apps send no ``Accept-Language``); without
it, the ``Accept-Language`` header, else the event's first language.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from aiohttp import web

from rencontre.engine.messages import N_
from rencontre.schedule.formats import (
    export_csv,
    export_frab,
    export_ical,
    export_schedule2,
    export_schedule_json,
)
from rencontre.schedule.model import Localized, Programme, Session, pick
from rencontre.server.i18n import LANGUAGES, negotiate, translate
from rencontre.server.settings import Settings
from rencontre.server.views import HUB

PUBLIC_URL = web.AppKey("public_url", str)
FEED_CACHE = web.AppKey("feed_cache", "FeedCache")
CACHE_SIZE = 256
MAX_AGE = 60
MY_AGENDA = N_("My agenda")

routes = web.RouteTableDef()


@dataclass(frozen=True, slots=True)
class Rendered:
    body: bytes
    etag: str
    last_modified: datetime | None


class FeedCache:
    """The last rendered bytes of each feed, by (feed, version); least recently used go first."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, Rendered] = OrderedDict()
        self.renders = 0

    def get(self, key: Hashable,
            render: Callable[[], tuple[bytes, datetime | None]]) -> Rendered:
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
            return found
        body, last_modified = render()
        self.renders += 1
        etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
        found = self.entries[key] = Rendered(body, etag, last_modified)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return found


def install(app: web.Application, settings: Settings) -> None:
    """Serve the feeds from ``app``; links in them use the public URL when one is set."""
    app[PUBLIC_URL] = (settings.public_url or "").rstrip("/")
    app[FEED_CACHE] = FeedCache()
    app.router.add_routes(routes)


def base_url(request: web.Request) -> str:
    """The event's public address: the configured one, else the one this request used."""
    configured = request.app.get(PUBLIC_URL, "")
    return configured or f"{request.scheme}://{request.host}"


def webcal_url(request: web.Request, path: str) -> str:
    """``path`` on the public address as a ``webcal:`` link, which opens the visitor's calendar
    app to subscribe (it then polls the feed over https, or http for an http address)."""
    return "webcal://" + base_url(request).split("://", 1)[1] + path


def feed_language(request: web.Request, programme: Programme) -> str:
    query = request.query.get("lang")
    if query in LANGUAGES:
        return query
    if request.headers.get("Accept-Language"):
        return negotiate(request.headers["Accept-Language"])
    event = programme.event
    for lang in event.languages if event else ():
        if lang in LANGUAGES:
            return lang
    return "en"


def programme_time(state) -> datetime:  # noqa: ANN001 - EventState
    """When the programme last changed: the newest change or session update (byte-stable)."""
    programme = state.programme
    moments = [s.updated for s in programme.sessions.values() if s.updated is not None]
    if state.changes:
        moments.append(datetime.fromtimestamp(state.changes[-1].at, UTC))
    if moments:
        return max(moments)
    event = programme.event
    day = event.start_date if event else datetime(2000, 1, 1).date()
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def last_modified(state) -> datetime | None:  # noqa: ANN001 - EventState
    """The ``Last-Modified`` date of the programme's feeds: the second of its last change.

    None (no date is sent, so none is validated) when an earlier change fell in the same
    second: the date has one-second resolution, and a client holding that earlier version
    would otherwise get 304 for it. The ETag still validates.
    """
    if state.programme_second == 0 or state.programme_second_shared:
        return None
    return datetime.fromtimestamp(state.programme_second, UTC)


def _programme(request: web.Request) -> Programme:
    programme = request.app[HUB].state.programme
    if programme.event is None:
        raise web.HTTPNotFound(text=N_("No event has been loaded yet."))
    return programme


def _not_modified(request: web.Request, rendered: Rendered) -> bool:
    match = request.headers.get("If-None-Match")
    if match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
        return "*" in tags or rendered.etag in tags
    since = request.headers.get("If-Modified-Since")
    if since and rendered.last_modified is not None:
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return rendered.last_modified <= moment
    return False


def _respond(request: web.Request, rendered: Rendered, content_type: str, *,
             filename: str, private: bool = False, attachment: bool = False) -> web.Response:
    headers = {
        "ETag": rendered.etag,
        "Cache-Control": f"{'private' if private else 'public'}, max-age={MAX_AGE}",
        "Vary": "Accept-Language",
        "X-Content-Type-Options": "nosniff",
    }
    if rendered.last_modified is not None:
        headers["Last-Modified"] = format_datetime(rendered.last_modified, usegmt=True)
    if private:
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Robots-Tag"] = "noindex"
    else:
        headers["Access-Control-Allow-Origin"] = "*"
    if _not_modified(request, rendered):
        return web.Response(status=304, headers=headers)
    disposition = "attachment" if attachment else "inline"
    headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return web.Response(body=rendered.body, content_type=content_type, charset="utf-8",
                        headers=headers)


def _calendar(request: web.Request, kind: str, key: str,
              select: Callable[[], list[Session] | None], name: Localized | None = None, *,
              private_version: Hashable = None) -> web.Response:
    """An iCalendar feed of the sessions ``select`` returns, named after the event and ``name``."""
    state = request.app[HUB].state
    programme = _programme(request)
    lang = feed_language(request, programme)
    base = base_url(request)
    private = kind == "personal"

    def render() -> tuple[bytes, datetime | None]:
        now = programme_time(state)
        event_name = pick(programme.event.name, lang)
        calendar_name = f"{event_name} · {pick(name, lang)}" if name else event_name
        body = export_ical(programme, now=now, sessions=select(), calendar_name=calendar_name,
                           lang=lang, base_url=base)
        # A personal feed also changes when its owner stars a session: no date to go by.
        return body, None if private else last_modified(state)

    version = (kind, key, lang, base, state.programme_seq, private_version)
    rendered = request.app[FEED_CACHE].get(version, render)
    filename = "agenda.ics" if kind != "session" else re.sub(r"[^A-Za-z0-9_.-]", "-", key) + ".ics"
    return _respond(request, rendered, "text/calendar", filename=filename, private=private)


@routes.get("/agenda.ics")
async def whole_event(request: web.Request) -> web.Response:
    return _calendar(request, "event", "", lambda: None)


@routes.get("/rooms/{room}/agenda.ics")
async def room_feed(request: web.Request) -> web.Response:
    programme = _programme(request)
    room = programme.rooms.get(request.match_info["room"])
    if room is None:
        raise web.HTTPNotFound(text=N_("No such room."))
    return _calendar(request, "room", room.id, lambda: [
        s for s in programme.ordered_sessions() if s.room == room.id], room.name)


@routes.get("/tracks/{track}/agenda.ics")
async def track_feed(request: web.Request) -> web.Response:
    programme = _programme(request)
    track = programme.tracks.get(request.match_info["track"])
    if track is None:
        raise web.HTTPNotFound(text=N_("No such track."))
    return _calendar(request, "track", track.id, lambda: [
        s for s in programme.ordered_sessions() if s.track == track.id], track.name)


@routes.get("/sessions/{session}/calendar.ics")
async def session_feed(request: web.Request) -> web.Response:
    programme = _programme(request)
    session = programme.sessions.get(request.match_info["session"])
    if session is None:
        raise web.HTTPNotFound(text=N_("No such session."))
    return _calendar(request, "session", session.id, lambda: [session], session.title)


@routes.get("/feeds/{token}.ics")
async def personal_feed(request: web.Request) -> web.Response:
    """A private feed of one principal's starred sessions; 404 for a wrong or revoked token."""
    state = request.app[HUB].state
    owner = state.agendas.feed_owner(request.match_info["token"])
    if owner is None or state.programme.event is None:
        raise web.HTTPNotFound(text=N_("No such feed: the address is wrong or was replaced."))
    starred = tuple(state.agendas.of(owner))

    def select() -> list[Session]:
        return [s for s in state.programme.ordered_sessions() if s.id in set(starred)]

    name = {lang: translate(lang, MY_AGENDA) for lang in LANGUAGES}
    # The token's hash is part of the version: a replaced token never shares a cache entry.
    return _calendar(request, "personal", owner, select, name,
                     private_version=(starred, state.agendas.feeds.get(owner)))


def _export(request: web.Request, kind: str,
            export: Callable[..., bytes]) -> tuple[Rendered, str]:
    state = request.app[HUB].state
    programme = _programme(request)
    lang = feed_language(request, programme)
    base = base_url(request)
    version = (kind, "", lang, base, state.programme_seq, None)
    rendered = request.app[FEED_CACHE].get(
        version, lambda: (export(programme, lang=lang, base_url=base), last_modified(state)))
    return rendered, lang


@routes.get("/schedule.xml")
async def schedule_xml(request: web.Request) -> web.Response:
    rendered, _ = _export(request, "frab", export_frab)
    return _respond(request, rendered, "application/xml", filename="schedule.xml")


@routes.get("/schedule.json")
async def schedule_json(request: web.Request) -> web.Response:
    rendered, _ = _export(request, "json", export_schedule_json)
    return _respond(request, rendered, "application/json", filename="schedule.json")


@routes.get("/schedule2.json")
async def schedule2_json(request: web.Request) -> web.Response:
    rendered, _ = _export(request, "schedule2", export_schedule2)
    return _respond(request, rendered, "application/json", filename="schedule2.json")


@routes.get("/schedule.csv")
async def schedule_csv(request: web.Request) -> web.Response:
    rendered, _ = _export(request, "csv", export_csv)
    return _respond(request, rendered, "text/csv", filename="schedule.csv", attachment=True)
