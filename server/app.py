"""The aiohttp application: pages, static files, ``/ws``, around one hub."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from rencontre.server import (
    attendance_views,
    cities_views,
    feeds,
    metrics,
    not_found,
    qa_views,
    security,
    static_files,
)
from rencontre.server.agenda_views import routes as agenda_routes
from rencontre.server.gateway import Gateway
from rencontre.server.hub import Hub
from rencontre.server.limits import LIMITS, SMALL_BODY, Limits
from rencontre.server.log import open_log
from rencontre.server.settings import Settings
from rencontre.server.views import GATEWAY, HUB, SETTINGS, TEMPLATES, routes

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

# Personal links and private feeds carry a token in the path; it must never reach a log file.
_SECRET_PATH = re.compile(r"^/(a|feeds)/[^/?]+")
# A decoded path may hold CR, LF or quotes (%0D%0A): escaped, so that it cannot forge a line.
_UNPRINTABLE = re.compile(r'[\x00-\x1f\x7f-\x9f"\u2028\u2029]')


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class AccessLogger(AbstractAccessLogger):
    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        path = _UNPRINTABLE.sub(_escape, _SECRET_PATH.sub(r"/\1/…", request.path))
        http = {"remote": request.remote, "method": request.method, "path": path,
                "status": response.status, "ms": round(time * 1000, 1)}
        self.logger.info('%s "%s %s" %s %.1fms', request.remote, request.method, path,
                         response.status, time * 1000, extra={"http": http})


def template_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def create_app(settings: Settings, hub: Hub | None = None) -> web.Application:
    """An application serving one event; the hub starts and stops with it."""
    # Small bodies everywhere: the organiser's upload raises its own limit (agenda_views.py).
    app = web.Application(client_max_size=SMALL_BODY)
    hub = hub or Hub(open_log(settings.data, settings.redis))
    limits = Limits(settings.connections_per_address)
    gateway = Gateway(hub, max_frame=settings.max_frame, send_limit=settings.send_limit,
                      allowed_origins=settings.allowed_origins,
                      presence_grace=settings.presence_grace, public_url=settings.public_url,
                      limits=limits)
    app[HUB] = hub
    app[LIMITS] = limits
    app[SETTINGS] = settings
    app[GATEWAY] = gateway
    app[TEMPLATES] = template_environment()
    security.install(app, settings)
    not_found.install(app)
    app.router.add_routes(routes)
    app.router.add_routes(agenda_routes)
    attendance_views.install(app, settings)
    feeds.install(app, settings)
    qa_views.install(app)  # /live, Q&A panel, exports
    cities_views.install(app)  # /declaration, /signing, the record
    metrics.install(app, hub, settings)
    app.router.add_get("/ws", gateway.handle)
    static_files.install(app, STATIC, app[TEMPLATES])

    async def start(app: web.Application) -> None:
        await hub.start()

    async def stop(app: web.Application) -> None:
        await gateway.presence.close()
        await hub.stop()

    app.on_startup.append(start)
    app.on_shutdown.append(stop)
    return app
