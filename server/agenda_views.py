"""The agenda pages: the programme, a session, my agenda, the change log; the organiser panel.

The attendee pages are drawn by their scripts from the websocket snapshot and
redrawn on every ``session.changed`` push; the server renders their frame (and
the session page's details, for a first paint without waiting for the socket).
They need the same access as the event's home page. The organiser panel
(``/organiser``) uploads a programme file like ``rencontre import-schedule``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from aiohttp import web
from babel.dates import format_date

from rencontre.attendance.report import (
    export_conflicts_csv,
    export_csv,
    export_minutes_csv,
    export_sessions_csv,
)
from rencontre.engine.messages import N_, Actor, Role
from rencontre.engine.snapshots import is_staff, may_view
from rencontre.engine.text import fold
from rencontre.schedule.formats import ImportProblems, Problem
from rencontre.schedule.model import Programme, Session, Status, pick
from rencontre.server.cities_views import countries, declaration_panel
from rencontre.server.feeds import base_url, webcal_url
from rencontre.server.i18n import translate
from rencontre.server.schedule_cli import (
    MODES,
    imported_text,
    read_programme,
    shared_speakers,
    summary,
)
from rencontre.server.views import GATEWAY, HUB, SETTINGS, _error, _execute, redirect, render
from rencontre.server.web_auth import actor_from_request, request_language

routes = web.RouteTableDef()

MAX_UPLOAD = 16 * 1024 * 1024
STATUS_LABELS = {
    Status.SCHEDULED: N_("Scheduled"),
    Status.LIVE: N_("Live"),
    Status.DELAYED: N_("Delayed"),
    Status.CANCELLED: N_("Cancelled"),
    Status.ENDED: N_("Ended"),
}


def _viewer(request: web.Request) -> tuple[bool, Actor | None]:
    """Whether this request may see the event (as the home page decides), and who it is."""
    state = request.app[HUB].state
    actor = actor_from_request(state, request)
    return may_view(state, actor), actor


def _join(request: web.Request) -> web.Response:
    return render(request, "join.html", guests=False)


@routes.get("/agenda")
async def agenda(request: web.Request) -> web.Response:
    allowed, actor = _viewer(request)
    if not allowed:
        return _join(request)
    return render(request, "agenda.html", actor=actor, page="agenda",
                  subscribe=webcal_url(request, f"/agenda.ics?lang={request_language(request)}"))


@routes.get("/changes")
async def changes(request: web.Request) -> web.Response:
    allowed, actor = _viewer(request)
    if not allowed:
        return _join(request)
    return render(request, "changes.html", actor=actor, page="changes",
                  subscribe=webcal_url(request, f"/agenda.ics?lang={request_language(request)}"))


@routes.get("/my")
async def my_agenda(request: web.Request) -> web.Response:
    allowed, actor = _viewer(request)
    if not allowed:
        return _join(request)
    state = request.app[HUB].state
    feed_on = actor is not None and actor.id in state.agendas.feeds
    return render(request, "my_agenda.html", actor=actor, page="my", feed_on=feed_on,
                  feed_base=base_url(request))


@routes.get("/sessions/{session}")
async def session_page(request: web.Request) -> web.Response:
    allowed, actor = _viewer(request)
    if not allowed:
        return _join(request)
    programme: Programme = request.app[HUB].state.programme
    session = programme.sessions.get(request.match_info["session"])
    if session is None:
        return render(request, "session.html", status=404, actor=actor, page="session",
                      session=None, detail=None)
    return render(request, "session.html", actor=actor, page="session", session=session,
                  detail=session_detail(programme, session, request_language(request)))


def session_detail(programme: Programme, session: Session, lang: str) -> dict[str, Any]:
    """What the session page shows before its script takes over, in ``lang``."""
    zone = programme.event.zone if programme.event else None
    start = session.start.astimezone(zone)
    end = session.end.astimezone(zone)
    room = programme.rooms.get(session.room)
    track = programme.tracks.get(session.track or "")
    speakers = [programme.speakers[s] for s in session.speakers if s in programme.speakers]
    return {
        "title": pick(session.title, lang),
        "abstract": pick(session.abstract, lang) if session.abstract else "",
        "day": format_date(start.date(), format="full", locale=lang),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "start_iso": start.isoformat(),
        "room": pick(room.name, lang) if room else session.room,
        "watch": watch_links(programme, session),
        "track": pick(track.name, lang) if track else "",
        "track_color": track.color if track else "",
        "language": session.language,
        "speakers": [{"name": s.name, "organisation": s.organisation,
                      "bio": pick(s.bio, lang) if s.bio else ""} for s in speakers],
        "status": session.status.value,
        "status_label": translate(lang, STATUS_LABELS[session.status]),
    }


def watch_links(programme: Programme, session: Session) -> dict[str, str]:
    """Where to follow ``session`` online: its live page when it (or its room) has channels,
    its captions page, and its replay once it has ended."""
    stream = programme.watch(session).stream
    return {
        "live": f"/live/{quote(session.id)}" if stream.channels else "",
        "captions": stream.captions,
        "replay": stream.replay if session.status is Status.ENDED else "",
    }


# -- organiser panel ------------------------------------------------------------------------


def _organiser(request: web.Request) -> tuple[Actor | None, web.Response | None]:
    """The organiser signed in, or the answer for anyone else."""
    actor = actor_from_request(request.app[HUB].state, request)
    if not is_staff(actor):
        raise redirect("/moderator/login")
    assert actor is not None
    if actor.role is not Role.ORGANISER:
        return None, render(request, "organiser.html", status=403, actor=actor,
                            page="organiser", **_panel(request, forbidden=True))
    return actor, None


def _panel(request: web.Request, **extra: Any) -> dict[str, Any]:
    programme: Programme = request.app[HUB].state.programme
    lang = request_language(request)
    event = programme.event
    context = {
        "forbidden": False, "problems": [], "imported": "", "upload_error": "", "filename": "",
        "reported": [], "conflicts": [], "shared": "", "shared_lines": [], "lenient": False,
        "force": False,
        "mode": "merge", "modes": MODES, "timezone": event.timezone if event else "",
        "rooms": [(room.id, pick(room.name, lang)) for room in programme.ordered_rooms()],
        "tracks": [(track.id, pick(track.name, lang)) for track in programme.tracks.values()],
        "session_count": len(programme.sessions),
        # What one attendance.import may weigh on the organiser's websocket.
        "organiser_frame": request.app[GATEWAY].frame_limit(
            actor_from_request(request.app[HUB].state, request)),
        "countries": countries(lang),
        **declaration_panel(request.app[HUB].state),
    }
    context.update(extra)
    return context


@routes.get("/organiser")
async def organiser(request: web.Request) -> web.Response:
    actor, refused = _organiser(request)
    if refused is not None:
        return refused
    return render(request, "organiser.html", actor=actor, page="organiser", **_panel(request))


@routes.get("/organiser/attendance.csv")
async def attendance_csv(request: web.Request) -> web.Response:
    """Every registration with its check-in and sessions, for the organisers' reports."""
    return _report(request, export_csv, "attendance.csv")


@routes.get("/organiser/sessions.csv")
async def sessions_csv(request: web.Request) -> web.Response:
    """Every session with its people on site and online, questions and ballots."""
    return _report(request, export_sessions_csv, "sessions.csv")


@routes.get("/organiser/minutes.csv")
async def minutes_csv(request: web.Request) -> web.Response:
    """Minutes on site and online per person and session: what certificates say."""
    threshold = request.app[SETTINGS].min_minutes
    return _report(request, lambda state, now: export_minutes_csv(state, now, threshold),
                   "minutes.csv")


@routes.get("/organiser/conflicts.csv")
async def conflicts_csv(request: web.Request) -> web.Response:
    """Offline kiosk conflicts and refused duplicate scans."""
    return _report(request, export_conflicts_csv, "conflicts.csv")


def _report(request: web.Request, export: Callable[[Any, float], bytes],
            name: str) -> web.Response:
    _, refused = _organiser(request)
    if refused is not None:
        return refused
    hub = request.app[HUB]
    response = web.Response(body=export(hub.state, hub.clock()), content_type="text/csv",
                            charset="utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@routes.post("/organiser/import")
async def organiser_import(request: web.Request) -> web.Response:
    """Upload a programme file: all or nothing, like ``rencontre import-schedule``."""
    actor, refused = _organiser(request)
    if refused is not None:
        return refused
    lang = request_language(request)

    def page(status: int = 400, **extra: Any) -> web.Response:
        return render(request, "organiser.html", status=status, actor=actor,
                      page="organiser", **_panel(request, **extra))

    try:
        # The one route with a large body, and only for an organiser (others: 64 KiB).
        form = await request.clone(client_max_size=MAX_UPLOAD + 1024 * 1024).post()
    except web.HTTPRequestEntityTooLarge:
        return page(413, upload_error=translate(lang, N_("The file is larger than 16 MiB.")))
    upload = form.get("file")
    mode = str(form.get("mode") or "merge")
    timezone = str(form.get("timezone") or "").strip() or None
    lenient, force = form.get("lenient") == "on", form.get("force") == "on"
    if mode not in MODES:
        mode = "merge"
    chosen = {"mode": mode, "lenient": lenient, "force": force}
    if not isinstance(upload, web.FileField):
        return page(upload_error=translate(lang, N_("Choose a file to import.")), **chosen)
    data = upload.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return page(413, upload_error=translate(lang, N_("The file is larger than 16 MiB.")),
                    **chosen)
    filename = upload.filename or "upload"
    state = request.app[HUB].state
    report: list[Problem] = []
    try:
        programme = await asyncio.to_thread(read_programme, data, filename, state=state,
                                            default_timezone=timezone, lenient=lenient,
                                            report=report, force=force)
    except ImportProblems as error:
        return page(422, problems=_listed(lang, error.problems), filename=filename, **chosen)
    outcome = await _execute(request, "schedule.load",
                             {"programme": programme.to_json(), "mode": mode,
                              "force": force or lenient}, actor)
    if not outcome["ok"]:
        conflicts = [translate(lang, N_("session {session} overlaps session {other} in room "
                                        "{room}"), conflict)
                     for conflict in (outcome.get("params") or {}).get("conflicts", [])]
        return page(422, upload_error=_error(request, outcome), conflicts=conflicts, **chosen)
    sessions, rooms = summary(programme)
    shared, shared_lines = shared_speakers(lang, request.app[HUB].state.programme,
                                           outcome["result"])
    return page(200, imported=imported_text(lang, sessions, rooms, len(report)),
                reported=_listed(lang, report), shared=shared, shared_lines=shared_lines,
                filename=filename, **chosen)


def _listed(lang: str, problems: list[Problem]) -> list[dict[str, str]]:
    """Problems as the page lists them, in the reader's language (places stay the file's)."""
    return [{"place": problem.place,
             "message": problem.text(lambda message, params: translate(lang, message, params))}
            for problem in problems]


BADGE_KINDS = ("onsite", "remote", "all")


@routes.get("/organiser/badges")
async def badges(request: web.Request) -> web.Response:
    """Printable badges with their QR codes: on-site people by default, ``?kind=all``
    for everyone. The QR codes are drawn in the browser (``static/js/badges.js``)."""
    actor, refused = _organiser(request)
    if refused is not None:
        return refused
    kind = request.query.get("kind", "onsite")
    if kind not in BADGE_KINDS:
        kind = "onsite"
    state = request.app[HUB].state
    event = state.programme.event
    people = sorted((r for r in state.attendance.registrations.values()
                     if kind == "all" or r.kind == kind),
                    key=lambda r: (fold(r.name), r.badge))
    return render(request, "badges.html", actor=actor, page="badges", kind=kind,
                  people=people, event_name=pick(event.name, request_language(request))
                  if event else "")
