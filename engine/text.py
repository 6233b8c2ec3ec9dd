"""Comparing people's words the way people do."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents, so that "Peña" matches "pena" and "IDIÓTA" "idiota"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_text(value: str) -> bool:
    """Whether ``value`` can be saved as UTF-8: JSON lets a lone surrogate (``"\\ud800"``)
    through, and such a string cannot be written to the log."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
