"""What ``rencontre serve --demo`` sets up for the member cities, and the links it prints."""

from __future__ import annotations

from rencontre.cities.demo import DECLARATION, REMOTE_SIGNATORY, demo_roster
from rencontre.engine.messages import Actor
from rencontre.server.hub import Hub


async def load_demo_cities(hub: Hub, actor: Actor, base: str) -> list[tuple[str, str]]:
    """Register the demo's people with their delegations, one signatory with a personal
    link, and publish the declaration. Returns the signatory's link."""
    granted = await hub.execute("access.grant", {"role": "attendee", "name": REMOTE_SIGNATORY},
                                actor)
    principal = granted["result"]["principal"]
    await hub.execute("delegation.import",
                      {"people": demo_roster({REMOTE_SIGNATORY: principal})}, actor)
    if hub.state.declaration.current is None:
        await hub.execute("declaration.publish", DECLARATION, actor)
    return [(f"Signatory ({REMOTE_SIGNATORY})", f"{base}/a/{granted['result']['token']}")]


async def signing_station(hub: Hub, actor: Actor, base: str) -> tuple[str, str]:
    """A one-time code that pairs a signing station."""
    code = await hub.execute("kiosk.pairing-code", {"label": "Signing station", "minutes": 60},
                             actor)
    return ("Signing station pairing", f"{base}/signing  code: {code['result']['code']}")
