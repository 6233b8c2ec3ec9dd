"""GET /metrics: what an operator's Prometheus scrapes, and who may scrape it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from rencontre.server.app import create_app
from rencontre.server.cli import prepare_event
from rencontre.server.settings import Settings
from rencontre.server.views import HUB
from tests.integration.wsclient import Client
from tests.support import ServerProcess, free_port, wait_for


def samples(text: str) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return found


async def started(tmp_path: Path, **settings) -> tuple[TestClient, dict[str, str]]:
    chosen = Settings(data=str(tmp_path / "data"), demo=True, **settings)
    app = create_app(chosen)
    client = TestClient(TestServer(app))
    await client.start_server()
    links = dict(await prepare_event(app[HUB], chosen))
    return client, links


async def test_metrics_count_connections_commands_and_deliveries(tmp_path: Path) -> None:
    client, links = await started(tmp_path, metrics_token="scrape-me")
    url = str(client.make_url("/ws")).replace("http", "ws", 1)
    attendee_token = links["Attendee page"].rsplit("/a/", 1)[1]
    moderator_token = links["Moderator panel"].split("token: ")[1]
    try:
        attendee = await Client.connect(url, attendee_token)
        await attendee.call("room.join", {"room": "s02"})
        moderator = await Client.connect(url, moderator_token)
        await moderator.call("announcement.post", {"text": "Café en el patio"})
        refused = await moderator.send("session.delay", {"session": "nope", "minutes": 5})
        assert refused["type"] == "error"
        await attendee.push("announcement.posted")

        response = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        found = samples(await response.text())
        assert found["rencontre_connections", (("role", "attendee"),)] == 1
        assert found["rencontre_connections", (("role", "moderator"),)] == 1
        assert found["rencontre_rooms_joined", ()] == 1
        assert found["rencontre_commands_total",
                     (("outcome", "ok"), ("type", "announcement.post"))] == 1
        refusals = [value for (name, labels), value in found.items()
                    if name == "rencontre_commands_total"
                    and ("type", "session.delay") in labels and ("outcome", "ok") not in labels]
        assert refusals == [1]
        assert found["rencontre_frames_delivered_total", ()] >= 1
        assert found["rencontre_bytes_delivered_total", ()] > 100
        assert found["rencontre_log_seq", ()] == client.app[HUB].state.seq
        assert found["rencontre_follower_lag", ()] == 0
        assert found["rencontre_command_seconds_count", ()] >= 2
        assert found["rencontre_log_append_seconds_count", ()] >= 1
        assert ("rencontre_snapshot_age_entries", ()) in found
        assert ("rencontre_log_healthy", ()) in found
        await attendee.close()
        await moderator.close()
    finally:
        await client.close()


async def test_metrics_need_the_token_and_are_absent_without_a_setting(tmp_path: Path) -> None:
    client, _ = await started(tmp_path, metrics_token="scrape-me")
    try:
        assert (await client.get("/metrics")).status == 401
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer guess"})
        assert wrong.status == 401
    finally:
        await client.close()
    bare, _ = await started(tmp_path / "bare")
    try:
        assert (await bare.get("/metrics")).status == 404
    finally:
        await bare.close()


def test_metrics_on_their_own_port_only(tmp_path: Path, servers: list) -> None:
    metrics_port = free_port()
    server = ServerProcess(tmp_path / "data", extra=["--metrics-port", str(metrics_port)])
    servers.append(server)
    server.start()
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as reply:
        text = reply.read().decode()
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert "rencontre_connections" in text and "process_resident_memory_bytes" in text
    try:
        urllib.request.urlopen(f"{server.url}/metrics", timeout=5)
    except urllib.error.HTTPError as error:
        assert error.code == 404
    else:
        raise AssertionError("/metrics must not be served on the public port")


def test_json_logs_one_object_per_line_without_tokens(tmp_path: Path, servers: list) -> None:
    server = ServerProcess(tmp_path / "data", extra=["--log-format", "json"])
    servers.append(server)
    server.start()
    token = server.attendee_link.rsplit("/a/", 1)[1]
    urllib.request.urlopen(server.attendee_link, timeout=5).read()
    urllib.request.urlopen(f"{server.url}/healthz", timeout=5).read()

    def logged() -> list[dict]:
        lines = [line for line in server.log_path.read_text().splitlines()
                 if line.startswith("{")]
        records = [json.loads(line) for line in lines]
        return records if any(r.get("http", {}).get("path") == "/healthz"
                              for r in records) else []

    records = wait_for(logged, timeout=10, what="the access log line of /healthz")
    access = [r for r in records if "http" in r]
    assert {"time", "level", "logger", "event"} <= set(access[0])
    assert any(r["http"]["path"] == "/a/…" and r["http"]["status"] < 400 for r in access)
    # The console prints the links on purpose; the log never carries a token.
    assert all(token not in json.dumps(record) for record in records)
