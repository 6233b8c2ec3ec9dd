"""Starting on a damaged SQLite data directory: one clear line and no event lost or replaced."""

from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.wsclient import Client
from tests.support import ROOT, ServerProcess, free_port

DB = "rencontre.sqlite3"


def without_root_override() -> None:
    """Let file permissions apply to this child even when the tests run as root."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        libc.prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP: gone at exec


def small_disk() -> None:
    """Files may not grow past 16 KiB: writes fail as on a full disk."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, resource.RLIM_INFINITY))


def refused_start(data: Path, preexec=None) -> str:
    """Run ``rencontre serve`` on ``data``; it must exit 1 with one line, which is returned."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "rencontre.server.cli", "serve", "--port", str(free_port()),
         "--data", str(data), "--demo"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=preexec)
    try:
        out, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"it started serving instead of refusing: {out[-500:]}")
    assert process.returncode == 1, (out, err)
    assert "Traceback" not in out + err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("rencontre: "), err
    return lines[0]


async def event_with_posts(tmp_path: Path, count: int = 30) -> ServerProcess:
    server = ServerProcess(tmp_path / "data")
    server.start()
    moderator = await Client.connect(server.ws_url, server.moderator_token)
    for n in range(count):
        reply = await moderator.send("announcement.post", {"text": f"Aviso {n}"})
        assert reply["type"] == "reply"
    await moderator.close()
    return server


def test_an_empty_database_file_is_refused(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / DB).write_bytes(b"")
    line = refused_start(tmp_path / "data")
    assert DB in line and "empty" in line


async def test_a_database_whose_wal_was_deleted_after_a_crash_is_refused(tmp_path):
    server = await event_with_posts(tmp_path)
    server.stop(kill=True)
    (tmp_path / "data" / f"{DB}-wal").unlink()
    line = refused_start(tmp_path / "data")
    assert "-wal" in line and "backup" in line


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / DB).write_bytes(b"Rencontre? " * 1000)
    line = refused_start(tmp_path / "data")
    assert "not a database" in line


async def test_a_damaged_database_fails_its_quick_check(tmp_path):
    server = await event_with_posts(tmp_path, count=200)
    server.stop()  # a clean stop: everything is in the main file
    path = tmp_path / "data" / DB
    body = bytearray(path.read_bytes())
    page = 4096
    assert len(body) > 8 * page
    for number in (4, 5, 6):  # the headers of a few pages past the schema
        body[number * page: number * page + 64] = b"\xff" * 64
    path.write_bytes(bytes(body))
    line = refused_start(tmp_path / "data")
    assert "damaged" in line and "backup" in line


async def test_a_read_only_data_directory_is_one_line(tmp_path):
    server = await event_with_posts(tmp_path, count=3)
    server.stop()
    data = tmp_path / "data"
    for path in data.iterdir():
        path.chmod(0o444)
    data.chmod(0o555)
    try:
        line = refused_start(data, preexec=without_root_override)
    finally:
        data.chmod(0o755)
    assert "read-only" in line or "cannot write" in line, line


def test_a_full_disk_at_start_is_one_line(tmp_path):
    (tmp_path / "data").mkdir()
    line = refused_start(tmp_path / "data", preexec=small_disk)
    assert "full" in line or "cannot write" in line, line


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ}
    env.pop("REDIS_URL", None)
    return subprocess.run([sys.executable, "-m", "rencontre.server.cli", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)


async def test_a_backup_taken_while_serving_restores_as_documented(tmp_path):
    import asyncio
    import shutil

    server = await event_with_posts(tmp_path, count=5)
    moderator = await Client.connect(server.ws_url, server.moderator_token)
    posting = asyncio.gather(*(moderator.send("announcement.post", {"text": f"Pendant {n}"})
                               for n in range(200)))
    copy = tmp_path / "backup.sqlite3"
    done = await asyncio.to_thread(run_cli, "backup", str(copy), "--data", str(server.data))
    replies = await posting
    assert all(reply["type"] == "reply" for reply in replies)  # the server kept serving
    assert done.returncode == 0, done.stderr
    backed_up = int(done.stdout.split("up to entry ")[1].split()[0])
    await moderator.close()
    server.stop(kill=True)
    # A second backup with the server stopped leaves the data directory as it was.
    before = sorted(path.name for path in server.data.iterdir())
    assert run_cli("backup", str(tmp_path / "again.sqlite3"), "--data", str(server.data)
                   ).returncode == 0
    assert sorted(path.name for path in server.data.iterdir()) == before

    # Restore, as the README says: the copy as rencontre.sqlite3, without -wal and -shm.
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(copy, restored / DB)
    again = ServerProcess(restored)
    again.start()
    try:
        attendee = await Client.connect(again.ws_url, again.attendee_token)
        texts = [a["text"] for a in attendee.snapshot["announcements"]]
        assert texts[:5] == [f"Aviso {n}" for n in range(5)]
        # A consistent copy: the posts it holds are the first ones, in order.
        assert texts[5:] == [f"Pendant {n}" for n in range(len(texts) - 5)]
        await attendee.close()
    finally:
        again.stop()
    assert backed_up >= 5
    server.start()  # the original still starts after its crash and the stopped-server backup
    server.stop()
