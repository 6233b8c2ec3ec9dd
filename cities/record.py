"""The declaration's record: every version and signature in one JSON document that
anyone can check (docs/formats.md, "The declaration record")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rencontre.cities.chain import GENESIS, verify

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

FORMAT = "rencontre-declaration-record"
FORMAT_VERSION = 1


def record(state: EventState) -> dict[str, Any]:
    """The record as of the state's seq: the chain of links and its head."""
    chain = state.declaration.chain
    event = state.programme.event
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "event": {"name": dict(event.name), "city": event.city, "timezone": event.timezone}
        if event else None,
        "seq": state.seq, "head": chain.head, "links": [dict(link) for link in chain.links],
    }


def check_record(data: Any, head: str | None = None) -> list[str]:
    """The problems of a record read from a file, empty when it holds. ``head`` is the
    digest published by the event (stage, public page), if the reader has it."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return [f"not a declaration record (its “format” is not “{FORMAT}”)"]
    if data.get("format_version") != FORMAT_VERSION:
        return [f"record format version {data.get('format_version')!r} is not "
                f"{FORMAT_VERSION}"]
    links = data.get("links")
    if not isinstance(links, list):
        return ["the record has no “links” list"]
    problems = verify(links)
    last = links[-1].get("digest") if links and isinstance(links[-1], dict) else None
    if data.get("head") != (last if links else GENESIS):
        problems.append("“head” is not the digest of the last link")
    if head is not None and head.strip().lower() != data.get("head"):
        problems.append("the record's head is not the published digest: links were added, "
                        "removed or changed")
    return problems
