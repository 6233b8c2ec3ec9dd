"""Programme commands and imports that keep the feeds sound (issue 12)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rencontre.engine.messages import Refusal
from rencontre.schedule.demo import demo_programme
from tests.unit.helpers import DEMO_START, MODERATOR, demo_driver


# 2. A title is one line


@pytest.mark.parametrize("title", ["Deux\nlignes", "Tab\there", "Bell\x07", "Next\x85line"])
def test_session_edit_refuses_control_characters_in_a_title(title: str) -> None:
    driver = demo_driver()
    before = driver.state.programme.sessions["s02"].title
    with pytest.raises(Refusal) as refused:
        driver.send("session.edit", {"session": "s02", "title": {"fr": title}}, actor=MODERATOR)
    assert refused.value.code == "request.invalid"
    assert refused.value.params["field"] == "title.fr"
    assert driver.state.programme.sessions["s02"].title == before
    assert driver.send("session.edit", {"session": "s02", "title": {"fr": "Une ligne, ; ok"}},
                       actor=MODERATOR)["ok"]


def test_schedule_load_refuses_a_title_on_two_lines() -> None:
    programme = demo_programme(DEMO_START)
    programme["sessions"][1]["title"] = {"en": "Two\nlines"}
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("schedule.load", {"programme": programme, "mode": "replace"})
    assert refused.value.code == "schedule.invalid"
    assert refused.value.params["place"].endswith(".title")


# 5. Overlaps at import, as live changes refuse them


def demo_with(*edits) -> dict:
    """The demo programme as JSON, with ``edits(sessions_by_id)`` applied."""
    programme = demo_programme(DEMO_START)
    by_id = {s["id"]: s for s in programme["sessions"]}
    for edit in edits:
        edit(by_id)
    return programme


def test_a_merge_that_overlaps_a_session_is_refused_unless_forced() -> None:
    driver = demo_driver()
    s01 = driver.state.programme.sessions["s01"]
    clash = {"event": demo_programme(DEMO_START)["event"], "rooms": [
        {"id": "plenaria", "name": {"en": "Plenary hall Teatro"}}],
        "sessions": [{"id": "new", "title": {"en": "Squeezed in"}, "room": "plenaria",
                      "start": s01.to_json()["start"], "end": s01.to_json()["end"]}]}
    with pytest.raises(Refusal) as refused:
        driver.send("schedule.load", {"programme": clash, "mode": "merge"})
    assert refused.value.code == "schedule.room-conflict"
    (conflict,) = refused.value.params["conflicts"]
    assert {conflict["session"], conflict["other"]} == {"new", "s01"}
    assert conflict["room"] == "plenaria"
    assert "new" not in driver.state.programme.sessions
    assert driver.send("schedule.load", {"programme": clash, "mode": "merge", "force": True})["ok"]
    assert "new" in driver.state.programme.sessions


def test_a_speaker_in_two_sessions_at_once_is_loaded_and_listed() -> None:
    """Real programmes have them (a panel beside its speaker's talk): the load goes through,
    and its result names each pair with the speaker, for the organiser to check."""
    driver = demo_driver()
    s02 = driver.state.programme.sessions["s02"].to_json()
    both = {"id": "panel", "title": {"en": "Panel"}, "room": "sala-nueva",
            "start": s02["start"], "end": s02["end"], "speakers": ["joao-silva", "claire-dubois"]}
    cancelled = {**both, "id": "old-panel", "status": "cancelled"}
    demo = demo_programme(DEMO_START)
    programme = {"event": demo["event"], "speakers": demo["speakers"],
                 "rooms": [{"id": "sala-nueva", "name": {"en": "New room"}}],
                 "sessions": [both, cancelled]}
    outcome = driver.send("schedule.load", {"programme": programme, "mode": "merge"})
    assert outcome["result"]["speaker_conflict_count"] == 2
    assert outcome["result"]["speaker_conflicts"] == [
        {"session": "s02", "other": "panel", "speaker": "claire-dubois"},
        {"session": "s02", "other": "panel", "speaker": "joao-silva"}]
    assert "panel" in driver.state.programme.sessions
    # The event's own sessions are not listed again by a load that does not touch them.
    unrelated = {**programme, "sessions": [{**both, "id": "later", "start": "2026-03-12T20:00:00Z",
                                            "end": "2026-03-12T21:00:00Z"}]}
    outcome = driver.send("schedule.load", {"programme": unrelated, "mode": "merge"})
    assert outcome["result"]["speaker_conflict_count"] == 0


# 6. An import is a programme change like any other


def test_a_merge_import_writes_one_change_per_changed_session_and_pushes_it() -> None:
    driver = demo_driver()
    before = {sid: driver.state.programme.sessions[sid] for sid in ("s02", "s03", "s05")}

    def later(sessions):  # s02 moves 15 minutes later (its room is free then)
        for edge in ("start", "end"):
            moment = before["s02"].start if edge == "start" else before["s02"].end
            sessions["s02"][edge] = (moment + timedelta(minutes=15)).isoformat()

    def cancel(sessions):
        sessions["s03"]["status"] = "cancelled"

    def retitle(sessions):
        sessions["s05"]["title"] = {**sessions["s05"]["title"], "en": "A new title"}

    changes, pushes = len(driver.state.changes), len(driver.pushes)
    outcome = driver.send("schedule.load", {"programme": demo_with(later, cancel, retitle),
                                            "mode": "merge"})
    assert outcome["result"]["changed"] == 3
    new = sorted(driver.state.changes[changes:], key=lambda change: change.session)
    assert [(c.kind, c.session) for c in new] == [
        ("delayed", "s02"), ("cancelled", "s03"), ("edited", "s05")]
    assert new[0].details["minutes"] == 15 and new[0].details["source"] == "import"
    assert new[2].details["fields"] == ["title"]
    sent = [p.message["type"] for p in driver.pushes[pushes:]]
    assert sent == ["schedule.loaded", "session.changed", "session.changed", "session.changed"]
    after = driver.state.programme.sessions
    assert after["s02"].sequence == before["s02"].sequence + 1  # bumped once, not twice
    assert after["s03"].sequence == before["s03"].sequence + 1
    assert after["s05"].sequence == before["s05"].sequence  # a new title is no move
    # Replaying the log gives the same programme and change log.
    replayed = driver.replay().state
    assert [c.to_json() for c in replayed.changes] == [c.to_json() for c in driver.state.changes]
    assert replayed.programme.to_json() == driver.state.programme.to_json()


def test_a_replacing_import_logs_each_session_it_leaves_out() -> None:
    """Whoever starred or follows a session that a new file no longer has is told so."""
    driver = demo_driver()
    programme = demo_programme(DEMO_START)
    dropped = [s for s in programme["sessions"] if s["id"] in ("s04", "s07")]
    programme["sessions"] = [s for s in programme["sessions"] if s not in dropped]
    changes, pushes = len(driver.state.changes), len(driver.pushes)
    outcome = driver.send("schedule.load", {"programme": programme, "mode": "replace"})
    assert outcome["result"]["changed"] == 2
    removed = driver.state.changes[changes:]
    assert [(c.kind, c.session) for c in removed] == [("removed", "s04"), ("removed", "s07")]
    assert [c.details["title"] for c in removed] == [s["title"] for s in dropped]
    assert "s04" not in driver.state.programme.sessions
    sent = [(p.message["type"], p.message.get("change", {}).get("kind"))
            for p in driver.pushes[pushes:]]
    assert sent == [("session.changed", "removed"), ("session.changed", "removed"),
                    ("schedule.loaded", None)]
    # A merge leaves out nothing; replaying gives the same programme and change log.
    assert driver.send("schedule.load", {"programme": programme, "mode": "merge"})[
        "result"]["changed"] == 0
    replayed = driver.replay().state
    assert [c.to_json() for c in replayed.changes] == [c.to_json() for c in driver.state.changes]
    assert replayed.programme.to_json() == driver.state.programme.to_json()


def test_a_csv_merge_finds_rooms_by_id_then_by_any_languages_name() -> None:
    driver = demo_driver()
    rooms = dict(driver.state.programme.rooms)
    programme = demo_programme(DEMO_START)
    programme["rooms"] = [{"id": "salle-pleniere-teatro", "name": {"en": "Salle plénière Teatro"}},
                          {"id": "nueva", "name": {"en": "Sala nueva"}}]
    s01 = next(s for s in programme["sessions"] if s["id"] == "s01")
    s01["room"] = "salle-pleniere-teatro"
    programme["sessions"] = [s01, {**s01, "id": "s99", "guid": "s99", "room": "nueva"}]
    assert driver.send("schedule.load", {"programme": programme, "mode": "merge"})["ok"]
    after = driver.state.programme
    assert after.sessions["s01"].room == "plenaria"
    assert "salle-pleniere-teatro" not in after.rooms
    assert after.rooms["plenaria"].name == rooms["plenaria"].name  # every language kept
    assert after.rooms["nueva"].name == {"en": "Sala nueva"}
