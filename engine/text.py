"""Comparing people's words the way people do."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents, so that "Peña" matches "pena" and "IDIÓTA" "idiota"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
