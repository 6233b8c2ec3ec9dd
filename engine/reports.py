"""Reports for people with spreadsheets: UTC times as text, safe CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def iso(moment: float | None) -> str:
    """``2026-03-10T13:40:00Z``, or empty for no time."""
    if moment is None:
        return ""
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


# A cell starting with one of these runs as a formula (or a DDE call) in Excel, LibreOffice
# or Google Sheets; some read the full-width signs as their ASCII twins.
FORMULA_START = tuple("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def spreadsheet_cell(value: Any) -> Any:
    """``value`` as a spreadsheet shows it and never runs it: text that would start a
    formula gets a leading ``'``, which spreadsheets read as "this is text"."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def from_spreadsheet_cell(text: str) -> str:
    """The text :func:`spreadsheet_cell` protected, for files that come back to us."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def spreadsheet_csv(columns: Sequence[str],
                    rows: Iterable[Mapping[str, Any] | Sequence[Any]]) -> bytes:
    """The one CSV writer of Rencontre: every cell through :func:`spreadsheet_cell`; UTF-8
    with a byte order mark, so that spreadsheets show accents right; CRLF line ends.

    ``rows`` are dicts by column name or sequences in the order of ``columns``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        values = [row.get(name, "") for name in columns] if isinstance(row, Mapping) else row
        writer.writerow([spreadsheet_cell(value) for value in values])
    return ("\ufeff" + out.getvalue()).encode()
