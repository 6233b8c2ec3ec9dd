"""How much anyone may ask of the server, per address and per connection.

=============================  =====================================  ==========================
what                           limit                                  answer
=============================  =====================================  ==========================
messages on one connection     60 at once, then 20 a second           ``rate.limited``
(attendees and anonymous;
staff and kiosks are trusted)
guests joining from an         30 at once, then one every 4 seconds   ``rate.limited``; HTTP 429
address
failed sign-ins from an        10 at once, then one every 6 seconds;  ``rate.limited``; HTTP 429
address (tokens, personal      past that, every attempt is refused
links, pairing codes)          until one is due
websocket connections from     ``RENCONTRE_CONNECTIONS_PER_ADDRESS``  HTTP 429 before the
an address                     open at once (1,000)                   upgrade
request bodies                 64 KiB; the organiser's programme      HTTP 413
                               upload 16 MiB
=============================  =====================================  ==========================

Every refusal says when to try again (``params.retry_after``, ``Retry-After``), and every
failed sign-in is logged with its address. Behind a reverse proxy, list it in
``RENCONTRE_TRUSTED_PROXIES`` so that addresses are the clients', not the proxy's.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from rencontre.engine.messages import N_, Actor, Refusal, Role

if TYPE_CHECKING:
    from rencontre.server.hub import Hub

log = logging.getLogger(__name__)

LIMITS = web.AppKey("limits", "Limits")

SMALL_BODY = 64 * 1024  # every request body but the organiser's upload
PRUNE_EVERY = 10_000  # new keys between two sweeps of refilled buckets
TRUSTED = frozenset({Role.MODERATOR, Role.ORGANISER, Role.KIOSK})
# Outcomes of kiosk.pair that mean a wrong guess.
BAD_CODES = frozenset({"kiosk.bad-code", "kiosk.code-used"})


@dataclass(frozen=True, slots=True)
class Rate:
    burst: float
    per_second: float


MESSAGES = Rate(burst=60, per_second=20)
GUESTS = Rate(burst=30, per_second=1 / 4)
FAILURES = Rate(burst=10, per_second=1 / 6)


class Bucket:
    """A token bucket: ``burst`` tokens, refilled at ``per_second``."""

    __slots__ = ("level", "at")

    def __init__(self, level: float, at: float) -> None:
        self.level = level
        self.at = at

    def refill(self, rate: Rate, now: float) -> float:
        self.level = min(rate.burst, self.level + (now - self.at) * rate.per_second)
        self.at = now
        return self.level

    def due(self, rate: Rate, now: float) -> float:
        """Seconds until a token is there (0: now), taking nothing."""
        level = self.refill(rate, now)
        return 0.0 if level >= 1 else (1 - level) / rate.per_second

    def take(self, rate: Rate, now: float) -> float:
        """Take a token: 0, or the seconds until one is due (nothing taken)."""
        wait = self.due(rate, now)
        if not wait:
            self.level -= 1
        return wait


def address_of(request: web.Request) -> str:
    """The client's address as the limits count it (the proxy's client, where trusted)."""
    return request.remote or "-"


def limited(wait: float) -> Refusal:
    return Refusal("rate.limited", N_("Too many requests from here. Try again in "
                                      "{retry_after} seconds."), retry_after=math.ceil(wait))


class Buckets:
    """A bucket per key (an address). Full buckets are forgotten now and then, so that
    memory follows the addresses that are being limited, not every address ever seen."""

    def __init__(self, rate: Rate, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.clock = clock
        self.buckets: dict[str, Bucket] = {}
        self._new = 0

    def _bucket(self, key: str, now: float) -> Bucket:
        bucket = self.buckets.get(key)
        if bucket is None:
            self._new += 1
            if self._new >= PRUNE_EVERY:
                self._prune(now)
            bucket = self.buckets[key] = Bucket(self.rate.burst, now)
        return bucket

    def take(self, key: str) -> float:
        now = self.clock()
        return self._bucket(key, now).take(self.rate, now)

    def wait(self, key: str) -> float:
        """Seconds until ``key`` may go on (0: now), taking nothing."""
        bucket = self.buckets.get(key)
        return 0.0 if bucket is None else bucket.due(self.rate, self.clock())

    def _prune(self, now: float) -> None:
        self._new = 0
        self.buckets = {key: bucket for key, bucket in self.buckets.items()
                        if bucket.refill(self.rate, now) < self.rate.burst}


class Limits:
    """The limits of one server process (each process counts its own clients)."""

    def __init__(self, connections_per_address: int = 1000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.connections_per_address = connections_per_address
        self.guests = Buckets(GUESTS, clock)
        self.failures = Buckets(FAILURES, clock)
        self.open: Counter[str] = Counter()

    # -- connections ------------------------------------------------------------------------

    def connect(self, address: str) -> bool:
        """Count a new connection from ``address``; False when it has too many open."""
        if self.open[address] >= self.connections_per_address:
            return False
        self.open[address] += 1
        return True

    def disconnect(self, address: str) -> None:
        self.open[address] -= 1
        if self.open[address] <= 0:
            del self.open[address]

    def message(self, bucket: Bucket, role: Role | None) -> None:
        """One message on a connection whose bucket is ``bucket``; raises when over."""
        if role in TRUSTED:
            return
        wait = bucket.take(MESSAGES, self.clock())
        if wait:
            raise limited(wait)

    def new_bucket(self) -> Bucket:
        return Bucket(MESSAGES.burst, self.clock())

    # -- sign-ins and commands ----------------------------------------------------------------

    def before_sign_in(self, address: str) -> None:
        """Refuse an attempt from an address that has failed too often lately."""
        wait = self.failures.wait(address)
        if wait:
            raise limited(wait)

    def failed_sign_in(self, address: str, where: str) -> None:
        log.warning("failed sign-in from %s (%s)", address, where)
        self.failures.take(address)

    def before(self, type: str, address: str) -> None:
        """Refuse ``type`` from ``address`` now if a limit says so."""
        if type == "kiosk.pair":
            self.before_sign_in(address)
        elif type == "access.guest-join":
            wait = self.guests.take(address)
            if wait:
                log.warning("guest joins from %s limited", address)
                raise limited(wait)

    def after(self, type: str, address: str, outcome: dict[str, Any]) -> None:
        if type == "kiosk.pair" and not outcome["ok"] and outcome["code"] in BAD_CODES:
            self.failed_sign_in(address, "kiosk pairing code")

    async def execute(self, hub: Hub, address: str, type: str, data: Any, actor: Actor | None,
                      key: str | None = None) -> dict[str, Any]:
        """``hub.execute`` within the limits of ``address``: raises ``rate.limited``."""
        self.before(type, address)
        try:
            outcome = await hub.execute(type, data, actor, key)
        except Refusal as refusal:
            self.after(type, address, refusal.to_outcome())
            raise
        self.after(type, address, outcome)
        return outcome
