"""Attendance pages: personal links and kiosk pairing (``/organiser/access``); certificates
for attendees (``/certificate``) and organisers (one, or all in a zip); ``/verify``; charts
of attendance over time (``/organiser/reports``) with their CSVs.

Issuing and revoking go over the organiser's websocket (``attendance.issue-links``,
``attendance.unlink``, ``kiosk.pairing-code``): the tokens exist only in the reply, and
the page turns the CSV the server wrote into a download for a mail merge.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import quote

from aiohttp import web
from babel.dates import format_date
from markupsafe import Markup

from rencontre.attendance.certificates import Certificate, certificate, language, verify
from rencontre.attendance.links import link_status
from rencontre.attendance.report import timeline_csv
from rencontre.attendance.timeline import day_timeline, days, local_time, session_timeline
from rencontre.engine.messages import N_, Role
from rencontre.engine.text import fold
from rencontre.schedule.model import pick
from rencontre.server.agenda_views import _organiser
from rencontre.server.certificates import certificate_key, context, pdfs, render_html, zip_of
from rencontre.server.charts import line_chart
from rencontre.server.i18n import LANGUAGES, translate
from rencontre.server.views import HUB, SETTINGS, TEMPLATES, render
from rencontre.server.web_auth import actor_from_request, request_language

if TYPE_CHECKING:
    from rencontre.attendance.registrations import Registration
    from rencontre.engine.state import EventState
    from rencontre.server.settings import Settings

routes = web.RouteTableDef()


@routes.get("/organiser/access")
async def access(request: web.Request) -> web.Response:
    """Who has a personal link, who has used it; issue, revoke; kiosk pairing codes."""
    actor, refused = _organiser(request)
    if refused is not None:
        return refused
    state = request.app[HUB].state
    people = sorted(state.attendance.registrations.values(), key=lambda r: (fold(r.name), r.id))
    rows = [{"person": person, **link_status(state, person.id)} for person in people]
    counts = {status: sum(1 for row in rows if row["status"] == status)
              for status in ("none", "issued", "used", "revoked")}
    kiosks = sorted((p for p in state.access.principals.values()
                     if p.role is Role.KIOSK and p.active), key=lambda p: (fold(p.name), p.id))
    return render(request, "organiser_access.html", actor=actor, page="organiser-access",
                  rows=rows, counts=counts, kiosks=kiosks)


# -- certificates ------------------------------------------------------------------------------

CERTIFICATE_KEY = web.AppKey("certificate_key", bytes)


def install(app: web.Application, settings: Settings) -> None:
    """The attendance pages, with the key that signs certificates."""
    app[CERTIFICATE_KEY] = certificate_key(settings)
    app.router.add_routes(routes)


def _base(request: web.Request) -> str:
    public = request.app[SETTINGS].public_url
    return public.rstrip("/") if public else f"{request.scheme}://{request.host}"


def _certificate(request: web.Request, person: Registration) -> Certificate:
    hub = request.app[HUB]
    return certificate(hub.state, person, request.app[CERTIFICATE_KEY], hub.clock(),
                       request.app[SETTINGS].min_minutes)


def _page(request: web.Request, certs: list[Certificate], lang: str,
          tools: dict[str, str] | None) -> web.Response:
    templates = request.app[TEMPLATES]
    html = render_html(templates, request.app[HUB].state, certs, lang, _base(request),
                       templates.globals["static"]("css/certificate.css"), tools=tools)
    response = web.Response(text=html, content_type="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


async def _pdfs(request: web.Request, certs: list[Certificate], langs: list[str]
                ) -> dict[str, bytes]:
    """PDFs of ``certs``, each in its language: one layout per language."""
    state, templates, base = request.app[HUB].state, request.app[TEMPLATES], _base(request)
    out: dict[str, bytes] = {}
    for lang in sorted(set(langs)):
        group = [c for c, cl in zip(certs, langs, strict=True) if cl == lang]
        html = render_html(templates, state, group, lang, base, "/static/css/certificate.css")
        out.update(await asyncio.to_thread(pdfs, html, [c.registration.id for c in group]))
    return out


def _pdf_response(body: bytes, name: str) -> web.Response:
    response = web.Response(body=body, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _mine(request: web.Request) -> Registration | None:
    """The registration of the person signed in with their personal link."""
    state = request.app[HUB].state
    actor = actor_from_request(state, request)
    if actor is None:
        return None
    registration = state.attendance.by_principal.get(actor.id)
    return state.attendance.registrations.get(registration or "")


@routes.get("/certificate")
async def my_certificate(request: web.Request) -> web.Response:
    """My certificate of attendance: the sessions I attended that are over."""
    person = _mine(request)
    if person is None:
        return render(request, "certificate_missing.html", status=403)
    return _page(request, [_certificate(request, person)], request_language(request),
                 {"pdf": "/certificate.pdf", "back": "/"})


@routes.get("/certificate.pdf")
async def my_certificate_pdf(request: web.Request) -> web.Response:
    person = _mine(request)
    if person is None:
        return render(request, "certificate_missing.html", status=403)
    lang = request_language(request)
    files = await _pdfs(request, [_certificate(request, person)], [lang])
    return _pdf_response(files[person.id], f"certificate-{person.id}.pdf")


def _person(request: web.Request) -> Registration:
    person = request.app[HUB].state.attendance.registrations.get(
        request.match_info["registration"])
    if person is None:
        raise web.HTTPNotFound(text=N_("No such registration."))
    return person


def _language(request: web.Request, person: Registration) -> str:
    """``?lang=`` when it names a language of ours, else the person's own."""
    asked = request.query.get("lang")
    return asked if asked in LANGUAGES else language(request.app[HUB].state, person)


@routes.get("/organiser/certificates/{registration}")
async def certificate_page(request: web.Request) -> web.Response:
    """One person's certificate, in their language (``?lang=`` for another)."""
    _, refused = _organiser(request)
    if refused is not None:
        return refused
    person = _person(request)
    lang = _language(request, person)
    return _page(request, [_certificate(request, person)], lang,
                 {"pdf": f"/organiser/certificates/{person.id}/pdf?lang={lang}",
                  "back": "/organiser#attendance"})


@routes.get("/organiser/certificates/{registration}/pdf")
async def certificate_pdf(request: web.Request) -> web.Response:
    _, refused = _organiser(request)
    if refused is not None:
        return refused
    person = _person(request)
    lang = _language(request, person)
    files = await _pdfs(request, [_certificate(request, person)], [lang])
    return _pdf_response(files[person.id], f"certificate-{person.id}.pdf")


@routes.get("/organiser/certificates.zip")
async def all_certificates(request: web.Request) -> web.Response:
    """Every certificate with at least one session, as PDFs in a zip, each in the person's
    language; the minutes behind them are /organiser/minutes.csv."""
    _, refused = _organiser(request)
    if refused is not None:
        return refused
    state = request.app[HUB].state
    people = sorted(state.attendance.registrations.values(), key=lambda r: (fold(r.name), r.id))
    certs = [c for c in (_certificate(request, p) for p in people) if c.lines]
    files = await _pdfs(request, certs, [language(state, c.registration) for c in certs])
    named = {f"{_file_name(c.registration)}.pdf": files[c.registration.id] for c in certs}
    response = web.Response(body=zip_of(named), content_type="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="certificates.zip"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _file_name(person: Registration) -> str:
    """``Ana-Pena-r7-1``: readable, unique, safe in any archive tool."""
    words = "-".join(fold(person.name).split())
    return "".join(ch for ch in f"{words}-{person.id}" if ch.isalnum() or ch in "-_")


@routes.get("/verify")
async def verify_form(request: web.Request) -> web.Response:
    """Type a certificate's code, or follow its QR code to /verify/<code>."""
    code = request.query.get("code", "").strip()
    if code:
        raise web.HTTPFound(f"/verify/{quote(code, safe='')}")
    return render(request, "verify.html", code="", result=None)


@routes.get("/verify/{code}")
async def verify_page(request: web.Request) -> web.Response:
    """Public: whether a certificate's code matches the ledger, and what it certifies (no
    more than the certificate itself shows)."""
    hub = request.app[HUB]
    code = request.match_info["code"]
    found = verify(hub.state, code, request.app[CERTIFICATE_KEY], hub.clock())
    if found is None:
        return render(request, "verify.html", status=404, code=code[:120], result=None)
    lang = request_language(request)
    return render(request, "verify.html", code=code,
                  result=context(hub.state, found, lang, _base(request)))


# -- reports: attendance over time ---------------------------------------------------------------

def _clock(state: EventState) -> Callable[[float], str]:
    return lambda moment: local_time(state, moment).strftime("%H:%M")


def _chart(request: web.Request, points: list, title: str) -> Markup:
    lang = request_language(request)
    state = request.app[HUB].state
    labels = (translate(lang, N_("On site")), translate(lang, N_("Online")))
    clock = _clock(state)
    site = max(points, key=lambda p: p[1])
    away = max(points, key=lambda p: p[2])
    description = translate(lang, N_("Most on site: {onsite} at {time}; most online: "
                                     "{online} at {online_time}."),
                            {"onsite": site[1], "time": clock(site[0]), "online": away[2],
                             "online_time": clock(away[0])})
    return line_chart(points, labels, title, description, clock)


@routes.get("/organiser/reports")
async def reports(request: web.Request) -> web.Response:
    """On site and online over time: per day, and per session that anyone attended."""
    actor, refused = _organiser(request)
    if refused is not None:
        return refused
    hub = request.app[HUB]
    state, now, lang = hub.state, hub.clock(), request_language(request)
    day_charts = []
    for day in days(state):
        points = day_timeline(state, day, now)
        if points:
            label = format_date(day, format="full", locale=lang)
            day_charts.append({"title": label, "csv": f"/organiser/timeline.csv?day={day}",
                               "svg": _chart(request, points, label)})
    session_charts = []
    attendance = state.attendance
    for session in state.programme.ordered_sessions():
        if not (attendance.entries.get(session.id) or attendance.online.get(session.id)):
            continue
        points = session_timeline(state, session, now)
        if points and any(p[1] or p[2] for p in points):
            title = pick(session.title, lang)
            session_charts.append({
                "title": title, "when": _clock(state)(points[0][0]),
                "csv": f"/organiser/timeline.csv?session={quote(session.id)}",
                "svg": _chart(request, points, title)})
    return render(request, "organiser_reports.html", actor=actor, page="organiser-reports",
                  day_charts=day_charts, session_charts=session_charts)


@routes.get("/organiser/timeline.csv")
async def timeline(request: web.Request) -> web.Response:
    """The numbers behind one chart: ``?session=<id>`` or ``?day=YYYY-MM-DD``."""
    _, refused = _organiser(request)
    if refused is not None:
        return refused
    hub = request.app[HUB]
    state, now = hub.state, hub.clock()
    if "session" in request.query:
        session = state.programme.sessions.get(request.query["session"])
        if session is None:
            raise web.HTTPNotFound(text=N_("No such session."))
        points, name = session_timeline(state, session, now), f"timeline-{session.id}.csv"
    else:
        try:
            day = date.fromisoformat(request.query.get("day", ""))
        except ValueError:
            raise web.HTTPBadRequest(text=N_("Give ?session=<id> or ?day=YYYY-MM-DD.")) from None
        points, name = day_timeline(state, day, now), f"timeline-{day}.csv"
    body = timeline_csv(points, _clock(state))
    response = web.Response(body=body, content_type="text/csv", charset="utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
