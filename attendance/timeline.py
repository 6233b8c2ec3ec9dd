"""Attendance over time, for the organisers' charts and the CSVs behind them.

At each step, how many people were on site and how many followed online (a person on
site is not counted again online), read from the same intervals as the minutes. Per
session, over the time it was held; per day, over the day's sessions, on site in any
room and online in any session. Pure functions: ``now`` cuts what is still running.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from rencontre.attendance.links import principals_of
from rencontre.attendance.minutes import Interval, present_at
from rencontre.attendance.report import held, online_intervals, onsite_intervals

if TYPE_CHECKING:
    from rencontre.engine.state import EventState
    from rencontre.schedule.model import Session

Point = tuple[float, int, int]  # (time, on site, online)


def steps(start: float, end: float, step: float) -> list[float]:
    out, moment = [], start
    while moment <= end:
        out.append(moment)
        moment += step
    if out and out[-1] < end:
        out.append(end)
    return out


def step_for(seconds: float) -> float:
    """About 30 to 60 points whatever the length: 1, 2, 5, 10, 15 or 30 minutes."""
    for minutes in (1, 2, 5, 10, 15, 30):
        if seconds / (60 * minutes) <= 60:
            return 60.0 * minutes
    return 3600.0


def _people(state: EventState, sessions: Iterable[str]
            ) -> list[tuple[list[Interval], list[Interval]]]:
    """Per person (registration, or a guest's principal): on-site and online intervals in
    ``sessions``."""
    attendance = state.attendance
    wanted = list(sessions)
    people: dict[str, tuple[list[Interval], list[Interval]]] = {}
    for session in wanted:
        for registration in attendance.entries.get(session, ()):
            people.setdefault(registration, ([], []))[0].extend(
                onsite_intervals(state, registration).get(session, ()))
        for principal in attendance.online.get(session, {}):
            registration = attendance.by_principal.get(principal)
            key = registration or principal
            principals = principals_of(state, registration) if registration else [principal]
            people.setdefault(key, ([], []))[1].extend(
                online_intervals(state, principals, session))
    for key, (onsite, online) in people.items():
        people[key] = (sorted(set(onsite)), sorted(set(online)))
    return list(people.values())


def _count(people: list[tuple[list[Interval], list[Interval]]], moments: list[float]
           ) -> list[Point]:
    points = []
    for moment in moments:
        there = away = 0
        for onsite, online in people:
            if present_at(onsite, moment):
                there += 1
            elif present_at(online, moment):
                away += 1
        points.append((moment, there, away))
    return points


def session_timeline(state: EventState, session: Session, now: float) -> list[Point]:
    """On site and online in ``session`` at each step of the time it was held."""
    times = held(state, session, now)
    if times is None:
        return []
    start, end = times
    return _count(_people(state, [session.id]), steps(start, end, step_for(end - start)))


def day_sessions(state: EventState, day: date) -> list[Session]:
    zone = state.programme.event.zone if state.programme.event else None
    return [s for s in state.programme.ordered_sessions()
            if s.start.astimezone(zone).date() == day]


def days(state: EventState) -> list[date]:
    event = state.programme.event
    if event is None:
        return []
    return sorted({s.start.astimezone(event.zone).date()
                   for s in state.programme.sessions.values()})


def day_timeline(state: EventState, day: date, now: float) -> list[Point]:
    """On site in any session and online in any session, across the day's sessions."""
    windows = [w for w in (held(state, s, now) for s in day_sessions(state, day)) if w]
    if not windows:
        return []
    start, end = min(w[0] for w in windows), max(w[1] for w in windows)
    sessions = [s.id for s in day_sessions(state, day)]
    return _count(_people(state, sessions), steps(start, end, step_for(end - start)))


def local_time(state: EventState, moment: float) -> datetime:
    zone = state.programme.event.zone if state.programme.event else None
    return datetime.fromtimestamp(moment, zone)
