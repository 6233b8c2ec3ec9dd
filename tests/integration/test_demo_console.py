"""What `rencontre serve --demo` tells its operator, and starting the demo over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.support import ServerProcess


def seq(server: ServerProcess) -> int:
    with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as reply:
        return json.load(reply)["seq"]


def test_the_console_says_the_demo_runs_today_and_how_to_start_over(tmp_path: Path,
                                                                    servers: list) -> None:
    server = ServerProcess(tmp_path / "data")
    servers.append(server)
    server.start()
    output = server.log_tail()
    today = datetime.now(ZoneInfo("America/Mexico_City")).date()
    assert f"The demo event runs today, {today:%A %d %B %Y}, for 3 days" in output
    assert "Querétaro time, America/Mexico_City" in output
    assert "rencontre serve --demo --reset-demo" in output
    assert str((tmp_path / "data").resolve()) in output


def test_reset_demo_starts_a_fresh_event(tmp_path: Path, servers: list) -> None:
    first = ServerProcess(tmp_path / "data")
    servers.append(first)
    first.start()
    made = seq(first)
    first.stop()
    # Every start adds this run's console credentials: the log grows.
    again = ServerProcess(tmp_path / "data")
    servers.append(again)
    again.start()
    assert seq(again) > made
    again.stop()
    fresh = ServerProcess(tmp_path / "data", extra=["--reset-demo"])
    servers.append(fresh)
    fresh.start()
    assert seq(fresh) == made


def test_a_bad_setting_in_the_environment_is_one_line(tmp_path: Path) -> None:
    for name, value in (("PORT", "eighty"), ("RENCONTRE_LOG_FORMAT", "xml")):
        done = subprocess.run([sys.executable, "-m", "rencontre.server.cli", "serve"],
                              env={**os.environ, name: value}, capture_output=True, text=True,
                              cwd=tmp_path, timeout=30)
        assert done.returncode == 2
        assert done.stderr.strip().splitlines() == [
            f"rencontre: {name} must be "
            + ("a whole number, not 'eighty'" if name == "PORT"
               else "one of text, json, not 'xml'")]
