"""The engine of one process, kept current by following the log, and its fan-out."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rencontre.engine.core import Engine, Replay
from rencontre.engine.messages import N_, Actor, Command, Push, Refusal
from rencontre.engine.state import EventState
from rencontre.server import snapshots
from rencontre.server.collector import Collector
from rencontre.server.connection import Connection
from rencontre.server.frames import Encoded, message_frame
from rencontre.server.log import Log, LogUnavailable, UnloggableEntry
from rencontre.server.log.base import LogRewound, LogTooNew
from rencontre.server.metrics import Stats

log = logging.getLogger(__name__)

READ_BATCH = 2000
RECENT_OUTCOMES = 20_000
TICK = 0.2  # seconds between two pushes of a coalesced kind, per topic
SNAPSHOT_EVERY = 100_000  # entries between two snapshots of the state
CHUNK = 100  # frames written between two turns of the event loop
PROBE = 1.5  # seconds a health check waits for the log


@dataclass(slots=True)
class _Delivery:
    """One frame on its way to the subscribers its topic had when it was published."""

    frame: bytes
    subscribers: tuple[Connection, ...]
    next: int = 0


class Hub:
    """Applies every log entry in order and sends its pushes to subscribed connections.

    A command is answered with the outcome it had when the log applied it,
    which is the same on every process: two kiosks that check in one badge
    at once both learn which of them came first.
    """

    def __init__(self, log: Log, engine: Engine | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.log = log
        self.engine = engine or Engine()
        self.clock = clock
        self.topics: dict[str, set[Connection]] = {}
        self.connections: set[Connection] = set()
        self.healthy = False
        # Why this process stopped following for good (a log it cannot read); None while it can.
        self.fault: str | None = None
        self._waiters: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._recent: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._follower: asyncio.Task[None] | None = None
        self._listeners: list[Callable[[Push], None]] = []
        self._leavers: list[Callable[[Connection], None]] = []
        self._coalesced: dict[tuple[str, str], dict[str, Any]] = {}
        self._tick: asyncio.TimerHandle | None = None
        self._outbox: deque[_Delivery] = deque()
        self._draining = False
        self._snapshot_seq = 0
        self._snapshotting: asyncio.Task[None] | None = None
        self.collector = Collector()
        self.stats = Stats()
        self.log.observe_write = self.stats.append_seconds.observe
        self._programme: tuple[int, Encoded] | None = None
        self._collecting: asyncio.Task[None] | None = None

    @property
    def snapshot_seq(self) -> int:
        """The seq of the last snapshot taken (or of the state restored at start)."""
        return self._snapshot_seq

    @property
    def state(self):  # noqa: ANN201 - EventState, kept loose to avoid an import cycle in views
        return self.engine.state

    async def start(self) -> None:
        """Open the log, load the latest snapshot, replay the rest, then follow it."""
        await self.log.open()
        # The replay only allocates: collecting meanwhile costs a third of the time.
        gc.disable()
        try:
            state = await self._restore()
            if state is not None:
                self.engine.state = state
            self._snapshot_seq = self.engine.state.seq
            while entries := await self.log.read(self.engine.state.seq, READ_BATCH):
                for seq, entry in entries:
                    self._check_next(seq)
                    self.engine.apply(seq, entry, publish=False)
        finally:
            gc.enable()
        # A snapshot beyond the end of the log: entries were lost after it was taken.
        self.log.seen = max(self.log.seen, self.engine.state.seq)
        await self.log.last_seq()
        gc.collect()
        # What the replay built lives on: keep it out of later full collections.
        gc.freeze()
        self.healthy = True
        self._follower = asyncio.create_task(self._follow(), name="log-follower")
        self._collecting = asyncio.create_task(self.collector.run(lambda: len(self.connections)),
                                               name="gc-pacer")

    async def _restore(self) -> EventState | None:
        """The state of the latest snapshot; a damaged one is set aside and the log replayed."""
        snapshot = await self.log.load_snapshot()
        try:
            return snapshots.restore(snapshot)
        except snapshots.SnapshotDamaged as error:
            assert snapshot is not None
            where = await self.log.set_aside_snapshot(snapshot)
            log.warning("%s: set aside in %s; replaying the whole log instead", error, where)
            return None

    async def stop(self) -> None:
        for task in (self._follower, self._collecting):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        for connection in list(self.connections):
            connection.transport.close()
        if self._snapshotting is not None:
            await asyncio.gather(self._snapshotting, return_exceptions=True)
        # After a fault the log is not this state's any more: no snapshot of it goes there.
        if self.engine.state.seq > self._snapshot_seq and self.fault is None:
            await self.save_snapshot()
        await self.log.close()

    async def save_snapshot(self, aside: bool = False) -> None:
        """Keep a copy of the state in the log store, for a quick restart.

        ``aside`` pickles in a child process while this one goes on serving.
        """
        self._snapshot_seq = self.engine.state.seq
        if aside:
            snapshot = await snapshots.take_aside(self.engine.state)
            if snapshot is None:
                log.warning("snapshot at %d failed", self._snapshot_seq)
                return
        else:
            snapshot = snapshots.take(self.engine.state)
        try:
            await self.log.save_snapshot(snapshot)
        except LogUnavailable as error:
            log.warning("snapshot at %d not saved: %s", snapshot.seq, error)
        else:
            self.stats.snapshot_at = self.clock()

    async def _follow(self) -> None:
        while True:
            try:
                entries = await self.log.read(self.engine.state.seq, READ_BATCH, block=5)
                self.healthy = True
            except (LogTooNew, LogRewound) as error:
                # Applying what follows would part this process's state from its peers'.
                self._stop_following(str(error))
                return
            except LogUnavailable as error:
                if self.healthy:
                    log.error("log unreachable: %s", error)
                self.healthy = False
                await asyncio.sleep(1)
                continue
            try:
                for seq, entry in entries:
                    self._check_next(seq)
                    self._apply(seq, entry)
            except LogRewound as error:
                self._stop_following(str(error))
                return

    def _check_next(self, seq: int) -> None:
        """Entries follow one another: a gap means the log lost some (or its head)."""
        if seq != self.engine.state.seq + 1:
            raise LogRewound(f"the log jumps from entry {self.engine.state.seq} to {seq}: "
                             "entries are missing. Restore the log from a backup.")

    async def check(self) -> str | None:
        """Why this process cannot take writes now, or None; answers within about PROBE s.

        It writes as an append would, so a full or read-only disk, a Redis that stopped
        answering or lost its data, all show.
        """
        if self.fault is not None:
            return self.fault
        try:
            await asyncio.wait_for(self.log.probe(), PROBE)
        except TimeoutError:
            return f"the log did not answer within {PROBE:g} s"
        except LogRewound as error:
            self._stop_following(str(error))
            return self.fault
        except LogUnavailable as error:
            return str(error)
        if not self.healthy:
            return "the log cannot be read"
        return None

    def _stop_following(self, fault: str) -> None:
        if self.fault is not None:
            return
        seq = self.engine.state.seq
        log.error("stopped following the log at seq %d: %s", seq, fault, extra={"seq": seq})
        self.fault = fault
        self.healthy = False
        for waiter in self._waiters.values():
            if not waiter.done():
                waiter.set_exception(LogUnavailable(fault))
        self._waiters.clear()

    def _apply(self, seq: int, entry: dict[str, Any]) -> None:
        applied = self.engine.apply(seq, entry)
        for push in applied.pushes:
            self.publish(push)
        self._recent[seq] = applied.outcome
        if len(self._recent) > RECENT_OUTCOMES:
            self._recent.popitem(last=False)
        waiter = self._waiters.pop(seq, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(applied.outcome)
        if seq - self._snapshot_seq >= SNAPSHOT_EVERY and (
                self._snapshotting is None or self._snapshotting.done()):
            self._snapshotting = asyncio.create_task(self.save_snapshot(aside=True))

    def programme_json(self) -> Encoded:
        """The programme as JSON, encoded once per change: every ``auth.hello`` sends it."""
        version = self.state.programme_seq
        if self._programme is None or self._programme[0] != version:
            self._programme = (version, Encoded(self.state.programme.to_json()))
        return self._programme[1]

    def publish(self, push: Push) -> None:
        """Send ``push`` now, or at the next tick when it is of a coalesced kind."""
        for listener in self._listeners:
            listener(push)
        if push.coalesce:
            self._coalesce(push)
        else:
            self._send(push.topic, push.message)

    def _send(self, topic: str, message: dict[str, Any]) -> None:
        """Encode ``message`` once and write it to every connection on ``topic``."""
        subscribers = self.topics.get(topic)
        if not subscribers:
            return
        self._outbox.append(_Delivery(message_frame(message), tuple(subscribers)))
        if not self._draining:
            self._draining = True
            self._drain()

    def _drain(self) -> None:
        """Write queued frames, at most :data:`CHUNK` at a time, in the order they were queued.

        Writing one post to 10,000 clients takes ~50 ms; in chunks, the replies to kiosks
        and voters go out between them instead of after. One queue for every topic keeps
        each client's pushes in seq order.
        """
        budget = CHUNK
        outbox = self._outbox
        while outbox and budget > 0:
            delivery = outbox[0]
            subscribers, start = delivery.subscribers, delivery.next
            end = min(len(subscribers), start + budget)
            frame = delivery.frame
            for index in range(start, end):
                connection = subscribers[index]
                connection.send(frame)
                if connection.dropped:
                    self.disconnect(connection)
            stats = self.stats
            stats.frames += end - start
            stats.bytes += (end - start) * len(frame)
            budget -= end - start
            if end == len(subscribers):
                outbox.popleft()
            else:
                delivery.next = end
        if outbox:
            asyncio.get_running_loop().call_soon(self._drain)
        else:
            self._draining = False

    def _coalesce(self, push: Push) -> None:
        """Merge ``push`` into the pending one of its kind: nested dicts are updated key by key."""
        key = (push.topic, push.message["type"])
        pending = self._coalesced.get(key)
        if pending is None:
            self._coalesced[key] = dict(push.message)
        else:
            for name, value in push.message.items():
                previous = pending.get(name)
                pending[name] = ({**previous, **value}
                                 if isinstance(value, dict) and isinstance(previous, dict)
                                 else value)
        if self._tick is None:
            self._tick = asyncio.get_running_loop().call_later(TICK, self._flush_coalesced)

    def _flush_coalesced(self) -> None:
        self._tick = None
        pending, self._coalesced = self._coalesced, {}
        for (topic, _), message in pending.items():
            self._send(topic, message)

    def listen(self, listener: Callable[[Push], None]) -> None:
        """Call ``listener`` with every push, before it is sent."""
        self._listeners.append(listener)

    async def execute(self, type: str, data: dict[str, Any], actor: Actor | None,
                      key: str | None = None) -> dict[str, Any]:
        """Log a command and return its outcome once applied; counted for ``/metrics``.

        See :meth:`_execute`.
        """
        # Types outside the table are one label: a client's made-up types must not add series.
        kind = type if type in self.engine.table.commands else "unknown"
        started = time.perf_counter()
        try:
            outcome = await self._execute(type, data, actor, key)
        except Refusal as refusal:
            self.stats.commands[kind, refusal.code] += 1
            raise
        except LogUnavailable:
            self.stats.commands[kind, "server.unavailable"] += 1
            raise
        finally:
            self.stats.command_seconds.observe(time.perf_counter() - started)
        self.stats.commands[kind, "ok" if outcome["ok"] else outcome["code"]] += 1
        return outcome

    async def _execute(self, type: str, data: dict[str, Any], actor: Actor | None,
                       key: str | None = None) -> dict[str, Any]:
        """Log a command and return its outcome once applied.

        A command that mints a secret gets it added to its result here, on the
        process that received it, and only when it was applied for the first
        time: the log holds hashes only. Raises
        :class:`engine.messages.Refusal` when the command is refused before
        logging, and :class:`LogUnavailable` when it could not be logged.
        """
        if self.fault is not None:
            raise LogUnavailable(self.fault)
        spec = self.engine.spec(Command(type, {}, actor, 0))
        minted = spec.prepare(data) if spec.prepare is not None and isinstance(data, dict) else None
        command = Command(type, minted.data if minted else data, actor, self.clock(), key)
        admitted = self.engine.admit(command)
        if isinstance(admitted, Replay):
            return admitted.outcome
        try:
            seq = await self.log.append(admitted.to_entry())
        except LogRewound as error:
            self._stop_following(str(error))
            raise
        except UnloggableEntry as error:
            log.warning("%s not logged: %s", type, error)
            raise Refusal("request.invalid",
                          N_("This command holds data that cannot be saved.")) from None
        outcome = await self._outcome(seq)
        if minted is not None and outcome["ok"] and outcome["seq"] == seq:
            outcome = {**outcome, "result": {**outcome["result"], **minted.reply}}
        return outcome

    async def _outcome(self, seq: int) -> dict[str, Any]:
        if seq <= self.engine.state.seq:
            outcome = self._recent.get(seq)
            if outcome is None:  # applied too long ago to tell: the sender may retry
                raise LogUnavailable(f"the outcome of entry {seq} is no longer known")
            return outcome
        waiter = self._waiters.get(seq)
        if waiter is None:
            waiter = self._waiters[seq] = asyncio.get_running_loop().create_future()
        return await waiter

    def connect(self, connection: Connection) -> None:
        self.connections.add(connection)
        self.collector.connected()

    def on_disconnect(self, leaver: Callable[[Connection], None]) -> None:
        """Call ``leaver`` with each connection that goes, while it still holds its topics."""
        self._leavers.append(leaver)

    def disconnect(self, connection: Connection) -> None:
        if connection.topics:
            for leaver in self._leavers:
                leaver(connection)
        if connection in self.connections:
            self.connections.remove(connection)
            self.collector.disconnected()
            if connection.dropped:
                self.stats.slow_dropped += 1
        for topic in connection.topics:
            subscribers = self.topics.get(topic)
            if subscribers is not None:
                subscribers.discard(connection)
                if not subscribers:
                    del self.topics[topic]
        connection.topics.clear()

    def subscribe(self, connection: Connection, topic: str) -> None:
        self.topics.setdefault(topic, set()).add(connection)
        if topic not in connection.topics:
            connection.topics.append(topic)

    def unsubscribe(self, connection: Connection, topic: str) -> None:
        if topic in connection.topics:
            connection.topics.remove(topic)
        subscribers = self.topics.get(topic)
        if subscribers is not None:
            subscribers.discard(connection)
            if not subscribers:
                del self.topics[topic]
