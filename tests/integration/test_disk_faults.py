"""A disk that fills up under the SQLite log of a running server (real processes)."""

from __future__ import annotations

import json
import resource
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.integration.wsclient import Client
from tests.support import ServerProcess


def health(server) -> tuple[int, dict, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=15) as response:
            status, body = response.status, json.load(response)
    except urllib.error.HTTPError as error:
        status, body = error.code, json.load(error)
    return status, body, time.monotonic() - started


def disk_full(server, full: bool) -> None:
    """The server's files may not grow (RLIMIT_FSIZE): its writes fail as on a full disk."""
    limit = 1 if full else resource.RLIM_INFINITY
    resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))


async def test_healthz_says_503_while_appends_fail_on_a_full_disk(start_server):
    server = start_server()
    moderator = await Client.connect(server.ws_url, server.moderator_token)
    assert health(server)[0] == 200
    disk_full(server, True)
    try:
        refused = await moderator.send("announcement.post", {"text": "Disque plein"})
        assert refused["type"] == "error" and refused["code"] == "server.unavailable"
        status, body, took = health(server)
        assert status == 503 and body["status"] == "unavailable", body
        assert took < 2.5
    finally:
        disk_full(server, False)
    assert health(server)[0] == 200
    retried = await moderator.send("announcement.post", {"text": "Disque plein"}, id=refused["id"])
    assert retried["type"] == "reply"
    await moderator.close()


@pytest.fixture
def own_disk(tmp_path):
    """A small tmpfs of this test's own, to fill up (needs the right to mount)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(mount) -> None:
    """Write a file until the disk is full (ENOSPC)."""
    with (mount / "filler").open("wb") as filler:
        try:
            while True:
                filler.write(bytes(1024 * 1024))
                filler.flush()
        except OSError:
            pass


async def test_healthz_says_503_while_the_disk_is_really_full(own_disk, servers):
    server = ServerProcess(own_disk / "data")
    servers.append(server)
    server.start()
    moderator = await Client.connect(server.ws_url, server.moderator_token)
    fill(own_disk)
    try:
        for n in range(50):  # until the log file must grow
            refused = await moderator.send("announcement.post", {"text": "Plein " * 80})
            if refused["type"] == "error":
                break
        assert refused["code"] == "server.unavailable", refused
        status, body, took = health(server)
        assert status == 503 and "problem" in body and took < 2.5, body
    finally:
        (own_disk / "filler").unlink()
    assert health(server)[0] == 200
    retried = await moderator.send("announcement.post", {"text": "Plein " * 80}, id=refused["id"])
    assert retried["type"] == "reply"
    await moderator.close()
