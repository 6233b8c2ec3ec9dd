"""Cutting a programme into the days of the frab XML and schedule JSON exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from rencontre.schedule.model import Programme, Session, Status

from .common import event_of


@dataclass(frozen=True, slots=True)
class Day:
    index: int  # from 1
    date: date
    start: datetime  # local midnight in the event's zone
    end: datetime  # the next local midnight
    sessions: list[Session]


def schedule_days(programme: Programme) -> list[Day]:
    """The calendar days of the event in its own zone, each with the sessions starting on it.

    Days run from the event's first day to its last, widened to any session outside them.
    Cancelled sessions are left out: these formats cannot say a session is cancelled.
    """
    event = event_of(programme)
    zone = event.zone
    sessions = [s for s in programme.ordered_sessions() if s.status is not Status.CANCELLED]
    local_dates = [s.start.astimezone(zone).date() for s in sessions]
    first = min([event.start_date, *local_dates])
    last = max([event.end_date, *local_dates])
    days = []
    for index in range((last - first).days + 1):
        day = first + timedelta(days=index)
        days.append(Day(
            index=index + 1, date=day,
            start=datetime.combine(day, time(), zone),
            end=datetime.combine(day + timedelta(days=1), time(), zone),
            sessions=[s for s, d in zip(sessions, local_dates, strict=True) if d == day],
        ))
    return days
