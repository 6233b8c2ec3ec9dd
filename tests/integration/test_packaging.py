"""The wheel a release ships: one `rencontre` package that runs the demo from anywhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support import ROOT, free_port, wait_for

SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__",
                              "rencontre-data", "node_modules", ".pytest_cache")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel built from this tree, and nothing else of the project."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=SKIP)
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                    "--outdir", str(work / "dist"), str(source)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = (work / "dist").glob("rencontre-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", str(wheel)],
                   check=True, capture_output=True, timeout=600)
    return venv


def test_the_wheel_installs_one_rencontre_package(installed: Path) -> None:
    (site,) = installed.glob("lib/python3*/site-packages")
    assert (site / "rencontre" / "schedule" / "model.py").is_file()
    for generic in ("schedule", "server", "engine", "access", "rooms", "attendance"):
        assert not (site / generic).exists(), f"{generic} installed at the top level"
    data = site / "rencontre"
    assert (data / "server" / "templates" / "base.html").is_file()
    assert (data / "locales" / "fr" / "LC_MESSAGES" / "messages.po").is_file()
    assert (data / "static" / "js" / "socket.js").is_file()


def test_the_installed_command_serves_the_demo_from_any_directory(installed: Path,
                                                                  tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "REDIS_URL", "VIRTUAL_ENV")}
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen([str(installed / "bin" / "rencontre"), "serve", "--demo",
                                "--port", str(port), "--data", "data"],
                               cwd=elsewhere, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200,
                 timeout=60, what="the installed server")
        french = urllib.request.Request(f"{base}/agenda", headers={"Accept-Language": "fr"})
        with urllib.request.urlopen(french, timeout=5) as reply:
            page = reply.read().decode()
        assert "Programme" in page and 'lang="fr"' in page
        with urllib.request.urlopen(f"{base}/static/js/socket.js", timeout=5) as reply:
            assert b"WebSocket" in reply.read()
        with urllib.request.urlopen(f"{base}/schedule.xml", timeout=5) as reply:
            assert b"<schedule" in reply.read()
        assert (elsewhere / "data" / "rencontre.sqlite3").is_file()
    finally:
        process.terminate()
        process.wait(15)
        log.close()
