"""Reports for people with spreadsheets: UTC times as text, safe CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any


def iso(moment: float | None) -> str:
    """``2026-03-10T13:40:00Z``, or empty for no time."""
    if moment is None:
        return ""
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


def spreadsheet_csv(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheets show accents right."""
    out = io.StringIO()
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    for row in rows:
        # A leading = + - @ would run as a formula in a spreadsheet.
        writer.writerow({k: ("'" + v if isinstance(v, str) and v and v[0] in "=+-@" else v)
                         for k, v in row.items()})
    return ("\ufeff" + out.getvalue()).encode()
