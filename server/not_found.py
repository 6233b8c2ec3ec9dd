"""Answers for addresses that lead nowhere, in the reader's language.

Handlers say why with ``web.HTTPNotFound(text=N_("No such room."))``; this middleware
translates that reason (and the router's own 404) and shows it on a page with the site's
header, or as plain text for the feeds, which calendar and schedule apps read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from rencontre.engine.messages import N_
from rencontre.server.i18n import translate
from rencontre.server.views import render
from rencontre.server.web_auth import request_language

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
NOTHING_HERE = N_("There is nothing at this address.")
_FEEDS = (".ics", ".xml", ".json", ".csv")


@web.middleware
def not_found(request: web.Request, handler: Handler) -> Awaitable[web.StreamResponse]:
    # The websocket's handler runs as long as the socket: it gets no frame of ours to keep
    # (see server/security.py).
    if request.path == "/ws":
        return handler(request)
    return _translated(request, handler)


async def _translated(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPNotFound as missing:
        if request.method not in ("GET", "HEAD") or request.path.startswith("/static/"):
            raise
        given = missing.text or ""
        reason = given if given and not given.startswith("404:") else NOTHING_HERE
        text = translate(request_language(request), reason)
        if request.path.endswith(_FEEDS):
            return web.Response(status=404, text=text, content_type="text/plain",
                                charset="utf-8")
        return render(request, "not_found.html", status=404, reason=text)


def install(app: web.Application) -> None:
    app.middlewares.append(not_found)
