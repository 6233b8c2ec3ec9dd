"""The embedded log: one SQLite file in WAL mode, for a single process.

Each batch is one transaction with ``synchronous=FULL``: once an append's
future resolves, the entry survives a crash of the process or of the machine.
A lock file keeps a second process off the same data directory, since only
Redis lets several processes share a log.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import sqlite3
import time
from pathlib import Path

from rencontre.server.log.base import Entry, Log, LogRewound, LogUnavailable, Snapshot, decode

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshot (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    version TEXT NOT NULL,
    body BLOB NOT NULL
);
"""


RESTORE = ("Restore the data directory from a backup (see `rencontre backup` in the README), "
           "or move it away to start a new event.")


def cannot_write(where: Path, reason: str) -> str:
    return (f"cannot write in {where}: {reason} "
            "(is the disk full or read-only, or the directory another user's?)")


def explain(path: Path, error: sqlite3.Error) -> str:
    """One line for an operator, from SQLite's error."""
    reason = str(error)
    if "not a database" in reason:
        return f"{path} is not a database ({reason}). " + RESTORE
    if "malformed" in reason:
        return f"{path} is damaged ({reason}). " + RESTORE
    if any(word in reason for word in ("readonly", "read-only", "unable to open", "full",
                                       "I/O error")):
        return cannot_write(path, reason)
    return f"cannot open {path}: {reason}"


class SQLiteLog(Log):
    backend = "sqlite"

    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = Path(data_dir) / "rencontre.sqlite3"
        # Writes run in a worker thread on their own connection; reads run on
        # the event loop on another, which sees committed batches only.
        self._db: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._lock_file: int | None = None
        self._appended = asyncio.Event()

    async def open(self) -> None:
        """Open the log, refusing with one clear message a data directory that lost entries."""
        try:
            self._lock()
            self._connect()
        except OSError as error:
            await self.close()
            raise LogUnavailable(cannot_write(self.path.parent, error.strerror or str(error))
                                 ) from None
        except sqlite3.Error as error:
            await self.close()
            raise LogUnavailable(explain(self.path, error)) from None
        except LogUnavailable:
            await self.close()
            raise

    def _lock(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_file = os.open(self.path.parent / "rencontre.lock", os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LogUnavailable(
                f"another Rencontre process uses {self.path.parent}; "
                "to run several processes, give them a Redis URL") from None

    def _connect(self) -> None:
        existed = self.path.exists()
        wal, shm = (self.path.with_name(self.path.name + suffix) for suffix in ("-wal", "-shm"))
        if existed and self.path.stat().st_size == 0:
            raise LogUnavailable(f"{self.path} is empty: the event's log is gone. " + RESTORE)
        if existed and shm.exists() and not wal.exists():
            # A crash leaves both; only a deletion leaves the index without the entries.
            raise LogUnavailable(f"{wal.name} is missing beside {self.path} (deleted after a "
                                 "crash?): it held the latest entries. " + RESTORE)
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db = db
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA busy_timeout=30000")
        if existed and not db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log'").fetchone():
            raise LogUnavailable(f"{self.path} holds no Rencontre log (its -wal file deleted "
                                 "after a crash?). " + RESTORE)
        problems = [" ".join(row[0].split()) for row in db.execute("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            raise LogUnavailable(f"{self.path} is damaged (PRAGMA quick_check: "
                                 f"{'; '.join(problems)}). " + RESTORE)
        db.executescript(SCHEMA)
        self._reader = sqlite3.connect(self.path, isolation_level=None)

    async def close(self) -> None:
        if self._flushing is not None:
            await asyncio.gather(self._flushing, return_exceptions=True)
        for db in (self._db, self._reader):
            if db is not None:
                try:
                    db.close()
                except sqlite3.Error as error:  # a full disk: what was committed is safe
                    log.warning("closing %s: %s", self.path, error)
        self._db = self._reader = None
        if self._lock_file is not None:
            os.close(self._lock_file)
            self._lock_file = None

    def _insert(self, bodies: list[str]) -> int:
        assert self._db is not None
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT INTO log (body) VALUES (?)", [(b,) for b in bodies])
            (last,) = db.execute("SELECT max(seq) FROM log").fetchone()
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return last

    async def _write(self, bodies: list[str]) -> int:
        if self._db is None:
            raise LogUnavailable("the log is closed")
        try:
            last = await asyncio.to_thread(self._insert, bodies)
        except sqlite3.Error as error:
            raise LogUnavailable(str(error)) from error
        self._appended.set()
        return last

    def _select(self, after: int, limit: int) -> list[Entry]:
        if self._reader is None:
            raise LogUnavailable("the log is closed")
        rows = self._reader.execute(
            "SELECT seq, body FROM log WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit))
        return [(seq, decode(body)) for seq, body in rows]

    async def read(self, after: int, limit: int, block: float = 0) -> list[Entry]:
        self._appended.clear()
        entries = self._select(after, limit)
        if entries or not block:
            return entries
        try:
            await asyncio.wait_for(self._appended.wait(), block)
        except TimeoutError:
            return []
        return self._select(after, limit)

    async def destroy(self) -> None:
        assert self._db is not None
        self._db.executescript("BEGIN IMMEDIATE; DELETE FROM log; DELETE FROM snapshot; "
                               "DELETE FROM sqlite_sequence WHERE name = 'log'; COMMIT;")
        self.seen = 0

    def _store_snapshot(self, snapshot: Snapshot) -> None:
        # Its own connection: the writer thread may be committing a batch meanwhile.
        db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        try:
            db.execute("PRAGMA synchronous=FULL")
            db.execute(
                "INSERT INTO snapshot (id, seq, version, body) VALUES (1, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, "
                "version = excluded.version, body = excluded.body WHERE excluded.seq > seq",
                (snapshot.seq, snapshot.version, snapshot.body))
        finally:
            db.close()

    async def save_snapshot(self, snapshot: Snapshot) -> None:
        try:
            await asyncio.to_thread(self._store_snapshot, snapshot)
        except sqlite3.Error as error:
            raise LogUnavailable(str(error)) from error

    async def load_snapshot(self) -> Snapshot | None:
        if self._reader is None:
            raise LogUnavailable("the log is closed")
        row = self._reader.execute("SELECT seq, version, body FROM snapshot").fetchone()
        return Snapshot(*row) if row else None

    def _remove_snapshot(self, seq: int) -> None:
        db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        try:
            db.execute("DELETE FROM snapshot WHERE seq = ?", (seq,))
        finally:
            db.close()

    async def set_aside_snapshot(self, snapshot: Snapshot) -> str:
        aside = self.path.parent / f"rencontre-snapshot-{snapshot.seq}.aside"
        try:
            await asyncio.to_thread(aside.write_bytes, snapshot.body)
        except OSError as error:  # a full disk: dropping it is still better than keeping it
            aside = Path(f"nowhere ({error.strerror})")
        try:
            await asyncio.to_thread(self._remove_snapshot, snapshot.seq)
        except sqlite3.Error as error:
            raise LogUnavailable(str(error)) from error
        return str(aside)

    async def last_seq(self) -> int:
        if self._reader is None:
            raise LogUnavailable("the log is closed")
        (last,) = self._reader.execute("SELECT coalesce(max(seq), 0) FROM log").fetchone()
        if last < self.seen:
            raise LogRewound(
                f"{self.path} ends at entry {last} but entry {self.seen} was read before "
                f"(its -wal file deleted or an older copy put back?): restore the data "
                "directory from a backup")
        return last

    def _touch(self) -> None:
        db = sqlite3.connect(self.path, isolation_level=None, timeout=1)
        try:
            db.execute("PRAGMA synchronous=FULL")
            db.execute("INSERT INTO health (id, checked) VALUES (1, ?) "
                       "ON CONFLICT (id) DO UPDATE SET checked = excluded.checked", (time.time(),))
        finally:
            db.close()

    async def probe(self) -> None:
        if self._db is None:
            raise LogUnavailable("the log is closed")
        try:
            await asyncio.to_thread(self._touch)
        except sqlite3.Error as error:
            raise LogUnavailable(f"{self.path} cannot be written: {error}") from error
