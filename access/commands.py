"""Commands that create and revoke principals, and pair kiosks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rencontre.access.directory import (
    Minted,
    PairingCode,
    Principal,
    hash_secret,
    mint,
    new_pairing_code,
    normalise_code,
)
from rencontre.engine.fields import Bool, Choice, Id, Int, Text, client_fields
from rencontre.engine.messages import N_, Command, Decision, Event, Refusal, Role
from rencontre.engine.registry import applies, command, publishes

if TYPE_CHECKING:
    from rencontre.engine.state import EventState

ORGANISER = frozenset({Role.ORGANISER})
PAIRING_MINUTES = 15


def _principal_event(cmd: Command, role: Role, name: str) -> Event:
    return Event("access.granted", {
        "principal": cmd.data["principal"], "role": role.value, "name": name,
        "secret_hash": cmd.data["secret_hash"], "at": cmd.at,
    })


def _mint_code(data: dict[str, Any]) -> Minted:
    code = new_pairing_code()
    logged = {**client_fields(data, "label", "minutes"), "code_hash": hash_secret(code)}
    return Minted(logged, {"code": code})


def _mint_pairing(data: dict[str, Any]) -> Minted:
    sent = client_fields(data, "code", "name")
    code = sent.pop("code", None)
    code_hash = hash_secret(normalise_code(code if isinstance(code, str) else ""))
    return mint({**sent, "code_hash": code_hash}, "k")


@command("access.grant", roles=ORGANISER, prepare=lambda data: mint(
    client_fields(data, "role", "name"), "p"), fields={
    "role": Choice(values=tuple(r.value for r in Role)),
    "name": Text(max=80),
    "principal": Id(), "secret_hash": Id(),
})
def grant(state: EventState, cmd: Command) -> Decision:
    """Create a credential for a new attendee, moderator or organiser. Replies with its token."""
    if cmd.data["principal"] in state.access.principals:
        raise Refusal("access.exists", N_("This principal exists already."))
    event = _principal_event(cmd, Role(cmd.data["role"]), cmd.data["name"])
    return Decision([event], {"principal": cmd.data["principal"]})


@command("access.guest-join", roles=None, prepare=lambda data: mint(
    client_fields(data, "name"), "g"), fields={
    "name": Text(max=60), "principal": Id(), "secret_hash": Id(),
})
def guest_join(state: EventState, cmd: Command) -> Decision:
    """Join the event as a guest attendee with a display name. Replies with a personal token."""
    event = state.programme.event
    if event is None or not event.guests_allowed:
        raise Refusal("access.guests-closed", N_("This event does not accept guests."))
    return Decision([_principal_event(cmd, Role.ATTENDEE, cmd.data["name"])],
                    {"principal": cmd.data["principal"]})


@command("access.revoke", roles=ORGANISER, fields={"principal": Id()})
def revoke(state: EventState, cmd: Command) -> Decision:
    """Revoke a credential: its connections are closed and its token stops working."""
    principal = state.access.principals.get(cmd.data["principal"])
    if principal is None:
        raise Refusal("access.unknown", N_("No such principal."))
    if not principal.active:
        return Decision([], {"principal": principal.id, "already": True})
    return Decision([Event("access.revoked", {"principal": principal.id})],
                    {"principal": principal.id})


@command("kiosk.pairing-code", roles=ORGANISER, prepare=_mint_code, fields={
    "label": Text(max=60), "code_hash": Id(),
    "minutes": Int(min=1, max=24 * 60, optional=True),
})
def pairing_code(state: EventState, cmd: Command) -> Decision:
    """Make a one-time code that pairs one kiosk device. Replies with the code."""
    if cmd.data["code_hash"] in state.access.pairing_codes:
        raise Refusal("kiosk.code-exists", N_("This pairing code exists already."))
    expires = cmd.at + 60 * cmd.data.get("minutes", PAIRING_MINUTES)
    return Decision([Event("kiosk.code-made", {
        "code_hash": cmd.data["code_hash"], "label": cmd.data["label"], "expires_at": expires,
    })], {"expires_at": expires, "label": cmd.data["label"]})


@command("kiosk.pair", roles=None, prepare=_mint_pairing, fields={
    "code_hash": Id(), "principal": Id(), "secret_hash": Id(), "name": Text(max=60, optional=True),
})
def pair(state: EventState, cmd: Command) -> Decision:
    """Pair this device as a kiosk with a one-time code. Replies with the device's token."""
    code = state.access.pairing_codes.get(cmd.data["code_hash"])
    if code is None or code.expires_at < cmd.at:
        raise Refusal("kiosk.bad-code", N_("This pairing code is wrong or has expired."))
    if code.used_by is not None:
        raise Refusal("kiosk.code-used", N_("This pairing code has been used already."))
    name = cmd.data.get("name") or code.label
    return Decision([
        Event("kiosk.code-used", {"code_hash": code.code_hash, "principal": cmd.data["principal"]}),
        _principal_event(cmd, Role.KIOSK, name),
    ], {"principal": cmd.data["principal"], "name": name})


@command("event.settings", roles=ORGANISER, fields={
    "guests_allowed": Bool(optional=True), "anonymous_questions": Bool(optional=True),
})
def settings(state: EventState, cmd: Command) -> Decision:
    """Change event-wide settings: guest join, anonymous questions."""
    if state.programme.event is None:
        raise Refusal("schedule.no-event", N_("No event has been loaded yet."))
    return Decision([Event("event.settings-changed", dict(cmd.data))], dict(cmd.data))


@applies("access.granted")
def _granted(state: EventState, event: Event) -> None:
    d = event.data
    state.access.principals[d["principal"]] = Principal(
        d["principal"], Role(d["role"]), d["name"], d["secret_hash"], created_at=d["at"])


@applies("access.revoked")
def _revoked(state: EventState, event: Event) -> None:
    state.access.principals[event.data["principal"]].active = False


@publishes("access.revoked")
def _publish_revoked(state: EventState, event: Event) -> list[tuple[str, dict]]:
    return [(f"principal:{event.data['principal']}", {"principal": event.data["principal"]})]


@applies("kiosk.code-made")
def _code_made(state: EventState, event: Event) -> None:
    d = event.data
    state.access.pairing_codes[d["code_hash"]] = PairingCode(d["code_hash"], d["expires_at"],
                                                             d["label"])


@applies("kiosk.code-used")
def _code_used(state: EventState, event: Event) -> None:
    state.access.pairing_codes[event.data["code_hash"]].used_by = event.data["principal"]


@applies("event.settings-changed")
def _settings_changed(state: EventState, event: Event) -> None:
    for name, value in event.data.items():
        setattr(state.programme.event, name, value)
    state.programme_seq = state.seq


@publishes("event.settings-changed")
def _publish_settings(state: EventState, event: Event) -> list[tuple[str, dict]]:
    return [("all", {"settings": event.data})]
