"""What ``rencontre serve --demo`` sets up for the member cities, and the links it prints."""

from __future__ import annotations

from rencontre.cities.demo import DECLARATION, REMOTE_SIGNATORY, demo_roster
from rencontre.engine.messages import Actor
from rencontre.server.hub import Hub


async def load_demo_cities(hub: Hub, actor: Actor) -> None:
    """Register the demo's people with their delegations and publish the declaration."""
    await hub.execute("delegation.import", {"people": demo_roster()}, actor)
    if hub.state.declaration.current is None:
        await hub.execute("declaration.publish", DECLARATION, actor)


async def signatory_link(hub: Hub, actor: Actor, base: str) -> tuple[str, str] | None:
    """A new personal link for the demo's remote signatory (her earlier one stops working)."""
    state = hub.state
    person = next((r for r in state.attendance.registrations.values()
                   if r.name == REMOTE_SIGNATORY and r.id in state.delegations.member_of), None)
    if person is None:
        return None
    outcome = await hub.execute("attendance.link", {"registrations": [person.id]}, actor)
    token = outcome["result"]["tokens"][person.id]
    return (f"Signatory ({REMOTE_SIGNATORY})", f"{base}/a/{token}")


async def signing_station(hub: Hub, actor: Actor, base: str) -> tuple[str, str]:
    """A one-time code that pairs a signing station."""
    code = await hub.execute("kiosk.pairing-code", {"label": "Signing station", "minutes": 60},
                             actor)
    return ("Signing station pairing", f"{base}/signing  code: {code['result']['code']}")
