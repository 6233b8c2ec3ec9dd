"""Real parts for the tests: a redis-server of their own, server processes, and servers in
the test's own process."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, timeout: float = 15.0, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except Exception:  # noqa: BLE001 - anything short of success means: not yet
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(interval)


class RedisServer:
    """A redis-server started in ``directory`` on a free port, with AOF on."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed; run the README's test command")
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.directory), "--appendonly", "yes", "--appendfsync", "always",
             "--save", "", "--daemonize", "no", "--logfile", str(self.directory / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.ping, what="redis-server")

    def restart_empty(self) -> None:
        """Stop, lose every file, start again on the same port: a Redis run without AOF."""
        self.stop()
        shutil.rmtree(self.directory / "appendonlydir", ignore_errors=True)
        for dump in self.directory.glob("*.rdb"):
            dump.unlink()
        self.start()

    def pause(self) -> None:
        """Stop the process without closing its sockets (SIGSTOP): it answers nothing."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def ping(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def flush(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(b"FLUSHALL\r\n")
            assert sock.recv(16).startswith(b"+OK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class ServerProcess:
    """``rencontre serve`` in a child process, as an operator would run it."""

    data: Path
    redis: str | None = None
    demo: bool = True
    extra: list[str] = field(default_factory=list)  # more flags of `rencontre serve`
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    links: dict[str, str] = field(default_factory=dict)
    output: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def start(self) -> ServerProcess:
        command = [sys.executable, "-m", "rencontre.server.cli", "serve", "--port", str(self.port),
                   "--data", str(self.data), "--public-url", self.url]
        if self.redis:
            command += ["--redis", self.redis]
        if self.demo:
            command.append("--demo")
        command += self.extra
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("REDIS_URL", None)
        self.log_path = self.data.parent / f"server-{self.port}.log"
        self.data.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT)
        wait_for(self.healthy, timeout=30, what=f"server on {self.port}: {self.log_tail()}")
        wait_for(self._read_links, timeout=10, what="printed links")
        return self

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text()[-2000:]
        except OSError:
            return ""

    def _read_links(self) -> bool:
        text = self.log_path.read_text()
        found = dict(re.findall(r"^  (.+?)\s{2,}(\S.*)$", text, re.MULTILINE))
        if "Moderator panel" not in found:
            return False
        self.links = found
        return True

    def token(self, label: str) -> str:
        return self.links[label].split("token: ")[1].strip()

    @property
    def moderator_token(self) -> str:
        return self.token("Moderator panel")

    @property
    def organiser_token(self) -> str:
        return self.token("Organiser")

    @property
    def attendee_link(self) -> str:
        return self.links["Attendee page"]

    @property
    def attendee_token(self) -> str:
        return self.attendee_link.rsplit("/a/", 1)[1]

    def healthy(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"server exited: {self.log_tail()}")
        with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
            return response.status == 200

    def stop(self, kill: bool = False) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGINT)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self._log.close()

    def restart(self, kill: bool = False) -> ServerProcess:
        self.stop(kill=kill)
        return self.start()


FIXTURES = ROOT / "tests" / "fixtures"


def fixture(relative: str) -> Path:
    """The path of a file under tests/fixtures/; a missing one fails the test (it must never
    be skipped: the fixtures are part of the repository)."""
    import pytest

    path = FIXTURES / relative
    if not path.is_file():
        pytest.fail(f"missing test fixture {path} (see tests/fixtures/interop/SOURCES.md)")
    return path


async def serve_demo(settings):  # noqa: ANN001, ANN201 - Settings -> aiohttp TestClient
    """An in-process server of the demo event with ``settings``, started, its credentials in
    ``tokens`` (by label, and ``attendee``), its printed ``links`` and its ``hub``."""
    from aiohttp.test_utils import TestClient, TestServer

    from rencontre.server.app import create_app
    from rencontre.server.cli import prepare_event
    from rencontre.server.views import HUB

    app = create_app(settings)
    client = TestClient(TestServer(app))
    await client.start_server()
    links = dict(await prepare_event(app[HUB], settings))
    client.tokens = {label: link.split("token: ")[1] for label, link in links.items()
                     if "token: " in link}
    client.tokens["attendee"] = links["Attendee page"].rsplit("/a/", 1)[1]
    client.links = links
    client.hub = app[HUB]
    return client
