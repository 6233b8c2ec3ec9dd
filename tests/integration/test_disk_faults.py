"""A full or read-only disk under the SQLite log, on real server processes."""

from __future__ import annotations

import json
import resource
import time
import urllib.error
import urllib.request

from tests.integration.wsclient import Client


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
