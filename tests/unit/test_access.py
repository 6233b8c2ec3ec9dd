"""Credentials, guests and kiosk pairing."""

from __future__ import annotations

import pytest

from rencontre.access.directory import hash_secret
from rencontre.engine.messages import Refusal, Role
from tests.unit.helpers import ATTENDEE, ORGANISER, demo_driver, grant


def test_granted_token_signs_in_and_the_log_holds_only_its_hash():
    driver = demo_driver()
    token = grant(driver, "moderator", "Lucía")
    principal = driver.state.access.verify(token)
    assert principal is not None and principal.role is Role.MODERATOR
    secret = token.split(".", 1)[1]
    assert secret not in str(driver.log)
    assert principal.secret_hash == hash_secret(secret)


def test_wrong_or_revoked_tokens_do_not_sign_in():
    driver = demo_driver()
    token = grant(driver, "attendee")
    principal_id = token.split(".")[0]
    assert driver.state.access.verify(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert driver.state.access.verify("nobody.secret") is None
    assert driver.state.access.verify("") is None
    driver.send("access.revoke", {"principal": principal_id})
    assert driver.state.access.verify(token) is None
    assert driver.pushes[-1].topic == f"principal:{principal_id}"


def test_only_organisers_grant_credentials():
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("access.grant", {"role": "organiser", "name": "Me"}, actor=ATTENDEE)
    assert refused.value.code == "auth.forbidden"


def test_guests_join_only_when_the_event_allows_it():
    driver = demo_driver()
    joined = driver.send("access.guest-join", {"name": "Invitada"}, actor=None)
    assert driver.state.access.verify(joined["result"]["token"]).role is Role.ATTENDEE
    driver.send("event.settings", {"guests_allowed": False}, actor=ORGANISER)
    with pytest.raises(Refusal) as refused:
        driver.send("access.guest-join", {"name": "Tarde"}, actor=None)
    assert refused.value.code == "access.guests-closed"


def test_a_client_cannot_choose_its_own_principal_or_hash():
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("access.guest-join", {"name": "Eve", "principal": "org",
                                          "secret_hash": hash_secret("x")}, actor=None)
    assert (refused.value.code, refused.value.params["field"]) == ("request.invalid", "principal")
    assert driver.state.access.verify("org.x") is None


def test_a_pairing_code_pairs_one_kiosk_once_before_it_expires():
    driver = demo_driver()
    made = driver.send("kiosk.pairing-code", {"label": "Entrada norte"})
    code = made["result"]["code"]
    paired = driver.send("kiosk.pair", {"code": code.lower()}, actor=None)
    assert paired["ok"], paired
    device = driver.state.access.verify(paired["result"]["token"])
    assert (device.role, device.name) == (Role.KIOSK, "Entrada norte")
    with pytest.raises(Refusal) as reused:
        driver.send("kiosk.pair", {"code": code}, actor=None)
    assert reused.value.code == "kiosk.code-used"


def test_two_kiosks_racing_for_one_code_learn_who_was_first():
    driver = demo_driver()
    code = driver.send("kiosk.pairing-code", {"label": "K"})["result"]["code"]
    from rencontre.engine.registry import registry

    prepare = registry.commands["kiosk.pair"].prepare
    entries = [{"type": "kiosk.pair", "data": prepare({"code": code}).data, "at": driver.clock}
               for _ in range(2)]
    first, second = (driver.append(entry) for entry in entries)
    assert first["ok"] and second["code"] == "kiosk.code-used"


def test_an_expired_pairing_code_is_refused():
    driver = demo_driver()
    code = driver.send("kiosk.pairing-code", {"label": "K", "minutes": 1})["result"]["code"]
    with pytest.raises(Refusal) as refused:
        driver.send("kiosk.pair", {"code": code}, actor=None, at=driver.clock + 61)
    assert refused.value.code == "kiosk.bad-code"
