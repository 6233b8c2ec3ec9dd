"""Real files imported from the command line and the organiser panel (issue 12): refused
without ``--lenient`` with every problem listed, imported with it, each skipped or repaired
entry listed with its place; messages in the user's language, counted with plural forms."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import FormData

from rencontre.schedule.formats import ImportProblems, Problem, load
from tests.integration.test_import_cli import SAMPLES, log_length
from tests.integration.wsclient import Client
from tests.support import ROOT

REAL = {"36c3-merged.xml": 1347, "pretalx-rc3.json": 48, "linux-conf-au-2020.ics": 245,
        "jres-2022.ics": 119}


def run_import(*args: str | Path, lang: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "LANG": lang, "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}
    return subprocess.run(
        [sys.executable, "-m", "rencontre.server.cli", "import-schedule", *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=environ)


@pytest.mark.parametrize("name", sorted(REAL))
def test_a_real_file_is_refused_whole_then_imported_leniently(tmp_path, name: str) -> None:
    data = tmp_path / "data"
    with pytest.raises(ImportProblems) as refused:
        load((SAMPLES / name).read_bytes(), name)
    problems = refused.value.problems

    result = run_import(SAMPLES / name, "--data", data)
    assert result.returncode == 1
    for problem in problems:
        assert f"{problem}\n" in result.stderr
    count = len(problems)
    assert f"rencontre: {count} problem{'s' if count > 1 else ''} in {name}; nothing was " \
           "imported." in result.stderr
    assert "--lenient" in result.stderr
    assert log_length(data) == 0

    report: list[Problem] = []
    load((SAMPLES / name).read_bytes(), name, lenient=True, report=report)
    result = run_import(SAMPLES / name, "--data", data, "--lenient")
    assert result.returncode == 0, result.stderr
    for problem in report:
        assert f"{problem}\n" in result.stderr
    sessions = REAL[name]
    assert f"Imported {sessions} sessions in " in result.stdout
    reported = len(report)
    assert (f"{reported} problem was skipped or repaired." if reported == 1
            else f"{reported} problems were skipped or repaired.") in result.stdout
    assert log_length(data) == 1


def test_the_command_line_speaks_the_users_language(tmp_path) -> None:
    data = tmp_path / "data"
    result = run_import(SAMPLES / "jres-2022.ics", "--data", data, lang="fr_FR.UTF-8")
    assert "la session doit finir après son début" in result.stderr
    assert "rencontre: 1 problème dans jres-2022.ics\u202f; rien n’a été importé." in result.stderr
    result = run_import(SAMPLES / "jres-2022.ics", "--data", data, "--lenient",
                        lang="es_MX.UTF-8")
    assert "(omitida)" in result.stderr
    assert "Se importaron 119 sesiones en " in result.stdout
    assert "1 problema se omitió o se reparó." in result.stdout


def upload(name: str, **fields: str) -> FormData:
    form = FormData()
    form.add_field("file", (SAMPLES / name).read_bytes(), filename=name,
                   content_type="application/octet-stream")
    form.add_field("mode", "replace")
    for key, value in fields.items():
        form.add_field(key, value)
    return form


async def test_the_organiser_upload_has_a_lenient_checkbox(app_client) -> None:
    organiser = {"rencontre_token": app_client.tokens["Organiser"]}
    page = await (await app_client.get("/organiser?lang=fr", cookies=organiser)).text()
    assert 'name="lenient"' in page and 'name="force"' in page
    response = await app_client.post("/organiser/import", cookies=organiser,
                                     data=upload("linux-conf-au-2020.ics"))
    assert response.status == 422
    page = await response.text()
    assert "linux-conf-au-2020.ics n’a pas été importé\u202f: 17 problèmes." in page
    assert "<code>VEVENT #2 (UID 235@lca2020.linux.org.au)</code>: pas de LOCATION" in page
    assert len(app_client.hub.state.programme.sessions) == 22

    response = await app_client.post("/organiser/import", cookies=organiser,
                                     data=upload("linux-conf-au-2020.ics", lenient="on"))
    assert response.status == 200, await response.text()
    page = await response.text()
    assert "17 entrées ont été omises ou réparées\u202f:" in page
    assert page.count("pas de LOCATION (omise)") == 17
    assert len(app_client.hub.state.programme.sessions) == 245


async def test_a_csv_merge_in_spanish_is_a_programme_change_pushed_live(app_client) -> None:
    """Rooms named in another language are the event's rooms; each changed session gets its
    line in the change log and a push, like a live change."""
    organiser = {"rencontre_token": app_client.tokens["Organiser"]}
    watcher = await Client.connect(str(app_client.make_url("/ws")).replace("http", "ws", 1),
                                   app_client.tokens["Moderator panel"])
    state = app_client.hub.state
    rooms, before = dict(state.programme.rooms), state.programme.sessions["s02"]
    exported = (await (await app_client.get("/schedule.csv?lang=es")).read()).decode("utf-8-sig")
    assert "Sala plenaria Teatro" in exported  # rooms by their Spanish names
    start = before.start.astimezone(state.programme.event.zone)
    end = before.end.astimezone(state.programme.event.zone)
    def times(shift: timedelta) -> str:
        return ",".join((moment + shift).isoformat(timespec="minutes") for moment in (start, end))

    moved = exported.replace(f"s02,{before.guid},{times(timedelta())}",
                             f"s02,{before.guid},{times(timedelta(minutes=10))}")
    assert moved != exported
    form = FormData()
    form.add_field("file", moved.encode(), filename="programa.csv", content_type="text/csv")
    form.add_field("mode", "merge")
    response = await app_client.post("/organiser/import", cookies=organiser, data=form)
    assert response.status == 200, await response.text()
    assert (await watcher.push("schedule.loaded"))["programme"]
    change = (await watcher.push("session.changed"))["change"]
    assert (change["kind"], change["session"], change["minutes"]) == ("delayed", "s02", 10)
    assert change["source"] == "import"
    assert state.programme.rooms.keys() == rooms.keys(), "no room created twice"
    assert state.programme.rooms["plenaria"].name == rooms["plenaria"].name
    assert state.programme.sessions["s02"].start == before.start + timedelta(minutes=10)
    assert state.changes[-1].session == "s02"
    await watcher.close()
