"""Live changes to the programme, and the conflicts they must not create."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rencontre.engine.messages import Refusal
from rencontre.schedule.model import Status
from tests.unit.helpers import ATTENDEE, MODERATOR, demo_driver

# Demo, day 1 (2026-03-10, America/Mexico_City): s01 09:00 plenaria (ana-ruiz),
# s02 10:30–12:00 plenaria (claire-dubois, joao-silva), s03 10:30 taller-a,
# s06 15:00–16:30 plenaria (kofi-mensah, amina-diallo), s07 15:00 taller-a (luis-ortega).


def session(driver, sid):
    return driver.state.programme.sessions[sid]


def test_delay_moves_the_session_bumps_sequence_and_logs_the_change():
    driver = demo_driver()
    before = session(driver, "s02")
    outcome = driver.send("session.delay", {"session": "s02", "minutes": 15}, actor=MODERATOR)
    after = session(driver, "s02")
    assert after.start == before.start + timedelta(minutes=15)
    assert after.end == before.end + timedelta(minutes=15)
    assert (after.status, after.delay, after.sequence) == (Status.DELAYED, 15, 1)
    assert after.updated is not None and after.guid == before.guid
    change = driver.state.changes[-1]
    assert (change.kind, change.session, change.details["minutes"]) == ("delayed", "s02", 15)
    push = driver.pushes[-1]
    assert (push.topic, push.message["type"]) == ("all", "session.changed")
    assert push.message["sessions"][0]["start"] == after.to_json()["start"]
    assert driver.state.programme_seq == outcome["seq"]


def test_delay_into_the_next_session_is_a_room_conflict_unless_forced():
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("session.delay", {"session": "s02", "minutes": 240}, actor=MODERATOR)
    assert refused.value.code == "schedule.room-conflict"
    assert refused.value.params["other"] == "s06"
    assert session(driver, "s02").sequence == 0
    forced = driver.send("session.delay", {"session": "s02", "minutes": 240, "force": True},
                         actor=MODERATOR)
    assert forced["ok"]


def test_delay_can_shift_what_follows_in_the_room_that_day():
    driver = demo_driver()
    starts = {sid: session(driver, sid).start for sid in ("s01", "s02", "s06", "s09")}
    driver.send("session.delay", {"session": "s02", "minutes": 240, "shift_following": True},
                actor=MODERATOR)
    assert session(driver, "s01").start == starts["s01"]
    assert session(driver, "s02").start == starts["s02"] + timedelta(minutes=240)
    assert session(driver, "s06").start == starts["s06"] + timedelta(minutes=240)
    assert session(driver, "s09").start == starts["s09"]  # the next day stays
    assert driver.state.changes[-1].details["also"] == ["s06"]


def test_moving_into_an_occupied_room_is_refused():
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("session.move", {"session": "s07", "room": "plenaria"}, actor=MODERATOR)
    assert refused.value.code == "schedule.room-conflict"
    moved = driver.send("session.move", {"session": "s07", "room": "taller-b"}, actor=MODERATOR)
    assert moved["ok"]
    assert session(driver, "s07").room == "taller-b"
    assert driver.state.changes[-1].details == {"from_room": "taller-a", "to_room": "taller-b"}


def test_a_speaker_cannot_be_in_two_places():
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("session.edit", {"session": "s07", "speakers": "luis-ortega, kofi-mensah"},
                    actor=MODERATOR)
    assert refused.value.code == "schedule.speaker-conflict"
    assert refused.value.params["conflicts"][0]["with"] == "kofi-mensah"


def test_cancel_frees_the_room_and_restore_checks_it_again():
    driver = demo_driver()
    driver.send("session.cancel", {"session": "s06"}, actor=MODERATOR)
    assert session(driver, "s06").status is Status.CANCELLED
    assert session(driver, "s06").sequence == 1
    driver.send("session.delay", {"session": "s02", "minutes": 240}, actor=MODERATOR)
    with pytest.raises(Refusal) as refused:
        driver.send("session.restore", {"session": "s06"}, actor=MODERATOR)
    assert refused.value.code == "schedule.room-conflict"


def test_start_and_end_change_status_and_refuse_nonsense():
    driver = demo_driver()
    driver.send("session.start", {"session": "s01"}, actor=MODERATOR)
    assert session(driver, "s01").status is Status.LIVE
    with pytest.raises(Refusal):
        driver.send("session.start", {"session": "s01"}, actor=MODERATOR)
    driver.send("session.end", {"session": "s01"}, actor=MODERATOR)
    assert session(driver, "s01").status is Status.ENDED
    with pytest.raises(Refusal) as refused:
        driver.send("session.delay", {"session": "s01", "minutes": 5}, actor=MODERATOR)
    assert refused.value.code == "session.bad-status"


def test_edit_keeps_other_languages_and_refuses_bad_times():
    driver = demo_driver()
    driver.send("session.edit", {"session": "s03", "title": {"es": "Taller: islas de calor"}},
                actor=MODERATOR)
    assert session(driver, "s03").title == {"es": "Taller: islas de calor"}
    assert session(driver, "s03").sequence == 0  # a title is not a time change
    with pytest.raises(Refusal) as refused:
        driver.send("session.edit", {"session": "s03", "end": "2026-03-10T16:00:00Z",
                                     "start": "2026-03-10T17:00:00Z"}, actor=MODERATOR)
    assert refused.value.code == "session.bad-times"


def test_attendees_cannot_change_the_programme():
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("session.cancel", {"session": "s01"}, actor=ATTENDEE)
    assert refused.value.code == "auth.forbidden"


def test_unknown_session_and_room_are_refused():
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("session.delay", {"session": "nope", "minutes": 5}, actor=MODERATOR)
    assert refused.value.code == "session.unknown"
    with pytest.raises(Refusal) as refused:
        driver.send("session.move", {"session": "s01", "room": "attic"}, actor=MODERATOR)
    assert refused.value.code == "room.unknown-room"


def test_reimport_updates_sessions_in_place_by_guid():
    from rencontre.schedule.demo import demo_programme
    from tests.unit.helpers import DEMO_START

    driver = demo_driver()
    updated = demo_programme(DEMO_START)
    for item in updated["sessions"]:
        item["id"] = "imported-" + item["id"]  # another tool's ids; the guids match
    updated["sessions"][1]["start"] = "2026-03-10T16:45:00Z"
    driver.send("schedule.load", {"programme": updated, "mode": "merge"})
    programme = driver.state.programme
    assert len(programme.sessions) == 22
    assert programme.sessions["s02"].sequence == 1
    assert programme.sessions["s01"].sequence == 0
    assert programme.sessions["s02"].start.isoformat() == "2026-03-10T16:45:00+00:00"
