"""What a process counts about itself, and ``GET /metrics`` in the Prometheus text format.

The fan-out is the hot path: frames and bytes are counted as plain integers, a chunk
at a time, and everything that can be read from the hub (connections, rooms, the log's
position) is read when a collector scrapes, not kept up to date on every change.
"""

from __future__ import annotations

import asyncio
import gc
import hmac
import time
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.process_collector import ProcessCollector

from rencontre.server.security import nosniff

if TYPE_CHECKING:
    from rencontre.server.hub import Hub
    from rencontre.server.settings import Settings

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
GC_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)
LAG_TIMEOUT = 1.0  # seconds a scrape waits for the log's head before reporting no lag

GC_PAUSES = Histogram("rencontre_gc_pause_seconds", "Garbage collector pauses, by generation.",
                      ["generation"], buckets=GC_BUCKETS, registry=None)
_gc_started: list[float] = []


def _time_gc(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _gc_started[:] = [time.perf_counter()]
    elif _gc_started:
        GC_PAUSES.labels(str(info["generation"])).observe(time.perf_counter() - _gc_started[0])


gc.callbacks.append(_time_gc)


class Stats:
    """The counts one hub keeps while it serves."""

    def __init__(self) -> None:
        self.frames = 0
        self.bytes = 0
        self.slow_dropped = 0
        self.commands: Counter[tuple[str, str]] = Counter()
        self.started = time.time()
        self.snapshot_at: float | None = None
        self.command_seconds = Histogram(
            "rencontre_command_seconds", "Time from receiving a command to its outcome.",
            buckets=LATENCY_BUCKETS, registry=None)
        self.append_seconds = Histogram(
            "rencontre_log_append_seconds", "Time to write one batch of entries durably.",
            buckets=LATENCY_BUCKETS, registry=None)


class HubCollector:
    """Reads the hub when scraped."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.head: int | None = None  # the log's last seq, read just before the scrape

    def collect(self) -> Iterator[Metric]:
        hub, stats = self.hub, self.hub.stats
        roles = Counter(c.actor.role.value if c.actor else "anonymous" for c in hub.connections)
        connections = GaugeMetricFamily("rencontre_connections",
                                        "Open websocket connections, by role.", labels=["role"])
        for role in ("anonymous", "attendee", "moderator", "kiosk", "organiser"):
            connections.add_metric([role], roles.get(role, 0))
        yield connections
        rooms = [len(subs) for topic, subs in hub.topics.items() if topic.startswith("room:")]
        yield GaugeMetricFamily("rencontre_rooms_joined", "Rooms with at least one connection.",
                                value=len(rooms))
        yield GaugeMetricFamily("rencontre_room_members", "Connections joined to a room, summed.",
                                value=sum(rooms))
        yield CounterMetricFamily("rencontre_frames_delivered", "Frames written to connections.",
                                  value=stats.frames)
        yield CounterMetricFamily("rencontre_bytes_delivered", "Bytes written to connections.",
                                  value=stats.bytes)
        yield CounterMetricFamily("rencontre_slow_clients_dropped",
                                  "Connections dropped for not reading their frames.",
                                  value=stats.slow_dropped)
        commands = CounterMetricFamily("rencontre_commands",
                                       "Commands by type and outcome (ok or the refusal's code).",
                                       labels=["type", "outcome"])
        for (kind, outcome), count in sorted(stats.commands.items()):
            commands.add_metric([kind, outcome], count)
        yield commands
        seq = hub.state.seq
        yield GaugeMetricFamily("rencontre_log_seq", "Position of the last applied entry.",
                                value=seq)
        if self.head is not None:
            yield GaugeMetricFamily("rencontre_follower_lag",
                                    "Entries in the log not yet applied by this process.",
                                    value=max(0, self.head - seq))
        yield GaugeMetricFamily("rencontre_snapshot_age_entries",
                                "Entries applied since the last snapshot.",
                                value=seq - hub.snapshot_seq)
        since = stats.snapshot_at if stats.snapshot_at is not None else stats.started
        yield GaugeMetricFamily("rencontre_snapshot_age_seconds",
                                "Seconds since the last snapshot (or since start, if none).",
                                value=time.time() - since)
        yield GaugeMetricFamily("rencontre_log_healthy", "1 while the log is readable.",
                                value=1 if hub.healthy else 0)


def registry_for(hub: Hub) -> tuple[CollectorRegistry, HubCollector]:
    registry = CollectorRegistry()
    collector = HubCollector(hub)
    registry.register(collector)
    registry.register(hub.stats.command_seconds)
    registry.register(hub.stats.append_seconds)
    registry.register(GC_PAUSES)
    ProcessCollector(registry=registry)
    return registry, collector


def handler(hub: Hub, token: str | None) -> Any:
    """The ``/metrics`` endpoint; with ``token``, only for requests that bear it."""
    registry, collector = registry_for(hub)

    async def metrics(request: web.Request) -> web.Response:
        if token is not None:
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                raise web.HTTPUnauthorized(headers={"WWW-Authenticate": "Bearer"})
        try:
            collector.head = await asyncio.wait_for(hub.log.last_seq(), LAG_TIMEOUT)
        except Exception:  # an unreachable log shows as no lag figure and log_healthy 0
            collector.head = None
        # On the loop: the collector reads sets that the loop changes.
        body = generate_latest(registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return metrics


def install(app: web.Application, hub: Hub, settings: Settings) -> None:
    """Serve ``/metrics`` as the settings say: on its own port, behind a token, or not at all."""
    if settings.metrics_port is not None:
        side = web.Application()
        side.on_response_prepare.append(nosniff)
        side.router.add_get("/metrics", handler(hub, settings.metrics_token))
        runner = web.AppRunner(side, access_log=None)

        async def start(app: web.Application) -> None:
            await runner.setup()
            await web.TCPSite(runner, settings.host, settings.metrics_port).start()

        async def stop(app: web.Application) -> None:
            await runner.cleanup()

        app.on_startup.append(start)
        app.on_cleanup.append(stop)
    elif settings.metrics_token is not None:
        app.router.add_get("/metrics", handler(hub, settings.metrics_token))
