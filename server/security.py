"""What every request and response goes through: where a form comes from, the headers, proxies.

One rule for every request that changes something (any method but GET, HEAD and
OPTIONS): it must come from this site or from an allowed origin. Browsers say
where a request comes from in ``Origin`` and, since 2020, ``Sec-Fetch-Site``;
a page that sends no referrer makes Chromium send ``Origin: null``, so
``Sec-Fetch-Site`` decides then. A request with neither header is not from a
browser (``curl``, a script): no other site can make a visitor send it.

Behind a reverse proxy, ``trusted_proxies`` lists the addresses whose
``Forwarded`` or ``X-Forwarded-Proto``/``X-Forwarded-For`` headers are believed:
the request then counts as HTTPS (cookies get ``Secure``) and as coming from the
client's address (which the limits count).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from rencontre.engine.messages import N_
from rencontre.server.i18n import translate
from rencontre.server.settings import Settings
from rencontre.server.web_auth import request_language

log = logging.getLogger(__name__)

ALLOWED_ORIGINS = web.AppKey("allowed_origins", tuple)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def origin_matches(request: web.Request, origin: str, allowed: tuple[str, ...]) -> bool:
    """Whether ``origin`` is this server's own (its host) or one of the ``allowed``."""
    return origin.rstrip("/") in allowed or urlsplit(origin).netloc == request.host


def from_this_site(request: web.Request, allowed: tuple[str, ...]) -> bool:
    """The one rule for requests that change something (see the module's doc)."""
    origin = request.headers.get("Origin")
    if origin is not None and origin != "null":
        return origin_matches(request, origin, allowed)
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    return origin is None


# The middlewares below are plain functions that hand back the handler's own awaitable when
# they let a request through: a coroutine middleware would keep a suspended frame for the
# whole life of every websocket (its handler returns when the socket closes), about half a
# KiB per idle connection each.

@web.middleware
def forms_from_this_site(request: web.Request, handler: Handler) -> Awaitable[web.StreamResponse]:
    if request.method in SAFE_METHODS or from_this_site(request, request.app[ALLOWED_ORIGINS]):
        return handler(request)
    return _refuse_cross_site(request)


async def _refuse_cross_site(request: web.Request) -> web.StreamResponse:
    log.warning("refused a cross-site %s %s from %s (Origin: %s)", request.method,
                request.path.encode("unicode_escape").decode(), request.remote,
                request.headers.get("Origin", "-").encode("unicode_escape").decode())
    raise web.HTTPForbidden(text=translate(request_language(request), N_(
        "This form was sent from another site, so it was refused. Open the page on "
        "this site and send it from there.")))


def socket_sources(request: web.Request) -> str:
    """What the pages may connect to besides ``'self'``: this host's websocket and the
    allowed origins (for ``server/csp.py``), never any ``ws:`` host."""
    scheme = "wss" if request.secure else "ws"
    sources = [f"{scheme}://{request.host}"]
    for origin in request.app[ALLOWED_ORIGINS]:
        parts = urlsplit(origin)
        sources += [origin, f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"]
    return "".join(f" {source}" for source in sources)


async def nosniff(request: web.Request, response: web.StreamResponse) -> None:
    """For ``on_response_prepare`` of every application this server runs.

    Not on a websocket's ``101``: it carries no content to sniff, and its headers live as
    long as the socket (a header added costs every idle connection ~0.4 KiB).
    """
    if response.status != 101:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")


def parse_networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    """``10.0.0.1``, ``10.0.0.0/8``, ``::1``: the addresses of trusted proxies."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values)


def _forwarded(request: web.Request) -> tuple[str | None, str | None]:
    """The scheme and client address the nearest proxy reports (its own, last, entry)."""
    forwarded = request.forwarded
    if forwarded:
        last = forwarded[-1]
        client = last.get("for")
        return last.get("proto"), _without_port(client) if client else None
    proto = request.headers.get("X-Forwarded-Proto", "").split(",")[-1].strip() or None
    client = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip() or None
    return proto, client


def behind(networks: tuple[Network, ...]) -> Callable:
    """A middleware that believes the forwarding headers of requests from ``networks``."""

    @web.middleware
    def trusted_proxy(request: web.Request, handler: Handler) -> Awaitable[web.StreamResponse]:
        if not networks or not _is_in(request.remote, networks):
            return handler(request)
        proto, client = _forwarded(request)
        changes: dict[str, str] = {}
        if proto in ("http", "https"):
            changes["scheme"] = proto
        if client and _is_address(client):
            changes["remote"] = client
        return handler(request.clone(**changes) if changes else request)

    return trusted_proxy


def _without_port(node: str) -> str:
    """``203.0.113.7:4711`` or ``[2001:db8::7]:4711`` (RFC 7239 node names) without the port."""
    if node.startswith("["):
        return node[1:].split("]", 1)[0]
    host, colon, port = node.rpartition(":")
    return host if colon and "." in host and port.isdigit() else node


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _is_in(address: str | None, networks: tuple[Network, ...]) -> bool:
    if not address or not _is_address(address):
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in networks)


def install(app: web.Application, settings: Settings) -> None:
    """Check every state-changing request, mark every response, believe trusted proxies."""
    app[ALLOWED_ORIGINS] = settings.allowed_origins
    app.middlewares.append(behind(parse_networks(settings.trusted_proxies)))
    app.middlewares.append(forms_from_this_site)
    app.on_response_prepare.append(nosniff)
