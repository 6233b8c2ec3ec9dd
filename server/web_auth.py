"""Who a request comes from: the session cookie or a token, and in which language."""

from __future__ import annotations

from aiohttp import web

from rencontre.engine.messages import Actor
from rencontre.engine.state import EventState
from rencontre.server.i18n import pick_language

TOKEN_COOKIE = "rencontre_token"
LANG_COOKIE = "rencontre_lang"
COOKIE_AGE = 60 * 60 * 24 * 30


def actor_from_token(state: EventState, token: str) -> Actor | None:
    principal = state.access.verify(token)
    if principal is None:
        return None
    return Actor(principal.id, principal.role, principal.name)


def actor_from_request(state: EventState, request: web.Request) -> Actor | None:
    token = request.cookies.get(TOKEN_COOKIE)
    return actor_from_token(state, token) if token else None


def request_language(request: web.Request) -> str:
    return pick_language(request.query.get("lang"), request.cookies.get(LANG_COOKIE),
                         request.headers.get("Accept-Language"))


def set_token_cookie(response: web.StreamResponse, request: web.Request, token: str) -> None:
    response.set_cookie(TOKEN_COOKIE, token, max_age=COOKIE_AGE, httponly=True,
                        samesite="Lax", secure=request.secure, path="/")
