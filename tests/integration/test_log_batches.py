"""Group commit on both backends: an entry that cannot be saved fails alone."""

from __future__ import annotations

import asyncio

import pytest

from rencontre.server.log.base import Log, UnloggableEntry
from rencontre.server.log.redis import RedisLog
from rencontre.server.log.sqlite import SQLiteLog


@pytest.fixture(params=["sqlite", "redis"])
async def log(request, tmp_path):
    if request.param == "redis":
        opened: Log = RedisLog(request.getfixturevalue("redis_url"))
    else:
        opened = SQLiteLog(tmp_path)
    await opened.open()
    yield opened
    await opened.close()


def entry(text: str) -> dict:
    return {"type": "qa.ask", "data": {"text": text}, "at": 1.0}


async def test_an_unsavable_entry_never_fails_its_batch_neighbours(log):
    texts = ["one", "two \ud800", "three", "four \udfff", "five"]
    outcomes = await asyncio.gather(*(log.append(entry(t)) for t in texts),
                                    return_exceptions=True)
    assert isinstance(outcomes[1], UnloggableEntry)
    assert isinstance(outcomes[3], UnloggableEntry)
    good = [outcomes[0], outcomes[2], outcomes[4]]
    assert good == [1, 2, 3]
    saved = await log.read(0, 10)
    assert [(seq, e["data"]["text"]) for seq, e in saved] == [(1, "one"), (2, "three"),
                                                             (3, "five")]
