"""Reactions: counted per session and kind, rate-limited per person, pushed coalesced."""

from __future__ import annotations

import pytest

from rencontre.engine.messages import Actor, Refusal, Role
from rencontre.engine.snapshots import room_snapshot
from rencontre.rooms.reactions import RATE_COUNT, RATE_WINDOW
from tests.unit.helpers import ATTENDEE, KIOSK, MODERATOR, demo_driver


def test_reactions_add_up_per_kind_and_reach_the_room_coalesced():
    driver = demo_driver()
    others = [Actor(f"a{n}", Role.ATTENDEE, f"A{n}") for n in range(3)]
    for actor in others:
        driver.send("reaction.send", {"session": "s01", "kind": "applause"}, actor=actor)
    driver.send("reaction.send", {"session": "s01", "kind": "heart"}, actor=ATTENDEE)
    push = driver.pushes[-1]
    assert push.topic == "room:s01"
    assert push.coalesce
    assert push.message["type"] == "reaction.added"
    assert push.message["counts"] == {"heart": 1}
    # Who reacted never leaves the server.
    assert "principal" not in push.message
    assert [p.message["counts"] for p in driver.pushes[-4:-1]] == [
        {"applause": 1}, {"applause": 2}, {"applause": 3}]
    snapshot = room_snapshot(driver.state, "s01", ATTENDEE, driver.clock)
    assert snapshot["reactions"]["counts"] == {"applause": 3, "laugh": 0, "heart": 1,
                                               "question": 0}
    assert room_snapshot(driver.state, "s02", ATTENDEE, driver.clock)["reactions"]["counts"][
        "applause"] == 0
    assert driver.replay().state.reactions == driver.state.reactions


def test_a_person_is_rate_limited_and_told_how_long_to_wait():
    driver = demo_driver()
    for n in range(RATE_COUNT):
        driver.send("reaction.send", {"session": "s01", "kind": "laugh"}, actor=ATTENDEE,
                    at=driver.clock + n)
    with pytest.raises(Refusal) as refused:
        driver.send("reaction.send", {"session": "s01", "kind": "laugh"}, actor=ATTENDEE,
                    at=driver.clock + RATE_COUNT)
    assert refused.value.code == "reaction.rate-limited"
    assert refused.value.params["retry_after"] == RATE_WINDOW - RATE_COUNT
    # Someone else is not held back, and the first person may react once the window moved.
    driver.send("reaction.send", {"session": "s01", "kind": "laugh"}, actor=MODERATOR,
                at=driver.clock + RATE_COUNT)
    driver.send("reaction.send", {"session": "s01", "kind": "laugh"}, actor=ATTENDEE,
                at=driver.clock + RATE_WINDOW + 0.5)
    assert driver.state.reactions.of("s01")["laugh"] == RATE_COUNT + 2


def test_bad_reactions_are_refused_and_change_nothing():
    driver = demo_driver()
    cases = [({"session": "s01", "kind": "boo"}, ATTENDEE, "request.invalid"),
             ({"session": "nope", "kind": "heart"}, ATTENDEE, "session.unknown"),
             ({"session": "s01", "kind": "heart"}, KIOSK, "auth.forbidden"),
             ({"session": "s01", "kind": "heart"}, None, "auth.forbidden")]
    for data, actor, code in cases:
        with pytest.raises(Refusal) as refused:
            driver.send("reaction.send", data, actor=actor)
        assert refused.value.code == code, data
    driver.send("session.cancel", {"session": "s02"}, actor=MODERATOR)
    with pytest.raises(Refusal) as refused:
        driver.send("reaction.send", {"session": "s02", "kind": "heart"}, actor=ATTENDEE)
    assert refused.value.code == "reaction.closed"
    assert driver.state.reactions.totals == {}
