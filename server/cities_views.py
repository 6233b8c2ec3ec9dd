"""Pages of the member cities: the organisers' delegation tools (more to come with signing)."""

from __future__ import annotations

from functools import cache

from babel import Locale

from rencontre.engine.text import fold


@cache
def countries(lang: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of every country, by name in ``lang``."""
    names = Locale.parse(lang).territories
    # ZZ is Babel's "Unknown Region"; the numeric codes are continents.
    codes = [code for code in names if code.isalpha() and len(code) == 2 and code != "ZZ"]
    return tuple(sorted(((code, names[code]) for code in codes), key=lambda c: fold(c[1])))
