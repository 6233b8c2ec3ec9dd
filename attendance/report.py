"""The attendance reports: who came, when, through which door, and what they followed;
per session, how many came in person and online; per person and session, the minutes.

Minutes are read from the ledger as of ``now`` (a session still running counts up to
now) through :mod:`rencontre.attendance.minutes`, the one place that counts them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rencontre.attendance.ledger import window
from rencontre.attendance.links import principals_of
from rencontre.attendance.minutes import Interval, Minutes, session_minutes, session_seconds, stays
from rencontre.engine.reports import iso, spreadsheet_csv
from rencontre.schedule.model import Session, pick

if TYPE_CHECKING:
    from rencontre.attendance.registrations import Registration
    from rencontre.engine.state import EventState

SESSION_COLUMNS = ["session", "title", "room", "start", "status", "capacity", "entered_on_site",
                   "followed_online", "questions", "poll_ballots"]
COLUMNS = ["id", "name", "organisation", "city", "kind", "badge", "checked_in_at",
           "checked_in_by", "scanned_offline_at", "sessions_entered", "sessions_online",
           "onsite_minutes", "online_minutes"]
CONFLICT_COLUMNS = ["logged_at", "kind", "registration", "name", "badge", "session",
                    "kept_device", "kept_scanned_at", "other_device", "other_scanned_at"]
MINUTES_COLUMNS = ["registration", "name", "organisation", "city", "badge", "session", "title",
                   "start", "end", "onsite_minutes", "online_minutes", "total_minutes", "counted"]


def held(state: EventState, session: Session, now: float) -> tuple[float, float] | None:
    """The session's time as held, cut at ``now`` while it runs; ``None`` before it starts."""
    times = window(state, session)
    if times is None or times[0] >= now:
        return None
    return times[0], min(times[1], now)


def onsite_intervals(state: EventState, registration: str) -> dict[str, list[Interval]]:
    moves = state.attendance.moves.get(registration, ())
    return stays((m.at, m.kind, m.session) for m in moves)


def online_intervals(state: EventState, principals: list[str], session: str) -> list[Interval]:
    """The online intervals of a person in ``session``, under any of their personal links."""
    following = state.attendance.online.get(session, {})
    return [(a, b) for p in principals if p in following  # type: ignore[misc]
            for a, b in following[p].intervals]


def person_minutes(state: EventState, registration: Registration,
                   now: float) -> dict[str, Minutes]:
    """Minutes per session for one person, sessions with none left out, in programme order."""
    onsite = onsite_intervals(state, registration.id)
    principals = principals_of(state, registration.id)
    out = {}
    for session in state.programme.ordered_sessions():
        times = held(state, session, now)
        if times is None:
            continue
        minutes = session_minutes(onsite.get(session.id, ()),
                                  online_intervals(state, principals, session.id),
                                  *times)
        if minutes.total:
            out[session.id] = minutes
    return out


def rows(state: EventState, now: float) -> list[dict[str, Any]]:
    """One row per registration, by name; session ids in programme order."""
    attendance = state.attendance
    out = []
    for registration in sorted(attendance.registrations.values(), key=lambda r: r.name):
        checkin = attendance.checkins.get(registration.id)
        minutes = person_minutes(state, registration, now)
        out.append({
            **registration.to_json(),
            "checked_in_at": iso(checkin.at if checkin else None),
            "checked_in_by": checkin.device if checkin else "",
            "scanned_offline_at": iso(checkin.offline_at if checkin else None),
            "sessions_entered": " ".join(_entered(state, registration.id)),
            "sessions_online": " ".join(s for s, m in minutes.items() if m.online),
            "onsite_minutes": sum(m.onsite for m in minutes.values()),
            "online_minutes": sum(m.online for m in minutes.values()),
        })
    return out


def _entered(state: EventState, registration: str) -> list[str]:
    """Sessions whose door the person went through, in programme order."""
    order = {s.id: n for n, s in enumerate(state.programme.ordered_sessions())}
    return sorted((s for s, people in state.attendance.entries.items() if registration in people),
                  key=lambda s: order.get(s, 0))


def session_counts(state: EventState, session: Session, now: float) -> tuple[int, int]:
    """People who were in ``session`` on site, and online only (guests included), for any
    time while it was held: a person counts once, on site if they were there."""
    times = held(state, session, now)
    attendance = state.attendance
    if times is None:
        return 0, 0
    onsite_people = set()
    for registration in attendance.entries.get(session.id, ()):
        intervals = onsite_intervals(state, registration).get(session.id, ())
        if session_seconds(intervals, (), *times)[0]:
            onsite_people.add(registration)
    online_people = set()
    for principal in attendance.online.get(session.id, {}):
        registration = attendance.by_principal.get(principal)
        person = registration or principal
        if person in onsite_people or person in online_people:
            continue
        principals = principals_of(state, registration) if registration else [principal]
        onsite = (onsite_intervals(state, registration).get(session.id, ())
                  if registration else ())
        online = online_intervals(state, principals, session.id)
        if session_seconds(onsite, online, *times)[1]:
            online_people.add(person)
    return len(onsite_people), len(online_people)


def session_rows(state: EventState, now: float) -> list[dict[str, Any]]:
    """One row per session, in programme order: who came in person and who followed online
    (a person once: on site if they were there), beside what the room did."""
    programme = state.programme
    out = []
    for session in programme.ordered_sessions():
        room = programme.rooms.get(session.room)
        qa_room = state.qa.rooms.get(session.id)
        onsite, online = session_counts(state, session, now)
        out.append({
            "session": session.id, "title": pick(session.title, "en"), "room": session.room,
            "start": iso(session.start.timestamp()), "status": session.status.value,
            "capacity": room.capacity if room is not None and room.capacity else "",
            "entered_on_site": onsite, "followed_online": online,
            "questions": len(qa_room.questions) if qa_room else 0,
            "poll_ballots": sum(len(p.ballots) for p in state.polls.of(session.id)),
        })
    return out


def minutes_rows(state: EventState, now: float, threshold: int) -> list[dict[str, Any]]:
    """One row per person and session they attended, by name then programme order;
    ``counted`` says whether the session reaches ``threshold`` minutes for a certificate."""
    out = []
    sessions = state.programme.sessions
    for registration in sorted(state.attendance.registrations.values(), key=lambda r: r.name):
        for session_id, minutes in person_minutes(state, registration, now).items():
            session = sessions[session_id]
            times = held(state, session, now)
            out.append({
                "registration": registration.id, "name": registration.name,
                "organisation": registration.organisation, "city": registration.city,
                "badge": registration.badge, "session": session_id,
                "title": pick(session.title, "en"),
                "start": iso(times[0] if times else None), "end": iso(times[1] if times else None),
                "onsite_minutes": minutes.onsite, "online_minutes": minutes.online,
                "total_minutes": minutes.total,
                "counted": "yes" if minutes.total >= threshold else "no",
            })
    return out


def export_csv(state: EventState, now: float) -> bytes:
    """Every registration, as CSV."""
    return spreadsheet_csv(COLUMNS, rows(state, now))


def export_sessions_csv(state: EventState, now: float) -> bytes:
    """Every session's attendance, as CSV."""
    return spreadsheet_csv(SESSION_COLUMNS, session_rows(state, now))


def export_minutes_csv(state: EventState, now: float, threshold: int) -> bytes:
    """Minutes per person and session, as CSV."""
    return spreadsheet_csv(MINUTES_COLUMNS, minutes_rows(state, now, threshold))


def _scanned(checkin: dict[str, Any]) -> str:
    return iso(checkin["offline_at"] if checkin.get("offline_at") is not None else checkin["at"])


def conflict_rows(state: EventState) -> list[dict[str, Any]]:
    """Every offline conflict and refused duplicate, oldest first: which scan the ledger
    kept (the earliest) and which it did not."""
    registrations = state.attendance.registrations
    return [{
        "logged_at": iso(c["at"]), "kind": c["kind"], "registration": c["registration"],
        "name": registrations[c["registration"]].name,
        "badge": registrations[c["registration"]].badge, "session": c["session"] or "",
        "kept_device": c["winner"]["device"], "kept_scanned_at": _scanned(c["winner"]),
        "other_device": c["loser"]["device"], "other_scanned_at": _scanned(c["loser"]),
    } for c in state.attendance.conflicts]


def export_conflicts_csv(state: EventState, now: float) -> bytes:
    """Offline conflicts and refused duplicates, as CSV."""
    return spreadsheet_csv(CONFLICT_COLUMNS, conflict_rows(state))


LINK_COLUMNS = ["registration", "name", "organisation", "city", "kind", "badge", "link"]


def links_csv(state: EventState, tokens: dict[str, str], base: str) -> bytes:
    """The personal links just issued, one row per person by name, for a mail merge."""
    people = sorted((state.attendance.registrations[r] for r in tokens), key=lambda r: r.name)
    return spreadsheet_csv(LINK_COLUMNS, [{
        "registration": person.id, "name": person.name, "organisation": person.organisation,
        "city": person.city, "kind": person.kind, "badge": person.badge,
        "link": f"{base}/a/{tokens[person.id]}"} for person in people])


TIMELINE_COLUMNS = ["time", "local_time", "onsite", "online"]


def timeline_csv(points: list[tuple[float, int, int]], local: Any) -> bytes:
    """A chart's numbers: at each step, people on site and online (``local`` writes the
    event's clock time)."""
    return spreadsheet_csv(TIMELINE_COLUMNS, [
        {"time": iso(at), "local_time": local(at), "onsite": onsite, "online": online}
        for at, onsite, online in points])
