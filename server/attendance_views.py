"""Organiser pages for attendance: personal links and kiosk pairing (``/organiser/access``).

Issuing and revoking go over the organiser's websocket (``attendance.issue-links``,
``attendance.unlink``, ``kiosk.pairing-code``): the tokens exist only in the reply, and
the page turns the CSV the server wrote into a download for a mail merge.
"""

from __future__ import annotations

from aiohttp import web

from rencontre.attendance.links import link_status
from rencontre.engine.text import fold
from rencontre.server.agenda_views import _organiser
from rencontre.server.views import HUB, render

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
    return render(request, "organiser_access.html", actor=actor, page="organiser-access",
                  rows=rows, counts=counts)
