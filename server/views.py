"""HTTP pages and endpoints."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

import jinja2
from aiohttp import web

from rencontre.cities.declaration import awaits_signature
from rencontre.cities.delegations import flag_origins
from rencontre.engine.messages import N_, Actor, Refusal, Role
from rencontre.engine.snapshots import is_staff, may_view
from rencontre.server.csp import policy
from rencontre.server.gateway import Gateway
from rencontre.server.hub import Hub
from rencontre.server.i18n import (
    LANGUAGES,
    gettext,
    ngettext,
    plural_forms,
    translate,
    zone_city,
    zone_place,
)
from rencontre.server.limits import LIMITS, address_of
from rencontre.server.log import LogUnavailable
from rencontre.server.security import socket_sources
from rencontre.server.static_files import STATIC_FILES, accepts_gzip
from rencontre.server.settings import Settings
from rencontre.server.web_auth import (
    LANG_COOKIE,
    TOKEN_COOKIE,
    actor_from_request,
    actor_from_token,
    request_language,
    set_token_cookie,
)

HUB = web.AppKey("hub", Hub)
GATEWAY = web.AppKey("gateway", Gateway)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
SETTINGS = web.AppKey("settings", Settings)

routes = web.RouteTableDef()


def render(request: web.Request, name: str, status: int = 200, **context: Any) -> web.Response:
    """Render a page in the request's language; ``?lang=`` also sets the language cookie."""
    lang = request_language(request)
    hub = request.app[HUB]
    templates = request.app[TEMPLATES]
    template = templates.get_template(name)
    event = hub.state.programme.event
    body = template.render(
        lang=lang, languages=LANGUAGES, event=event, path=request.path,
        language_page=_language_page(request), place=zone_place(event, lang),
        zone_city=zone_city(event.timezone, lang) if event else "UTC",
        _=lambda message, **params: translate(lang, message, params),
        ngettext=lambda singular, plural, count, **params: ngettext(
            singular, plural, count, lang, **params),
        js_messages=js_messages(lang), js_plurals=js_plurals(lang), **context)
    static = request.app[STATIC_FILES]
    packed = static.gzip_page(body) if accepts_gzip(request) else None
    if packed is not None:
        response = web.Response(body=packed, status=status, content_type="text/html",
                                charset="utf-8", headers={"Content-Encoding": "gzip",
                                                          "Vary": "Accept-Encoding"})
    else:
        response = web.Response(text=body, status=status, content_type="text/html")
        # Pages carry the scripts' translations: gzip makes a 35 KB page about 8 KB.
        response.enable_compression()
    response.headers["Content-Security-Policy"] = policy(
        hub.state.programme, hub.state.programme_seq, socket_sources(request),
        flag_origins(hub.state), static.script_sources, static.style_sources)
    # Not "no-referrer": with it Chromium sends "Origin: null" on the pages' own forms.
    response.headers["Referrer-Policy"] = "same-origin"
    if request.query.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, request.query["lang"], max_age=365 * 86400,
                            samesite="Lax", path="/")
    return response


def _language_page(request: web.Request) -> str:
    """The page the language links reload: this one, or for a form's answer the form's page
    (``/kiosk`` for ``POST /kiosk/pair``), since the answer's own path takes no GET."""
    path = request.path
    if request.method in ("GET", "HEAD"):
        return path
    pages = {resource.canonical for resource in request.app.router.resources()
             for route in resource if route.method == "GET"}
    while path not in pages and path != "/":
        path = path.rsplit("/", 1)[0] or "/"
    return path


def js_messages(lang: str) -> dict[str, str]:
    from rencontre.server.jsmessages import JS_MESSAGES

    return {message: gettext(lang, message) for message in JS_MESSAGES}


def js_plurals(lang: str) -> dict[str, list[str]]:
    """Each counted message of the scripts, by its singular: its forms in ``lang``, in the
    order of the language's plural rule (static/js/i18n.js picks one with Intl.PluralRules)."""
    from rencontre.server.jsmessages import JS_PLURALS

    return {singular: plural_forms(lang, singular, plural) for singular, plural in JS_PLURALS}


def redirect(location: str) -> web.HTTPFound:
    return web.HTTPFound(location)


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    """For operators and load balancers: 200 while this process can take writes, else 503.

    It writes to the log as an append would and answers within about two seconds;
    ``problem`` says what is wrong.
    """
    hub = request.app[HUB]
    problem = await hub.check()
    body = {"status": "ok" if problem is None else "unavailable", "backend": hub.log.backend,
            "seq": hub.state.seq}
    if problem is not None:
        body["problem"] = problem
    return web.json_response(body, status=200 if problem is None else 503)


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    actor = actor_from_request(hub.state, request)
    if not may_view(hub.state, actor):
        return render(request, "join.html", guests=False)
    registered = actor is not None and actor.id in hub.state.attendance.by_principal
    return render(request, "attendee.html", actor=actor, page="attendee", registered=registered)


@routes.get("/a/{token}")
async def personal_link(request: web.Request) -> web.Response:
    """An attendee's personal link: sign in on this device, then go to the event."""
    limits = request.app[LIMITS]
    try:
        limits.before_sign_in(address_of(request))
    except Refusal as refusal:
        return _limited(render(request, "join.html", status=429, invalid_link=True,
                               guests=_guests_allowed(request)), refusal.params)
    actor = actor_from_token(request.app[HUB].state, request.match_info["token"])
    if actor is None:
        limits.failed_sign_in(address_of(request), "personal link")
        return render(request, "join.html", status=403, invalid_link=True,
                      guests=_guests_allowed(request))
    state = request.app[HUB].state
    if actor.id in state.attendance.by_principal and actor.id not in state.attendance.link_used:
        await _execute(request, "attendance.link-used", {}, actor)  # organisers see who came
    lang = request.query.get("lang")
    # A signatory whose city is still to sign goes straight to the declaration.
    page = "/declaration" if awaits_signature(state, actor.id) else "/"
    response = redirect(f"{page}?lang={lang}" if lang in LANGUAGES else page)
    set_token_cookie(response, request, request.match_info["token"])
    raise response


def _guests_allowed(request: web.Request) -> bool:
    event = request.app[HUB].state.programme.event
    return bool(event and event.guests_allowed)


def _next_page(value: object) -> str:
    """Where to go after joining: a path of this site only, never another site's URL.

    Browsers drop tabs and newlines from a ``Location`` and read a backslash as ``/``, so
    ``/<tab>/evil.example`` would become ``//evil.example``: a page with any of them, or
    with any space or control character, is refused, and so is anything that resolves
    off this site.
    """
    if not isinstance(value, str) or not value.startswith("/"):
        return "/"
    if any(c.isspace() or c == "\\" or not c.isprintable() for c in value):
        return "/"
    if urlsplit(urljoin("http://rencontre.invalid/", value)).netloc != "rencontre.invalid":
        return "/"
    return value


@routes.get("/join")
async def join_form(request: web.Request) -> web.Response:
    return render(request, "join.html", guests=_guests_allowed(request),
                  next_page=_next_page(request.query.get("next")))


@routes.post("/join")
async def join(request: web.Request) -> web.Response:
    """Join as a guest with a display name, then go back to the page that asked."""
    form = await request.post()
    next_page = _next_page(form.get("next"))
    outcome = await _execute(request, "access.guest-join", {"name": str(form.get("name", ""))})
    if not outcome["ok"]:
        return _refused(render(request, "join.html", status=400, guests=_guests_allowed(request),
                               error=_error(request, outcome), next_page=next_page), outcome)
    response = redirect(next_page)
    set_token_cookie(response, request, outcome["result"]["token"])
    raise response


def _limited(response: web.Response, params: dict[str, Any]) -> web.Response:
    response.set_status(429)
    response.headers["Retry-After"] = str(params["retry_after"])
    return response


def _refused(response: web.Response, outcome: dict[str, Any]) -> web.Response:
    """A page answering a refused form: 429 with ``Retry-After`` when a limit refused it."""
    if outcome.get("code") == "rate.limited":
        return _limited(response, outcome["params"])
    return response


async def _execute(request: web.Request, type: str, data: dict[str, Any],
                   actor: Actor | None = None) -> dict[str, Any]:
    try:
        return await request.app[LIMITS].execute(request.app[HUB], address_of(request), type,
                                                 data, actor)
    except Refusal as refusal:
        return refusal.to_outcome()
    except LogUnavailable:
        raise web.HTTPServiceUnavailable(text="the log is unavailable") from None


def _error(request: web.Request, outcome: dict[str, Any]) -> str:
    return translate(request_language(request), outcome["message"], outcome.get("params"))


@routes.get("/logout")
async def logout_form(request: web.Request) -> web.Response:
    """Signing out changes something, so it is a form (``POST /logout``), not a link."""
    return render(request, "logout.html")


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    response = redirect("/")
    response.del_cookie(TOKEN_COOKIE, path="/")
    raise response


@routes.get("/moderator/login")
async def moderator_login_form(request: web.Request) -> web.Response:
    return render(request, "login.html")


@routes.post("/moderator/login")
async def moderator_login(request: web.Request) -> web.Response:
    form = await request.post()
    limits = request.app[LIMITS]
    try:
        limits.before_sign_in(address_of(request))
    except Refusal as refusal:
        return _limited(render(request, "login.html", limited=translate(
            request_language(request), refusal.message, refusal.params)), refusal.params)
    token = str(form.get("token", "")).strip()
    actor = actor_from_token(request.app[HUB].state, token)
    if not is_staff(actor):
        limits.failed_sign_in(address_of(request), "moderator sign-in")
        return render(request, "login.html", status=403, error=True)
    response = redirect("/moderator")
    set_token_cookie(response, request, token)
    raise response


@routes.get("/moderator")
async def moderator(request: web.Request) -> web.Response:
    actor = actor_from_request(request.app[HUB].state, request)
    if not is_staff(actor):
        raise redirect("/moderator/login")
    return render(request, "moderator.html", actor=actor, page="moderator")


@routes.get("/kiosk")
async def kiosk(request: web.Request) -> web.Response:
    actor = actor_from_request(request.app[HUB].state, request)
    if actor is None or actor.role is not Role.KIOSK:
        return render(request, "kiosk_pair.html")
    return render(request, "kiosk.html", actor=actor, page="kiosk")


@routes.post("/kiosk/pair")
async def kiosk_pair(request: web.Request) -> web.Response:
    form = await request.post()
    outcome = await _execute(request, "kiosk.pair", {
        "code": str(form.get("code", "")), "name": str(form.get("name", "")) or None})
    # A signing station is a kiosk too, paired from its own page.
    next_page = "/signing" if form.get("next") == "/signing" else "/kiosk"
    if not outcome["ok"]:
        return _refused(render(request, "kiosk_pair.html", status=400,
                               error=_error(request, outcome), next_page=next_page), outcome)
    response = redirect(next_page)
    set_token_cookie(response, request, outcome["result"]["token"])
    raise response


@routes.get("/stage/{room}")
async def stage(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    room = hub.state.programme.rooms.get(request.match_info["room"])
    if room is None:
        raise web.HTTPNotFound(text=N_("No such room."))
    return render(request, "stage.html", room=room, page="stage")
