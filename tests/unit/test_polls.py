"""Live polls: one ballot per principal, votes only while open, results as the poll says."""

from __future__ import annotations

import json

import pytest

from rencontre.engine.messages import Actor, Refusal, Role
from rencontre.engine.snapshots import room_snapshot
from rencontre.rooms.qa_export import export_json
from tests.unit.helpers import ATTENDEE, MODERATOR, demo_driver

BEA = Actor("bea", Role.ATTENDEE, "Bea")
CITIES = ["Querétaro", "Clermont-Ferrand", "Medellín"]


def make_poll(driver, open_it=True, **extra):
    data = {"session": "s02", "question": "Where next year?", "options": CITIES, **extra}
    poll = driver.send("poll.create", data, actor=MODERATOR)["result"]["id"]
    if open_it:
        driver.send("poll.open", {"poll": poll}, actor=MODERATOR)
    return poll


def vote(driver, poll, choices, actor=ATTENDEE, key=None):
    return driver.send("poll.vote", {"poll": poll, "choices": choices}, actor=actor, key=key)


def polls(driver, actor):
    return room_snapshot(driver.state, "s02", actor, driver.clock)["polls"]


def test_a_draft_is_seen_by_staff_only_and_takes_no_votes():
    driver = demo_driver()
    poll = make_poll(driver, open_it=False)
    assert polls(driver, ATTENDEE)["list"] == []
    assert [p["status"] for p in polls(driver, MODERATOR)["list"]] == ["draft"]
    assert {p.topic for p in driver.pushes[-1:]} == {"staff:s02"}
    with pytest.raises(Refusal) as refused:
        vote(driver, poll, [0])
    assert refused.value.code == "poll.not-open"


def test_one_ballot_per_principal_and_a_new_vote_replaces_the_old():
    driver = demo_driver()
    poll = make_poll(driver)
    vote(driver, poll, [0])
    vote(driver, poll, [0], key="att/again")  # the same choice again changes nothing
    vote(driver, poll, [2])
    vote(driver, poll, [2], actor=BEA)
    view = polls(driver, ATTENDEE)
    assert view["list"][0]["counts"] == [0, 0, 2]
    assert view["list"][0]["total"] == 2
    assert view["mine"] == {poll: [2]}
    assert polls(driver, BEA)["mine"] == {poll: [2]}


def test_an_empty_ballot_takes_the_vote_back():
    driver = demo_driver()
    poll = make_poll(driver, multiple=True)
    vote(driver, poll, [0, 1])
    assert vote(driver, poll, [])["result"] == {"poll": poll, "ballot": []}
    view = polls(driver, ATTENDEE)
    assert (view["list"][0]["counts"], view["list"][0]["total"], view["mine"]) == (
        [0, 0, 0], 0, {})


@pytest.mark.parametrize("choices, multiple", [
    ([3], False), ([0, 1], False), ([1, 1], True), ([-1], False),
])
def test_choices_outside_the_options_are_refused(choices, multiple):
    driver = demo_driver()
    poll = make_poll(driver, multiple=multiple)
    with pytest.raises(Refusal) as refused:
        vote(driver, poll, choices)
    assert refused.value.code in ("poll.bad-choice", "request.invalid")
    assert polls(driver, MODERATOR)["list"][0]["total"] == 0


def test_opening_a_poll_closes_the_open_one_and_puts_it_on_stage():
    driver = demo_driver()
    first = make_poll(driver)
    vote(driver, first, [1])
    second = make_poll(driver, question="Lunch or workshop first?", options=["Lunch", "Workshop"])
    statuses = {p["id"]: p["status"] for p in polls(driver, ATTENDEE)["list"]}
    assert statuses == {first: "closed", second: "open"}
    assert polls(driver, ATTENDEE)["shown"] == second
    with pytest.raises(Refusal):
        vote(driver, first, [0])
    driver.send("poll.show", {"session": "s02", "poll": first}, actor=MODERATOR)
    assert polls(driver, ATTENDEE)["shown"] == first
    driver.send("poll.show", {"session": "s02"}, actor=MODERATOR)
    assert polls(driver, ATTENDEE)["shown"] is None


def test_results_kept_for_the_end_are_hidden_from_attendees_until_it_closes():
    driver = demo_driver()
    poll = make_poll(driver, results="closed")
    vote(driver, poll, [1])
    room_pushes = [p for p in driver.pushes if p.topic == "room:s02"
                   and p.message["type"] == "poll.voted"]
    assert room_pushes == []
    attendee_view = polls(driver, BEA)["list"][0]
    assert (attendee_view["counts"], attendee_view["total"]) == (None, None)
    assert polls(driver, MODERATOR)["list"][0]["counts"] == [0, 1, 0]
    driver.send("poll.close", {"poll": poll}, actor=MODERATOR)
    closing = driver.pushes[-2]
    assert closing.topic == "room:s02" and closing.message["poll"]["counts"] == [0, 1, 0]
    assert polls(driver, BEA)["list"][0]["total"] == 1


def test_vote_pushes_are_coalesced_and_never_say_who_voted():
    driver = demo_driver()
    poll = make_poll(driver)
    vote(driver, poll, [0], actor=BEA)
    pushes = {p.topic: p for p in driver.pushes[-3:]}
    assert set(pushes) == {"staff:s02", "principal:bea", "room:s02"}
    assert all(p.coalesce for p in pushes.values())
    assert pushes["room:s02"].message["results"] == {poll: {"counts": [1, 0, 0], "total": 1}}
    assert "bea" not in str(pushes["room:s02"].message)
    assert pushes["principal:bea"].message["mine"] == {poll: [0]}


def test_attendees_cannot_run_polls_and_a_draft_cannot_go_on_stage():
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("poll.create", {"session": "s02", "question": "?", "options": ["a", "b"]},
                    actor=ATTENDEE)
    assert refused.value.code == "auth.forbidden"
    poll = make_poll(driver, open_it=False)
    with pytest.raises(Refusal) as draft:
        driver.send("poll.show", {"session": "s02", "poll": poll}, actor=MODERATOR)
    assert draft.value.code == "poll.draft"
    with pytest.raises(Refusal) as unknown:
        driver.send("poll.open", {"poll": "p999"}, actor=MODERATOR)
    assert unknown.value.code == "poll.unknown"


@pytest.mark.parametrize("options", [["only one"], [f"o{i}" for i in range(11)], ["ok", ""]])
def test_a_poll_needs_two_to_ten_non_empty_options(options):
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("poll.create", {"session": "s02", "question": "?", "options": options},
                    actor=MODERATOR)
    assert refused.value.code == "request.invalid"


def test_replaying_the_log_gives_the_same_counts_and_ballots():
    driver = demo_driver()
    poll = make_poll(driver, multiple=True)
    vote(driver, poll, [0, 2])
    vote(driver, poll, [1], actor=BEA)
    vote(driver, poll, [2])
    driver.send("poll.close", {"poll": poll}, actor=MODERATOR)
    rebuilt = driver.replay().state.polls
    assert rebuilt == driver.state.polls
    assert rebuilt.by_id[poll].counts == [0, 1, 1]


def test_the_session_export_holds_its_polls_with_their_final_counts():
    driver = demo_driver()
    poll = make_poll(driver, results="closed")
    vote(driver, poll, [2])
    vote(driver, poll, [2], actor=BEA)
    driver.send("poll.close", {"poll": poll}, actor=MODERATOR)
    exported = json.loads(export_json(driver.state, "s02"))["polls"]
    assert [(p["question"], p["counts"], p["total"], p["status"]) for p in exported] == [
        ({"en": "Where next year?"}, [0, 0, 2], 2, "closed")]
    assert exported[0]["closed_at"].endswith("Z")
