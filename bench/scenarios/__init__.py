"""The table of scenarios, numbered as in issue 5; each is a small module.

To add one, write a :class:`bench.scenarios.base.Scenario` subclass
in its own module and list it in :data:`SCENARIOS`.
"""

from __future__ import annotations

from bench.scenarios.base import Scenario
from bench.scenarios.fanout import FanOut
from bench.scenarios.idle import Idle
from bench.scenarios.kiosks import Kiosks
from bench.scenarios.reactions import ReactionBurst
from bench.scenarios.reconnect import ReconnectStorm
from bench.scenarios.restart import Restart
from bench.scenarios.scaleout import ScaleOut
from bench.scenarios.votes import VoteBurst

SCENARIOS: dict[str, type[Scenario]] = {
    scenario.key: scenario
    for scenario in sorted((FanOut, Idle, VoteBurst, ReconnectStorm, Restart, Kiosks, ScaleOut,
                            ReactionBurst),
                           key=lambda s: s.number)
}

__all__ = ["SCENARIOS", "Scenario"]
