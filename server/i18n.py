"""Translations from Babel catalogs (``locales/<lang>/LC_MESSAGES/messages.po``).

English is the source language. Catalogs are read from the ``.po`` files at
start, so there is no compile step; a missing translation falls back to English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from gettext import c2py
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import get_timezone, get_timezone_location
from babel.messages.pofile import read_po

from rencontre.engine.fields import label_of

LANGUAGES = ("fr", "es", "en")
DEFAULT = "en"
LOCALES = Path(__file__).resolve().parent.parent / "locales"


@cache
def _read(lang: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]], Callable[[int], int]]:
    """The catalog of ``lang``: plain messages, plural messages by their singular, and the
    language's rule choosing a plural form for a count (its ``Plural-Forms`` header)."""
    path = LOCALES / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}, {}, _english_plural
    with path.open("rb") as handle:
        po = read_po(handle, locale=lang)
    singles = {m.id: m.string for m in po if m.id and m.string and not m.fuzzy
               and isinstance(m.id, str)}
    plurals = {m.id[0]: tuple(m.string) for m in po if m.id and not m.fuzzy
               and isinstance(m.id, tuple) and all(m.string)}
    return singles, plurals, c2py(po.plural_expr)


def _english_plural(count: int) -> int:
    return 0 if count == 1 else 1


def catalog(lang: str) -> dict[str, str]:
    return _read(lang)[0]


def gettext(lang: str, message: str) -> str:
    return catalog(lang).get(message, message) if lang != DEFAULT else message


def ngettext(singular: str, plural: str, count: int, lang: str, **params: Any) -> str:
    """The form of a message for ``count`` in ``lang`` ("1 problem", "2 problems"; French
    takes the singular for 0 too), its ``{count}`` and other placeholders filled in.

    The arguments come in gettext's order so that Babel extracts both forms.
    """
    params = {"count": count, **params}
    _, plurals, rule = _read(lang) if lang != DEFAULT else ({}, {}, _english_plural)
    forms = plurals.get(singular)
    if forms:
        text = forms[min(rule(count), len(forms) - 1)]
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            pass
    return (singular if count == 1 else plural).format(**params)


def translate(lang: str, message: str, params: dict[str, Any] | None = None) -> str:
    """Translate ``message`` and fill in its ``{name}`` placeholders; a ``{field}`` is named
    as the reader calls it (``label_of``), not by its protocol name."""
    text = gettext(lang, message)
    if not params:
        return text
    if isinstance(params.get("field"), str):
        params = {**params, "field": label_of(params["field"], lambda label: gettext(lang, label))}
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


def plural_forms(lang: str, singular: str, plural: str) -> list[str]:
    """The forms of a counted message in ``lang``: [one, other] for fr, es and en (whose
    rules Intl.PluralRules names "one" and "other"), English when untranslated."""
    forms = _read(lang)[1].get(singular) if lang != DEFAULT else None
    return list(forms) if forms else [singular, plural]


def environment_language(environ: Mapping[str, str]) -> str:
    """The language of a command-line user, from ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``
    or ``LANG`` (``fr_FR.UTF-8`` → ``fr``), as gettext chooses it; else English."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for tag in environ.get(name, "").split(":"):
            code = tag.split(".")[0].split("_")[0].split("-")[0].lower()
            if code in LANGUAGES:
                return code
            if code and code not in ("c", "posix"):
                break
    return DEFAULT
