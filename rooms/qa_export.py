"""All the questions of a session, as CSV or JSON, for speakers to answer later; the JSON
also holds the session's polls with their counts."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rooms.qa import ranked
from schedule.model import pick

if TYPE_CHECKING:
    from engine.state import EventState

COLUMNS = ["id", "status", "text", "original", "language", "votes", "answered", "pinned",
           "reply", "author_name", "asked_at"]


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


def rows(state: EventState, session: str) -> list[dict[str, Any]]:
    """Every question of ``session``, best first; withdrawn ones are left out."""
    room = state.qa.rooms.get(session)
    questions = [q for q in (room.questions.values() if room else [])
                 if q.status.value != "withdrawn"]
    return [{
        "id": q.id, "status": q.status.value, "text": q.text, "original": q.original or "",
        "language": q.language, "votes": len(q.voters), "answered": q.answered,
        "pinned": q.pinned, "reply": q.reply or "", "author_name": q.author_name or "",
        "asked_at": _iso(q.asked_at),
    } for q in ranked(questions)]


def export_json(state: EventState, session: str) -> bytes:
    item = state.programme.sessions[session]
    document = {"session": {"id": item.id, "title": item.title,
                            "start": item.to_json()["start"], "room": item.room},
                "questions": rows(state, session),
                "polls": [{**poll.view(staff=True),
                           "opened_at": _iso(poll.opened_at) if poll.opened_at else None,
                           "closed_at": _iso(poll.closed_at) if poll.closed_at else None}
                          for poll in state.polls.of(session)]}
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def export_csv(state: EventState, session: str) -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheets show accents right."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    for row in rows(state, session):
        # A leading = + - @ would run as a formula in a spreadsheet.
        writer.writerow({k: ("'" + v if isinstance(v, str) and v and v[0] in "=+-@" else v)
                         for k, v in row.items()})
    return ("\ufeff" + out.getvalue()).encode()


def filename(state: EventState, session: str, extension: str) -> str:
    title = pick(state.programme.sessions[session].title, "en")
    slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")[:40]
    return f"questions-{session}-{slug}.{extension}"
