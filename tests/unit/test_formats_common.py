"""The identifiers and slugs the formats derive from Rencontre's own."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from rencontre.schedule.formats.common import (
    SLUG,
    acronym,
    format_duration,
    guid_for,
    id_from_url,
    numeric_id,
    parse_duration,
    session_url,
    slugify,
)

# The patterns of the c3voc XSD (acronym) and JSON schema (acronym, slugs).
XSD_ACRONYM = re.compile(r"[a-z0-9_-]{4,}")
JSON_ACRONYM = re.compile(r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$")
JSON_SLUG = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
XSD_TRACK_SLUG = re.compile(r"[a-z][a-z0-9-]+")


@pytest.mark.parametrize(("text", "slug"), [
    ("Grande Salle", "grande-salle"),
    ("Düsternbrook", "dusternbrook"),
    ("Jürgen Groß", "jurgen-gross"),
    ("18. Kieler Open Source", "room-18-kieler-open-source"),
    ("A", "room-a"),
    ("  --Sala 2--  ", "sala-2"),
])
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text, "room") == slug


def test_slugify_without_ascii_is_stable_and_valid() -> None:
    slug = slugify("会议室", "room")
    assert slug == slugify("会议室", "room") != slugify("教室", "room")
    assert SLUG.fullmatch(slug) and JSON_SLUG.match(slug) and XSD_TRACK_SLUG.fullmatch(slug)


@pytest.mark.parametrize("slug", ["rencontre-2025", "dc", "38c3", "Fête-ÉTÉ"])
def test_acronym_fits_both_schemas_and_is_idempotent(slug: str) -> None:
    code = acronym(slug)
    assert XSD_ACRONYM.fullmatch(code) and JSON_ACRONYM.match(code)
    assert acronym(code) == code


def test_numeric_id() -> None:
    assert numeric_id("25") == 25
    assert numeric_id("s1") == numeric_id("s1") != numeric_id("s2")
    assert 1 <= numeric_id("s1") < 2**31
    assert numeric_id("0") != 0


def test_guid_for() -> None:
    given = "455d075f-48c0-2ec2-24b3-f5add30c383a"
    assert guid_for(given, "session", "x") == given
    derived = guid_for("s1", "session", "rencontre_2025")
    assert uuid.UUID(derived).version == 5
    assert derived == guid_for("s1", "session", "rencontre_2025")
    assert derived not in {guid_for("s1", "speaker", "rencontre_2025"),
                           guid_for("s1", "session", "other")}


def test_durations() -> None:
    assert parse_duration("00:20") == timedelta(minutes=20)
    assert parse_duration("1:30:15") == timedelta(hours=1, minutes=30, seconds=15)
    assert parse_duration("01:75") is None
    assert parse_duration("an hour") is None
    assert format_duration(timedelta(hours=26, minutes=5, seconds=59)) == "26:05"


def test_session_urls_give_back_their_ids() -> None:
    url = session_url("https://x.example/e", "a b/c")
    assert url == "https://x.example/e/sessions/a%20b%2Fc"
    assert id_from_url(url, "https://x.example/e/") == "a b/c"
    assert id_from_url(url, "https://other.example/e") is None
    assert id_from_url("https://x.example/e/sessions/", "https://x.example/e") is None
    assert id_from_url(url, "") is None
