"""The declaration: versions in three languages, signing once per delegation, withdrawals,
and the digest chain over all of it."""

from __future__ import annotations

import pytest

from rencontre.cities.chain import GENESIS, verify
from rencontre.engine.messages import Actor, Refusal, Role
from tests.unit.helpers import KIOSK, MODERATOR, ORGANISER, demo_driver

ANA = Actor("p-ana", Role.ATTENDEE, "Ana")
LUIS = Actor("p-luis", Role.ATTENDEE, "Luis")
JEAN = Actor("p-jean", Role.ATTENDEE, "Jean")
TEXT = {"title": {"fr": "Déclaration de Querétaro", "es": "Declaración de Querétaro",
                  "en": "Querétaro Declaration"},
        "text": {"fr": "Nous, villes…", "es": "Nosotras, las ciudades…", "en": "We, cities…"}}
ROSTER = [
    {"name": "Ana Peña", "delegation": "Querétaro", "country": "MX", "signatory": True,
     "principal": ANA.id, "badge": "QRO-1"},
    {"name": "Luis Ortega", "delegation": "Querétaro", "principal": LUIS.id, "badge": "QRO-2"},
    {"name": "Jean Dupont", "delegation": "Clermont-Ferrand", "country": "FR",
     "signatory": True, "principal": JEAN.id, "badge": "CLF-1"},
]
DRAWING = "M10 20 L30 40 L50 45 M60 10 L70 90"


def ready(open_signing=True):
    driver = demo_driver()
    assert driver.send("delegation.import", {"people": ROSTER})["ok"]
    assert driver.send("declaration.publish", TEXT)["ok"]
    if open_signing:
        assert driver.send("declaration.open", {"open": True})["ok"]
    return driver


def sign(driver, actor, version=1, **extra):
    data = {"version": version, "language": "es", "confirm": True, **extra}
    return driver.send("declaration.sign", data, actor=actor)


def refused(call) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call()
    return caught.value


def test_a_declaration_needs_all_three_languages_and_a_change_to_be_republished():
    driver = demo_driver()
    error = refused(lambda: driver.send("declaration.publish", {
        "title": TEXT["title"], "text": {"fr": "x", "en": "y"}}))
    assert (error.code, error.params["lang"]) == ("declaration.language-missing", "es")
    driver.send("declaration.publish", TEXT)
    assert refused(lambda: driver.send("declaration.publish", TEXT)).code \
        == "declaration.unchanged"
    assert refused(lambda: sign(driver, ANA)).code == "declaration.closed"


def test_a_signatory_signs_remotely_once_for_the_delegation():
    driver = ready()
    result = sign(driver, ANA, drawing=DRAWING)["result"]
    assert result["delegation"] == "Querétaro"
    signature = driver.state.declaration.signatures[0]
    assert (signature.where, signature.version, signature.name) == ("remote", 1, "Ana Peña")
    assert signature.drawing == DRAWING
    assert refused(lambda: sign(driver, ANA)).code == "declaration.already-signed"
    # A delegate who is not a signatory, and a station scanning them, are refused.
    assert refused(lambda: sign(driver, LUIS)).code == "declaration.not-signatory"
    assert refused(lambda: sign(driver, KIOSK, badge="QRO-2")).code == \
        "declaration.not-signatory"
    pushed = [p.message for p in driver.pushes if p.message["type"] == "declaration.signed"]
    assert pushed[-1]["count"] == 1 and pushed[-1]["delegations"] == 2
    assert pushed[-1]["signature"]["delegation"]["name"] == "Querétaro"
    # Drawings stay out of pushes and snapshots (up to 16,000 characters each).
    assert pushed[-1]["signature"]["drawn"] is True and "drawing" not in pushed[-1]["signature"]


def test_a_signing_station_signs_for_the_badge_it_scanned():
    driver = ready()
    sign(driver, KIOSK, badge="CLF-1", language="fr")
    signature = driver.state.declaration.signatures[0]
    assert (signature.where, signature.device, signature.language) == ("station", "Kiosk 1",
                                                                       "fr")
    assert refused(lambda: sign(driver, KIOSK, badge="NOPE")).code == "checkin.unknown-badge"
    assert refused(lambda: sign(driver, KIOSK)).code == "request.missing"


@pytest.mark.parametrize(("extra", "code"), [
    ({"confirm": False}, "declaration.not-confirmed"),
    ({"version": 2}, "declaration.version-changed"),
    ({"drawing": "<script>"}, "declaration.bad-drawing"),
    ({"drawing": "M1 2 L3 4\" onload=\"x"}, "declaration.bad-drawing"),
])
def test_a_signature_needs_a_confirmation_the_current_version_and_a_plain_drawing(extra, code):
    driver = ready()
    assert refused(lambda: sign(driver, ANA, **extra)).code == code
    assert not driver.state.declaration.signatures


def test_a_new_version_after_signing_began_asks_for_signatures_again():
    driver = ready()
    sign(driver, ANA)
    changed = {**TEXT, "text": {**TEXT["text"], "en": "We, the cities…"}}
    result = driver.send("declaration.publish", changed)["result"]
    assert result == {"version": 2, "asks_again": True}
    declaration = driver.state.declaration
    assert declaration.standing() == [] and len(declaration.standing(1)) == 1
    assert refused(lambda: sign(driver, ANA)).code == "declaration.version-changed"
    sign(driver, ANA, version=2)
    assert [s.version for s in declaration.signatures] == [1, 2]


def test_staff_withdraw_a_signature_with_a_reason_while_signing_is_open():
    driver = ready()
    signature = sign(driver, ANA)["result"]["signature"]
    assert refused(lambda: driver.send("declaration.withdraw", {
        "signature": signature, "reason": "x"}, actor=MODERATOR)).code == "request.invalid"
    assert refused(lambda: driver.send("declaration.withdraw", {
        "signature": signature, "reason": "Wrong person"}, actor=ANA)).code == "auth.forbidden"
    driver.send("declaration.withdraw", {"signature": signature, "reason": "Signed by mistake"},
                actor=MODERATOR)
    withdrawn = driver.state.declaration.signatures[0].withdrawn
    assert (withdrawn["reason"], withdrawn["by"]) == ("Signed by mistake", "Moda")
    assert refused(lambda: driver.send("delegation.remove", {"delegation": "nope"})).code \
        == "delegation.unknown"
    sign(driver, ANA)  # signs again
    assert len(driver.state.declaration.standing()) == 1
    driver.send("declaration.open", {"open": False})
    assert refused(lambda: driver.send("declaration.withdraw", {
        "signature": driver.state.declaration.signatures[1].id, "reason": "Too late"},
        actor=MODERATOR)).code == "declaration.closed"


def test_a_delegation_that_signed_cannot_be_removed():
    driver = ready()
    sign(driver, JEAN)
    clermont = driver.state.declaration.signatures[0].delegation
    assert refused(lambda: driver.send("delegation.remove", {"delegation": clermont})).code \
        == "delegation.signed"


def test_the_chain_links_every_version_signature_and_withdrawal_and_replays_alike():
    driver = ready()
    first = sign(driver, ANA)["result"]["signature"]
    sign(driver, KIOSK, badge="CLF-1")
    driver.send("declaration.withdraw", {"signature": first, "reason": "Wrong version read"},
                actor=ORGANISER)
    chain = driver.state.declaration.chain
    assert [link["kind"] for link in chain.links] == ["version", "signature", "signature",
                                                      "withdrawal"]
    assert chain.links[0]["previous"] == GENESIS and verify(chain.links) == []
    assert driver.replay().state.declaration.chain.head == chain.head
    altered = [dict(link) for link in chain.links]
    altered[2]["delegation"] = "Somewhere else"
    assert verify(altered) and "link 3" in verify(altered)[0]
    assert verify(chain.links[:1] + chain.links[2:])  # a link taken out
