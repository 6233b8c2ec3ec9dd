"""Attendance: registrations and badges, check-in verdicts in log order, session doors."""

from __future__ import annotations

import pytest

from rencontre.attendance.ledger import summary
from rencontre.attendance.registrations import badge_code, check_digit, search
from rencontre.engine.messages import Actor, Refusal, Role
from rencontre.engine.snapshots import event_snapshot
from tests.unit.helpers import ATTENDEE, KIOSK, MODERATOR, ORGANISER, demo_driver

KIOSK_B = Actor("kiosk-b", Role.KIOSK, "Kiosk 2")
S03_START = 1_773_160_200.0  # 2026-03-10 16:30 UTC, in a room of 60
PEOPLE = [
    {"name": "Ana Peña", "organisation": "Ciudad de Querétaro", "city": "Querétaro"},
    {"name": "Jean Dupont", "organisation": "Clermont Auvergne Métropole",
     "city": "Clermont-Ferrand", "kind": "remote"},
    {"name": "Lucía Gómez", "city": "Medellín", "badge": "MED-0042"},
]


def registered(driver=None):
    driver = driver or demo_driver()
    outcome = driver.send("attendance.import", {"people": PEOPLE}, actor=ORGANISER)
    assert outcome["ok"], outcome
    return driver, outcome["result"]["badges"]


def scan(driver, badge, actor=KIOSK, key=None, **extra):
    return driver.send("checkin.scan", {"badge": badge, **extra}, actor=actor, key=key)


def test_generated_badges_carry_a_check_digit_that_catches_a_typo():
    assert check_digit("000001") == "8"
    code = badge_code(1)
    assert code == "0000018"
    driver, badges = registered()
    assert badges[:2] == [badge_code(1), badge_code(2)] and badges[2] == "MED-0042"
    mistyped = badges[0][:-1] + str((int(badges[0][-1]) + 1) % 10)
    with pytest.raises(Refusal) as refused:
        scan(driver, mistyped)
    assert refused.value.code == "checkin.unknown-badge"


def test_the_first_scan_checks_in_and_the_second_says_who_was_first():
    driver, badges = registered()
    first = scan(driver, badges[0])["result"]
    assert first["verdict"] == "checked-in" and first["registration"]["name"] == "Ana Peña"
    second = scan(driver, badges[0], actor=KIOSK_B)["result"]
    assert second["verdict"] == "already"
    assert second["first"] == {"at": driver.clock, "device": "Kiosk 1", "offline_at": None}
    assert driver.state.attendance.counts() == {"registered": 3, "checked_in": 1}


def test_two_kiosks_racing_on_one_badge_agree_in_log_order():
    # Both scans were admitted before either was applied, as on two processes.
    driver, badges = registered()
    entries = [{"type": "checkin.scan", "data": {"badge": badges[1]}, "at": driver.clock,
                "actor": kiosk.to_json(), "key": f"{kiosk.id}/s1"} for kiosk in (KIOSK, KIOSK_B)]
    verdicts = [driver.append(entry)["result"]["verdict"] for entry in entries]
    assert verdicts == ["checked-in", "already"]


def test_an_offline_queue_replayed_twice_checks_in_once_with_its_scan_time():
    driver, badges = registered()
    queue = [("k/1", badges[0], driver.clock - 600), ("k/2", badges[2], driver.clock - 590)]
    first = [scan(driver, badge, key=key, offline_at=int(at)) for key, badge, at in queue]
    again = [scan(driver, badge, key=key, offline_at=int(at)) for key, badge, at in queue]
    assert first == again
    assert [o["result"]["verdict"] for o in first] == ["checked-in", "checked-in"]
    checkin = driver.state.attendance.checkins[first[0]["result"]["registration"]["id"]]
    assert checkin.offline_at == int(driver.clock - 600)
    assert driver.state.attendance.counts()["checked_in"] == 2


def test_name_search_ignores_case_and_accents():
    driver, _ = registered()
    assert [m["name"] for m in search(driver.state, "pena")] == ["Ana Peña"]
    assert [m["name"] for m in search(driver.state, "MEDELLIN")] == ["Lucía Gómez"]
    assert [m["name"] for m in search(driver.state, "clermont dup")] == ["Jean Dupont"]
    registration = search(driver.state, "lucia")[0]
    assert registration["checked_in_at"] is None
    driver.send("checkin.manual", {"registration": registration["id"]}, actor=KIOSK)
    assert search(driver.state, "lucia")[0]["checked_in_at"] == driver.clock


def test_a_session_door_admits_up_to_the_room_capacity_and_checks_in():
    driver, badges = registered()
    driver.clock = S03_START - 600  # doors open 30 minutes before
    session = driver.state.programme.sessions["s03"]
    room = driver.state.programme.rooms[session.room]
    room.capacity = 2
    entered = driver.send("entry.scan", {"badge": badges[0], "session": "s03"}, actor=KIOSK)
    assert (entered["result"]["verdict"], entered["result"]["count"]) == ("entered", 1)
    assert driver.state.attendance.counts()["checked_in"] == 1
    again = driver.send("entry.scan", {"badge": badges[0], "session": "s03"}, actor=KIOSK_B)
    assert again["result"]["verdict"] == "already"
    driver.send("entry.scan", {"badge": badges[1], "session": "s03"}, actor=KIOSK)
    with pytest.raises(Refusal) as full:
        driver.send("entry.scan", {"badge": badges[2], "session": "s03"}, actor=KIOSK)
    assert (full.value.code, full.value.params["capacity"]) == ("entry.full", 2)


def test_nobody_enters_a_cancelled_session():
    driver, badges = registered()
    driver.send("session.cancel", {"session": "s03"}, actor=MODERATOR)
    with pytest.raises(Refusal) as over:
        driver.send("entry.scan", {"badge": badges[0], "session": "s03"}, actor=KIOSK)
    assert over.value.code == "entry.session-over"


def test_roles_attendees_cannot_scan_and_kiosks_cannot_register_or_undo():
    driver, badges = registered()
    for command, data, actor in [
            ("checkin.scan", {"badge": badges[0]}, ATTENDEE),
            ("attendance.register", {"name": "X"}, KIOSK),
            ("attendance.import", {"people": PEOPLE}, MODERATOR),
            ("checkin.undo", {"registration": "r1-1"}, KIOSK)]:
        with pytest.raises(Refusal) as refused:
            driver.send(command, data, actor=actor)
        assert refused.value.code == "auth.forbidden", command


def test_an_import_is_all_or_nothing_and_names_the_wrong_row():
    driver, _ = registered()
    with pytest.raises(Refusal) as taken:
        driver.send("attendance.import", {"people": [{"name": "New"}, {"name": "Dup",
                                                                        "badge": "MED-0042"}]},
                    actor=ORGANISER)
    assert (taken.value.code, taken.value.params["row"]) == ("attendance.badge-taken", 2)
    with pytest.raises(Refusal) as wrong:
        driver.send("attendance.import", {"people": [{"name": "Ok"}, {"city": "No name"}]},
                    actor=ORGANISER)
    assert (wrong.value.code, wrong.value.params) == ("attendance.invalid",
                                                      {"row": 2, "field": "name"})
    assert driver.state.attendance.counts()["registered"] == 3


def test_undo_takes_a_check_in_back_and_kiosks_hear_of_it():
    driver, badges = registered()
    registration = scan(driver, badges[0])["result"]["registration"]["id"]
    driver.send("checkin.undo", {"registration": registration}, actor=MODERATOR)
    assert driver.state.attendance.counts()["checked_in"] == 0
    assert {p.topic for p in driver.pushes[-3:]} == {"role:kiosk", "role:moderator",
                                                      "role:organiser"}
    assert scan(driver, badges[0])["result"]["verdict"] == "checked-in"


def test_kiosks_and_staff_get_the_counts_and_recent_check_ins_on_hello():
    driver, badges = registered()
    scan(driver, badges[2])
    scan(driver, badges[0])
    snapshot = event_snapshot(driver.state, KIOSK, driver.clock)
    assert snapshot["attendance"]["checked_in"] == 2
    assert [r["registration"]["name"] for r in snapshot["attendance"]["recent"]] == [
        "Ana Peña", "Lucía Gómez"]
    assert "attendance" not in event_snapshot(driver.state, ATTENDEE, driver.clock)
    assert summary(driver.replay().state) == summary(driver.state)


def test_online_presence_opens_once_per_source_and_closes_when_the_last_source_lets_go():
    driver = demo_driver()
    start = {"session": "s05", "source": "a"}
    driver.send("presence.start", start, actor=ATTENDEE)
    driver.send("presence.start", start, actor=ATTENDEE, at=driver.clock + 60)
    driver.send("presence.start", {**start, "source": "b"}, actor=ATTENDEE, at=driver.clock + 90)
    presence = driver.state.attendance.online["s05"][ATTENDEE.id]
    assert presence.intervals == [[driver.clock, None]]
    driver.send("presence.stop", {**start, "since": int(driver.clock + 100)}, actor=ATTENDEE,
                at=driver.clock + 160)
    assert presence.intervals == [[driver.clock, None]], "source b still sees a page"
    driver.send("presence.stop", {**start, "source": "b", "since": int(driver.clock + 200)},
                actor=ATTENDEE, at=driver.clock + 260)
    assert presence.intervals == [[driver.clock, driver.clock + 200]]
    assert driver.state.attendance.watching["s05"] == set()
