"""The servers under test: Rencontre (one or more processes) and the bare baseline.

Every server process is started pinned to the server CPU with its fd limit raised,
logs to a file in the run's temporary directory, and counts as ready once
``GET /healthz`` answers 200.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import ROOT, SERVER_CPU, free_port, pinned, raise_fd_limit, wait_for

ROOM = "s01"


@dataclass
class ServerProcess:
    """One child process serving HTTP on ``port``."""

    command: list[str]
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    ready_seconds: float = 0.0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float) -> None:
        """Start the process and wait for /healthz; ``ready_seconds`` is the time it took."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("REDIS_URL", None)
        with self.log_path.open("ab") as log:
            started = time.monotonic()
            self.process = subprocess.Popen(pinned(self.command, SERVER_CPU), cwd=ROOT, env=env,
                                            stdout=log, stderr=subprocess.STDOUT,
                                            preexec_fn=raise_fd_limit)
        wait_for(self.healthy, timeout, f"{self.command[2]} on port {self.port}: {self.tail()}",
                 interval=0.01)
        self.ready_seconds = time.monotonic() - started

    def healthy(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"server exited: {self.tail()}")
        url = f"http://127.0.0.1:{self.port}/healthz"
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200

    def tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-1500:]
        except OSError:
            return ""

    def stop(self, timeout: float = 20) -> float:
        """Interrupt the process as an operator's Ctrl-C would; kill it if it hangs."""
        if self.process is None:
            return 0.0
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        return time.monotonic() - started


class Target(ABC):
    """A server (one or several processes) that the scenarios drive the same way."""

    name: str

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.processes: list[ServerProcess] = []
        self.ready_timeout = 60.0
        self.stop_timeout = 20.0  # past it the process is killed (systemd waits 90 s)

    @property
    def ws_urls(self) -> list[str]:
        return [f"ws://127.0.0.1:{p.port}/ws" for p in self.processes]

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    @property
    def attendee_token(self) -> str | None:
        return None

    @property
    def moderator_token(self) -> str | None:
        return None

    @property
    def organiser_token(self) -> str | None:
        return None

    @property
    def moderator_urls(self) -> list[str]:
        """Where the moderator posts: one process suffices when the servers share a log."""
        return self.ws_urls[:1]

    @abstractmethod
    def start(self) -> None: ...

    def stop(self) -> None:
        for process in self.processes:
            process.stop(self.stop_timeout)

    def restart(self) -> tuple[float, float]:
        """Stop and start every process again: (seconds to stop, seconds to ready)."""
        stopped = sum(p.stop(self.stop_timeout) for p in self.processes)
        for process in self.processes:
            process.start(self.ready_timeout)
        return stopped, max(p.ready_seconds for p in self.processes)


class Rencontre(Target):
    """``python -m server.cli serve --demo``, on SQLite or on a shared Redis."""

    name = "rencontre"

    def __init__(self, workdir: Path, instances: int = 1, redis_url: str | None = None,
                 data: Path | None = None) -> None:
        super().__init__(workdir)
        self.instances = instances
        self.redis_url = redis_url
        self.data = data
        self.links: dict[str, str] = {}

    def start(self) -> None:
        # One after the other: the first loads the demo into an empty log, the others see it.
        for _ in range(self.instances):
            port = free_port()
            # A fresh directory per target: scenarios must not inherit each other's logs.
            data = self.data or Path(tempfile.mkdtemp(dir=self.workdir, prefix="data-"))
            command = [sys.executable, "-m", "rencontre.server.cli", "serve", "--port", str(port),
                       "--data", str(data), "--demo", "--public-url", f"http://127.0.0.1:{port}",
                       # Every simulated client comes from 127.0.0.1: lift the per-address cap.
                       "--connections-per-address", "10000000"]
            if self.redis_url:
                command += ["--redis", self.redis_url]
            process = ServerProcess(command, port, self.workdir / f"rencontre-{port}.log")
            process.start(self.ready_timeout)
            self.processes.append(process)
        self.links = wait_for(self._links, 10, "the printed links")

    def _links(self) -> dict[str, str] | None:
        text = self.processes[0].log_path.read_text(errors="replace")
        found = dict(re.findall(r"^  (.+?)\s{2,}(\S.*)$", text, re.MULTILINE))
        wanted = ("Moderator panel", "Organiser", "Attendee page")
        return found if all(label in found for label in wanted) else None

    @property
    def attendee_token(self) -> str:
        return self.links["Attendee page"].rsplit("/a/", 1)[1].strip()

    @property
    def moderator_token(self) -> str:
        return self.links["Moderator panel"].split("token: ")[1].strip()

    @property
    def organiser_token(self) -> str:
        return self.links["Organiser"].split("token: ")[1].strip()


class Bare(Target):
    """``bench/bare_server.py``; several independent processes for the scale-out."""

    name = "bare"

    def __init__(self, workdir: Path, instances: int = 1, replay: Path | None = None) -> None:
        super().__init__(workdir)
        self.instances = instances
        self.replay = replay

    def start(self) -> None:
        for _ in range(self.instances):
            port = free_port()
            command = [sys.executable, "-m", "bench.bare_server", "--port", str(port)]
            if self.replay:
                command += ["--replay", str(self.replay)]
            process = ServerProcess(command, port, self.workdir / f"bare-{port}.log")
            process.start(self.ready_timeout)
            self.processes.append(process)

    @property
    def moderator_urls(self) -> list[str]:
        # Bare processes share nothing: the moderator posts to each, standing in for a
        # message bus that costs nothing.
        return self.ws_urls


@dataclass
class RedisServer:
    """A redis-server of the harness's own, AOF on, in the run's temporary directory."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.directory.mkdir(parents=True, exist_ok=True)
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1",
                   "--dir", str(self.directory), "--appendonly", "yes",
                   "--appendfsync", "always", "--save", "", "--daemonize", "no",
                   "--logfile", str(self.directory / "redis.log")]
        self.process = subprocess.Popen(pinned(command, SERVER_CPU),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._ping, 10, "redis-server")
        return self

    def _ping(self) -> bool:
        import socket

        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None
