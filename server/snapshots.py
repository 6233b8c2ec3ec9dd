"""Pickled copies of the state, so that a restart replays only the end of the log.

A snapshot is only used by the very code that wrote it: its version is a hash
of the domain's source, and any other snapshot is ignored (the whole log is
replayed, which is always correct). Pickles run code when loaded, so the log
store must be trusted as the log itself is: whoever can write to it can
already grant themselves any role.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path

from rencontre.engine.state import EventState
from rencontre.server.log.base import Snapshot

ROOT = Path(__file__).resolve().parent.parent
# Every package whose classes a snapshot pickles: all but the server and the repository's tools.
DOMAIN = tuple(sorted(path.name for path in ROOT.iterdir() if (path / "__init__.py").is_file()
                      and path.name not in ("server", "tests", "bench")))


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


async def take_aside(state: EventState) -> Snapshot | None:
    """Pickle ``state`` in a forked child, so the event loop goes on serving meanwhile.

    The child sees the state as it was at the fork (copy on write) and only
    pickles it into a file; None when the child failed.
    """
    seq = state.seq
    handle, path = tempfile.mkstemp(prefix="rencontre-snapshot-")
    pid = os.fork()
    if pid == 0:  # the child: no event loop, no logging, just the pickle
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(state, out, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(0)
    os.close(handle)
    try:
        _, status = await asyncio.to_thread(os.waitpid, pid, 0)
        if status != 0:
            return None
        body = await asyncio.to_thread(Path(path).read_bytes)
    finally:
        os.unlink(path)
    return Snapshot(seq, code_version(), body) if body else None


def restore(snapshot: Snapshot | None) -> EventState | None:
    if snapshot is None or snapshot.version != code_version():
        return None
    return pickle.loads(snapshot.body)
