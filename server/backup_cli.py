"""``rencontre backup FILE``: a consistent copy of the SQLite log, safe while a server runs.

SQLite's online backup API copies the database page by page inside one read
transaction: in WAL mode that reads the last committed state (the main file
plus its ``-wal``) without stopping the writer, so a running server keeps
answering. The copy is written beside its destination, checked with
``PRAGMA quick_check``, flushed and then renamed into place: a backup file
is whole or absent. Restoring is copying it back while the server is stopped
(README, "Backups").
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

from rencontre.server.settings import Settings

DB = "rencontre.sqlite3"


class BackupFailed(Exception):
    """The backup could not be made; nothing was written at its destination."""


def backup_parser(sub: argparse._SubParsersAction, defaults: Settings) -> None:
    command = sub.add_parser(
        "backup", help="copy the SQLite log to FILE, also while the server runs",
        description="Copy the event's SQLite log to FILE with SQLite's online backup API, "
                    "safely while a server is running. Restore: stop the server, copy FILE "
                    f"to DIR/{DB}, delete DIR/{DB}-wal and DIR/{DB}-shm, start it.")
    command.add_argument("file", help="where to write the copy (replaced if it exists)")
    command.add_argument("--data", help="directory of the SQLite log "
                                        f"(RENCONTRE_DATA, default {defaults.data})")
    command.set_defaults(run=backup_command, defaults=defaults)


def backup(data_dir: str | Path, destination: str | Path) -> int:
    """Copy the log in ``data_dir`` to ``destination``; return the seq of its last entry."""
    source_path = Path(data_dir) / DB
    destination = Path(destination)
    if not source_path.is_file() or source_path.stat().st_size == 0:
        raise BackupFailed(f"no Rencontre log in {data_dir}")
    partial = destination.with_name(destination.name + ".partial")
    # Read-only: a backup never writes to the log (SQLite may leave an empty -wal and -shm).
    source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.execute("PRAGMA busy_timeout=10000")
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)  # all pages in one step: one consistent read
            (last,) = target.execute("SELECT coalesce(max(seq), 0) FROM log").fetchone()
            problems = [row[0] for row in target.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise BackupFailed(f"the copy fails its check: {' '.join(problems[0].split())}")
        finally:
            target.close()
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        partial.replace(destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return last


def backup_command(args: argparse.Namespace) -> int:
    defaults: Settings = args.defaults
    if args.data is None and defaults.redis:
        print("rencontre: with Redis the log is Redis's: back it up with Redis's own "
              "persistence (copy the AOF directory, or BGSAVE and copy dump.rdb)", file=sys.stderr)
        return 2
    try:
        last = backup(data := args.data or defaults.data, args.file)
    except (BackupFailed, sqlite3.Error, OSError) as error:
        print(f"rencontre: backup failed: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    print(f"backed up {Path(data) / DB} up to entry {last} to {args.file}")
    return 0
