"""The attendance report: who came, when, through which door, and what they followed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.state import EventState

COLUMNS = ["id", "name", "organisation", "city", "kind", "badge", "checked_in_at",
           "checked_in_by", "scanned_offline_at", "sessions_entered", "sessions_online"]


def _iso(moment: float | None) -> str:
    if moment is None:
        return ""
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


def rows(state: EventState) -> list[dict[str, Any]]:
    """One row per registration, by name; session ids in programme order."""
    attendance = state.attendance
    order = {s.id: n for n, s in enumerate(state.programme.ordered_sessions())}
    out = []
    for registration in sorted(attendance.registrations.values(), key=lambda r: r.name):
        checkin = attendance.checkins.get(registration.id)
        entered = sorted((s for s, people in attendance.entries.items()
                          if registration.id in people), key=lambda s: order.get(s, 0))
        online = sorted((s for s, people in attendance.online.items()
                         if registration.principal in people), key=lambda s: order.get(s, 0))
        out.append({
            **registration.to_json(),
            "checked_in_at": _iso(checkin.at if checkin else None),
            "checked_in_by": checkin.device if checkin else "",
            "scanned_offline_at": _iso(checkin.offline_at if checkin else None),
            "sessions_entered": " ".join(entered), "sessions_online": " ".join(online),
        })
    return out


def export_csv(state: EventState) -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheets show accents right."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    for row in rows(state):
        # A leading = + - @ would run as a formula in a spreadsheet.
        writer.writerow({k: ("'" + v if isinstance(v, str) and v and v[0] in "=+-@" else v)
                         for k, v in row.items()})
    return ("\ufeff" + out.getvalue()).encode()
