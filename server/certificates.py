"""Certificates drawn by the server: printable A4 HTML, PDF (WeasyPrint), a zip of them all.

The same template makes the page a browser prints and the PDF: WeasyPrint lays out
HTML and CSS (``@page`` size A4, print styles) with Pango, so there is one design to
keep, not a second drawing in PDF primitives. The QR code (segno, SVG) holds the
``/verify/<code>`` address. The key that signs the codes is ``RENCONTRE_CERTIFICATE_SECRET``
or, by default, a random key kept in ``certificate.key`` in the data directory.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import segno
from babel.dates import format_date, format_interval

from rencontre.attendance.certificates import Certificate
from rencontre.engine.messages import N_
from rencontre.schedule.model import pick
from rencontre.server.i18n import translate

if TYPE_CHECKING:
    import jinja2

    from rencontre.engine.state import EventState
    from rencontre.server.settings import Settings

STATIC = Path(__file__).resolve().parent.parent / "static"
KEY_FILE = "certificate.key"
# WeasyPrint fetches the page's stylesheet from here, never from the network.
PRINT_ORIGIN = "http://certificate.invalid"


def certificate_key(settings: Settings) -> bytes:
    """The key that signs certificate codes: the setting, else the data directory's file."""
    if settings.certificate_secret:
        return settings.certificate_secret.encode()
    path = Path(settings.data) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="ascii") as handle:  # never overwrite another's key
            handle.write(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip().encode()


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as a data: URI (inline images are allowed by the CSP)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def hours(minutes: int, lang: str) -> str:
    return translate(lang, N_("{hours} h {minutes} min"), {"hours": minutes // 60,
                                                           "minutes": f"{minutes % 60:02d}"})


def context(state: EventState, cert: Certificate, lang: str, base: str) -> dict[str, Any]:
    """What the template shows of one certificate, in ``lang``."""
    event = state.programme.event
    zone = event.zone if event else UTC
    lines = []
    for line in cert.lines:
        start = datetime.fromtimestamp(line.start, zone)
        end = datetime.fromtimestamp(line.end, zone)
        lines.append({
            "title": pick(line.session.title, lang),
            "day": format_date(start.date(), format="medium", locale=lang),
            "time": f"{start:%H:%M}–{end:%H:%M}",
            "onsite": line.minutes.onsite, "online": line.minutes.online,
            "total": line.minutes.total,
        })
    dates = ""
    if event is not None:
        dates = (format_date(event.start_date, format="long", locale=lang) if event.days == 1
                 else format_interval(event.start_date, event.end_date, "yMMMMd", locale=lang))
    url = f"{base}/verify/{cert.code}"
    return {
        "id": cert.registration.id, "name": cert.registration.name,
        "organisation": cert.registration.organisation, "city": cert.registration.city,
        "event": pick(event.name, lang) if event else "", "dates": dates,
        "place": ", ".join(p for p in (event.venue, event.city) if p) if event else "",
        "lines": lines, "onsite": cert.onsite, "online": cert.online,
        "total": hours(cert.total, lang), "threshold": cert.threshold, "code": cert.code,
        "verify_url": url, "qr": qr_svg(url),
    }


def render_html(templates: jinja2.Environment, state: EventState, certs: list[Certificate],
                lang: str, base: str, stylesheet: str, tools: dict[str, str] | None = None
                ) -> str:
    """One document with one page per certificate (a long one may take two); ``tools``
    (print and PDF links) for the browser's page."""
    return templates.get_template("certificate.html").render(
        lang=lang, stylesheet=stylesheet, tools=tools,
        _=lambda message, **params: translate(lang, message, params),
        certificates=[context(state, cert, lang, base) for cert in certs])


def _fetcher() -> Any:
    """Fetches the stylesheet from the static folder, and data: URIs; nothing from the network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if (f"{parts.scheme}://{parts.netloc}" == PRINT_ORIGIN
                    and parts.path.startswith("/static/")):
                path = (STATIC / parts.path.removeprefix("/static/")).resolve()
                if path.is_file() and STATIC.resolve() in path.parents:
                    return URLFetcherResponse(url, path.read_bytes(),
                                              {"Content-Type": "text/css"})
            raise ValueError(f"not fetched: {url}")

    return StaticOnly(allowed_protocols=("data", "http"))


def pdfs(html: str, ids: list[str]) -> dict[str, bytes]:
    """Lay ``html`` out once and cut it into one PDF per certificate (``id="c-<id>"``)."""
    from weasyprint import HTML  # imported here: it takes a second to load

    document = HTML(string=html, base_url=PRINT_ORIGIN + "/", url_fetcher=_fetcher()).render()
    starts = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("c-") and anchor[2:] in ids:
                starts[anchor[2:]] = number
    order = sorted(starts.items(), key=lambda item: item[1])
    out = {}
    for index, (person, first) in enumerate(order):
        last = order[index + 1][1] if index + 1 < len(order) else len(document.pages)
        out[person] = document.copy(document.pages[first:last]).write_pdf()
    return out


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in sorted(files.items()):
            archive.writestr(name, body)
    return buffer.getvalue()
