"""Real files that were refused whole for one bad entry each (issue 12): all or nothing by
default, every problem listed; ``lenient`` skips or repairs each bad entry, reports it with its
place and imports the rest. Overlaps in a room are problems unless allowed."""

from __future__ import annotations

import json
from collections import Counter

import jsonschema
import pytest

from rencontre.schedule.formats import ImportProblems, Problem, export_schedule2, import_csv, load
from tests.support import fixture


def sample(name: str) -> bytes:
    return fixture(f"interop/samples/{name}").read_bytes()


def strict(name: str) -> list[Problem]:
    with pytest.raises(ImportProblems) as refused:
        load(sample(name), name)
    return refused.value.problems


def lenient(name: str) -> tuple[object, list[Problem]]:
    report: list[Problem] = []
    return load(sample(name), name, lenient=True, report=report), report


def test_36c3_merged_duplicate_ids_and_a_zero_duration() -> None:
    problems = strict("36c3-merged.xml")
    messages = Counter(p.message for p in problems)
    assert messages["duplicate session id “{id}”"] == 13
    zero = [p for p in problems if p.message == "the session must end after it starts"]
    assert [p.place for p in zero] == ["line 22684, /schedule/day[3]/room[7]/event[1]"]
    assert any(p.place == "line 4774, /schedule/day[1]/room[21]/event[2]"
               and p.params == {"id": "367"} for p in problems)

    programme, report = lenient("36c3-merged.xml")
    assert len(programme.sessions) == 1347
    resolutions = Counter(p.resolution for p in report)
    # Ten duplicates are other sessions (their own guid): kept under a free id; three are the
    # same session listed twice, and the zero-length one cannot be placed: skipped.
    assert resolutions["kept as session {id}"] == 10
    assert resolutions["skipped"] == 4
    repaired = next(p for p in report if p.resolution == "kept as session {id}")
    new_id = repaired.resolution_params["id"]
    assert repaired.text() == (f"duplicate session id “{repaired.params['id']}” "
                               f"(kept as session {new_id})")
    assert new_id == f"{repaired.params['id']}-2" and new_id in programme.sessions
    # The merged rooms hold overlapping events: a lenient import lists them, and keeps them.
    assert resolutions["kept: overlaps allowed"] == 260
    assert {p.place for p in report} >= {p.place for p in problems}


def test_rc3_pretalx_answers_fields() -> None:
    problems = strict("pretalx-rc3.json")
    assert len(problems) == 48
    assert all(p.text() == "fields the format does not have: answers" for p in problems)
    programme, report = lenient("pretalx-rc3.json")
    assert len(programme.sessions) == 48
    assert [p.place for p in report] == [p.place for p in problems]
    assert {p.text() for p in report} == {
        "fields the format does not have: answers (field ignored)"}


def test_linux_conf_au_vevents_without_location() -> None:
    problems = strict("linux-conf-au-2020.ics")
    assert len(problems) == 17
    assert {p.text() for p in problems} == {"no LOCATION"}
    assert problems[0].place == "VEVENT #2 (UID 235@lca2020.linux.org.au)"
    programme, report = lenient("linux-conf-au-2020.ics")
    assert len(programme.sessions) == 262 - 17
    assert [p.place for p in report] == [p.place for p in problems]
    assert all(p.resolution == "skipped" for p in report)


def test_jres_poster_of_no_length_and_a_fold_inside_a_character() -> None:
    problems = strict("jres-2022.ics")
    assert [str(p) for p in problems] == [
        "VEVENT #95 (UID presentation_147@conf-ng.jres.org): "
        "the session must end after it starts"]
    programme, report = lenient("jres-2022.ics")
    assert len(programme.sessions) == 119
    assert [str(p) for p in report] == [f"{problems[0]} (skipped)"]
    texts = "".join(s.abstract.get("en", "") + s.title["en"]
                    for s in programme.sessions.values())
    assert "\ufffd" not in texts
    assert "différents systèmes d’exploitation" in texts


def test_a_problem_with_the_file_as_a_whole_refuses_it_even_when_lenient() -> None:
    with pytest.raises(ImportProblems) as refused:
        import_csv(b"id,start,end,room,titel_en\r\n", lenient=True, report=[])
    assert [p.text() for p in refused.value.problems][0] == "unknown column"


CSV = ("id,start,end,room,title_en\r\n"
       "a,2025-03-10T09:00-06:00,2025-03-10T10:00-06:00,Sala,One\r\n"
       "b,2025-03-10T09:30-06:00,2025-03-10T10:30-06:00,Sala,Two\r\n"
       "c,2025-03-10T09:30-06:00,2025-03-10T10:30-06:00,Patio,Three\r\n")


def test_sessions_overlapping_in_a_room_are_problems_with_their_places() -> None:
    with pytest.raises(ImportProblems) as refused:
        import_csv(CSV.encode())
    assert [str(p) for p in refused.value.problems] == [
        "line 3: overlaps the session at line 2 in room “Sala”"]
    assert len(import_csv(CSV.encode(), allow_overlaps=True).sessions) == 3
    cancelled = CSV.replace("title_en\r\n", "title_en,status\r\n").replace(
        "One\r\n", "One,\r\n").replace("Two\r\n", "Two,cancelled\r\n").replace(
        "Three\r\n", "Three,\r\n")
    assert len(import_csv(cancelled.encode()).sessions) == 3  # a cancelled one takes no room


# 10. schedule JSON v2


@pytest.mark.parametrize("name", ["debconf23.xml", "pretalx-democon.json", "hub-schedule2.json",
                                  "kielux-2020.ics"])
@pytest.mark.parametrize("base_url", ["", "https://example.org/events/x/"])
def test_schedule2_export_validates_and_round_trips(name: str, base_url: str) -> None:
    schema = json.loads(fixture("interop/schemas/schedule2.json.schema.json").read_text())
    validator = jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    first = export_schedule2(load(sample(name)), base_url=base_url)
    assert [e.message for e in validator.iter_errors(json.loads(first))] == []
    again = load(first)
    assert export_schedule2(again, base_url=base_url) == first
    assert len(again.sessions) == len(load(sample(name)).sessions)


def test_schedule2_check_does_catch_errors() -> None:
    schema = json.loads(fixture("interop/schemas/schedule2.json.schema.json").read_text())
    document = json.loads(export_schedule2(load(sample("hub-schedule2.json"))))
    document["schedule"]["events"][0]["type"] = "talk"
    assert list(jsonschema.Draft6Validator(schema).iter_errors(document))
