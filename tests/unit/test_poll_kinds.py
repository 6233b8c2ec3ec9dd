"""Poll kinds beyond single and multiple choice, poll texts per language, audiences."""

from __future__ import annotations

import pytest

from rencontre.engine.messages import Actor, Refusal, Role
from rencontre.engine.snapshots import room_snapshot
from rencontre.rooms.poll_kinds import MAX_CLOUD
from tests.unit.helpers import ATTENDEE, KIOSK, MODERATOR, ORGANISER, demo_driver

BEA = Actor("bea", Role.ATTENDEE, "Bea")
CAI = Actor("cai", Role.ATTENDEE, "Cai")
QUESTION = {"fr": "Quelle ville ?", "es": "¿Qué ciudad?", "en": "Which city?"}


def make(driver, kind, open_it=True, **extra):
    data = {"session": "s02", "kind": kind, "question": QUESTION, **extra}
    outcome = driver.send("poll.create", data, actor=MODERATOR)
    assert outcome["ok"], outcome
    poll = outcome["result"]["id"]
    if open_it:
        driver.send("poll.open", {"poll": poll}, actor=MODERATOR)
    return poll


def vote(driver, poll, actor=ATTENDEE, **ballot):
    return driver.send("poll.vote", {"poll": poll, **ballot}, actor=actor)


def view(driver, actor, poll):
    polls = room_snapshot(driver.state, "s02", actor, driver.clock)["polls"]
    return next(p for p in polls["list"] if p["id"] == poll), polls


def refused(call) -> str:
    with pytest.raises(Refusal) as refusal:
        call()
    return refusal.value.code


# -- rating ----------------------------------------------------------------------------------

def test_a_rating_shows_its_distribution_and_average_and_a_new_rating_replaces_the_old():
    driver = demo_driver()
    poll = make(driver, "rating", scale=5)
    vote(driver, poll, rating=5)
    vote(driver, poll, rating=2, actor=BEA)
    vote(driver, poll, rating=4, actor=CAI)
    vote(driver, poll, rating=3, actor=CAI)
    shown, polls = view(driver, BEA, poll)
    assert shown["counts"] == [0, 1, 1, 0, 1]
    assert (shown["total"], shown["average"]) == (3, 3.33)
    assert polls["mine"] == {poll: [2]}
    vote(driver, poll, actor=CAI)  # no rating: taken back
    assert view(driver, BEA, poll)[0]["average"] == 3.5


def test_a_rating_outside_the_scale_is_refused_and_scales_are_five_or_ten():
    driver = demo_driver()
    poll = make(driver, "rating", scale=10)
    assert vote(driver, poll, rating=10)["ok"]
    five = make(driver, "rating")
    assert refused(lambda: vote(driver, five, rating=6)) == "poll.bad-choice"
    assert refused(lambda: make(driver, "rating", scale=7)) == "poll.bad-scale"
    assert view(driver, MODERATOR, five)[0]["counts"] == [0] * 5


# -- ranking ---------------------------------------------------------------------------------

def test_a_ranking_adds_up_borda_points():
    driver = demo_driver()
    poll = make(driver, "ranking", options=["Querétaro", "Lyon", "Medellín"])
    vote(driver, poll, ranking=[0, 1, 2])  # Querétaro 2, Lyon 1, Medellín 0
    vote(driver, poll, ranking=[2, 0, 1], actor=BEA)  # Medellín 2, Querétaro 1, Lyon 0
    vote(driver, poll, ranking=[0, 2, 1], actor=CAI)
    assert view(driver, ATTENDEE, poll)[0]["counts"] == [5, 1, 3]
    vote(driver, poll, ranking=[1, 0, 2], actor=CAI)  # replaces: Lyon 2, Querétaro 1
    assert view(driver, ATTENDEE, poll)[0]["counts"] == [4, 3, 2]


@pytest.mark.parametrize("ranking", [[0, 1], [0, 0, 1], [0, 1, 3]])
def test_a_ranking_must_order_every_option_once(ranking):
    driver = demo_driver()
    poll = make(driver, "ranking", options=["a", "b", "c"])
    assert refused(lambda: vote(driver, poll, ranking=ranking)) in (
        "poll.bad-choice", "request.invalid")


# -- word cloud ------------------------------------------------------------------------------

def test_words_wait_for_a_moderator_and_are_counted_ignoring_case_and_accents():
    driver = demo_driver()
    poll = make(driver, "words")
    vote(driver, poll, words=["Énergie", "vélo"])
    vote(driver, poll, words=["energie  "], actor=BEA)
    vote(driver, poll, words=["ENERGIE", "Eau"], actor=CAI)
    shown, _ = view(driver, BEA, poll)
    assert shown["words"] == [] and shown["total"] == 3
    staff = {w["key"]: w for w in view(driver, MODERATOR, poll)[0]["words"]}
    assert staff["energie"]["count"] == 3 and staff["energie"]["text"] == "Énergie"
    assert {w["status"] for w in staff.values()} == {"pending"}
    driver.send("poll.moderate", {"poll": poll, "entry": "energie", "verdict": "approve"},
                actor=MODERATOR)
    driver.send("poll.moderate", {"poll": poll, "entry": "velo", "verdict": "dismiss"},
                actor=MODERATOR)
    assert view(driver, BEA, poll)[0]["words"] == [
        {"key": "energie", "text": "Énergie", "count": 3}]
    # An approved word counts the people who send it later.
    vote(driver, poll, words=["énergie"], actor=Actor("dan", Role.ATTENDEE, "Dan"))
    assert view(driver, BEA, poll)[0]["words"][0]["count"] == 4


def test_words_caught_by_the_qa_filter_are_marked_and_left_out_of_approve_all():
    driver = demo_driver()
    driver.send("qa.filter", {"language": "es", "words": "tonto"}, actor=MODERATOR)
    poll = make(driver, "words")
    vote(driver, poll, words=["Tonto", "agua"], language="es")
    vote(driver, poll, words=["sol"], actor=BEA, language="fr")
    outcome = driver.send("poll.moderate", {"poll": poll, "verdict": "approve"},
                          actor=MODERATOR)
    assert sorted(outcome["result"]["entries"]) == ["agua", "sol"]
    staff = {w["key"]: w for w in view(driver, MODERATOR, poll)[0]["words"]}
    assert staff["tonto"]["filtered"] and staff["tonto"]["status"] == "pending"
    assert {w["key"] for w in view(driver, BEA, poll)[0]["words"]} == {"agua", "sol"}


def test_a_cloud_ballot_holds_three_words_and_replaces_the_last():
    driver = demo_driver()
    poll = make(driver, "words")
    assert refused(lambda: vote(driver, poll, words=["a", "b", "c", "d"])) == "request.invalid"
    vote(driver, poll, words=["sol", "mar"])
    vote(driver, poll, words=["sol"])
    counts = {w["key"]: w["count"] for w in view(driver, MODERATOR, poll)[0]["words"]}
    assert counts == {"sol": 1, "mar": 0}
    assert view(driver, ATTENDEE, poll)[1]["mine"] == {poll: ["sol"]}


def test_a_ballot_of_another_kind_is_refused_rather_than_taken_as_a_take_back():
    driver = demo_driver()
    rating = make(driver, "rating")
    vote(driver, rating, rating=3)
    assert refused(lambda: vote(driver, rating, choices=[2])) == "poll.bad-choice"
    assert refused(lambda: vote(driver, rating, words=["x"])) == "poll.bad-choice"
    assert view(driver, MODERATOR, rating)[0]["total"] == 1


def test_a_full_cloud_takes_its_known_words_only():
    driver = demo_driver()
    poll = make(driver, "words")
    for n in range(MAX_CLOUD // 3):
        voter = Actor(f"v{n}", Role.ATTENDEE, f"V{n}")
        vote(driver, poll, voter, words=[f"w{3 * n}", f"w{3 * n + 1}", f"w{3 * n + 2}"])
    vote(driver, poll, words=[f"x{n}" for n in range(MAX_CLOUD % 3)])
    assert len(driver.state.polls.by_id[poll].words) == MAX_CLOUD
    assert refused(lambda: vote(driver, poll, words=["rio"], actor=BEA)) == "poll.too-many"
    assert vote(driver, poll, words=["W1"], actor=BEA)["ok"]


def test_cloud_pushes_are_coalesced_and_the_room_gets_approved_words_only():
    driver = demo_driver()
    poll = make(driver, "words")
    driver.send("poll.moderate", {"poll": poll, "verdict": "approve"}, actor=MODERATOR)
    vote(driver, poll, words=["sol"])
    driver.send("poll.moderate", {"poll": poll, "entry": "sol", "verdict": "approve"},
                actor=MODERATOR)
    vote(driver, poll, words=["sol", "luna"], actor=BEA)
    pushes = {p.topic: p for p in driver.pushes[-3:]}
    assert all(p.coalesce for p in pushes.values())
    assert pushes["room:s02"].message["cloud"] == {
        f"{poll}/sol": {"key": "sol", "text": "sol", "count": 2}}
    assert set(pushes["staff:s02"].message["cloud"]) == {f"{poll}/sol", f"{poll}/luna"}
    assert "bea" not in str(pushes["room:s02"].message)


# -- open answers ----------------------------------------------------------------------------

def test_open_answers_show_once_approved_and_never_with_their_author():
    driver = demo_driver()
    poll = make(driver, "text")
    first = vote(driver, poll, text="Plus de pistes cyclables")["result"]["entry"]
    second = vote(driver, poll, actor=BEA, text="Des toits verts")["result"]["entry"]
    assert view(driver, CAI, poll)[0]["entries"] == []
    staff = view(driver, MODERATOR, poll)[0]["entries"]
    assert [(e["text"], e["name"], e["status"]) for e in staff] == [
        ("Des toits verts", "Bea", "pending"), ("Plus de pistes cyclables", "Ana", "pending")]
    driver.send("poll.moderate", {"poll": poll, "entry": first, "verdict": "approve"},
                actor=MODERATOR)
    driver.send("poll.moderate", {"poll": poll, "entry": second, "verdict": "dismiss"},
                actor=MODERATOR)
    shown = view(driver, CAI, poll)[0]["entries"]
    assert [e["text"] for e in shown] == ["Plus de pistes cyclables"]
    assert "name" not in shown[0] and "author" not in shown[0]
    room = [p for p in driver.pushes if p.topic == "room:s02"
            and p.message["type"] == "poll.moderated"]
    assert [p.message["entries"] for p in room] == [[shown[0]], []]
    assert room[1].message["removed"] == [second]
    assert view(driver, BEA, poll)[1]["mine"][poll] == [
        {"id": second, "text": "Des toits verts", "status": "dismissed"}]


def test_one_person_sends_at_most_three_answers():
    driver = demo_driver()
    poll = make(driver, "text")
    for n in range(3):
        assert vote(driver, poll, text=f"idea {n}")["ok"]
    assert refused(lambda: vote(driver, poll, text="one more")) == "poll.too-many"
    assert refused(lambda: vote(driver, poll)) == "poll.bad-choice"


def test_only_clouds_and_open_answers_are_moderated():
    driver = demo_driver()
    poll = make(driver, "choice", options=["a", "b"])
    code = refused(lambda: driver.send("poll.moderate", {
        "poll": poll, "entry": "a", "verdict": "approve"}, actor=MODERATOR))
    assert code == "poll.not-moderated"
    cloud = make(driver, "words")
    code = refused(lambda: driver.send("poll.moderate", {
        "poll": cloud, "entry": "nothing", "verdict": "approve"}, actor=MODERATOR))
    assert code == "poll.unknown-entry"


# -- quiz ------------------------------------------------------------------------------------

def test_a_quiz_reveals_its_answer_on_close_and_keeps_a_leaderboard_of_nicknames():
    driver = demo_driver()
    options = ["1992", "2015", "2021"]
    first = make(driver, "quiz", options=options, correct=[1])
    assert view(driver, ATTENDEE, first)[0]["correct"] is None
    assert view(driver, MODERATOR, first)[0]["correct"] == [1]
    vote(driver, first, choices=[1])
    vote(driver, first, choices=[0], actor=BEA)
    vote(driver, first, choices=[1], actor=CAI)
    assert view(driver, ATTENDEE, first)[0]["counts"] is None  # quizzes keep counts for the end
    driver.send("poll.close", {"poll": first}, actor=MODERATOR)
    closing = [p for p in driver.pushes if p.topic == "room:s02"][-1].message
    assert closing["poll"]["correct"] == [1]
    assert closing["leaderboard"] == [{"name": "Ana", "score": 1}, {"name": "Cai", "score": 1}]
    second = make(driver, "quiz", options=["a", "b", "c"], correct=[0, 2], multiple=True)
    vote(driver, second, choices=[0, 2], actor=CAI)
    vote(driver, second, choices=[0], actor=ATTENDEE)  # half right is wrong
    driver.send("poll.close", {"poll": second}, actor=MODERATOR)
    _, polls = view(driver, CAI, second)
    assert polls["leaderboard"] == [{"name": "Cai", "score": 2}, {"name": "Ana", "score": 1}]
    assert polls["my_score"] == 2
    assert "cai" not in str(polls["leaderboard"])


@pytest.mark.parametrize("extra", [{}, {"correct": [3]}, {"correct": [0, 1]}])
def test_a_quiz_needs_its_correct_answers(extra):
    driver = demo_driver()
    code = refused(lambda: make(driver, "quiz", options=["a", "b", "c"], **extra))
    assert code == "poll.bad-answer"


# -- languages -------------------------------------------------------------------------------

def test_questions_and_options_are_kept_per_language_with_the_first_given_as_fallback():
    driver = demo_driver()
    poll = make(driver, "choice", options=[{"fr": "Oui", "es": "Sí", "en": "Yes"},
                                           {"fr": "Non", "es": "No"}])
    shown = view(driver, ATTENDEE, poll)[0]
    assert shown["question"] == QUESTION and shown["language"] == "fr"
    assert shown["options"][1] == {"fr": "Non", "es": "No"}
    plain = make(driver, "choice", question="¿Comida?", language="es", options=["Sí", "No"])
    shown = view(driver, ATTENDEE, plain)[0]
    assert (shown["question"], shown["options"][0], shown["language"]) == (
        {"es": "¿Comida?"}, {"es": "Sí"}, "es")
    code = refused(lambda: make(driver, "choice", question={"de": "Ja?"}, options=["a", "b"]))
    assert code == "request.invalid"


# -- audiences -------------------------------------------------------------------------------

def register_and_check_in(driver, principal: str, badge: str) -> None:
    outcome = driver.send("attendance.register", {"name": principal, "badge": badge,
                                                  "principal": principal}, actor=ORGANISER)
    assert outcome["ok"], outcome
    assert driver.send("checkin.scan", {"badge": badge}, actor=KIOSK)["ok"]


def test_an_on_site_poll_takes_the_ballots_of_people_checked_in_only():
    driver = demo_driver()
    poll = make(driver, "choice", options=["a", "b"], audience="onsite")
    with pytest.raises(Refusal) as refusal:
        vote(driver, poll, choices=[0])
    assert refusal.value.code == "poll.not-in-audience"
    assert "check in" in refusal.value.message
    assert view(driver, ATTENDEE, poll)[1]["me"] == {"on_site": False, "delegation": None}
    register_and_check_in(driver, ATTENDEE.id, "B-1")
    assert vote(driver, poll, choices=[0])["ok"]
    assert view(driver, ATTENDEE, poll)[1]["me"]["on_site"] is True
    # Checked out of the venue: not on site any more.
    assert driver.send("checkout.scan", {"badge": "B-1"}, actor=KIOSK)["ok"]
    assert refused(lambda: vote(driver, poll, choices=[1])) == "poll.not-in-audience"
    assert refused(lambda: vote(driver, poll, choices=[0], actor=MODERATOR)) == (
        "poll.not-in-audience")


def test_an_online_poll_refuses_people_checked_in_on_site():
    driver = demo_driver()
    poll = make(driver, "rating", audience="online")
    assert vote(driver, poll, rating=4, actor=BEA)["ok"]
    register_and_check_in(driver, ATTENDEE.id, "B-2")
    assert refused(lambda: vote(driver, poll, rating=4)) == "poll.not-in-audience"


ANA_QRO = Actor("ana", Role.ATTENDEE, "Ana")
LUIS_QRO = Actor("luis", Role.ATTENDEE, "Luis")
CLAIRE_LYON = Actor("claire", Role.ATTENDEE, "Claire")


def delegations(driver) -> dict[str, str]:
    """Querétaro with two delegates, Lyon with one, Medellín with one who never comes."""
    ids = {}
    for name, country in (("Querétaro", "MX"), ("Lyon", "FR"), ("Medellín", "CO")):
        outcome = driver.send("delegation.create", {"name": name, "country": country})
        assert outcome["ok"], outcome
        ids[name] = outcome["result"]["id"]
    people = [("ana", "Querétaro"), ("luis", "Querétaro"), ("claire", "Lyon"),
              ("marta", "Medellín")]
    for principal, city in people:
        registration = driver.send("attendance.register", {
            "name": principal.title(), "principal": principal})["result"]["id"]
        assert driver.send("delegation.member", {"registration": registration,
                                                 "delegation": ids[city]})["ok"]
    return ids


def test_a_delegates_poll_takes_one_ballot_per_delegate_and_refuses_the_others():
    driver = demo_driver()
    delegations(driver)
    poll = make(driver, "rating", audience="delegates")
    assert vote(driver, poll, actor=ANA_QRO, rating=5)["ok"]
    assert vote(driver, poll, actor=LUIS_QRO, rating=3)["ok"]
    with pytest.raises(Refusal) as refusal:
        vote(driver, poll, actor=BEA, rating=1)
    assert refusal.value.code == "poll.not-in-audience"
    assert "delegates" in refusal.value.message
    assert view(driver, MODERATOR, poll)[0]["total"] == 2


def test_one_ballot_per_delegation_the_last_one_counts_and_every_delegate_sees_it():
    driver = demo_driver()
    ids = delegations(driver)
    driver.send("presence.start", {"session": "s02", "source": "p1"}, actor=CLAIRE_LYON)
    assert driver.send("checkin.scan", {"badge": driver.state.attendance.registrations[
        driver.state.attendance.by_principal["ana"]].badge}, actor=KIOSK)["ok"]
    poll = make(driver, "choice", options=["Oui", "Non", "Abstention"], audience="delegation")
    vote(driver, poll, actor=ANA_QRO, choices=[0])
    vote(driver, poll, actor=LUIS_QRO, choices=[1])  # the last ballot of Querétaro counts
    vote(driver, poll, actor=CLAIRE_LYON, choices=[1])
    shown, polls = view(driver, LUIS_QRO, poll)
    assert (shown["counts"], shown["total"]) == ([0, 2, 0], 2)
    assert shown["delegations"] == {
        "voted": [{"id": ids["Lyon"], "name": "Lyon", "country": "FR", "ballot": [1]},
                  {"id": ids["Querétaro"], "name": "Querétaro", "country": "MX",
                   "ballot": [1]}],
        "turnout": {"voted": 2, "present": 2}}  # Medellín's delegate never came
    assert "ana" not in str(shown) and "luis" not in str(shown)
    for delegate in (ANA_QRO, LUIS_QRO):
        mine = view(driver, delegate, poll)[1]
        assert (mine["mine"], mine["cast_by"]) == ({poll: [1]}, {poll: "Luis"})
    assert view(driver, BEA, poll)[1]["mine"] == {}
    mine_pushes = {p.topic for p in driver.pushes[-3:] if "mine" in p.message}
    assert mine_pushes == {"principal:claire"}
    luis_pushes = {p.topic for p in driver.pushes if "mine" in p.message
                   and p.message["mine"].get(poll) == [1] and p.topic != "principal:claire"}
    assert luis_pushes == {"principal:ana", "principal:luis"}
    assert refused(lambda: vote(driver, poll, actor=MODERATOR, choices=[0])) == (
        "poll.not-in-audience")


def test_words_and_open_answers_belong_to_people_not_delegations():
    driver = demo_driver()
    for kind in ("words", "text", "quiz"):
        extra = {"options": ["a", "b"], "correct": [0]} if kind == "quiz" else {}
        code = refused(lambda: make(driver, kind, audience="delegation", **extra))
        assert code == "poll.bad-audience"


def test_replaying_the_log_rebuilds_every_kind_exactly():
    driver = demo_driver()
    rating = make(driver, "rating")
    vote(driver, rating, rating=4)
    words = make(driver, "words")
    vote(driver, words, words=["sol", "mar"], actor=BEA)
    driver.send("poll.moderate", {"poll": words, "entry": "sol", "verdict": "approve"},
                actor=MODERATOR)
    text = make(driver, "text")
    vote(driver, text, text="hola")
    quiz = make(driver, "quiz", options=["a", "b"], correct=[0])
    vote(driver, quiz, choices=[0], actor=CAI)
    driver.send("poll.close", {"poll": quiz}, actor=MODERATOR)
    delegations(driver)
    city = make(driver, "ranking", options=["a", "b"], audience="delegation")
    vote(driver, city, actor=ANA_QRO, ranking=[1, 0])
    vote(driver, city, actor=LUIS_QRO, ranking=[0, 1])
    assert driver.replay().state.polls == driver.state.polls


def test_turnout_follows_who_is_present_between_ballots():
    """The stage's "2 of 3 present voted" moves when a delegate checks in, follows online
    or checks out, not only when someone votes."""
    driver = demo_driver()
    delegations(driver)
    attendance = driver.state.attendance
    ana, claire = (attendance.registrations[attendance.by_principal[p]].badge
                   for p in ("ana", "claire"))
    assert driver.send("checkin.scan", {"badge": ana}, actor=KIOSK)["ok"]
    poll = make(driver, "choice", options=["Oui", "Non"], audience="delegation")
    vote(driver, poll, actor=ANA_QRO, choices=[0])

    def turnout_pushed() -> dict[str, dict]:
        pushed = {p.topic: p.message["delegations"][poll]["turnout"] for p in driver.pushes
                  if p.message["type"] == "poll.voted" and "results" not in p.message}
        driver.pushes.clear()
        return pushed

    driver.pushes.clear()
    assert driver.send("checkin.scan", {"badge": claire}, actor=KIOSK)["ok"]
    session = driver.state.polls.by_id[poll].session
    assert turnout_pushed() == {f"staff:{session}": {"voted": 1, "present": 2},
                                f"room:{session}": {"voted": 1, "present": 2}}
    driver.send("presence.start", {"session": session, "source": "p1"},
                actor=Actor("marta", Role.ATTENDEE, "Marta"))
    assert turnout_pushed()[f"room:{session}"] == {"voted": 1, "present": 3}
    assert driver.send("checkin.undo", {"registration": attendance.by_principal["claire"]},
                       actor=MODERATOR)["ok"]
    assert turnout_pushed()[f"room:{session}"] == {"voted": 1, "present": 2}
    driver.send("poll.close", {"poll": poll}, actor=MODERATOR)
    driver.pushes.clear()
    assert driver.send("checkin.scan", {"badge": claire}, actor=KIOSK)["ok"]
    assert turnout_pushed() == {}  # a closed poll's turnout stays as it closed
