"""Pickled copies of the state, so that a restart replays only the end of the log.

A snapshot is only used by the very code that wrote it: its version is a hash
of the domain's source, and any other snapshot is ignored (the whole log is
replayed, which is always correct). Its body starts with the SHA-256 of the
pickle that follows, so a snapshot damaged on disk or cut short is noticed
before it is loaded: the hub then sets it aside and replays the log. Pickles
run code when loaded, so the log store must be trusted as the log itself is:
whoever can write to it can already grant themselves any role.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path
from typing import BinaryIO

from rencontre.engine.state import EventState
from rencontre.server.log.base import Snapshot

ROOT = Path(__file__).resolve().parent.parent
# Every package whose classes a snapshot pickles: all but the server and the repository's tools.
DOMAIN = tuple(sorted(path.name for path in ROOT.iterdir() if (path / "__init__.py").is_file()
                      and path.name not in ("server", "tests", "bench")))
DIGEST = hashlib.sha256().digest_size


class SnapshotDamaged(Exception):
    """A snapshot of this code that cannot be loaded: cut short, altered or unreadable."""


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
    return Snapshot(state.seq, code_version(), hashlib.sha256(body).digest() + body)


class _Hashing:
    """A file that hashes what is written to it, for pickle.dump."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self.out.write(data)


def _write(state: EventState, out: BinaryIO) -> None:
    """Write the digest then the pickle, durably; raises on any failure (disk full …)."""
    out.write(bytes(DIGEST))
    hashing = _Hashing(out)
    pickle.dump(state, hashing, protocol=pickle.HIGHEST_PROTOCOL)
    out.seek(0)
    out.write(hashing.hash.digest())
    out.flush()
    os.fsync(out.fileno())


async def take_aside(state: EventState) -> Snapshot | None:
    """Pickle ``state`` in a forked child, so the event loop goes on serving meanwhile.

    The child sees the state as it was at the fork (copy on write) and only
    pickles it into a file. It exits with status 0 only when the whole file is
    written: None when the child failed.
    """
    seq = state.seq
    handle, path = tempfile.mkstemp(prefix="rencontre-snapshot-")
    pid = os.fork()
    if pid == 0:  # the child: no event loop, no logging, just the pickle
        status = 1
        try:
            with os.fdopen(handle, "wb") as out:
                _write(state, out)
            status = 0
        finally:
            os._exit(status)
    os.close(handle)
    try:
        _, status = await asyncio.to_thread(os.waitpid, pid, 0)
        if status != 0:
            return None
        body = await asyncio.to_thread(Path(path).read_bytes)
    finally:
        os.unlink(path)
    return Snapshot(seq, code_version(), body) if len(body) > DIGEST else None


def restore(snapshot: Snapshot | None) -> EventState | None:
    """The state ``snapshot`` holds; None when there is none or other code wrote it.

    Raises :class:`SnapshotDamaged` when it was written by this code but cannot be loaded.
    """
    if snapshot is None or snapshot.version != code_version():
        return None
    digest, body = snapshot.body[:DIGEST], snapshot.body[DIGEST:]
    if hashlib.sha256(body).digest() != digest:
        raise SnapshotDamaged(f"the snapshot at entry {snapshot.seq} fails its checksum")
    try:
        state = pickle.loads(body)
    except Exception as error:  # noqa: BLE001 - any failure to load means: replay the log
        raise SnapshotDamaged(f"the snapshot at entry {snapshot.seq} does not load: "
                              f"{error!r}") from error
    if not isinstance(state, EventState) or state.seq != snapshot.seq:
        raise SnapshotDamaged(f"the snapshot at entry {snapshot.seq} holds another state")
    return state
