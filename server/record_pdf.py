"""The declaration record as a PDF: the same content as the JSON, for people to read and file.

Times are written in UTC and in the event's zone: a paper record has no viewer's zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import segno

from rencontre.server.i18n import translate


def _when(iso: str, zone: str) -> str:
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    local = moment.astimezone(ZoneInfo(zone))
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC · {local:%Y-%m-%d %H:%M} {zone}"


def record_html(templates: jinja2.Environment, data: dict[str, Any], lang: str,
                address: str) -> str:
    event = data["event"] or {"name": {}, "city": "", "timezone": "UTC"}
    zone = event["timezone"] or "UTC"
    links = data["links"]
    withdrawn = {link["signature"]: link for link in links if link["kind"] == "withdrawal"}
    return templates.get_template("declaration_record.html").render(
        lang=lang, event=event, record=data, zone=zone,
        versions=[link for link in links if link["kind"] == "version"],
        signatures=[link for link in links if link["kind"] == "signature"],
        withdrawn=withdrawn, when=lambda iso: _when(iso, zone),
        qr=segno.make(address, error="m").svg_data_uri(scale=3), address=address,
        _=lambda message, **params: translate(lang, message, params))


def record_pdf(html: str) -> bytes:
    """Slow (a fraction of a second per page): run it in a thread."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
