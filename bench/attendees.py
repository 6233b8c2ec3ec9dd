"""Attendees as they are on the day: their pages send a heartbeat every 20 s
(``bench/loadgen.py``), and with ``--attendees distinct`` each signs in as themself, so
that online presence is logged once per attendee. Used by the idle and fan-out scenarios."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.targets import Target


def granting(options: Any, clients: int, notes: list[str], note: str = ""
             ) -> Callable[[Target], Awaitable[Path | None]]:
    """A ``loaded(setup=...)`` that grants one attendee per client, pipelined over one
    organiser websocket (not measured); the baseline, which has no sign-in, gets none."""
    from bench.scenarios.votes import grant_attendees

    async def setup(target: Target) -> Path | None:
        if target.organiser_token is None:
            return None
        started = time.monotonic()
        tokens = await grant_attendees(target, clients)
        path = options.workdir / f"{target.name}-attendees.json"
        path.write_text(json.dumps(tokens))
        notes.append(f"{target.name}: setup (not measured): {clients:,} attendees granted in "
                     f"{time.monotonic() - started:.2f} s{note}")
        return path

    return setup


def distinct(options: Any, clients: int, notes: list[str]
             ) -> Callable[[Target], Awaitable[Path | None]]:
    """With ``--attendees distinct``, :func:`granting`; by default every client shares the
    demo attendee, as the earlier runs of this table did."""
    grant = granting(options, clients, notes, "; each logs presence.start on joining")

    async def setup(target: Target) -> Path | None:
        return await grant(target) if options.attendees == "distinct" else None

    return setup


async def log_seq(target: Target) -> int | None:
    """The log's last seq, from /healthz (Rencontre only): what a window added to the log."""
    processes = getattr(target, "processes", None)
    if not processes or target.organiser_token is None:
        return None

    def read() -> int:
        url = f"http://127.0.0.1:{processes[0].port}/healthz"
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(json.load(response)["seq"])

    try:
        return await asyncio.to_thread(read)
    except OSError:
        return None


async def heartbeats(generators: Any) -> int:
    return sum(a.get("pongs", 0) for a in await generators.ask("count"))
