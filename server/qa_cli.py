"""``rencontre export-qa SESSION``: every question of a session, as CSV or JSON.

The state is rebuilt from the log, as a server process does at start. On
SQLite, a running server holds the data directory; the export then reads the
log file read-only (safe in WAL mode: it sees every committed entry and
writes nothing) and replays it. On Redis any number of readers may follow
the stream, so the hub is started as usual.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import sqlite3
import sys
from pathlib import Path

from rencontre.engine.core import Engine
from rencontre.engine.state import EventState
from rencontre.rooms import qa_export
from rencontre.server import snapshots
from rencontre.server.hub import Hub
from rencontre.server.log import LogUnavailable, open_log
from rencontre.server.log.base import Snapshot, decode
from rencontre.server.settings import Settings

FORMATS = ("csv", "json")
BATCH = 5000


class NoLog(Exception):
    """There is no log where the settings point."""


def export_qa_parser(sub: argparse._SubParsersAction, defaults: Settings) -> None:
    command = sub.add_parser(
        "export-qa", help="export the questions of a session as CSV or JSON",
        description="Export every question of a session (text, language, votes, status, "
                    "reply, times), also while the server runs.")
    command.add_argument("session", help="the session's id, as in /live/SESSION")
    command.add_argument("--format", choices=FORMATS, default="csv",
                         help="csv (for spreadsheets, the default) or json")
    command.add_argument("--output", "-o", metavar="FILE",
                         help="write to FILE instead of the standard output")
    # Given on the command line, one of them wins over the environment's.
    where = command.add_mutually_exclusive_group()
    where.add_argument("--data", help="directory of the SQLite log (RENCONTRE_DATA, "
                                      f"default {defaults.data})")
    where.add_argument("--redis", metavar="URL", help="read the log from this Redis (REDIS_URL)")
    command.set_defaults(run=export_qa_command, defaults=defaults)


def read_only_state(data_dir: str | Path) -> EventState:
    """The state from a SQLite log another process holds, read without writing anything."""
    path = (Path(data_dir) / "rencontre.sqlite3").resolve()
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        db.execute("PRAGMA busy_timeout=10000")
        # One read transaction: the snapshot and the entries after it belong together.
        db.execute("BEGIN")
        row = db.execute("SELECT seq, version, body FROM snapshot").fetchone()
        try:
            state = snapshots.restore(Snapshot(*row)) if row else None
        except snapshots.SnapshotDamaged:  # the server sets it aside when it starts
            state = None
        engine = Engine(state)
        while True:
            rows = db.execute("SELECT seq, body FROM log WHERE seq > ? ORDER BY seq LIMIT ?",
                              (engine.state.seq, BATCH)).fetchall()
            if not rows:
                break
            for seq, body in rows:
                engine.apply(seq, decode(body), publish=False)
        db.execute("COMMIT")
    finally:
        db.close()
    return engine.state


def held_by_another_process(data_dir: str | Path) -> bool:
    """Whether a server holds the lock of the SQLite log in ``data_dir``."""
    lock = Path(data_dir) / "rencontre.lock"
    if not lock.exists():
        return False
    handle = os.open(lock, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False
    finally:
        os.close(handle)


async def load_state(data_dir: str, redis_url: str | None) -> EventState:
    """The state of the event as of the end of its log."""
    if not redis_url and not (Path(data_dir) / "rencontre.sqlite3").exists():
        raise NoLog(f"no Rencontre log in {data_dir}")
    log = open_log(data_dir, redis_url)
    hub = Hub(log)
    try:
        await hub.start()
    except LogUnavailable:
        if not redis_url and held_by_another_process(data_dir):
            # A running server holds it: read the file ourselves, read-only.
            return await asyncio.to_thread(read_only_state, data_dir)
        raise
    try:
        return hub.state
    finally:
        await hub.stop()


def export_qa_command(args: argparse.Namespace) -> int:
    defaults: Settings = args.defaults
    data = args.data or defaults.data
    redis = None if args.data else (args.redis or defaults.redis)
    try:
        state = asyncio.run(load_state(data, redis))
    except (NoLog, LogUnavailable, sqlite3.Error) as error:
        print(f"rencontre: {error}", file=sys.stderr)
        return 1
    if args.session not in state.programme.sessions:
        known = ", ".join(sorted(state.programme.sessions)[:12]) or "none"
        print(f"rencontre: no session “{args.session}” (sessions: {known})", file=sys.stderr)
        return 2
    body = (qa_export.export_json if args.format == "json" else qa_export.export_csv)(
        state, args.session)
    if args.output:
        Path(args.output).write_bytes(body)
        name = qa_export.filename(state, args.session, args.format)
        print(f"wrote {len(body)} bytes to {args.output} ({name})", file=sys.stderr)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    return 0
