"""``python -m bench.poll_kinds``: what one ballot costs the engine, for each kind of poll.

Every process applies every ballot (handler, counts, the pushes it publishes), so
this cost is paid once per vote per process, whatever the size of the hall. The
bare baseline is a dict update and a counter increment, the least any server
that counts ballots must do. Each kind should stay within a small factor of a
single-choice ballot and must not grow with the number of ballots already cast
(the second column is measured after 20,000 earlier ballots).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

from rencontre.engine.core import Engine
from rencontre.engine.messages import Actor, Command, Role
from rencontre.schedule.demo import demo_programme

BALLOTS = 20_000
ORGANISER = Actor("org", Role.ORGANISER, "Organiser")


class Run:
    def __init__(self) -> None:
        self.engine = Engine()
        self.seq = 0
        self.send("schedule.load", {"programme": demo_programme(date(2026, 3, 10))})

    def send(self, type: str, data: dict[str, Any], actor: Actor = ORGANISER) -> dict[str, Any]:
        self.seq += 1
        entry = Command(type, data, actor, 1_773_150_000.0 + self.seq).to_entry()
        return self.engine.apply(self.seq, entry).outcome

    def setup_delegations(self, count: int) -> None:
        for n in range(count):
            delegation = self.send("delegation.create", {"name": f"City {n}", "country": "MX"})
            registration = self.send("attendance.register", {
                "name": f"D{n}", "principal": f"a{n}"})["result"]["id"]
            self.send("delegation.member", {"registration": registration,
                                            "delegation": delegation["result"]["id"]})


KINDS: dict[str, tuple[dict[str, Any], Callable[[int], dict[str, Any]]]] = {
    "choice": ({"kind": "choice", "options": ["a", "b", "c", "d"]},
               lambda n: {"choices": [n % 4]}),
    "rating": ({"kind": "rating", "scale": 10}, lambda n: {"rating": n % 10 + 1}),
    "ranking": ({"kind": "ranking", "options": [str(i) for i in range(10)]},
                lambda n: {"ranking": [(n + i) % 10 for i in range(10)]}),
    "words": ({"kind": "words"}, lambda n: {"words": [f"w{n % 997}", f"x{n % 113}"]}),
    "quiz": ({"kind": "quiz", "options": ["a", "b", "c"], "correct": [1]},
             lambda n: {"choices": [n % 3]}),
    "delegation": ({"kind": "choice", "options": ["yes", "no"], "audience": "delegation"},
                   lambda n: {"choices": [n % 2]}),
}


def fastest(batch: Callable[[int], None], runs: int = 10, size: int = 500) -> float:
    """Microseconds per ballot of the fastest of ``runs`` batches: on a shared machine the
    slow batches measure the neighbours."""
    times = []
    for run in range(runs):
        began = time.perf_counter()
        batch(run * size)
        times.append((time.perf_counter() - began) / size * 1e6)
    return min(times)


def measure(kind: str) -> tuple[float, float]:
    """Microseconds per ballot: among the first ballots, and after ``BALLOTS`` more."""
    spec, ballot = KINDS[kind]
    run = Run()
    voters = 10 * BALLOTS
    if kind == "delegation":
        run.setup_delegations(60)
        voters = 60
    poll = run.send("poll.create", {"session": "s02", "question": "?", **spec})["result"]["id"]
    run.send("poll.open", {"poll": poll})

    def cast(start: int, count: int = 500) -> None:
        for n in range(start, start + count):
            run.send("poll.vote", {"poll": poll, **ballot(n)},
                     Actor(f"a{n % voters}", Role.ATTENDEE, f"A{n}"))

    first = fastest(cast)
    cast(10_000, BALLOTS)
    return first, fastest(lambda start: cast(BALLOTS + 20_000 + start))


def bare() -> float:
    ballots: dict[str, int] = {}
    counts = [0] * 4

    def batch(start: int, size: int = 500) -> None:
        for n in range(start, start + size):
            previous = ballots.get(f"a{n}")
            if previous is not None:
                counts[previous] -= 1
            ballots[f"a{n}"] = n % 4
            counts[n % 4] += 1

    return fastest(batch)


def main() -> None:
    baseline = bare()
    print(f"{'kind':<12}{'µs/ballot':>11}{'after 20k':>11}{'× bare':>9}")
    print(f"{'bare':<12}{baseline:>11.2f}{'':>11}{1:>9.0f}")
    for kind in KINDS:
        first, later = measure(kind)
        print(f"{kind:<12}{first:>11.1f}{later:>11.1f}{later / baseline:>9.0f}")


if __name__ == "__main__":
    main()
