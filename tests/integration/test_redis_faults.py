"""A Redis that comes back empty, or stops answering: real processes on their own redis-server."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.wsclient import Client
from tests.support import RedisServer


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own, which it may restart empty or pause."""
    (tmp_path / "redis").mkdir()
    server = RedisServer(tmp_path / "redis")
    yield server
    server.resume()
    server.stop()


def health(server, timeout: float = 10) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


async def test_a_redis_that_comes_back_empty_never_acknowledges_and_is_reported(
        own_redis, start_server):
    redis = own_redis
    first = start_server(redis=redis.url)
    second = start_server(redis=redis.url)
    moderator = await Client.connect(first.ws_url, first.moderator_token)
    watcher = await Client.connect(second.ws_url, second.attendee_token)
    before = await moderator.send("announcement.post", {"text": "Before the restart"})
    assert before["type"] == "reply"
    await watcher.push("announcement.posted")

    redis.restart_empty()
    # Every write from now on is refused: the log lost what was acknowledged.
    for n in range(10):
        answer = await moderator.send("announcement.post", {"text": f"After {n}"})
        assert answer["type"] == "error" and answer["code"] == "server.unavailable", answer
        await asyncio.sleep(0.2)
    for server in (first, second):
        deadline = time.monotonic() + 10
        while health(server)[0] != 503:
            assert time.monotonic() < deadline, f"{server.url} still healthy"
            await asyncio.sleep(0.2)

    # A process started afresh on the empty Redis begins another event; the first two
    # do not take its entries for theirs.
    third = start_server(redis=redis.url)
    newcomer = await Client.connect(third.ws_url, third.moderator_token)
    for n in range(30):
        assert (await newcomer.send("announcement.post", {"text": f"New {n}"}))["type"] == "reply"
    await asyncio.sleep(1)
    assert watcher.pushes.empty() or all(
        push["type"] != "announcement.posted" for push in list(watcher.pushes._queue))
    status, body = health(second)
    assert status == 503 and body["status"] == "unavailable"
    assert "Redis" in body["problem"]
    for server in (first, second):
        log = server.log_path.read_text()
        assert "Traceback" not in log and "KeyError" not in log, log
        # One message for the operator, saying what to do.
        assert log.count("restore") == 1, log
    for client in (moderator, watcher, newcomer):
        await client.close()


def timed_health(server) -> tuple[int, dict, float]:
    started = time.monotonic()
    status, body = health(server, timeout=15)
    return status, body, time.monotonic() - started


async def test_healthz_answers_503_within_two_seconds_while_redis_is_stopped(
        own_redis, start_server):
    server = start_server(redis=own_redis.url)
    assert timed_health(server)[0] == 200
    own_redis.pause()
    try:
        for _ in range(3):
            status, body, took = timed_health(server)
            assert status == 503 and took < 2.5, (status, took)
            assert "problem" in body
    finally:
        own_redis.resume()
    deadline = time.monotonic() + 10
    while timed_health(server)[0] != 200:
        assert time.monotonic() < deadline, "healthy again once Redis answers"
        await asyncio.sleep(0.2)
