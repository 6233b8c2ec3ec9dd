"""Pages of the member cities: the declaration and its signatories, the signing station,
the record (JSON and PDF), and the organisers' tools."""

from __future__ import annotations

import asyncio
import json
from functools import cache
from typing import Any

from aiohttp import web
from babel import Locale

from rencontre.cities.declaration import DRAWING_BOX, LANGUAGES, declaration_snapshot
from rencontre.cities.delegations import my_delegation
from rencontre.cities.record import record
from rencontre.engine.messages import N_, Role
from rencontre.engine.text import fold
from rencontre.server.record_pdf import record_html, record_pdf
from rencontre.server.views import HUB, TEMPLATES, render
from rencontre.server.web_auth import actor_from_request, request_language

routes = web.RouteTableDef()


def install(app: web.Application) -> None:
    app.router.add_routes(routes)


@cache
def countries(lang: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of every country, by name in ``lang``."""
    names = Locale.parse(lang).territories
    # ZZ is Babel's "Unknown Region"; the numeric codes are continents.
    codes = [code for code in names if code.isalpha() and len(code) == 2 and code != "ZZ"]
    return tuple(sorted(((code, names[code]) for code in codes), key=lambda c: fold(c[1])))


def _reading_language(request: web.Request, lang: str) -> str:
    read = request.query.get("read")
    return read if read in LANGUAGES else lang


@routes.get("/declaration")
async def declaration_page(request: web.Request) -> web.Response:
    """The declaration in the reader's language, its signatories live, the record."""
    state = request.app[HUB].state
    actor = actor_from_request(state, request)
    lang = request_language(request)
    declaration = state.declaration
    versions = declaration.versions
    number = request.query.get("version", "")
    shown = next((v for v in versions if str(v.number) == number), declaration.current)
    mine = my_delegation(state, actor.id) if actor is not None else None
    return render(request, "declaration.html", actor=actor, page="declaration",
                  drawing_box=DRAWING_BOX, version=shown, current=declaration.current,
                  read=_reading_language(request, lang), reading_languages=LANGUAGES,
                  data={"declaration": declaration_snapshot(state),
                        "delegations": [d.public() for d in state.delegations.ordered()],
                        "my_delegation": mine})


@routes.get("/declaration/versions/{number}.json")
async def version_json(request: web.Request) -> web.Response:
    """One version's title and text in every language."""
    versions = request.app[HUB].state.declaration.versions
    version = next((v for v in versions if str(v.number) == request.match_info["number"]),
                   None)
    if version is None:
        raise web.HTTPNotFound(text=N_("No such version of the declaration."))
    return web.json_response(version.full(), headers={"Cache-Control": "no-cache"})


@routes.get("/declaration/record.json")
async def record_json(request: web.Request) -> web.Response:
    """The record: every version, signature and withdrawal, chained by their digests."""
    body = json.dumps(record(request.app[HUB].state), ensure_ascii=False, indent=1)
    return web.Response(text=body, content_type="application/json", headers={
        "Content-Disposition": 'attachment; filename="declaration-record.json"',
        "Cache-Control": "no-store"})


@routes.get("/declaration/record.pdf")
async def record_pdf_view(request: web.Request) -> web.Response:
    """The record as a document to print and file, in the reader's language."""
    state = request.app[HUB].state
    address = str(request.url.with_path("/declaration/record.json").with_query(None))
    html = record_html(request.app[TEMPLATES], record(state), request_language(request),
                       address)
    pdf = await asyncio.to_thread(record_pdf, html)
    return web.Response(body=pdf, content_type="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="declaration-record.pdf"',
        "Cache-Control": "no-store"})


@routes.get("/signing")
async def signing_station(request: web.Request) -> web.Response:
    """The signing station: a paired kiosk where signatories scan their badge and sign."""
    actor = actor_from_request(request.app[HUB].state, request)
    if actor is None or actor.role is not Role.KIOSK:
        return render(request, "kiosk_pair.html", next_page="/signing")
    return render(request, "signing.html", actor=actor, page="kiosk",
                  drawing_box=DRAWING_BOX)


def declaration_panel(state: Any) -> dict[str, Any]:
    """What the organiser panel's declaration tools start from."""
    current = state.declaration.current
    return {"declaration_current": current.full() if current else None,
            "declaration_languages": LANGUAGES}
