"""The attendance reports: who came, when, through which door, and what they followed;
and per session, how many came in person and online."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rencontre.engine.reports import iso, spreadsheet_csv
from rencontre.schedule.model import pick

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

SESSION_COLUMNS = ["session", "title", "room", "start", "status", "capacity", "entered_on_site",
                   "followed_online", "questions", "poll_ballots"]
COLUMNS = ["id", "name", "organisation", "city", "kind", "badge", "checked_in_at",
           "checked_in_by", "scanned_offline_at", "sessions_entered", "sessions_online"]



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
            "checked_in_at": iso(checkin.at if checkin else None),
            "checked_in_by": checkin.device if checkin else "",
            "scanned_offline_at": iso(checkin.offline_at if checkin else None),
            "sessions_entered": " ".join(entered), "sessions_online": " ".join(online),
        })
    return out


def session_rows(state: EventState) -> list[dict[str, Any]]:
    """One row per session, in programme order: who came in person and who followed online,
    beside what the room did (questions asked, ballots cast in its polls)."""
    attendance, programme = state.attendance, state.programme
    out = []
    for session in programme.ordered_sessions():
        room = programme.rooms.get(session.room)
        qa_room = state.qa.rooms.get(session.id)
        out.append({
            "session": session.id, "title": pick(session.title, "en"), "room": session.room,
            "start": iso(session.start.timestamp()), "status": session.status.value,
            "capacity": room.capacity if room is not None and room.capacity else "",
            "entered_on_site": len(attendance.entries.get(session.id, ())),
            "followed_online": len(attendance.online.get(session.id, ())),
            "questions": len(qa_room.questions) if qa_room else 0,
            "poll_ballots": sum(len(p.ballots) for p in state.polls.of(session.id)),
        })
    return out


def export_csv(state: EventState) -> bytes:
    """Every registration, as CSV."""
    return spreadsheet_csv(COLUMNS, rows(state))


def export_sessions_csv(state: EventState) -> bytes:
    """Every session's attendance, as CSV."""
    return spreadsheet_csv(SESSION_COLUMNS, session_rows(state))
