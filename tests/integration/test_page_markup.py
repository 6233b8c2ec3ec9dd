"""Every page as the server writes it: each id names one element, and every label and ARIA
reference points at an element the page has. Two elements with one id, or a label for
nothing, leave a screen reader's user with the wrong name or none."""

from __future__ import annotations

import re
from collections import Counter

import pytest

PAGES = [
    ("/", None), ("/agenda", None), ("/changes", None), ("/my", "attendee"),
    ("/sessions/s02", None), ("/live/s02", "attendee"), ("/live/s02", None),
    ("/stage/plenaria", None), ("/declaration", "attendee"), ("/signing", None),
    ("/kiosk", None), ("/join", None), ("/moderator/login", None),
    ("/moderator", "Moderator panel"), ("/moderator/sessions/s02", "Moderator panel"),
    ("/organiser", "Organiser"), ("/organiser/access", "Organiser"),
    ("/organiser/reports", "Organiser"), ("/organiser/badges", "Organiser"),
    ("/verify", None),
]
IDS = re.compile(r'\sid="([^"]+)"')
REFERENCES = re.compile(r'\s(for|aria-labelledby|aria-describedby|aria-controls|list|form)'
                        r'="([^"]+)"')


@pytest.mark.parametrize(("path", "who"), PAGES)
async def test_ids_are_unique_and_references_resolve(app_client, path, who) -> None:
    cookies = {"rencontre_token": app_client.tokens[who]} if who else {}
    response = await app_client.get(path, cookies=cookies)
    assert response.status == 200, path
    page = await response.text()
    ids = Counter(IDS.findall(page))
    assert [name for name, count in ids.items() if count > 1] == [], path
    missing = [(attribute, name) for attribute, names in REFERENCES.findall(page)
               for name in names.split() if name not in ids]
    assert missing == [], path
