"""Garbage collection paced by connections: crowds are frozen, churn brings a thaw."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from rencontre.server.collector import MIN_CLOSED, Collector


@pytest.fixture(autouse=True)
def thawed_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()


class Node:
    me: Node


def test_a_crowd_arriving_is_frozen_never_collected_in_full():
    collector = Collector()
    assert collector.due() is None
    for _ in range(10_000):
        collector.connected()
    assert collector.due() == "freeze"
    assert collector.step(10_000) == "freeze"
    assert collector.due() is None and collector.frozen == 10_000


def test_a_thaw_comes_once_a_quarter_of_the_frozen_connections_closed():
    collector = Collector(frozen=8_000)
    for _ in range(1_999):
        collector.disconnected()
    assert collector.due() is None
    collector.disconnected()
    assert collector.due() == "thaw"


def test_a_few_closed_connections_do_not_pay_for_a_thaw():
    collector = Collector(frozen=100)
    for _ in range(MIN_CLOSED - 1):
        collector.disconnected()
    assert collector.due() is None


def test_cycles_left_by_frozen_objects_are_reclaimed_by_the_thaw():
    collector = Collector()
    node = Node()
    node.me = node
    gone = weakref.ref(node)
    collector.connected()
    collector.step(1)
    del node
    gc.collect()
    assert gone() is not None, "frozen: out of every collection"
    for _ in range(MIN_CLOSED):
        collector.disconnected()
    assert collector.step(0) == "thaw"
    assert gone() is None
    assert collector.closed == 0
