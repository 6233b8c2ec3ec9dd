"""Live Q&A rules."""

from __future__ import annotations

import csv
import io
import json

import pytest

from rencontre.access.directory import Principal
from rencontre.engine.messages import Actor, Refusal, Role
from rencontre.rooms.qa_export import export_csv, export_json
from tests.unit.helpers import ATTENDEE, MODERATOR, demo_driver

BEA = Actor("bea", Role.ATTENDEE, "Bea")


def live_driver(premoderation: bool = True):
    driver = demo_driver()
    driver.send("session.start", {"session": "s02"}, actor=MODERATOR)
    if not premoderation:
        driver.send("qa.settings", {"session": "s02", "premoderation": False}, actor=MODERATOR)
    return driver


def ask(driver, text="¿Cuánto cuesta el tranvía?", actor=ATTENDEE, at=None, **extra):
    return driver.send("qa.ask", {"session": "s02", "text": text, **extra}, actor=actor, at=at)


def snapshot(driver, actor, session="s02"):
    from rencontre.engine.snapshots import room_snapshot

    return room_snapshot(driver.state, session, actor, driver.clock)["qa"]


def test_pending_questions_are_seen_by_staff_and_their_author_only():
    driver = live_driver()
    asked = ask(driver, language="es")
    assert asked["result"]["status"] == "pending"
    assert snapshot(driver, BEA)["questions"] == []
    assert snapshot(driver, BEA)["mine"] == []
    mine = snapshot(driver, ATTENDEE)["mine"]
    assert [(q["text"], q["status"], q["language"]) for q in mine] == [
        ("¿Cuánto cuesta el tranvía?", "pending", "es")]
    assert snapshot(driver, MODERATOR)["queue"][0]["author"] == ATTENDEE.id
    topics = {p.topic for p in driver.pushes if p.message["type"] == "qa.asked"}
    assert topics == {"staff:s02", f"principal:{ATTENDEE.id}"}


def test_approved_question_reaches_the_room_without_author_id_or_voters():
    driver = live_driver()
    question = ask(driver)["result"]["id"]
    driver.send("qa.approve", {"question": question}, actor=MODERATOR)
    room_push = next(p for p in reversed(driver.pushes) if p.topic == "room:s02")
    assert room_push.message["question"]["status"] == "approved"
    assert "author" not in room_push.message["question"]
    assert "voters" not in json.dumps(room_push.message)
    assert [q["id"] for q in snapshot(driver, BEA)["questions"]] == [question]


def test_without_premoderation_questions_go_straight_to_the_room():
    driver = live_driver(premoderation=False)
    assert ask(driver)["result"]["status"] == "approved"


def test_word_filter_holds_a_question_even_without_premoderation():
    driver = live_driver(premoderation=False)
    driver.send("qa.filter", {"language": "es", "words": "idiota, tonto"}, actor=MODERATOR)
    held = ask(driver, "¿Es usted IDIÓTA?", language="es")
    assert held["result"]["status"] == "pending"
    assert snapshot(driver, MODERATOR)["queue"][0]["filtered"] is True
    assert ask(driver, "Pregunta normal", language="es")["result"]["status"] == "approved"


def test_one_vote_per_attendee_across_devices_and_retracting():
    driver = live_driver(premoderation=False)
    question = ask(driver)["result"]["id"]
    driver.send("qa.vote", {"question": question, "up": True}, actor=BEA, key="bea/phone-1")
    again = driver.send("qa.vote", {"question": question, "up": True}, actor=BEA,
                        key="bea/laptop-1")
    assert again["result"]["votes"] == 1
    assert snapshot(driver, ATTENDEE)["questions"][0]["votes"] == 1
    assert snapshot(driver, BEA)["my_votes"] == [question]
    driver.send("qa.vote", {"question": question, "up": False}, actor=BEA)
    assert snapshot(driver, ATTENDEE)["questions"][0]["votes"] == 0


def test_two_votes_racing_in_the_log_count_once():
    driver = live_driver(premoderation=False)
    question = ask(driver)["result"]["id"]
    entry = {"type": "qa.vote", "data": {"question": question, "up": True},
             "at": driver.clock, "actor": BEA.to_json()}
    driver.append(entry)
    driver.append(dict(entry))
    assert len(driver.state.qa.questions[question].voters) == 1


def test_vote_pushes_are_coalesced_and_do_not_say_who_voted():
    driver = live_driver(premoderation=False)
    question = ask(driver)["result"]["id"]
    driver.send("qa.vote", {"question": question, "up": True}, actor=BEA)
    room = [p for p in driver.pushes if p.message["type"] == "qa.voted" and
            p.topic == "room:s02"]
    assert room[-1].coalesce and room[-1].message["votes"] == {question: 1}
    assert BEA.id not in json.dumps(room[-1].message)


def test_dismissed_question_leaves_the_room_and_stops_counting_votes():
    driver = live_driver(premoderation=False)
    question = ask(driver)["result"]["id"]
    driver.send("qa.vote", {"question": question, "up": True}, actor=BEA)
    driver.send("qa.dismiss", {"question": question}, actor=MODERATOR)
    assert snapshot(driver, BEA)["questions"] == []
    assert snapshot(driver, BEA)["my_votes"] == []
    with pytest.raises(Refusal) as refused:
        driver.send("qa.vote", {"question": question, "up": True}, actor=MODERATOR)
    assert refused.value.code == "qa.not-votable"
    removal = next(p for p in reversed(driver.pushes) if p.topic == "room:s02")
    assert removal.message["question"]["status"] == "dismissed"
    driver.send("qa.restore", {"question": question}, actor=MODERATOR)
    assert [q["id"] for q in snapshot(driver, BEA)["questions"]] == [question]


def test_nothing_can_be_asked_in_cancelled_or_ended_sessions():
    driver = live_driver()
    driver.send("qa.settings", {"session": "s05", "open": "open"}, actor=MODERATOR)
    driver.send("session.cancel", {"session": "s05"}, actor=MODERATOR)
    with pytest.raises(Refusal) as cancelled:
        driver.send("qa.ask", {"session": "s05", "text": "¿Y ahora?"}, actor=ATTENDEE)
    assert cancelled.value.code == "qa.session-over"
    driver.send("session.end", {"session": "s02"}, actor=MODERATOR)
    with pytest.raises(Refusal) as ended:
        ask(driver)
    assert ended.value.code == "qa.session-over"


def test_qa_opens_with_the_session_unless_overridden():
    driver = demo_driver()
    with pytest.raises(Refusal) as closed:
        ask(driver)
    assert closed.value.code == "qa.closed"
    driver.send("qa.settings", {"session": "s02", "open": "open"}, actor=MODERATOR)
    assert ask(driver)["ok"]
    driver.send("session.start", {"session": "s02"}, actor=MODERATOR)
    driver.send("qa.settings", {"session": "s02", "open": "closed"}, actor=MODERATOR)
    with pytest.raises(Refusal):
        ask(driver, "Otra")


def test_anonymous_questions_follow_the_event_and_session_setting():
    driver = live_driver(premoderation=False)
    ask(driver, anonymous=True)
    assert snapshot(driver, BEA)["questions"][0]["author_name"] is None
    driver.send("qa.settings", {"session": "s02", "anonymous": False}, actor=MODERATOR)
    with pytest.raises(Refusal) as refused:
        ask(driver, "Sin nombre", actor=BEA, anonymous=True)
    assert refused.value.code == "qa.anonymous-off"


def test_a_burst_of_questions_is_rate_limited_with_a_retry_time():
    driver = live_driver()
    for n in range(3):
        ask(driver, f"Pregunta {n}", at=driver.clock + n)
    with pytest.raises(Refusal) as refused:
        ask(driver, "Una más", at=driver.clock + 10)
    assert refused.value.code == "qa.rate-limited"
    assert refused.value.params["retry_after"] == 50
    assert ask(driver, "Ya puedo", at=driver.clock + 61)["ok"]


def test_blocked_attendee_cannot_ask_anywhere():
    driver = live_driver()
    # The block names a known principal, as a moderator picks one from the queue.
    driver.state.access.principals[ATTENDEE.id] = Principal(ATTENDEE.id, Role.ATTENDEE, "Ana",
                                                            "x")
    driver.send("qa.block", {"principal": ATTENDEE.id, "blocked": True}, actor=MODERATOR)
    with pytest.raises(Refusal) as refused:
        ask(driver)
    assert refused.value.code == "qa.blocked"
    assert ask(driver, actor=BEA)["ok"]


def test_attendees_cannot_moderate_or_withdraw_others_questions():
    driver = live_driver()
    question = ask(driver)["result"]["id"]
    for type, data in [("qa.approve", {"question": question}),
                       ("qa.highlight", {"session": "s02", "question": question})]:
        with pytest.raises(Refusal) as refused:
            driver.send(type, data, actor=BEA)
        assert refused.value.code == "auth.forbidden"
    with pytest.raises(Refusal) as refused:
        driver.send("qa.withdraw", {"question": question}, actor=BEA)
    assert refused.value.code == "auth.forbidden"
    driver.send("qa.withdraw", {"question": question}, actor=ATTENDEE)
    assert snapshot(driver, ATTENDEE)["mine"][0]["status"] == "withdrawn"


def test_highlight_edit_reply_answer_pin():
    driver = live_driver(premoderation=False)
    first = ask(driver, "Qestion with a typo")["result"]["id"]
    second = ask(driver, "Second", actor=BEA)["result"]["id"]
    driver.send("qa.edit", {"question": first, "text": "Question with a typo"}, actor=MODERATOR)
    driver.send("qa.reply", {"question": first, "text": "See the slides."}, actor=MODERATOR)
    driver.send("qa.pin", {"question": second, "pinned": True}, actor=MODERATOR)
    driver.send("qa.answer", {"question": first, "answered": True}, actor=MODERATOR)
    driver.send("qa.highlight", {"session": "s02", "question": first}, actor=MODERATOR)
    qa = snapshot(driver, BEA)
    assert [q["id"] for q in qa["questions"]] == [second, first]
    assert qa["highlighted"]["text"] == "Question with a typo"
    assert qa["highlighted"]["edited"] and qa["highlighted"]["reply"] == "See the slides."
    staff = {q["id"]: q for q in snapshot(driver, MODERATOR)["queue"]}
    assert staff[first]["original"] == "Qestion with a typo"
    driver.send("qa.dismiss", {"question": first}, actor=MODERATOR)
    assert snapshot(driver, BEA)["highlighted"] is None


def test_highlighting_a_pending_question_is_refused():
    driver = live_driver()
    question = ask(driver)["result"]["id"]
    with pytest.raises(Refusal) as refused:
        driver.send("qa.highlight", {"session": "s02", "question": question}, actor=MODERATOR)
    assert refused.value.code == "qa.not-approved"


def test_export_has_every_question_with_votes_status_and_reply():
    driver = live_driver(premoderation=False)
    first = ask(driver, "=SUM(A1)")["result"]["id"]
    ask(driver, "¿Segunda?", actor=BEA, language="es")
    driver.send("qa.vote", {"question": first, "up": True}, actor=BEA)
    driver.send("qa.reply", {"question": first, "text": "Later"}, actor=MODERATOR)
    table = list(csv.DictReader(io.StringIO(export_csv(driver.state, "s02").decode("utf-8-sig"))))
    assert [(r["text"], r["votes"], r["reply"]) for r in table] == [
        ("'=SUM(A1)", "1", "Later"), ("¿Segunda?", "0", "")]
    document = json.loads(export_json(driver.state, "s02"))
    assert document["questions"][1]["language"] == "es"
    assert document["session"]["id"] == "s02"
