"""The attendance ledger: intervals on site and online, minutes, door refusals, live counts,
offline conflicts."""

from __future__ import annotations

import pytest

from rencontre.attendance.ledger import occupancy
from rencontre.attendance.minutes import Minutes, clip, session_minutes, stays, subtract, union
from rencontre.attendance.report import minutes_rows, person_minutes, session_rows
from rencontre.engine.messages import Actor, Refusal, Role
from tests.unit.helpers import KIOSK, MODERATOR, ORGANISER, demo_driver

KIOSK_B = Actor("kiosk-b", Role.KIOSK, "Kiosk 2")
S03 = 1_773_160_200.0  # 2026-03-10 16:30 UTC to 18:00, room taller-a (60 seats)
MIN = 60.0


def setup():
    """The demo, one delegate with a personal principal, and the attendee actor for them."""
    driver = demo_driver()
    token = driver.send("access.grant", {"role": "attendee", "name": "Ana"})["result"]
    principal = token["principal"]
    outcome = driver.send("attendance.register", {"name": "Ana Peña", "principal": principal})
    badge = outcome["result"]["badge"]
    return driver, badge, outcome["result"]["id"], Actor(principal, Role.ATTENDEE, "Ana")


def door(driver, kind, badge, at, session="s03", actor=KIOSK, **extra):
    return driver.send(f"{kind}.scan", {"badge": badge, "session": session, **extra},
                       actor=actor, at=at)


def online(driver, actor, kind, at, session="s03", source="p1"):
    data = {"session": session, "source": source}
    if kind == "stop":
        data["since"] = int(at)
    return driver.send(f"presence.{kind}", data, actor=actor, at=at)


# -- minutes: pure functions ----------------------------------------------------------------------

def test_intervals_are_clipped_merged_and_on_site_time_wins_over_online():
    assert clip([(0, 50), (90, None)], 10, 100) == [(10, 50), (90, 100)]
    assert union([(0, 10), (5, 20), (30, 40)]) == [(0, 20), (30, 40)]
    assert subtract([(0, 100)], [(10, 20), (50, 60)]) == [(0, 10), (20, 50), (60, 100)]
    # 30 minutes there, online the whole hour on the phone: 30 + 30, not 30 + 60.
    assert session_minutes([(0, 30 * MIN)], [(0, None)], 0, 60 * MIN) == Minutes(30, 30)
    # Seconds add up before rounding: three visits of 40 s are two minutes.
    assert session_minutes([(0, 40), (100, 140), (200, 240)], [], 0, 3600).onsite == 2


def test_door_scans_read_as_stays_an_entry_elsewhere_or_a_check_out_closes_them():
    moves = [(0, "in", "a"), (10, "in", "a"), (20, "in", "b"), (30, "out", "b"),
             (40, "in", "a"), (50, "out", None), (60, "out", "a"), (70, "in", "b")]
    assert stays(moves) == {"a": [(0, 20), (40, 50)], "b": [(20, 30), (70, None)]}


# -- the done-means journey -----------------------------------------------------------------------

def test_enter_leave_follow_online_come_back_counts_each_minute_once():
    driver, badge, registration, me = setup()
    assert door(driver, "entry", badge, S03)["result"]["verdict"] == "entered"
    assert door(driver, "exit", badge, S03 + 20 * MIN)["result"]["verdict"] == "left"
    online(driver, me, "start", S03 + 25 * MIN)
    assert occupancy(driver.state, "s03") | {"near": False} == {
        "inside": 0, "online": 1, "capacity": 60, "near": False, "full": False}
    assert door(driver, "entry", badge, S03 + 40 * MIN)["result"]["verdict"] == "entered"
    live = occupancy(driver.state, "s03")
    assert (live["inside"], live["online"]) == (1, 0), "counted once: on site wins"
    online(driver, me, "stop", S03 + 50 * MIN)
    driver.send("session.end", {"session": "s03"}, actor=MODERATOR, at=S03 + 80 * MIN)
    person = driver.state.attendance.registrations[registration]
    after = S03 + 200 * MIN
    assert person_minutes(driver.state, person, after) == {"s03": Minutes(60, 15)}
    row = next(r for r in minutes_rows(driver.state, after, 10) if r["session"] == "s03")
    assert (row["onsite_minutes"], row["online_minutes"], row["total_minutes"]) == (60, 15, 75)
    report = next(r for r in session_rows(driver.state, after) if r["session"] == "s03")
    assert (report["entered_on_site"], report["followed_online"]) == (1, 0)
    assert occupancy(driver.state, "s03")["inside"] == 0, "the session's end empties the room"
    replayed = driver.replay().state
    assert person_minutes(replayed, replayed.attendance.registrations[registration],
                          after) == {"s03": Minutes(60, 15)}


def test_minutes_follow_the_sessions_live_start_and_end():
    driver, badge, registration, me = setup()
    door(driver, "entry", badge, S03 - 20 * MIN)  # in early, before the talk
    driver.send("session.start", {"session": "s03"}, actor=MODERATOR, at=S03 + 5 * MIN)
    driver.send("session.end", {"session": "s03"}, actor=MODERATOR, at=S03 + 65 * MIN)
    person = driver.state.attendance.registrations[registration]
    assert person_minutes(driver.state, person, S03 + 300 * MIN)["s03"] == Minutes(60, 0)


def test_a_page_opened_a_day_early_counts_no_minutes_and_no_one_online():
    driver, badge, registration, me = setup()
    online(driver, me, "start", S03 - 24 * 60 * MIN)
    online(driver, me, "stop", S03 - 23 * 60 * MIN)
    person = driver.state.attendance.registrations[registration]
    assert person_minutes(driver.state, person, S03 + 300 * MIN) == {}
    report = next(r for r in session_rows(driver.state, S03 + 300 * MIN) if r["session"] == "s03")
    assert report["followed_online"] == 0


def test_an_online_interval_still_open_runs_to_now_during_the_session():
    driver, badge, registration, me = setup()
    online(driver, me, "start", S03 + 10 * MIN)
    person = driver.state.attendance.registrations[registration]
    assert person_minutes(driver.state, person, S03 + 40 * MIN)["s03"] == Minutes(0, 30)


# -- door refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize(("session", "at", "code"), [
    ("s04", S03 + 5 * MIN, "entry.online-room"),
    ("s03", S03 - 24 * 60 * MIN, "entry.other-day"),
    ("s03", S03 - 45 * MIN, "entry.not-yet"),
    ("s03", S03 + 91 * MIN, "entry.session-over"),
])
def test_door_scans_are_refused_outside_the_sessions_day_window_and_for_online_rooms(
        session, at, code):
    driver, badge, _, _ = setup()
    with pytest.raises(Refusal) as refused:
        door(driver, "entry", badge, at, session=session)
    assert refused.value.code == code
    assert driver.state.attendance.inside == {}
    if code != "entry.session-over":
        forced = door(driver, "entry", badge, at, session=session, force=True)
        assert forced["result"]["verdict"] == "entered", "staff may force it"


def test_early_entry_is_an_organiser_setting():
    driver, badge, _, _ = setup()
    driver.send("attendance.settings", {"early_entry": 60}, actor=ORGANISER)
    assert door(driver, "entry", badge, S03 - 45 * MIN)["result"]["verdict"] == "entered"
    with pytest.raises(Refusal):
        driver.send("attendance.settings", {"early_entry": 30}, actor=KIOSK)


def test_a_full_room_counts_who_is_inside_now_not_who_ever_entered():
    driver, badge, _, _ = setup()
    driver.state.programme.rooms["taller-a"].capacity = 1
    other = driver.send("attendance.register", {"name": "Luis"})["result"]["badge"]
    door(driver, "entry", badge, S03)
    with pytest.raises(Refusal) as full:
        door(driver, "entry", other, S03 + MIN)
    assert full.value.code == "entry.full"
    assert occupancy(driver.state, "s03")["full"] is True
    door(driver, "exit", badge, S03 + 2 * MIN)
    assert door(driver, "entry", other, S03 + 3 * MIN)["result"]["verdict"] == "entered"


def test_a_venue_check_out_closes_the_open_session():
    driver, badge, registration, _ = setup()
    door(driver, "entry", badge, S03)
    out = driver.send("checkout.scan", {"badge": badge}, actor=KIOSK, at=S03 + 10 * MIN)
    assert out["result"] == {**out["result"], "verdict": "checked-out", "left": "s03"}
    person = driver.state.attendance.registrations[registration]
    assert person_minutes(driver.state, person, S03 + 200 * MIN)["s03"] == Minutes(10, 0)


# -- offline kiosks: the earliest scan wins (issue 8, item 14) ---------------------------------

def test_of_two_offline_check_ins_the_earlier_scan_wins_whichever_synced_first():
    driver, badge, registration, _ = setup()
    later = driver.send("checkin.scan", {"badge": badge, "offline_at": int(S03 - 300)},
                        actor=KIOSK_B, at=S03)
    earlier = driver.send("checkin.scan", {"badge": badge, "offline_at": int(S03 - 600)},
                          actor=KIOSK, at=S03 + 60)
    assert later["result"]["verdict"] == "checked-in"
    assert earlier["result"]["verdict"] == "checked-in"
    assert earlier["result"]["replaced"]["device"] == "Kiosk 2"
    first = driver.state.attendance.checkins[registration]
    assert (first.device, first.offline_at) == ("Kiosk 1", int(S03 - 600))
    again = driver.send("checkin.scan", {"badge": badge}, actor=KIOSK_B, at=S03 + 120)
    assert again["result"]["verdict"] == "already"
    assert again["result"]["first"]["device"] == "Kiosk 1"
    kinds = [(c["kind"], c["winner"]["device"], c["loser"]["device"])
             for c in driver.state.attendance.conflicts]
    assert kinds == [("earlier", "Kiosk 1", "Kiosk 2"), ("duplicate", "Kiosk 1", "Kiosk 2")]
    pushed = [p for p in driver.pushes if p.message["type"] == "checkin.conflict"]
    assert {p.topic for p in pushed} == {"role:moderator", "role:organiser"}


def test_an_offline_entry_synced_late_starts_the_stay_at_its_scan_time():
    driver, badge, registration, _ = setup()
    door(driver, "entry", badge, S03 + 10 * MIN, actor=KIOSK_B)
    late = door(driver, "entry", badge, S03 + 30 * MIN, actor=KIOSK, offline_at=int(S03))
    assert late["result"]["verdict"] == "entered" and "replaced" in late["result"]
    person = driver.state.attendance.registrations[registration]
    assert person_minutes(driver.state, person, S03 + 60 * MIN)["s03"] == Minutes(60, 0)
    assert occupancy(driver.state, "s03")["inside"] == 1
    assert driver.state.attendance.conflicts[-1]["kind"] == "earlier"


def test_occupancy_is_pushed_coalesced_to_kiosks_organisers_staff_and_the_stage():
    driver, badge, _, me = setup()
    door(driver, "entry", badge, S03)
    pushes = [p for p in driver.pushes if p.message["type"] == "occupancy.changed"]
    assert {p.topic for p in pushes} == {"role:kiosk", "role:organiser", "staff:s03",
                                         "stage:s03"}
    assert all(p.coalesce for p in pushes)
    assert pushes[0].message["occupancy"]["s03"]["inside"] == 1


# -- attendance over time (the charts' numbers) ---------------------------------------------------

def test_the_timeline_counts_each_person_once_on_site_or_online_at_each_step():
    from rencontre.attendance.timeline import day_timeline, session_timeline
    from rencontre.server.charts import line_chart

    driver, badge, registration, me = setup()
    guest = Actor("guest-1", Role.ATTENDEE, "Guest")
    door(driver, "entry", badge, S03)
    online(driver, me, "start", S03)  # the phone too: counted on site only
    online(driver, guest, "start", S03 + 10 * MIN, source="p2")
    door(driver, "exit", badge, S03 + 30 * MIN)
    online(driver, me, "stop", S03 + 60 * MIN)
    driver.send("session.end", {"session": "s03"}, actor=MODERATOR, at=S03 + 90 * MIN)
    points = {round((at - S03) / MIN): (site, away)
              for at, site, away in session_timeline(driver.state,
                                                     driver.state.programme.sessions["s03"],
                                                     S03 + 200 * MIN)}
    assert points[0] == (1, 0)
    assert points[20] == (1, 1)
    assert points[40] == (0, 2), "left the room, still on the phone"
    assert points[80] == (0, 1)
    session = driver.state.programme.sessions["s03"]
    day = session.start.astimezone(driver.state.programme.event.zone).date()
    whole_day = day_timeline(driver.state, day, S03 + 200 * MIN)
    assert max(p[1] for p in whole_day) == 1 and max(p[2] for p in whole_day) == 2
    svg = line_chart(list(session_timeline(driver.state, session, S03 + 200 * MIN)),
                     ("On site", "Online"), "Taller <A>", "peaks", lambda t: "10:00")
    assert svg.startswith("<svg") and "Taller &lt;A&gt;" in svg and svg.count("<path") == 2
