"""Translations from Babel catalogs (``locales/<lang>/LC_MESSAGES/messages.po``).

English is the source language. Catalogs are read from the ``.po`` files at
start, so there is no compile step; a missing translation falls back to English.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import get_timezone, get_timezone_location
from babel.messages.pofile import read_po

LANGUAGES = ("fr", "es", "en")
DEFAULT = "en"
LOCALES = Path(__file__).resolve().parent.parent / "locales"


@cache
def catalog(lang: str) -> dict[str, str]:
    path = LOCALES / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        po = read_po(handle, locale=lang)
    return {m.id: m.string for m in po if m.id and m.string and not m.fuzzy
            and isinstance(m.id, str)}


def gettext(lang: str, message: str) -> str:
    return catalog(lang).get(message, message) if lang != DEFAULT else message


def translate(lang: str, message: str, params: dict[str, Any] | None = None) -> str:
    """Translate ``message`` and fill in its ``{name}`` placeholders."""
    text = gettext(lang, message)
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return message.format(**params)


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an ``Accept-Language`` header."""
    if not accept_language:
        return DEFAULT
    preferred = []
    for part in accept_language.split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if weight <= 0:  # q=0 means "not this language"
            continue
        preferred.append((weight, tag.strip().replace("-", "_")))
    ranked = [tag for _, tag in sorted(preferred, key=lambda p: -p[0]) if tag]
    match = Locale.negotiate(ranked, LANGUAGES, sep="_")
    return str(match) if match else DEFAULT


def pick_language(query: str | None, cookie: str | None, accept: str | None) -> str:
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice
    return negotiate(accept)


def zone_city(zone: str, lang: str) -> str:
    """The city that names an IANA time zone, in ``lang``: ``America/Mexico_City`` is
    “Mexico City”, “Ciudad de México”; a zone Babel does not know keeps its last part."""
    try:
        return get_timezone_location(get_timezone(zone), locale=lang, return_city=True)
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


def zone_place(event: Any, lang: str) -> str:
    """What event times are labelled with: the event's city, else its zone's city."""
    if event is None:
        return "UTC"
    return event.city or zone_city(event.timezone, lang)
