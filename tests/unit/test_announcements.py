"""Announcements: to everyone or one room, with expiry, withdrawn by staff."""

from __future__ import annotations

import pytest

from rencontre.engine.messages import Refusal
from rencontre.engine.snapshots import event_snapshot, room_snapshot
from tests.unit.helpers import ATTENDEE, MODERATOR, demo_driver


def test_event_wide_announcement_reaches_everyone():
    driver = demo_driver()
    outcome = driver.send("announcement.post", {"text": "<b>Bienvenue</b>"}, actor=MODERATOR)
    push = driver.pushes[-1]
    assert push.topic == "all"
    assert push.message["type"] == "announcement.posted"
    assert push.message["announcement"]["text"] == "<b>Bienvenue</b>"
    assert push.message["seq"] == outcome["seq"]
    snapshot = event_snapshot(driver.state, ATTENDEE, driver.clock)
    assert [a["text"] for a in snapshot["announcements"]] == ["<b>Bienvenue</b>"]


def test_room_announcement_goes_to_the_room_and_staff_only():
    driver = demo_driver()
    driver.send("announcement.post", {"text": "Mic 2 is broken", "room": "s02"}, actor=MODERATOR)
    topics = {push.topic for push in driver.pushes[-4:]}
    assert topics == {"room:s02", "news:s02", "role:moderator", "role:organiser"}
    assert event_snapshot(driver.state, ATTENDEE, driver.clock)["announcements"] == []
    room = room_snapshot(driver.state, "s02", ATTENDEE, driver.clock)
    assert [a["text"] for a in room["announcements"]] == ["Mic 2 is broken"]
    assert room_snapshot(driver.state, "s03", ATTENDEE, driver.clock)["announcements"] == []
    staff = event_snapshot(driver.state, MODERATOR, driver.clock)
    assert [a["room"] for a in staff["all_announcements"]] == ["s02"]


def test_announcement_to_an_unknown_room_is_refused():
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("announcement.post", {"text": "x", "room": "nowhere"}, actor=MODERATOR)
    assert refused.value.code == "room.unknown"


def test_expired_announcements_leave_snapshots():
    driver = demo_driver()
    driver.send("announcement.post", {"text": "Doors open", "expires_in": 10}, actor=MODERATOR)
    assert event_snapshot(driver.state, ATTENDEE, driver.clock + 599)["announcements"]
    assert event_snapshot(driver.state, ATTENDEE, driver.clock + 600)["announcements"] == []


def test_withdrawn_announcement_disappears_everywhere():
    driver = demo_driver()
    posted = driver.send("announcement.post", {"text": "Oops", "room": "s01"}, actor=MODERATOR)
    driver.send("announcement.withdraw", {"announcement": posted["result"]["id"]}, actor=MODERATOR)
    assert driver.pushes[-1].message == {"type": "announcement.withdrawn",
                                         "seq": driver.state.seq, "room": "s01",
                                         "id": posted["result"]["id"]}
    assert room_snapshot(driver.state, "s01", ATTENDEE, driver.clock)["announcements"] == []


def test_expired_announcements_are_forgotten_when_the_next_one_is_posted():
    driver = demo_driver()
    driver.send("announcement.post", {"text": "Doors open", "expires_in": 10}, actor=MODERATOR)
    driver.send("announcement.post", {"text": "Welcome"}, actor=MODERATOR)
    driver.send("announcement.post", {"text": "Lunch", "expires_in": 60}, actor=MODERATOR,
                at=driver.clock + 600)
    assert sorted(a.text for a in driver.state.announcements) == [
        "Lunch", "Welcome"]
    assert driver.replay().state.announcements == driver.state.announcements


def test_a_withdrawn_announcement_with_an_expiry_is_pruned_once():
    driver = demo_driver()
    posted = driver.send("announcement.post", {"text": "Soon gone", "expires_in": 5},
                         actor=MODERATOR)
    driver.send("announcement.withdraw", {"announcement": posted["result"]["id"]}, actor=MODERATOR)
    driver.send("announcement.post", {"text": "Later"}, actor=MODERATOR, at=driver.clock + 3600)
    assert [a.text for a in driver.state.announcements] == ["Later"]
    assert driver.state.announcements.expiries == []


def test_an_announcement_in_three_languages_keeps_each_text():
    driver = demo_driver()
    texts = {"fr": "Le café est servi", "es": "El café está servido", "en": "Coffee is served"}
    driver.send("announcement.post", {"texts": texts}, actor=MODERATOR)
    announcement = driver.pushes[-1].message["announcement"]
    assert announcement["texts"] == texts
    assert announcement["text"] == "Coffee is served"  # for readers that pick no language
    snapshot = event_snapshot(driver.state, ATTENDEE, driver.clock)
    assert snapshot["announcements"][0]["texts"] == texts
    assert driver.replay().state.announcements == driver.state.announcements


def test_an_announcement_in_one_language_is_its_own_text():
    driver = demo_driver()
    driver.send("announcement.post", {"texts": {"es": "Cambio de sala"}}, actor=MODERATOR)
    assert driver.pushes[-1].message["announcement"]["text"] == "Cambio de sala"


def test_an_announcement_needs_a_text_in_some_language():
    driver = demo_driver()
    for data in ({}, {"texts": {}}, {"texts": {"de": "Kaffee"}}, {"texts": {"fr": "  "}}):
        with pytest.raises(Refusal) as refused:
            driver.send("announcement.post", data, actor=MODERATOR)
        assert refused.value.code in ("request.missing", "request.invalid"), data
    assert len(driver.state.announcements) == 0
