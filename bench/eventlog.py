"""A synthetic three-day event log, written straight into a SQLite log file.

The entries have exactly the shape the server writes (see ``Command.to_entry`` and
``Hub.execute``): a ``schedule.load`` of the demo programme, an ``access.grant`` that
creates the moderator, then mostly ``announcement.post`` commands by that moderator
with idempotency keys, some guest joins, and withdrawals of the few announcements
posted without an expiry. Timestamps spread over the event's three days.
"""

from __future__ import annotations

import random
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rencontre.access.directory import mint
from rencontre.engine.core import Engine
from rencontre.engine.messages import Actor, Command, Role
from rencontre.schedule.demo import ZONE, demo_programme
from rencontre.server.log.base import decode, encode
from rencontre.server.log.sqlite import SCHEMA

ORGANISER = Actor("system", Role.ORGANISER, "Rencontre")
TEXTS = (
    "Please move to the plenary hall: the next session starts in five minutes.",
    "Lunch is served in the patio until 14:00.",
    "The livestream of this session has resumed.",
    "Questions for the panel are open: use the Q&A tab.",
    "Simultaneous interpretation (fr/es/en) is on channel 2.",
    "Coffee break: back at {hour}.",
    "The workshop continues in room B after the break.",
    "Slides for this talk will be shared after the session.",
)
GUEST_SHARE = 0.01
PERSISTENT_SHARE = 0.01  # posted without expiry; about as many get withdrawn later


def _entry(command: Command) -> str:
    return encode(command.to_entry())


def generate(path: Path, events: int, seed: int = 5) -> dict[str, Any]:
    """Write ``events`` log entries to a new SQLite log at ``path``; return a summary."""
    started = time.monotonic()
    rng = random.Random(seed)
    first_day = datetime.now(ZoneInfo(ZONE)).date() - timedelta(days=2)
    begin = datetime.combine(first_day, datetime.min.time(), ZoneInfo(ZONE)).timestamp() + 8 * 3600
    span = 2 * 86400 + 10 * 3600  # day 1 08:00 to day 3 18:00

    engine = Engine()
    bodies: list[str] = []

    def logged(command: Command) -> Command:
        # The first entries go through the real engine, so their shape is the server's.
        admitted = engine.admit(command)
        assert isinstance(admitted, Command)
        engine.apply(len(bodies) + 1, admitted.to_entry())
        bodies.append(_entry(admitted))
        return admitted

    logged(Command("schedule.load", {"programme": demo_programme(first_day)}, ORGANISER, begin))
    grant = mint({"role": "moderator", "name": "Moderator (bench)"}, "p")
    logged(Command("access.grant", grant.data, ORGANISER, begin + 1, None))
    moderator = Actor(grant.data["principal"], Role.MODERATOR, "Moderator (bench)")
    rooms: list[str | None] = [*sorted(engine.state.programme.sessions), None]
    persistent: list[str] = []
    counts = {"announcement.post": 0, "announcement.withdraw": 0, "access.guest-join": 0}
    for seq in range(len(bodies) + 1, events + 1):
        at = round(begin + span * seq / events, 3)
        roll = rng.random()
        if roll < GUEST_SHARE:
            minted = mint({"name": f"Guest {seq}"}, "g")
            command = Command("access.guest-join", minted.data, None, at, f"anon/g{seq}")
        elif roll < GUEST_SHARE + PERSISTENT_SHARE and persistent:
            victim = persistent.pop(rng.randrange(len(persistent)))
            command = Command("announcement.withdraw", {"announcement": victim}, moderator, at,
                              f"{moderator.id}/w{seq}")
        else:
            data: dict[str, Any] = {"text": rng.choice(TEXTS).format(hour=f"{seq % 24:02d}:30")}
            room = rng.choice(rooms)
            if room is not None:
                data["room"] = room
            if rng.random() < PERSISTENT_SHARE:
                persistent.append(f"an{seq}")
            else:
                data["expires_in"] = rng.choice((5, 10, 15, 30, 60))
            command = Command("announcement.post", data, moderator, at, f"{moderator.id}/m{seq}")
        counts[command.type] += 1
        bodies.append(_entry(command))

    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(SCHEMA)
    db.execute("BEGIN")
    db.executemany("INSERT INTO log (body) VALUES (?)", ((b,) for b in bodies))
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {"events": events, "bytes": path.stat().st_size, "counts": counts,
            "seconds": time.monotonic() - started, "first_day": first_day.isoformat()}


def check(path: Path, limit: int = 20_000) -> int:
    """Replay the first ``limit`` entries in a fresh engine; return how many were refused."""
    engine = Engine()
    db = sqlite3.connect(path)
    refused = 0
    for seq, body in db.execute("SELECT seq, body FROM log ORDER BY seq LIMIT ?", (limit,)):
        if not engine.apply(seq, decode(body)).outcome["ok"]:
            refused += 1
    db.close()
    return refused


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1])
    print(generate(target, int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000))
    print("refused in the first entries:", check(target))
