"""Logs outlive the code that wrote them: a newer server reads every older format,
an older one refuses a newer log instead of guessing."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from rencontre.engine.messages import Actor, Role
from rencontre.engine.snapshots import room_snapshot
from rencontre.engine.upgrades import FORMAT
from rencontre.server.hub import Hub
from rencontre.server.log import LogUnavailable
from rencontre.server.log.redis import RedisLog
from rencontre.server.log.sqlite import SQLiteLog
from tests.support import ROOT, free_port

FIXTURE = ROOT / "tests" / "fixtures" / "logs" / "format1-demo.sqlite3"
ANA = Actor("ana", Role.ATTENDEE, "Ana")
MOD = Actor("mod", Role.MODERATOR, "Mod")
WRITTEN_AT = 1796120070.0  # when the fixture was written


def copy_fixture(data: Path) -> Path:
    data.mkdir()
    shutil.copy(FIXTURE, data / "rencontre.sqlite3")
    return data


def bodies(data: Path) -> list[dict]:
    with sqlite3.connect(data / "rencontre.sqlite3") as db:
        return [json.loads(body) for (body,) in db.execute("SELECT body FROM log ORDER BY seq")]


def add_raw_entry(data: Path, entry: dict) -> None:
    with sqlite3.connect(data / "rencontre.sqlite3") as db:
        db.execute("INSERT INTO log (body) VALUES (?)", (json.dumps(entry),))


async def test_a_format_1_log_replays_to_the_event_it_recorded(tmp_path: Path) -> None:
    data = copy_fixture(tmp_path / "data")
    assert all("v" not in entry for entry in bodies(data)), "the fixture must stay format 1"
    hub = Hub(SQLiteLog(data))
    await hub.start()
    try:
        state = hub.state
        assert state.seq == 14
        room = room_snapshot(state, "s02", MOD, WRITTEN_AT)
        questions = {q["text"]: q["votes"] for q in room["qa"]["questions"]}
        assert questions == {"¿Cómo medimos la neutralidad?": 1, "Et le financement ?": 0}
        assert room["polls"]["list"][0]["counts"] == [0, 1, 1]
        assert len(state.attendance.checkins) == 1
        assert state.programme.sessions["s03"].delay == 10
        # New entries carry the current format; the mixed log replays too.
        asked = await hub.execute("qa.ask", {"session": "s02", "text": "Y después?"}, ANA)
        assert asked["ok"]
    finally:
        await hub.stop()
    assert bodies(data)[-1]["v"] == FORMAT
    again = Hub(SQLiteLog(data))
    await again.start()
    try:
        assert again.state.seq == 15
    finally:
        await again.stop()


def test_an_older_server_refuses_a_newer_log_with_one_line(tmp_path: Path) -> None:
    data = copy_fixture(tmp_path / "data")
    add_raw_entry(data, {"v": FORMAT + 1, "type": "qa.ask", "data": {}, "at": time.time()})
    done = subprocess.run(
        [sys.executable, "-m", "rencontre.server.cli", "serve", "--data", str(data),
         "--port", str(free_port())],
        capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("rencontre: ")
    assert f"format {FORMAT + 1}" in lines[0] and "upgrade Rencontre" in lines[0]


@pytest.mark.redis
async def test_a_process_that_meets_a_newer_entry_stops_following_and_acknowledges_nothing(
        redis_url: str) -> None:
    hub = Hub(RedisLog(redis_url))
    await hub.start()
    try:
        # A newer process on the same Redis appends an entry of a format this one cannot read.
        client = aioredis.from_url(redis_url)
        seq = await client.incr("rencontre:seq")
        await client.xadd("rencontre:log", {"e": json.dumps({"v": FORMAT + 1, "type": "x"})},
                          id=f"{seq}-0")
        await client.aclose()
        for _ in range(100):
            if hub.fault:
                break
            await asyncio.sleep(0.05)
        assert "newer Rencontre" in (hub.fault or "")
        assert not hub.healthy
        with pytest.raises(LogUnavailable):
            await hub.execute("qa.ask", {"session": "s02", "text": "Hello?"}, ANA)
        assert hub.state.seq == seq - 1
    finally:
        await hub.stop()

