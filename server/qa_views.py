"""Live Q&A pages: the attendee's live page, the moderator's session panel, the exports.

``/live/{session}`` needs the same access as the event's home page; the panel
and the exports are for staff. The pages are frames that their scripts fill
from the room snapshot and keep current from the pushes; the server renders
the session's title and time for a first paint. ``install(app)`` also gives
the templates ``qa_sessions(lang)`` (the session list of the control panel)
and ``qa_public_url()`` (the address the stage display prints).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Any
from urllib.parse import quote

from aiohttp import web
from babel.dates import format_date

from rencontre.engine.messages import N_
from rencontre.engine.snapshots import is_staff, may_view
from rencontre.rooms import qa_export
from rencontre.rooms.qa import QuestionStatus
from rencontre.schedule.model import Programme, Session, pick
from rencontre.server.agenda_views import STATUS_LABELS
from rencontre.server.i18n import translate
from rencontre.server.views import HUB, TEMPLATES, redirect, render
from rencontre.server.web_auth import actor_from_request, request_language

routes = web.RouteTableDef()

LANGUAGE_NAMES = {"fr": "Français", "es": "Español", "en": "English"}


def install(app: web.Application) -> None:
    """Serve the Q&A pages from ``app`` and give the templates what they list."""
    app.router.add_routes(routes)
    templates = app[TEMPLATES]

    def qa_sessions(lang: str) -> list[dict[str, Any]]:
        return session_days(app[HUB].state, lang)

    def qa_public_url() -> str:
        from rencontre.server.feeds import PUBLIC_URL  # set by feeds.install, when a public URL is given

        return app.get(PUBLIC_URL, "")

    templates.globals["qa_sessions"] = qa_sessions
    templates.globals["qa_public_url"] = qa_public_url


def session_detail(programme: Programme, session: Session, lang: str) -> dict[str, Any]:
    """Title, day, times, room and status of ``session`` in ``lang``, for a first paint."""
    zone = programme.event.zone if programme.event else None
    start = session.start.astimezone(zone)
    end = session.end.astimezone(zone)
    room = programme.rooms.get(session.room)
    return {
        "id": session.id,
        "title": pick(session.title, lang),
        "day": format_date(start.date(), format="full", locale=lang),
        "short_day": format_date(start.date(), format="EEE d MMM", locale=lang),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "start_iso": start.isoformat(),
        "room_id": session.room,
        "room": pick(room.name, lang) if room else session.room,
        "status": session.status.value,
        "status_label": translate(lang, STATUS_LABELS[session.status]),
    }


def session_days(state, lang: str) -> list[dict[str, Any]]:  # noqa: ANN001 - EventState
    """Every session by day, with how many questions wait for moderation."""
    programme: Programme = state.programme
    waiting = Counter(q.session for q in state.qa.questions.values()
                      if q.status is QuestionStatus.PENDING)
    days: list[dict[str, Any]] = []
    for session in programme.ordered_sessions():
        detail = session_detail(programme, session, lang)
        detail["waiting"] = waiting.get(session.id, 0)
        if not days or days[-1]["day"] != detail["day"]:
            days.append({"day": detail["day"], "sessions": []})
        days[-1]["sessions"].append(detail)
    return days


def _session(request: web.Request) -> Session | None:
    return request.app[HUB].state.programme.sessions.get(request.match_info["session"])


@routes.get("/live/{session}")
async def live(request: web.Request) -> web.Response:
    """The attendee's live page of a session: ask, vote, follow the answers."""
    state = request.app[HUB].state
    actor = actor_from_request(state, request)
    if not may_view(state, actor):
        return render(request, "join.html", guests=False)
    session = _session(request)
    if session is None:
        return render(request, "live.html", status=404, actor=actor, page="live",
                      session=None, detail=None, language_names=LANGUAGE_NAMES)
    return render(request, "live.html", actor=actor, page="live", session=session,
                  detail=session_detail(state.programme, session, request_language(request)),
                  language_names=LANGUAGE_NAMES)


def _staff(request: web.Request):  # noqa: ANN202 - Actor
    actor = actor_from_request(request.app[HUB].state, request)
    if not is_staff(actor):
        raise redirect("/moderator/login")
    return actor


@routes.get("/moderator/sessions/{session}")
async def moderator_session(request: web.Request) -> web.Response:
    """A session's Q&A panel: settings, the queue, the published questions, the stage."""
    actor = _staff(request)
    state = request.app[HUB].state
    session = _session(request)
    if session is None:
        return render(request, "moderator_session.html", status=404, actor=actor,
                      page="moderator-session", session=None, detail=None)
    return render(request, "moderator_session.html", actor=actor, page="moderator-session",
                  session=session, language_names=LANGUAGE_NAMES,
                  detail=session_detail(state.programme, session, request_language(request)))


def _export_access(request: web.Request) -> Session:
    """Staff only: a signed-out visitor is sent to sign in, anyone else is refused."""
    actor = actor_from_request(request.app[HUB].state, request)
    if actor is None:
        raise redirect("/moderator/login")
    if not is_staff(actor):
        raise web.HTTPForbidden(text="staff only")
    session = _session(request)
    if session is None:
        raise web.HTTPNotFound(text=N_("No such session."))
    return session


def _download(body: bytes, content_type: str, name: str) -> web.Response:
    response = web.Response(body=body, content_type=content_type, charset="utf-8")
    # The name may hold accents (a session title): an ASCII fallback, and the UTF-8 form.
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{fallback}"; filename*=UTF-8\'\'{quote(name)}')
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@routes.get("/moderator/sessions/{session}/questions.csv")
async def export_csv(request: web.Request) -> web.Response:
    session = _export_access(request)
    state = request.app[HUB].state
    return _download(qa_export.export_csv(state, session.id), "text/csv",
                     qa_export.filename(state, session.id, "csv"))


@routes.get("/moderator/sessions/{session}/questions.json")
async def export_json(request: web.Request) -> web.Response:
    session = _export_access(request)
    state = request.app[HUB].state
    return _download(qa_export.export_json(state, session.id), "application/json",
                     qa_export.filename(state, session.id, "json"))
