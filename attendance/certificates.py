"""Certificates of attendance: what one lists, and the code that proves it.

A certificate lists the sessions a person attended that are over, each with its
minutes on site and online (from :mod:`rencontre.attendance.minutes`, as every
report), those under the threshold left out, and the total. Its verification code
is ``<registration>.<sessions>.<threshold>.<mac>``: ``sessions`` is how many of the
event's finished sessions (in the order they finished) it covers, so a certificate
taken after the first day still verifies after the third; ``mac`` is an HMAC of the
certificate's content with the server's key. ``/verify/<code>`` recomputes the
content from the ledger and compares: a forged or altered code, or a ledger that no
longer says the same, is refused. Pure functions: the key and the time are passed in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rencontre.attendance.ledger import window
from rencontre.attendance.links import principals_of
from rencontre.attendance.minutes import Minutes, session_minutes
from rencontre.attendance.report import online_intervals, onsite_intervals

if TYPE_CHECKING:
    from rencontre.attendance.registrations import Registration
    from rencontre.engine.state import EventState
    from rencontre.schedule.model import Session

MAC_CHARS = 20
# <registration>.<sessions covered>.<threshold>.<mac of MAC_CHARS base32 characters>
CODE = re.compile(r"^([A-Za-z0-9_-]{1,40})\.(\d{1,4})\.(\d{1,4})\.([A-Z2-7]{20})$")


@dataclass(frozen=True, slots=True)
class Line:
    session: Session
    start: float
    end: float
    minutes: Minutes


@dataclass(frozen=True, slots=True)
class Certificate:
    registration: Registration
    lines: list[Line]
    covered: int  # finished sessions it covers, in the order they finished
    threshold: int
    code: str

    @property
    def onsite(self) -> int:
        return sum(line.minutes.onsite for line in self.lines)

    @property
    def online(self) -> int:
        return sum(line.minutes.online for line in self.lines)

    @property
    def total(self) -> int:
        return self.onsite + self.online


def finished(state: EventState, now: float) -> list[tuple[Session, float, float]]:
    """The sessions that are over at ``now``, in the order they finished."""
    out = []
    for session in state.programme.sessions.values():
        times = window(state, session)
        if times is not None and times[1] <= now:
            out.append((session, *times))
    out.sort(key=lambda item: (item[2], item[0].id))
    return out


def _lines(state: EventState, person: Registration,
           sessions: list[tuple[Session, float, float]], threshold: int) -> list[Line]:
    onsite = onsite_intervals(state, person.id)
    principals = principals_of(state, person.id)
    lines = []
    for session, start, end in sessions:
        minutes = session_minutes(onsite.get(session.id, ()),
                                  online_intervals(state, principals, session.id), start, end)
        if minutes.total and minutes.total >= threshold:
            lines.append(Line(session, start, end, minutes))
    lines.sort(key=lambda line: (line.start, line.session.id))
    return lines


def _mac(key: bytes, person: Registration, lines: list[Line], covered: int,
         threshold: int, event: str) -> str:
    content = json.dumps({
        "event": event, "registration": person.id, "name": person.name,
        "organisation": person.organisation, "covered": covered, "threshold": threshold,
        "sessions": [[line.session.id, round(line.start), round(line.end), line.minutes.onsite,
                      line.minutes.online] for line in lines],
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hmac.new(key, content.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:MAC_CHARS]


def _make(state: EventState, person: Registration, covered: int, threshold: int,
          key: bytes, now: float) -> Certificate:
    sessions = finished(state, now)[:covered]
    lines = _lines(state, person, sessions, threshold)
    event = state.programme.event.slug if state.programme.event else ""
    mac = _mac(key, person, lines, covered, threshold, event)
    return Certificate(person, lines, covered, threshold,
                       f"{person.id}.{covered}.{threshold}.{mac}")


def certificate(state: EventState, person: Registration, key: bytes, now: float,
                threshold: int) -> Certificate:
    """The person's certificate as of ``now``: every session over so far."""
    return _make(state, person, len(finished(state, now)), threshold, key, now)


def verify(state: EventState, code: str, key: bytes, now: float) -> Certificate | None:
    """The certificate ``code`` stands for, if the ledger still says what it said."""
    match = CODE.match(code)
    if match is None:
        return None
    registration, covered, threshold = match.group(1), int(match.group(2)), int(match.group(3))
    person = state.attendance.registrations.get(registration)
    if person is None or covered > len(finished(state, now)):
        return None
    made = _make(state, person, covered, threshold, key, now)
    return made if hmac.compare_digest(made.code, code) else None


def language(state: EventState, person: Registration) -> str:
    """The certificate's language: the person's, else the event's first."""
    event = state.programme.event
    return person.language or (event.languages[0] if event and event.languages else "en")


def summary(cert: Certificate) -> dict[str, Any]:
    """For tests and the JSON of a verification: the minutes per session."""
    return {line.session.id: [line.minutes.onsite, line.minutes.online] for line in cert.lines}
