"""All the questions of a session, as CSV or JSON, for speakers to answer later; the JSON
also holds the session's polls with their counts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rencontre.engine.reports import iso, spreadsheet_csv
from rencontre.rooms.polls import poll_view
from rencontre.rooms.qa import ranked
from rencontre.schedule.model import pick

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

COLUMNS = ["id", "status", "text", "original", "language", "votes", "answered", "pinned",
           "reply", "author_name", "asked_at"]



def rows(state: EventState, session: str) -> list[dict[str, Any]]:
    """Every question of ``session``, best first; withdrawn ones are left out."""
    room = state.qa.rooms.get(session)
    questions = [q for q in (room.questions.values() if room else [])
                 if q.status.value != "withdrawn"]
    return [{
        "id": q.id, "status": q.status.value, "text": q.text, "original": q.original or "",
        "language": q.language, "votes": len(q.voters), "answered": q.answered,
        "pinned": q.pinned, "reply": q.reply or "", "author_name": q.author_name or "",
        "asked_at": iso(q.asked_at),
    } for q in ranked(questions)]


def export_json(state: EventState, session: str) -> bytes:
    item = state.programme.sessions[session]
    document = {"session": {"id": item.id, "title": item.title,
                            "start": item.to_json()["start"], "room": item.room},
                "questions": rows(state, session),
                "polls": [{**poll_view(state, poll, staff=True),
                           "opened_at": iso(poll.opened_at) if poll.opened_at else None,
                           "closed_at": iso(poll.closed_at) if poll.closed_at else None}
                          for poll in state.polls.of(session)]}
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def export_csv(state: EventState, session: str) -> bytes:
    return spreadsheet_csv(COLUMNS, rows(state, session))


def filename(state: EventState, session: str, extension: str) -> str:
    title = pick(state.programme.sessions[session].title, "en")
    slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")[:40]
    return f"questions-{session}-{slug}.{extension}"
