"""A VTIMEZONE for an IANA zone that calendar programs map, Outlook included.

Outlook matches a VTIMEZONE to one of its own zones by its yearly rules: a list of dated
transitions without RRULE makes it invent a custom zone (or fall back to the viewer's). So the
transitions the zone has around the programme are grouped into yearly rules — "the last Sunday
of October at 03:00" — written with ``RRULE`` (and ``UNTIL`` when a rule stops, as Mexico's did
in 2022); a transition that follows no yearly pattern is written on its own. A zone without
transitions gets one STANDARD observance. No ``COMMENT`` is written: RFC 5545 allows it only
inside STANDARD and DAYLIGHT, and clients do not need it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Transition:
    at: datetime  # UTC
    onset: datetime  # the wall-clock time it happens, read in the offset before it (naive)
    before: timedelta
    after: timedelta
    name: str
    daylight: bool

    def rule(self) -> tuple[object, ...]:
        """What a yearly rule repeats: kind, offsets, name, month, weekday, week, local time."""
        day = self.onset.date()
        return (self.daylight, self.before, self.after, self.name, day.month, day.weekday(),
                _week(day), self.onset.time())


@dataclass(slots=True)
class _Rule:
    transitions: list[Transition] = field(default_factory=list)


def transitions(zone: ZoneInfo, first: date, last: date) -> list[Transition]:
    """The zone's changes of offset or name between the two dates (inclusive), in order."""
    found = []
    moment = datetime.combine(first, time(), UTC)
    end = datetime.combine(last + timedelta(days=1), time(), UTC)
    step = timedelta(hours=6)  # no zone changes twice within six hours
    while moment < end:
        following = moment + step
        if _state(zone, moment) != _state(zone, following):
            found.append(_transition(zone, moment, following))
        moment = following
    return found


def vtimezone(zone: ZoneInfo, first: date, last: date) -> Timezone:
    """The VTIMEZONE of ``zone``, right for every time from ``first`` to ``last``.

    It looks a year to either side, so that each yearly rule is seen recurring (and so given
    as an RRULE) and the observance in force at ``first`` has started.
    """
    start = date(first.year - 1, 1, 1)
    stop = date(last.year + 1, 12, 31)
    component = Timezone()
    component.add("TZID", zone.key)
    found = transitions(zone, start, stop)
    if not found:
        offset = zone.utcoffset(datetime.combine(first, time()))
        observance = TimezoneStandard()
        observance.add("DTSTART", _EPOCH)
        observance.add("TZOFFSETFROM", offset)
        observance.add("TZOFFSETTO", offset)
        observance.add("TZNAME", zone.tzname(datetime.combine(first, time())))
        component.add_component(observance)
        return component
    for rule in _rules(found):
        component.add_component(_observance(rule, stop.year))
    return component


def _rules(found: list[Transition]) -> list[_Rule]:
    """Transitions grouped into yearly rules: same pattern in consecutive years."""
    rules: list[_Rule] = []
    open_rules: dict[tuple[object, ...], _Rule] = {}
    for item in found:
        key = item.rule()
        rule = open_rules.get(key)
        if rule is None or rule.transitions[-1].at.year != item.at.year - 1:
            rule = _Rule()
            rules.append(rule)
            open_rules[key] = rule
        rule.transitions.append(item)
    return rules


def _observance(rule: _Rule, last_year: int) -> TimezoneStandard:
    """One observance; a rule still followed in ``last_year`` (the end of the window looked
    at) recurs without end, any other stops at its last transition."""
    first = rule.transitions[0]
    observance = TimezoneDaylight() if first.daylight else TimezoneStandard()
    observance.add("DTSTART", first.onset)
    observance.add("TZOFFSETFROM", first.before)
    observance.add("TZOFFSETTO", first.after)
    observance.add("TZNAME", first.name)
    if len(rule.transitions) > 1:
        day = first.onset.date()
        recurrence: dict[str, object] = {
            "FREQ": "YEARLY", "BYMONTH": day.month,
            "BYDAY": f"{_week(day)}{_WEEKDAYS[day.weekday()]}"}
        if rule.transitions[-1].at.year < last_year:
            recurrence["UNTIL"] = rule.transitions[-1].at
        observance.add("RRULE", recurrence)
    return observance


def _week(day: date) -> int:
    """Which of the month's weekdays ``day`` is: 1 to 4, or -1 for the last one (RRULE BYDAY)."""
    following = day + timedelta(days=7)
    return -1 if following.month != day.month else (day.day - 1) // 7 + 1


def _state(zone: ZoneInfo, moment: datetime) -> tuple[object, ...]:
    local = moment.astimezone(zone)
    return local.utcoffset(), local.tzname(), bool(local.dst())


def _transition(zone: ZoneInfo, low: datetime, high: datetime) -> Transition:
    """The change between ``low`` and ``high`` (UTC), found to the minute."""
    before = _state(zone, low)
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        middle = middle.replace(second=0, microsecond=0)
        if middle <= low:
            break
        if _state(zone, middle) == before:
            low = middle
        else:
            high = middle
    after = high.astimezone(zone)
    offset_before = low.astimezone(zone).utcoffset()
    assert offset_before is not None and after.utcoffset() is not None
    return Transition(
        at=high, onset=(high + offset_before).replace(tzinfo=None), before=offset_before,
        after=after.utcoffset(), name=after.tzname() or "", daylight=bool(after.dst()))
