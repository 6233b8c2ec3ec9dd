"""Delegations: member cities with delegates and signatories, created, edited and imported."""

from __future__ import annotations

import pytest

from rencontre.cities.delegations import delegation_of, is_signatory, registration_of
from rencontre.engine.messages import Refusal
from rencontre.engine.snapshots import event_snapshot
from tests.unit.helpers import ATTENDEE, MODERATOR, ORGANISER, demo_driver

ROSTER = [
    {"name": "Ana Peña", "delegation": "Querétaro", "country": "mx", "signatory": "oui",
     "languages": "es, en", "principal": "att"},
    {"name": "Luis Ortega", "delegation": "QUERETARO", "signatory": "no"},
    {"name": "Jean Dupont", "delegation": "Clermont-Ferrand", "country": "FR",
     "flag": "https://example.org/clermont.svg", "signatory": True},
    {"name": "Claire Fontaine"},
]


def imported(rows=ROSTER):
    driver = demo_driver()
    outcome = driver.send("delegation.import", {"people": rows})
    assert outcome["ok"], outcome
    return driver, outcome["result"]


def refused(driver, type, data, actor=ORGANISER) -> Refusal:
    with pytest.raises(Refusal) as caught:
        driver.send(type, data, actor=actor)
    return caught.value


def test_an_import_registers_people_and_creates_their_delegations_by_name():
    driver, result = imported()
    assert (result["count"], result["delegations"], result["delegates"]) == (4, 2, 3)
    delegations = {d.name: d for d in driver.state.delegations.by_id.values()}
    queretaro = delegations["Querétaro"]
    assert (queretaro.country, queretaro.languages) == ("MX", ["es", "en"])
    assert len(queretaro.members) == 2 and len(queretaro.signatories) == 1
    assert delegations["Clermont-Ferrand"].flag == "https://example.org/clermont.svg"
    claire = next(r for r in driver.state.attendance.registrations.values()
                  if r.name == "Claire Fontaine")
    assert claire.id not in driver.state.delegations.member_of


def test_the_read_api_goes_from_a_principal_to_their_delegation():
    driver, _ = imported()
    delegation = delegation_of(driver.state, ATTENDEE.id)
    assert delegation is not None and delegation.name == "Querétaro"
    ana = registration_of(driver.state, ATTENDEE.id)
    assert ana is not None and ana.name == "Ana Peña" and is_signatory(driver.state, ana.id)
    assert delegation_of(driver.state, "nobody") is None


@pytest.mark.parametrize(("row", "code", "field"), [
    ({"name": "X", "delegation": "Nowhere"}, "delegation.no-country", "country"),
    ({"name": "X", "delegation": "Lyon", "country": "ZZ"}, "delegation.bad-country", "country"),
    ({"name": "X", "delegation": "Querétaro", "country": "FR"},
     "delegation.country-mismatch", "country"),
    ({"name": "X", "delegation": "Lyon", "country": "FR", "signatory": "maybe"},
     "delegation.bad-signatory", "signatory"),
    ({"name": "X", "delegation": "Lyon", "country": "FR", "languages": "french"},
     "delegation.bad-language", "languages"),
    ({"name": "X", "delegation": "Lyon", "country": "FR", "flag": "javascript:alert(1)"},
     "delegation.bad-flag", "flag"),
    ({"name": "X", "delegation": "Lyon", "country": "FR",
      "flag": "https://example.org;script-src/x.png"}, "delegation.bad-flag", "flag"),
    ({"name": "X", "signatory": "yes"}, "delegation.missing", "delegation"),
    ({"delegation": "Lyon", "country": "FR"}, "attendance.invalid", "name"),
])
def test_a_wrong_row_refuses_the_whole_file_naming_its_row(row, code, field):
    driver = demo_driver()
    before = len(driver.log)
    error = refused(driver, "delegation.import", {"people": [*ROSTER, row]})
    assert (error.code, error.params["row"], error.params["field"]) == (code, 5, field)
    assert len(driver.log) == before
    assert not driver.state.attendance.registrations and not driver.state.delegations.by_id


def test_a_second_import_joins_existing_delegations_and_fills_what_they_lack():
    driver, _ = imported()
    driver.send("delegation.import", {"people": [
        {"name": "Élodie Marchand", "delegation": "clermont-ferrand", "languages": "fr"},
    ]})
    delegations = {d.name: d for d in driver.state.delegations.by_id.values()}
    assert len(delegations) == 2
    assert len(delegations["Clermont-Ferrand"].members) == 2
    assert delegations["Clermont-Ferrand"].languages == ["fr"]


def test_a_person_belongs_to_at_most_one_delegation():
    driver, _ = imported()
    state = driver.state
    ids = {d.name: d.id for d in state.delegations.by_id.values()}
    luis = next(r.id for r in state.attendance.registrations.values() if r.name == "Luis Ortega")
    result = driver.send("delegation.member", {"registration": luis,
                                               "delegation": ids["Clermont-Ferrand"],
                                               "signatory": True})["result"]
    assert result["from"] == ids["Querétaro"]
    assert luis not in state.delegations.by_id[ids["Querétaro"]].members
    assert state.delegations.by_id[ids["Clermont-Ferrand"]].members[luis] is True
    pushed = [p.message for p in driver.pushes if p.message["type"] == "delegation.members-set"]
    assert {d["name"] for d in pushed[-1]["delegations"]} == {"Querétaro", "Clermont-Ferrand"}
    driver.send("delegation.member", {"registration": luis})
    assert luis not in state.delegations.member_of


def test_organisers_create_edit_and_remove_delegations():
    driver = demo_driver()
    made = driver.send("delegation.create", {"name": "Dakar", "country": "sn",
                                             "languages": ["fr", "wo"]})["result"]
    delegation = driver.state.delegations.by_id[made["id"]]
    assert (delegation.country, delegation.languages) == ("SN", ["fr", "wo"])
    assert refused(driver, "delegation.create", {"name": "DAKAR", "country": "SN"}).code \
        == "delegation.exists"
    driver.send("delegation.edit", {"delegation": made["id"], "name": "Ville de Dakar",
                                    "flag": "https://example.org/dakar.png"})
    assert (delegation.name, delegation.country) == ("Ville de Dakar", "SN")
    assert delegation.flag == "https://example.org/dakar.png"
    driver.send("delegation.remove", {"delegation": made["id"]})
    assert not driver.state.delegations.by_id
    assert refused(driver, "delegation.edit", {"delegation": made["id"], "name": "X"}).code \
        == "delegation.unknown"


def test_only_organisers_change_delegations():
    driver = demo_driver()
    for actor in (ATTENDEE, MODERATOR):
        assert refused(driver, "delegation.create", {"name": "Lyon", "country": "FR"},
                       actor=actor).code == "auth.forbidden"


def test_everyone_sees_delegations_but_only_staff_see_their_people():
    driver, _ = imported()
    public = event_snapshot(driver.state, ATTENDEE, driver.clock)
    assert [d["name"] for d in public["delegations"]] == ["Clermont-Ferrand", "Querétaro"]
    assert all("members" not in d for d in public["delegations"])
    assert public["my_delegation"]["signatory"] is True
    staff = event_snapshot(driver.state, MODERATOR, driver.clock)
    assert [m["name"] for m in staff["delegations"][1]["members"]] == ["Ana Peña",
                                                                        "Luis Ortega"]


def test_a_replayed_log_rebuilds_the_same_delegations():
    driver, _ = imported()
    replayed = driver.replay().state.delegations
    assert replayed == driver.state.delegations
