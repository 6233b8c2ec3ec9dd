"""Programme commands and imports that keep the feeds sound (issue 12)."""

from __future__ import annotations

import pytest

from rencontre.engine.messages import Refusal
from rencontre.schedule.demo import demo_programme
from tests.unit.helpers import DEMO_START, MODERATOR, demo_driver


# 2. A title is one line


@pytest.mark.parametrize("title", ["Deux\nlignes", "Tab\there", "Bell\x07", "Next\x85line"])
def test_session_edit_refuses_control_characters_in_a_title(title: str) -> None:
    driver = demo_driver()
    before = driver.state.programme.sessions["s02"].title
    with pytest.raises(Refusal) as refused:
        driver.send("session.edit", {"session": "s02", "title": {"fr": title}}, actor=MODERATOR)
    assert refused.value.code == "request.invalid"
    assert refused.value.params["field"] == "title.fr"
    assert driver.state.programme.sessions["s02"].title == before
    assert driver.send("session.edit", {"session": "s02", "title": {"fr": "Une ligne, ; ok"}},
                       actor=MODERATOR)["ok"]


def test_schedule_load_refuses_a_title_on_two_lines() -> None:
    programme = demo_programme(DEMO_START)
    programme["sessions"][1]["title"] = {"en": "Two\nlines"}
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("schedule.load", {"programme": programme, "mode": "replace"})
    assert refused.value.code == "schedule.invalid"
    assert refused.value.params["place"].endswith(".title")
