"""The engine: admission, log order, idempotency, refusals that change nothing."""

from __future__ import annotations

import pytest

from rencontre.engine.messages import Refusal
from rencontre.engine.outcomes import KEEP_FOR
from tests.unit.helpers import ATTENDEE, MODERATOR, Driver, demo_driver


def test_unknown_type_is_refused_before_the_log():
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("nope.nothing", {})
    assert refused.value.code == "request.unknown-type"
    assert len(driver.log) == 1


def test_wrong_role_is_forbidden_and_nothing_is_logged():
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("announcement.post", {"text": "hi"}, actor=ATTENDEE)
    assert refused.value.code == "auth.forbidden"
    assert len(driver.state.announcements) == 0
    assert len(driver.log) == 1


def test_missing_and_invalid_fields_have_their_own_codes():
    driver = demo_driver()
    with pytest.raises(Refusal) as missing:
        driver.send("announcement.withdraw", {}, actor=MODERATOR)
    assert (missing.value.code, missing.value.params["field"]) == (
        "request.missing", "announcement")
    with pytest.raises(Refusal) as invalid:
        driver.send("announcement.post", {"text": "x" * 501}, actor=MODERATOR)
    assert invalid.value.code == "request.invalid"
    with pytest.raises(Refusal) as extra:
        driver.send("announcement.post", {"text": "hi", "html": True}, actor=MODERATOR)
    assert extra.value.params["field"] == "html"
    assert len(driver.state.announcements) == 0


def test_a_retry_with_the_same_key_is_applied_once_with_the_same_outcome():
    driver = demo_driver()
    first = driver.send("announcement.post", {"text": "Coffee"}, actor=MODERATOR, key="mod/c1")
    again = driver.send("announcement.post", {"text": "Coffee"}, actor=MODERATOR, key="mod/c1")
    assert first == again
    assert len(driver.state.announcements) == 1
    assert len(driver.log) == 2


def test_a_retry_is_recognised_for_twelve_hours_of_log_time_then_forgotten():
    driver = demo_driver()
    first = driver.send("announcement.post", {"text": "Coffee"}, actor=MODERATOR, key="mod/c1")
    late = driver.clock + KEEP_FOR - 1
    assert driver.send("announcement.post", {"text": "Coffee"}, actor=MODERATOR, key="mod/c1",
                       at=late) == first
    driver.send("announcement.post", {"text": "Tea"}, actor=MODERATOR, key="mod/t1",
                at=driver.clock + KEEP_FOR + 1)
    assert "mod/c1" not in driver.state.outcomes and "mod/t1" in driver.state.outcomes
    again = driver.send("announcement.post", {"text": "Coffee"}, actor=MODERATOR, key="mod/c1",
                        at=driver.clock + KEEP_FOR + 2)
    assert again["seq"] > first["seq"]
    assert driver.replay().state.outcomes == driver.state.outcomes


def test_a_duplicate_already_in_the_log_is_not_applied_twice():
    # Two processes may each admit the same retry before either sees it applied.
    driver = demo_driver()
    entry = {"type": "announcement.post", "data": {"text": "Lunch"}, "at": driver.clock,
             "actor": MODERATOR.to_json(), "key": "mod/x"}
    first = driver.append(entry)
    second = driver.append(entry)
    assert first == second
    assert len(driver.state.announcements) == 1


def test_refusal_at_apply_time_is_the_outcome_and_changes_nothing():
    driver = demo_driver()
    posted = driver.send("announcement.post", {"text": "Soon"}, actor=MODERATOR)
    withdraw = {"type": "announcement.withdraw", "data": {"announcement": posted["result"]["id"]},
                "at": driver.clock, "actor": MODERATOR.to_json()}
    assert driver.append(withdraw)["ok"]
    late = driver.append(withdraw)
    assert late["ok"] is False and late["code"] == "announcement.unknown"
    assert len(driver.state.announcements) == 0


def test_replaying_the_log_rebuilds_the_same_state():
    driver = demo_driver()
    driver.send("announcement.post", {"text": "One"}, actor=MODERATOR, key="mod/1")
    driver.send("announcement.post", {"text": "Two", "room": "s02", "expires_in": 5},
                actor=MODERATOR)
    rebuilt = driver.replay().state
    assert rebuilt.seq == driver.state.seq
    assert rebuilt.announcements == driver.state.announcements
    assert rebuilt.programme == driver.state.programme
    assert rebuilt.outcomes == driver.state.outcomes


def test_entries_must_be_applied_in_order():
    driver = Driver()
    driver.engine.state.seq = 5
    with pytest.raises(ValueError):
        driver.engine.apply(5, {"type": "conn.ping", "at": 0})


def test_a_handler_bug_fails_the_entry_but_not_the_log(monkeypatch):
    from rencontre.engine.registry import registry

    driver = demo_driver()
    spec = registry.commands["announcement.post"]

    def broken(state, command):
        raise RuntimeError("bug")

    monkeypatch.setitem(registry.commands, "announcement.post",
                        type(spec)(spec.type, spec.roles, spec.fields, broken, spec.doc))
    outcome = driver.append({"type": "announcement.post", "data": {"text": "x"},
                             "at": 0, "actor": MODERATOR.to_json()})
    assert outcome["code"] == "server.error"
    assert driver.state.seq == 2
