"""Fixtures that start real services: redis-server, server processes, in-process apps."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.support import RedisServer, ServerProcess


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
    from aiohttp.test_utils import TestClient, TestServer

    from rencontre.server.app import create_app
    from rencontre.server.cli import prepare_event
    from rencontre.server.settings import Settings
    from rencontre.server.views import HUB

    redis = None
    if request.param == "redis":
        redis_server = request.getfixturevalue("redis_server")
        redis_server.flush()
        redis = redis_server.url
    settings = Settings(data=str(tmp_path / "data"), redis=redis, demo=True)
    app = create_app(settings)
    client = TestClient(TestServer(app))
    await client.start_server()
    links = dict(await prepare_event(app[HUB], settings))
    client.tokens = {label: link.split("token: ")[1] for label, link in links.items()
                     if "token: " in link}
    client.tokens["attendee"] = links["Attendee page"].rsplit("/a/", 1)[1]
    client.links = links
    client.hub = app[HUB]
    yield client
    await client.close()
