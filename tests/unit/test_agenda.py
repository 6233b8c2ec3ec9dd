"""Personal agendas and private calendar feeds."""

from __future__ import annotations

import pytest

from rencontre.engine.messages import Refusal
from rencontre.engine.snapshots import event_snapshot
from tests.unit.helpers import ATTENDEE, MODERATOR, demo_driver


def test_starred_sessions_follow_the_attendee_and_only_them():
    driver = demo_driver()
    driver.send("agenda.star", {"session": "s02"}, actor=ATTENDEE)
    driver.send("agenda.star", {"session": "s05"}, actor=ATTENDEE)
    driver.send("agenda.star", {"session": "s02"}, actor=ATTENDEE)
    driver.send("agenda.unstar", {"session": "s05"}, actor=ATTENDEE)
    assert event_snapshot(driver.state, ATTENDEE, 0)["starred"] == ["s02"]
    assert event_snapshot(driver.state, MODERATOR, 0)["starred"] == []
    assert {p.topic for p in driver.pushes if p.message["type"].startswith("agenda.")} == {
        f"principal:{ATTENDEE.id}"}


def test_starring_an_unknown_session_is_refused():
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("agenda.star", {"session": "zzz"}, actor=ATTENDEE)
    assert refused.value.code == "session.unknown"
    with pytest.raises(Refusal) as anonymous:
        driver.send("agenda.star", {"session": "s01"}, actor=None)
    assert anonymous.value.code == "auth.forbidden"


def test_feed_token_opens_the_feed_until_replaced_or_revoked():
    driver = demo_driver()
    first = driver.send("agenda.feed-token", {}, actor=ATTENDEE)["result"]
    token = f"{first['principal']}.{first['secret']}"
    assert first["secret"] not in str(driver.log)
    assert driver.state.agendas.feed_owner(token) == ATTENDEE.id
    assert driver.state.agendas.feed_owner(token + "x") is None
    second = driver.send("agenda.feed-token", {}, actor=ATTENDEE)["result"]
    assert driver.state.agendas.feed_owner(token) is None
    renewed = f"{second['principal']}.{second['secret']}"
    assert driver.state.agendas.feed_owner(renewed) == ATTENDEE.id
    driver.send("agenda.feed-revoke", {}, actor=ATTENDEE)
    assert driver.state.agendas.feed_owner(renewed) is None
