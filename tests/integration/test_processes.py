"""Real server processes: scale-out on one Redis, and restarts that keep every write."""

from __future__ import annotations

import json
import urllib.request

from tests.integration.wsclient import Client


def health(server) -> dict:
    with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as response:
        return json.load(response)


async def test_two_processes_on_one_redis_serve_the_same_event(start_server, redis_url):
    first = start_server(redis=redis_url)
    second = start_server(redis=redis_url)
    attendee = await Client.connect(second.ws_url, second.attendee_token)
    moderator = await Client.connect(first.ws_url, first.moderator_token)
    # The second process did not load the demo again: one programme, one seq order.
    assert len(attendee.snapshot["programme"]["sessions"]) == 22
    reply = await moderator.send("announcement.post", {"text": "Desde el proceso uno"})
    push = await attendee.push("announcement.posted")
    assert push["announcement"]["text"] == "Desde el proceso uno"
    assert push["seq"] == reply["seq"]
    assert health(first)["backend"] == health(second)["backend"] == "redis"
    assert health(first)["seq"] == health(second)["seq"] >= reply["seq"]
    await attendee.close()
    await moderator.close()


async def test_concurrent_writes_on_two_processes_get_one_order(start_server, redis_url):
    import asyncio

    first = start_server(redis=redis_url)
    second = start_server(redis=redis_url)
    a = await Client.connect(first.ws_url, first.moderator_token)
    b = await Client.connect(second.ws_url, second.moderator_token)
    watcher_one = await Client.connect(first.ws_url)
    watcher_two = await Client.connect(second.ws_url)
    replies = await asyncio.gather(
        *(a.send("announcement.post", {"text": f"a{n}"}) for n in range(20)),
        *(b.send("announcement.post", {"text": f"b{n}"}) for n in range(20)))
    assert len({reply["seq"] for reply in replies}) == 40
    seen_one = [(await watcher_one.push("announcement.posted"))["seq"] for _ in range(40)]
    seen_two = [(await watcher_two.push("announcement.posted"))["seq"] for _ in range(40)]
    assert seen_one == seen_two == sorted(reply["seq"] for reply in replies)
    for client in (a, b, watcher_one, watcher_two):
        await client.close()


async def _write_then_restart(server, kill: bool) -> None:
    moderator = await Client.connect(server.ws_url, server.moderator_token)
    texts = [f"Aviso {n}" for n in range(25)]
    for text in texts:
        reply = await moderator.send("announcement.post", {"text": text})
        assert reply["type"] == "reply"
    seq = reply["seq"]
    await moderator.close()
    server.restart(kill=kill)
    attendee = await Client.connect(server.ws_url, server.attendee_token)
    kept = [a["text"] for a in attendee.snapshot["announcements"]]
    assert kept == texts
    # The restart added this run's credentials after the old entries.
    assert health(server)["seq"] > seq
    await attendee.close()


async def test_acknowledged_writes_survive_a_crash_on_sqlite(start_server):
    await _write_then_restart(start_server(), kill=True)


async def test_acknowledged_writes_survive_a_restart_on_redis(start_server, redis_url):
    await _write_then_restart(start_server(redis=redis_url), kill=False)


async def test_a_second_process_on_the_same_sqlite_data_is_refused(start_server, tmp_path):
    import subprocess
    import sys

    first = start_server()
    result = subprocess.run(
        [sys.executable, "-m", "rencontre.server.cli", "serve", "--port", "0", "--data", str(first.data)],
        capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "Redis" in result.stderr
