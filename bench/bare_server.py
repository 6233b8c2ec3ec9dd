"""The bare baseline: the least a websocket server must do to serve the same scenarios.

A plain ``websockets`` asyncio server, compression off, that speaks just enough of
Rencontre's protocol for the load generator: ``auth.hello`` and ``room.join`` get
trivial replies, and ``announcement.post`` is broadcast to the room (or, without a
room, to everyone who said hello) with ``websockets.asyncio.server.broadcast``. No
log, no checks, no persistence: what Rencontre costs beyond this is its own.

Polls, for the vote burst: ``poll.create``, ``poll.open`` and ``poll.close`` answer at
once (open and close push ``poll.changed`` to the room); ``poll.vote`` keeps one ballot
per connection, updates the counts and is answered at once; the counts go to the room
as ``poll.voted`` at most every 0.2 s (the same coalescing as Rencontre's hub) and once
more in the ``poll.changed`` of the close. Same message shapes as Rencontre.

Reactions, for the reaction burst: ``reaction.send`` adds one to the room's total of its
kind and is answered at once; the totals that grew go to the room as ``reaction.added``
at most every 0.2 s, the same coalescing as the votes'. No rate limit, no log.

Check-in, for the kiosks: ``attendance.import`` gives each person a badge code and an
id (no checks); ``kiosk.pairing-code`` and ``kiosk.pair`` hand out a code, then a token,
and a connection that says ``auth.hello`` with that token is a kiosk. ``checkin.scan``
looks the badge up in a dict: the first scan wins (``checked-in``), later ones get
``already`` with the first check-in; a first check-in is pushed as ``checkin.recorded``
to every kiosk (Rencontre's audience also has the staff), and the answer is kept by
(kiosk, id), so that a kiosk replaying its offline queue gets the same verdicts again,
which is the least a correct server must do. No log.

``--replay FILE`` reads and decodes every row of a Rencontre SQLite log before
listening, the floor for the restart scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import sqlite3
import time
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from bench.common import raise_fd_limit

TICK = 0.2  # seconds between two poll.voted pushes, as in server/hub.py


class Bare:
    """The state of the baseline: who listens where, and what was announced."""

    def __init__(self) -> None:
        self.seq = 0
        self.everyone: set[ServerConnection] = set()
        self.rooms: dict[str, set[ServerConnection]] = {}
        self.announcements: dict[str | None, list[dict[str, Any]]] = {}
        self.polls: dict[str, dict[str, Any]] = {}
        self.ballots: dict[str, dict[ServerConnection, tuple[int, ...]]] = {}
        self.dirty: dict[str, set[str]] = {}  # room -> polls voted on since the last push
        self.reactions: dict[str, dict[str, int]] = {}  # room -> kind -> total
        self.reacted: dict[str, set[str]] = {}  # room -> kinds that grew since the last push
        self.tick: asyncio.TimerHandle | None = None
        # Check-in: registrations by id and badge, first check-ins, kiosks and their answers.
        self.people: dict[str, dict[str, Any]] = {}
        self.by_badge: dict[str, str] = {}
        self.checkins: dict[str, dict[str, Any]] = {}
        self.codes: set[str] = set()
        self.kiosk_tokens: dict[str, tuple[str, str]] = {}  # token -> (principal, name)
        self.kiosks: dict[ServerConnection, tuple[str, str]] = {}
        self.outcomes: dict[tuple[str, Any], str] = {}  # (kiosk, id) -> the answer sent

    def reply(self, ws: ServerConnection, message_id: Any, result: dict[str, Any]) -> str:
        return json.dumps({"type": "reply", "id": message_id, "ok": True, "seq": self.seq,
                           "result": result}, separators=(",", ":"))

    def handle(self, ws: ServerConnection, message: dict[str, Any]) -> str:
        kind, data, message_id = message.get("type"), message.get("data") or {}, message.get("id")
        if kind == "auth.hello":
            self.everyone.add(ws)
            kiosk = self.kiosk_tokens.get(data.get("token"))
            if kiosk is not None:
                self.kiosks[ws] = kiosk
            return self.reply(ws, message_id, {"seq": self.seq, "time": time.time(), "me": None,
                                               "announcements": self.announcements.get(None, []),
                                               "attendance": self.counts()})
        if kind == "checkin.scan":
            return self.scan(ws, message_id, data)
        if kind == "room.join":
            room = data["room"]
            self.rooms.setdefault(room, set()).add(ws)
            return self.reply(ws, message_id, {"seq": self.seq, "room": room,
                                               "announcements": self.announcements.get(room, [])})
        if kind == "announcement.post":
            return self.post(ws, message_id, data)
        if kind == "poll.vote":
            return self.vote(ws, message_id, data)
        if kind == "reaction.send":
            return self.react(ws, message_id, data)
        if kind == "poll.create":
            return self.create_poll(ws, message_id, data)
        if kind in ("poll.open", "poll.close"):
            return self.change_poll(ws, message_id, data, kind == "poll.open")
        if kind == "attendance.import":
            return self.register(ws, message_id, data)
        if kind == "kiosk.pairing-code":
            return self.pairing_code(ws, message_id, data)
        if kind == "kiosk.pair":
            return self.pair(ws, message_id, data)
        if kind == "conn.ping":  # the pages' heartbeat
            return self.reply(ws, message_id, {"time": time.time(), "seq": self.seq})
        return json.dumps({"type": "error", "id": message_id, "code": "request.unknown-type"})

    def post(self, ws: ServerConnection, message_id: Any, data: dict[str, Any]) -> str:
        self.seq += 1
        room = data.get("room")
        announcement = {"id": f"an{self.seq}", "text": data["text"], "room": room,
                        "posted_at": time.time(), "expires_at": None, "author": "Moderator"}
        self.announcements.setdefault(room, []).append(announcement)
        push = json.dumps({"type": "announcement.posted", "seq": self.seq, "room": room,
                           "announcement": announcement}, separators=(",", ":"),
                          ensure_ascii=False)
        broadcast(self.rooms.get(room, ()) if room else self.everyone, push)
        return self.reply(ws, message_id, {"id": announcement["id"]})

    def create_poll(self, ws: ServerConnection, message_id: Any, data: dict[str, Any]) -> str:
        self.seq += 1
        poll_id = f"p{self.seq}"
        self.polls[poll_id] = {
            "id": poll_id, "session": data["session"], "question": data["question"],
            "options": data["options"], "multiple": bool(data.get("multiple")),
            "results": data.get("results", "live"), "status": "draft", "counts":
            [0] * len(data["options"]), "total": 0, "opened_at": None, "closed_at": None}
        self.ballots[poll_id] = {}
        return self.reply(ws, message_id, {"id": poll_id})

    def change_poll(self, ws: ServerConnection, message_id: Any, data: dict[str, Any],
                    opening: bool) -> str:
        self.seq += 1
        poll = self.polls[data["poll"]]
        poll["status"] = "open" if opening else "closed"
        poll["opened_at" if opening else "closed_at"] = time.time()
        room = poll["session"]
        push = json.dumps({"type": "poll.changed", "seq": self.seq, "room": room, "poll": poll},
                          separators=(",", ":"), ensure_ascii=False)
        broadcast(self.rooms.get(room, ()), push)
        return self.reply(ws, message_id, {"poll": poll["id"]})

    def vote(self, ws: ServerConnection, message_id: Any, data: dict[str, Any]) -> str:
        poll = self.polls[data["poll"]]
        if poll["status"] != "open":
            return json.dumps({"type": "error", "id": message_id, "code": "poll.not-open"})
        self.seq += 1
        ballots, counts = self.ballots[poll["id"]], poll["counts"]
        for choice in ballots.pop(ws, ()):
            counts[choice] -= 1
        choices = tuple(sorted(data["choices"]))
        if choices:
            ballots[ws] = choices
            for choice in choices:
                counts[choice] += 1
        poll["total"] = len(ballots)
        self.dirty.setdefault(poll["session"], set()).add(poll["id"])
        if self.tick is None:
            self.tick = asyncio.get_running_loop().call_later(TICK, self.push_counts)
        return self.reply(ws, message_id, {"poll": poll["id"], "choices": list(choices)})

    def react(self, ws: ServerConnection, message_id: Any, data: dict[str, Any]) -> str:
        self.seq += 1
        room, kind = data["session"], data["kind"]
        totals = self.reactions.setdefault(room, {})
        totals[kind] = totals.get(kind, 0) + 1
        self.reacted.setdefault(room, set()).add(kind)
        if self.tick is None:
            self.tick = asyncio.get_running_loop().call_later(TICK, self.push_counts)
        return self.reply(ws, message_id, {"session": room, "kind": kind})

    def push_counts(self) -> None:
        """One ``poll.voted`` per room with the counts of every poll voted on since the last,
        and one ``reaction.added`` per room with the totals that grew."""
        self.tick = None
        reacted, self.reacted = self.reacted, {}
        for room, kinds in reacted.items():
            counts = {kind: self.reactions[room][kind] for kind in kinds}
            push = json.dumps({"type": "reaction.added", "seq": self.seq, "room": room,
                               "counts": counts}, separators=(",", ":"))
            broadcast(self.rooms.get(room, ()), push)
        dirty, self.dirty = self.dirty, {}
        for room, polls in dirty.items():
            results = {p: {"counts": self.polls[p]["counts"], "total": self.polls[p]["total"]}
                       for p in polls}
            push = json.dumps({"type": "poll.voted", "seq": self.seq, "room": room,
                               "results": results}, separators=(",", ":"))
            broadcast(self.rooms.get(room, ()), push)

    def counts(self) -> dict[str, int]:
        return {"registered": len(self.people), "checked_in": len(self.checkins)}

    def register(self, ws: ServerConnection, message_id: Any, data: dict[str, Any]) -> str:
        self.seq += 1
        badges = []
        for row, person in enumerate(data["people"], start=1):
            badge = person.get("badge") or f"{len(self.people) + 1:07d}"
            registration = {"id": f"r{self.seq}-{row}", "name": person["name"],
                            "organisation": person.get("organisation"),
                            "city": person.get("city"), "kind": person.get("kind", "onsite"),
                            "badge": badge}
            self.people[registration["id"]] = registration
            self.by_badge[badge] = registration["id"]
            badges.append(badge)
        push = json.dumps({"type": "attendance.registered", "seq": self.seq,
                           "count": len(badges), "counts": self.counts()},
                          separators=(",", ":"))
        broadcast(self.kiosks, push)
        return self.reply(ws, message_id, {"count": len(badges), "badges": badges})

    def pairing_code(self, ws: ServerConnection, message_id: Any, data: dict[str, Any]) -> str:
        self.seq += 1
        code = secrets.token_hex(4).upper()
        self.codes.add(code)
        return self.reply(ws, message_id, {"code": code, "label": data.get("label"),
                                           "expires_at": time.time() + 900})

    def pair(self, ws: ServerConnection, message_id: Any, data: dict[str, Any]) -> str:
        if data.get("code") not in self.codes:
            return json.dumps({"type": "error", "id": message_id, "code": "kiosk.bad-code"})
        self.codes.discard(data["code"])
        self.seq += 1
        principal = f"k{self.seq}"
        name = data.get("name") or principal
        token = f"{principal}.{secrets.token_hex(12)}"
        self.kiosk_tokens[token] = (principal, name)
        return self.reply(ws, message_id, {"principal": principal, "name": name, "token": token})

    def scan(self, ws: ServerConnection, message_id: Any, data: dict[str, Any]) -> str:
        principal, device = self.kiosks.get(ws, ("", ""))
        key = (principal, message_id)
        answer = self.outcomes.get(key)
        if answer is not None:
            return answer  # a retry: the same verdict
        registration_id = self.by_badge.get(data["badge"])
        if registration_id is None:
            return json.dumps({"type": "error", "id": message_id,
                               "code": "checkin.unknown-badge"})
        self.seq += 1
        registration = self.people[registration_id]
        first = self.checkins.get(registration_id)
        if first is None:
            self.checkins[registration_id] = {"at": time.time(), "device": device,
                                              "offline_at": data.get("offline_at")}
            push = json.dumps({"type": "checkin.recorded", "seq": self.seq,
                               "registration": registration,
                               **self.checkins[registration_id], "counts": self.counts()},
                              separators=(",", ":"), ensure_ascii=False)
            broadcast(self.kiosks, push)
            result = {"verdict": "checked-in", "registration": registration, "first": None}
        else:
            result = {"verdict": "already", "registration": registration, "first": first}
        answer = json.dumps({"type": "reply", "id": message_id, "ok": True, "seq": self.seq,
                             "result": result}, separators=(",", ":"), ensure_ascii=False)
        self.outcomes[key] = answer
        return answer

    def forget(self, ws: ServerConnection) -> None:
        self.everyone.discard(ws)
        self.kiosks.pop(ws, None)
        for members in self.rooms.values():
            members.discard(ws)


# The least a live page can be (bench/page_load.py): its script inline, one websocket, one
# hello; then it says it is connected and enables its ask form.
BARE_LIVE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Live</title></head>
<body><p id="conn" data-state="connecting">Connecting</p>
<form><fieldset id="ask-fields" disabled><textarea></textarea><button>Send</button></fieldset></form>
<script>
const ws = new WebSocket(`ws://${location.host}/`);
ws.onopen = () => ws.send(JSON.stringify({type: "auth.hello", id: "h", data: {}}));
ws.onmessage = (event) => {
  if (JSON.parse(event.data).id !== "h") return;
  document.getElementById("conn").dataset.state = "connected";
  document.getElementById("ask-fields").disabled = false;
};
</script></body></html>"""


def health(connection: ServerConnection, request: Request) -> Response | None:
    """Answer ``GET /healthz`` like Rencontre does, so the harness can wait for readiness;
    and ``GET /bare-live``, the bare live page."""
    if request.path == "/bare-live":
        return Response(HTTPStatus.OK.value, "OK",
                        Headers([("Content-Type", "text/html; charset=utf-8"),
                                 ("Content-Length", str(len(BARE_LIVE)))]), BARE_LIVE)
    if request.path != "/healthz":
        return None
    body = b'{"status":"ok","backend":"bare"}'
    return Response(HTTPStatus.OK.value, "OK",
                    Headers([("Content-Type", "application/json"),
                             ("Content-Length", str(len(body)))]), body)


def replay(path: str) -> int:
    """Read and decode every entry of a SQLite log: the least any replay must do."""
    db = sqlite3.connect(path)
    count = 0
    for (body,) in db.execute("SELECT body FROM log ORDER BY seq"):
        json.loads(body)
        count += 1
    db.close()
    return count


async def main(port: int) -> None:
    bare = Bare()

    async def handler(ws: ServerConnection) -> None:
        try:
            async for text in ws:
                answer = bare.handle(ws, json.loads(text))
                await ws.send(answer)
        except ConnectionClosed:
            pass
        finally:
            bare.forget(ws)

    # Exit at once on Ctrl-C: the kernel closes every socket. A graceful close of 10,000
    # websockets takes websockets ~20 s, which would say nothing about the restart.
    asyncio.get_running_loop().add_signal_handler(signal.SIGINT, os._exit, 0)
    # The same accept backlog as `rencontre serve`, so a reconnect storm compares servers,
    # not the kernel's SYN retransmission timers.
    async with serve(handler, "127.0.0.1", port, compression=None, process_request=health,
                     max_size=4 * 65536, backlog=4096) as server:
        print(f"bare server on {port}", flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--replay", metavar="SQLITE", help="decode this log before listening")
    args = parser.parse_args()
    raise_fd_limit()
    if args.replay:
        print(f"replayed {replay(args.replay)} entries", flush=True)
    try:
        asyncio.run(main(args.port))
    except KeyboardInterrupt:
        pass
