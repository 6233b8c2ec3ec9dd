"""Pickled copies of the state, so that a restart replays only the end of the log.

A snapshot is only used by the very code that wrote it: its version is a hash
of the domain's source, and any other snapshot is ignored (the whole log is
replayed, which is always correct). Pickles run code when loaded, so the log
store must be trusted as the log itself is: whoever can write to it can
already grant themselves any role.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import cache
from pathlib import Path

from engine.state import EventState
from server.log.base import Snapshot

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ("engine", "access", "rooms", "schedule", "attendance")


@cache
def code_version() -> str:
    digest = hashlib.sha256()
    for package in DOMAIN:
        for path in sorted((ROOT / package).rglob("*.py")):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def take(state: EventState) -> Snapshot:
    body = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    return Snapshot(state.seq, code_version(), body)


def restore(snapshot: Snapshot | None) -> EventState | None:
    if snapshot is None or snapshot.version != code_version():
        return None
    return pickle.loads(snapshot.body)
