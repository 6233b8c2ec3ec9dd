"""Fixtures that start real services: redis-server, server processes, in-process apps."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.support import RedisServer, ServerProcess, serve_demo


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """A Redis URL on an empty database of the tests' own redis-server."""
    redis_server.flush()
    return redis_server.url


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[ServerProcess]]:
    """Started server processes, stopped at the end of the test."""
    started: list[ServerProcess] = []
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def start_server(tmp_path: Path, servers: list[ServerProcess]):
    """Start ``rencontre serve`` (SQLite by default, or on ``redis``) in a child process."""

    def start(redis: str | None = None, demo: bool = True, data: Path | None = None
              ) -> ServerProcess:
        server = ServerProcess(data or tmp_path / f"data{len(servers)}", redis=redis, demo=demo)
        servers.append(server)
        return server.start()

    return start


@pytest.fixture(params=["sqlite", "redis"])
async def app_client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator:
    """An in-process server on each backend, with the demo event and its credentials."""
    from rencontre.server.settings import Settings

    redis = None
    if request.param == "redis":
        redis_server = request.getfixturevalue("redis_server")
        redis_server.flush()
        redis = redis_server.url
    client = await serve_demo(Settings(data=str(tmp_path / "data"), redis=redis, demo=True))
    yield client
    await client.close()
