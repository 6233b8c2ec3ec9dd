"""A digest chain over the declaration's record: each link holds the digest of the one before.

A link is a JSON object of text, integers, lists and objects. Its digest is the
SHA-256 of its canonical JSON (keys sorted, no spaces, UTF-8, as RFC 8785 has it
for such values) including ``previous``, the digest of the link before it (64
zeros for the first). Changing, removing or reordering any link changes every
digest after it, and the last one, ``head``, is published as it grows. The
same functions check a downloaded record (``rencontre verify-record``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def digest_of(link: dict[str, Any]) -> str:
    """The digest of ``link``: its canonical JSON without its own ``digest`` field."""
    return hashlib.sha256(canonical({k: v for k, v in link.items() if k != "digest"})).hexdigest()


def iso_time(at: float) -> str:
    """A log time as text, to the millisecond, in UTC: no float in what is hashed."""
    moment = datetime.fromtimestamp(round(at, 3), UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(slots=True)
class Chain:
    links: list[dict[str, Any]] = field(default_factory=list)

    @property
    def head(self) -> str:
        return self.links[-1]["digest"] if self.links else GENESIS

    def add(self, content: dict[str, Any]) -> str:
        """Append a link holding ``content``; returns its digest."""
        link = {**content, "previous": self.head}
        link["digest"] = digest_of(link)
        self.links.append(link)
        return link["digest"]


def verify(links: list[Any]) -> list[str]:
    """The problems of a chain of links, empty when every link holds."""
    problems = []
    previous = GENESIS
    for number, link in enumerate(links, start=1):
        if not isinstance(link, dict):
            problems.append(f"link {number}: not an object")
            break
        if link.get("previous") != previous:
            problems.append(f"link {number} (seq {link.get('seq')}): its “previous” is not the "
                            f"digest of the link before it")
        if link.get("digest") != digest_of(link):
            problems.append(f"link {number} (seq {link.get('seq')}): its content does not match "
                            f"its digest")
        previous = link.get("digest")
    return problems
