"""Identifiers, slugs, durations and URLs shared by the formats.

Interchange formats want things Rencontre does not keep (numeric ids, UUIDs, slugs of a given
shape). Each is derived here from what Rencontre does keep, deterministically, so that exporting,
importing and exporting again gives the same bytes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rencontre.schedule.model import LANGUAGES, EventInfo, Programme

GENERATOR = "Rencontre"
SLUG = re.compile(r"[a-z][a-z0-9-]*[a-z0-9]")
HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_UUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_DURATION = re.compile(r"(\d{1,3}):([0-5]\d)(?::([0-5]\d))?")


def slugify(text: str, prefix: str) -> str:
    """A slug of ``text`` matching ``SLUG``: ASCII-folded, lower case, words joined by ``-``.

    When the folded text does not start with a letter (``"18. Kieler …"``, ``"会议室"``) the
    slug is ``prefix-…``, using a short hash of the text when nothing ASCII is left.
    """
    folded = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60].strip("-")
    if not base:
        base = hashlib.sha256(text.encode()).hexdigest()[:8]
    return base if SLUG.fullmatch(base) else f"{prefix}-{base}"


def export_slug(given: str, name: str, prefix: str) -> str:
    """``given`` when it is a valid slug, else a slug of ``name``."""
    return given if SLUG.fullmatch(given) else slugify(name, prefix)


def acronym(slug: str) -> str:
    """The event slug in the shape both schedule schemas accept: ``[a-z0-9_]``, 4 or more."""
    return re.sub(r"[^a-z0-9_]", "_", slug.lower()).ljust(4, "_")


def event_slug(declared: str, title: str) -> str:
    """An imported event's slug: the file's acronym when usable, else a slug of its title."""
    if re.fullmatch(r"[a-z0-9][a-z0-9_-]*", declared):
        return declared
    return slugify(title or declared, "event")


def is_uuid(value: str) -> bool:
    return bool(_UUID.fullmatch(value))


def guid_for(value: str, kind: str, scope: str) -> str:
    """``value`` itself when it is a UUID, else a UUID 5 of ``scope``, ``kind`` and ``value``."""
    if is_uuid(value):
        return value
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:rencontre:{scope}:{kind}:{value}"))


def numeric_id(value: str) -> int:
    """``value`` as a positive integer when it is one, else a number below 2**31 (what 32-bit
    clients can hold) hashed from it."""
    if value.isascii() and value.isdigit() and int(value) > 0:
        return int(value)
    return int.from_bytes(hashlib.sha256(value.encode()).digest()[:4], "big") & 0x7FFFFFFF or 1


def person_ids(speaker_id: str, scope: str) -> tuple[int, str]:
    """A speaker's numeric ``id`` and ``guid`` in frab XML and schedule JSON.

    Clients need both (the FOSDEM companion app rejects a person without ``id``): a numeric
    speaker id is kept with a UUID 5 derived from it; any other gets its guid (itself when a
    UUID) and a number hashed from that guid. ``person_key`` reads them back to the same
    speaker, so exports round-trip.
    """
    if speaker_id.isascii() and speaker_id.isdigit() and int(speaker_id) > 0:
        return int(speaker_id), guid_for(speaker_id, "speaker", scope)
    guid = guid_for(speaker_id, "speaker", scope)
    return numeric_id(guid), guid


def person_key(person_id: str, guid: str, scope: str) -> str:
    """The speaker id for a file's person: its guid when that says more than its id (it is
    not just derived from the id, as ``person_ids`` derives it), else its id."""
    if guid and (not person_id or guid != guid_for(person_id, "speaker", scope)):
        return guid
    return person_id


def text_key(language: str) -> str:
    """The key under which a text in ``language`` is kept: the language when Rencontre has it,
    else ``en`` (commands only accept Rencontre's languages)."""
    return language if language in LANGUAGES else "en"


def tidy(text: str) -> str:
    """``text`` stripped, with ``\n`` line breaks (XML parsers turn ``\r\n`` into ``\n``
    anyway, so doing it on both export and import keeps round trips exact)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def one_line(text: str) -> str:
    """``text`` on one line: runs of spaces, line breaks and control characters become one
    space (titles and names go into calendar names and headers, which must be one line)."""
    return re.sub(r"[\s\x00-\x1f\x7f-\x9f]+", " ", text).strip()


def joined(*texts: str | None) -> str:
    """The non-empty ``texts``, tidied, separated by blank lines (abstract + description)."""
    return "\n\n".join(tidy(text) for text in texts if text and tidy(text))


def last_day(first: date, days: int) -> date:
    """The last day of an event of ``days`` days (a count, which files give more reliably than
    an end date: wafer's ``end`` is the day after the last)."""
    return first + timedelta(days=max(days, 1) - 1)


def local_date(text: str, zone: ZoneInfo | None) -> date:
    """``YYYY-MM-DD``, or the date in ``zone`` (else UTC) of an ISO 8601 time; ValueError if
    ``text`` is neither."""
    if len(text) == 10:
        return date.fromisoformat(text)
    moment = datetime.fromisoformat(text)
    return (moment.astimezone(zone or UTC) if moment.tzinfo else moment).date()


def parse_duration(text: str) -> timedelta | None:
    """``H:MM`` or ``HH:MM:SS`` as a duration, or None when ``text`` is neither."""
    match = _DURATION.fullmatch(text.strip())
    if not match:
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """A duration as ``HH:MM`` (seconds dropped)."""
    minutes = int(delta.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def content_version(data: bytes) -> str:
    """A version string that changes whenever ``data`` does (clients compare versions)."""
    return hashlib.sha256(data).hexdigest()[:12]


def zone_named(name: str) -> ZoneInfo | None:
    """The IANA zone called ``name``, or None when there is none by that name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def check_base_url(base_url: str) -> str:
    """``base_url`` without its trailing slash; it must be empty or an absolute http(s) URL."""
    if base_url and not base_url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must be an absolute http(s) URL, not {base_url!r}")
    return base_url.rstrip("/")


def session_url(base_url: str, session_id: str) -> str:
    """The public page of a session: ``{base_url}/sessions/{id}``."""
    return f"{base_url}/sessions/{quote(session_id, safe='')}"


def live_url(base_url: str, session_id: str) -> str:
    """Where a session is watched, asked and voted on: ``{base_url}/live/{id}``."""
    return f"{base_url}/live/{quote(session_id, safe='')}"


def id_from_url(url: str, base_url: str) -> str | None:
    """The session id in ``url`` when it is a ``session_url`` under ``base_url``, else None.

    Rencontre's exports carry session ids this way only, so re-importing them keeps the ids.
    """
    prefix = f"{base_url.rstrip('/')}/sessions/"
    if not base_url or not url.startswith(prefix):
        return None
    rest = url[len(prefix):]
    return unquote(rest) if rest and "/" not in rest else None


def event_of(programme: Programme) -> EventInfo:
    """The programme's event; exports need one."""
    if programme.event is None:
        raise ValueError("the programme has no event to export")
    return programme.event
