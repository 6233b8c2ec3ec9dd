"""The interchange fixtures travel with the repository: each file is there and has its source."""

from __future__ import annotations

import re

from tests.support import FIXTURES

INTEROP = FIXTURES / "interop"


def listed() -> set[str]:
    table = (INTEROP / "SOURCES.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| ((?:samples|schemas)/[^ |]+) \|", table, re.MULTILINE))


def test_every_fixture_is_present_with_its_source_and_licence() -> None:
    present = {str(path.relative_to(INTEROP)) for folder in ("samples", "schemas")
               for path in (INTEROP / folder).iterdir()}
    assert present == listed()
    assert (INTEROP / "licences" / "EUPL-1.2.txt").read_text().startswith(
        "                      EUROPEAN UNION PUBLIC LICENCE v. 1.2")


def test_the_interop_tests_read_the_fixtures_not_a_neighbouring_folder() -> None:
    tests = FIXTURES.parent
    for path in tests.rglob("test_*.py"):
        if path.name == "test_fixtures.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert '"shared"' not in text and "skipif(not " not in text, path
