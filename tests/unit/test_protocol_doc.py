"""docs/protocol.md documents every message type and error code the server can send."""

from __future__ import annotations

import re
from pathlib import Path

import rencontre.engine.core  # noqa: F401  (fills the registry)
from rencontre.engine.registry import registry
from rencontre.server.gateway import LOCAL

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "protocol.md").read_text()
HEADINGS = set(re.findall(r"^### `([a-z0-9.-]+)`", DOC, re.MULTILINE))
SOURCES = [p for d in ("engine", "access", "rooms", "schedule", "server", "attendance", "cities")
           for p in (ROOT / d).rglob("*.py")]


def test_every_command_and_gateway_message_has_a_section():
    missing = (set(registry.commands) | set(LOCAL)) - HEADINGS
    assert not missing, f"document these messages in docs/protocol.md: {sorted(missing)}"


def test_every_push_has_a_section():
    missing = set(registry.publishers) - HEADINGS
    assert not missing, f"document these pushes in docs/protocol.md: {sorted(missing)}"


def test_every_error_code_is_in_the_table():
    codes = {code for path in SOURCES for code in re.findall(
        r'(?:Refusal\(\s*|"code":\s*)"([a-z0-9-]+\.[a-z0-9-]+)"', path.read_text())}
    assert "auth.forbidden" in codes
    table = set(re.findall(r"^\| `([a-z0-9.-]+)` \|", DOC, re.MULTILINE))
    assert not codes - table, f"add these codes to docs/protocol.md: {sorted(codes - table)}"


def test_no_section_documents_a_message_that_does_not_exist():
    known = set(registry.commands) | set(LOCAL) | set(registry.publishers)
    assert not HEADINGS - known, sorted(HEADINGS - known)
