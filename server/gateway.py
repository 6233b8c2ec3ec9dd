"""The websocket endpoint ``/ws``: one connection per client, messages typed ``area.verb``.

Every client message is a JSON object ``{"type": ..., "id": ..., "data": {...}}``.
The server answers each with ``{"type": "reply", "id": ..., "ok": true,
"result": ..., "seq": N}`` or ``{"type": "error", "id": ..., "code": ...,
"message": ...}``; pushes carry the type of the event they publish and its seq.
A command's ``id`` is also its idempotency key: a retry with the same id
gets the first outcome again and changes nothing.

The address may carry the first messages (``/ws?hello&lang=es&visible=1&join=s01``,
see ``opening_frames``): they are answered right behind the handshake, a round trip
sooner than frames sent once the socket is open.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web
from multidict import MultiMapping

from rencontre.attendance.ledger import SCANNERS, occupancy
from rencontre.attendance.links import chosen
from rencontre.attendance.registrations import kiosk_roster, search
from rencontre.attendance.report import links_csv
from rencontre.cities.declaration import signer_view
from rencontre.engine.fields import Id, Text, TextList, not_text
from rencontre.engine.messages import N_, Actor, Command, Push, Refusal, Role
from rencontre.engine.snapshots import event_snapshot, is_staff, may_view, room_snapshot
from rencontre.engine.text import is_text
from rencontre.server.connection import Connection, bound_kernel_buffer
from rencontre.server.frames import message_frame
from rencontre.server.hub import Hub
from rencontre.server.i18n import LANGUAGES, translate
from rencontre.server.limits import Limits, address_of
from rencontre.server.log import LogUnavailable
from rencontre.server.presence import PresenceTracker
from rencontre.server.security import origin_matches
from rencontre.server.settings import ORGANISER_FRAME
from rencontre.server.web_auth import actor_from_request, actor_from_token, request_language

log = logging.getLogger(__name__)

HEARTBEAT = 25.0
IN_FLIGHT = 64
HELLO_SESSIONS = 20  # ids a hello may restrict its programme to
ROOM_TOPICS = ("room:", "news:", "stage:")  # what room.join subscribes anyone to
# JSON escapes of surrogates: only a frame holding one may decode to a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")

Local = Callable[["Gateway", Connection, dict[str, Any]], Awaitable[dict[str, Any]]]
LOCAL: dict[str, tuple[Local, str]] = {}


def local(type: str) -> Callable[[Local], Local]:
    """Register a message the gateway answers itself, without the log."""

    def register(handler: Local) -> Local:
        LOCAL[type] = (handler, (handler.__doc__ or "").strip())
        return handler

    return register


def _room(data: dict[str, Any]) -> str:
    room = data.get("room")
    if not isinstance(room, str) or not room:
        raise Refusal("request.missing", N_("Field “{field}” is required."), field="room")
    return room


class Gateway:
    def __init__(self, hub: Hub, *, max_frame: int, send_limit: int,
                 allowed_origins: tuple[str, ...] = (), presence_grace: float = 60.0,
                 public_url: str | None = None, limits: Limits | None = None) -> None:
        self.hub = hub
        self.limits = limits or Limits()
        self.public_url = public_url.rstrip("/") if public_url else None
        self.max_frame = max_frame
        self.send_limit = send_limit
        self.allowed_origins = allowed_origins
        self.presence = PresenceTracker(hub, presence_grace)
        hub.listen(self._after_push)
        hub.on_disconnect(self.presence.gone)

    def frame_limit(self, actor: Actor | None) -> int:
        """The largest message a connection signed in as ``actor`` at the upgrade may send."""
        if actor is not None and actor.role is Role.ORGANISER:
            return max(self.max_frame, ORGANISER_FRAME)
        return self.max_frame

    def origin_allowed(self, request: web.Request) -> bool:
        """Browsers send ``Origin``: it must be this server's or a configured one."""
        origin = request.headers.get("Origin")
        return origin is None or origin_matches(request, origin, self.allowed_origins)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if not self.origin_allowed(request):
            raise web.HTTPForbidden(text="origin not allowed")
        address = address_of(request)
        if not self.limits.connect(address):
            log.warning("connections from %s limited", address)
            raise web.HTTPTooManyRequests(headers={"Retry-After": "30"},
                                          text="too many connections from this address")
        # One coroutine for the socket's whole life: each frame more would cost every idle
        # connection ~0.4 KiB.
        try:
            actor = actor_from_request(self.hub.state, request)
            limit = self.frame_limit(actor)
            # The hard limit sits above the frame limit so that an oversized message can
            # still be answered with an error; past it aiohttp closes with 1009.
            ws = web.WebSocketResponse(compress=False, heartbeat=HEARTBEAT,
                                       max_msg_size=4 * limit)
            await ws.prepare(request)
            connection = self.connection(request, actor, limit, address)
            self.hub.connect(connection)
            self.open_with(connection, request.query)
            try:
                async for message in ws:
                    if message.type != WSMsgType.TEXT:
                        if message.type == WSMsgType.BINARY:
                            self.send_error(connection, None, Refusal(
                                "request.malformed", N_("Messages must be JSON text.")))
                        continue
                    if len(connection.in_flight) >= IN_FLIGHT:
                        await asyncio.wait(connection.in_flight,
                                           return_when=asyncio.FIRST_COMPLETED)
                    connection.run(self.receive(connection, message.data))
            finally:
                self.hub.disconnect(connection)
                connection.cancel()
            return ws
        finally:
            self.limits.disconnect(address)

    def open_with(self, connection: Connection, query: MultiMapping[str]) -> None:
        """Answer the messages the socket's address carries, as if they were its first
        frames. (Not in ``handle``: what its frame holds lives as long as the socket.)"""
        for text in opening_frames(query):
            connection.run(self.receive(connection, text))

    def connection(self, request: web.Request, actor: Actor | None, limit: int,
                   address: str) -> Connection:
        transport = request.transport
        assert transport is not None
        return Connection(transport, self.send_limit, lang=request_language(request),
                          actor=actor, max_frame=limit,
                          kernel_buffer=bound_kernel_buffer(transport, self.send_limit),
                          address=address)

    async def receive(self, connection: Connection, text: str) -> None:
        message_id = type = None
        try:
            too_large = len(text) > connection.max_frame
            try:
                message = self.parse(text)
            except Refusal:
                if too_large:
                    raise self.too_large(connection) from None
                raise
            message_id, type = message.get("id"), message["type"]
            # Parsed first (aiohttp bounds it to 4x the limit) so that the refusal
            # names the command: its sender stops waiting instead of retrying.
            if too_large:
                raise self.too_large(connection)
            if connection.bucket is None:
                connection.bucket = self.limits.new_bucket()
            self.limits.message(connection.bucket,
                                connection.actor.role if connection.actor else None)
            reply = await self.dispatch(connection, message)
        except Refusal as refusal:
            self.send_error(connection, message_id, refusal)
            return
        except LogUnavailable:
            self.send_error(connection, message_id, Refusal(
                "server.unavailable", N_("The server cannot save this now; try again.")))
            return
        except Exception:
            # A bug, not the client's fault; it still gets an answer.
            log.exception("message %r failed", type)
            self.send_error(connection, message_id, Refusal(
                "server.error", N_("Internal error.")))
            return
        if reply.get("ok", True):
            connection.send(message_frame({"type": "reply", "id": message_id, "ok": True,
                                           "seq": reply.get("seq", self.hub.state.seq),
                                           "result": reply.get("result", {})}))
        else:
            self.send_error(connection, message_id, Refusal(
                reply["code"], reply["message"], **reply.get("params", {})), seq=reply.get("seq"))

    @staticmethod
    def too_large(connection: Connection) -> Refusal:
        return Refusal("request.too-large", N_("Message larger than {limit} bytes."),
                       limit=connection.max_frame)

    @staticmethod
    def parse(text: str) -> dict[str, Any]:
        try:
            message = json.loads(text)
        except ValueError:
            raise Refusal("request.malformed", N_("Messages must be JSON objects.")) from None
        except RecursionError:
            raise Refusal("request.malformed", N_("Messages may not be nested this deeply.")
                          ) from None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise Refusal("request.malformed", N_("Messages need a “type”."))
        if _SURROGATE_ESCAPE.search(text):
            try:
                where = _not_text(message, "")
            except RecursionError:
                raise Refusal("request.malformed", N_("Messages may not be nested this deeply.")
                              ) from None
            if where is not None:
                raise not_text(where.removeprefix("data."))
        message_id = message.get("id")
        if message_id is not None and not (
                isinstance(message_id, str | int) and len(str(message_id)) <= 64):
            raise Refusal("request.malformed", N_("“id” must be a short string or number."))
        if not isinstance(message.get("data", {}), dict):
            raise Refusal("request.malformed", N_("“data” must be an object."))
        return message

    async def dispatch(self, connection: Connection, message: dict[str, Any]) -> dict[str, Any]:
        type, data = message["type"], message.get("data", {})
        handler = LOCAL.get(type)
        if handler is not None:
            return {"result": await handler[0](self, connection, data)}
        actor = connection.actor
        key = None
        if message.get("id") is not None:
            key = f"{actor.id if actor else self.anonymous_namespace(connection)}/{message['id']}"
        return await self.limits.execute(self.hub, connection.address, type, data, actor, key)

    @staticmethod
    def anonymous_namespace(connection: Connection) -> str:
        """Keys of a connection not signed in: its own, so that two anonymous clients
        sending the same id never get each other's outcome (a guest's token above all)."""
        if connection.anonymous is None:
            connection.anonymous = f"anon-{secrets.token_urlsafe(12)}"
        return connection.anonymous

    def send_error(self, connection: Connection, message_id: Any, refusal: Refusal,
                   seq: int | None = None) -> None:
        error = {"type": "error", "id": message_id, "code": refusal.code,
                 "message": translate(connection.lang, refusal.message, refusal.params)}
        if seq is not None:
            error["seq"] = seq
        if refusal.params:
            error["params"] = refusal.params
        connection.send(message_frame(error))

    def _after_push(self, push: Push) -> None:
        if push.message["type"] == "access.revoked":
            for connection in tuple(self.hub.topics.get(push.topic, ())):
                connection.actor = None
                connection.transport.close()
        elif (push.message["type"] == "event.settings-changed"
              and not may_view(self.hub.state, None)):
            # Guests switched off: connections not signed in may see nothing more. They
            # reconnect and are asked to sign in (auth.required).
            for connection in tuple(self.hub.connections):
                if connection.actor is None:
                    self.hub.disconnect(connection)
                    connection.transport.close()


def _not_text(value: Any, path: str) -> str | None:
    """Where in ``value`` a string (or a key) cannot be saved as UTF-8, if anywhere."""
    if isinstance(value, str):
        return None if is_text(value) else path
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and not is_text(key):
            return path or "data"
        found = _not_text(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def opening_frames(query: MultiMapping[str]) -> list[str]:
    """The frames ``/ws?hello&lang=…&visible=1|0&sessions=<id>…&join=<room>`` stands for:
    ``auth.hello`` (id ``hello``) with that ``lang``, ``visible`` and ``sessions`` (each
    ``sessions`` parameter one id), then ``room.join`` (id ``join``) of that room. Sign-in
    is the cookie's: a token never goes in an address. Checked and answered as any frame is."""
    if "hello" not in query:
        return []
    hello: dict[str, Any] = {"visible": query.get("visible", "1") != "0"}
    if "lang" in query:
        hello["lang"] = query["lang"]
    if "sessions" in query:
        hello["sessions"] = query.getall("sessions")
    frames = [json.dumps({"type": "auth.hello", "id": "hello", "data": hello})]
    if "join" in query:
        frames.append(json.dumps({"type": "room.join", "id": "join",
                                  "data": {"room": query["join"]}}))
    return frames


@local("auth.hello")
async def hello(gateway: Gateway, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
    """Sign in (with ``token``, or the session cookie) and get the event snapshot; with
    ``sessions`` (a list of ids), its programme holds only those sessions."""
    lang = data.get("lang")
    if lang in LANGUAGES:
        connection.lang = lang
    token = data.get("token")
    if token is not None:
        gateway.limits.before_sign_in(connection.address)
        actor = actor_from_token(gateway.hub.state, token) if isinstance(token, str) else None
        if actor is None:
            gateway.limits.failed_sign_in(connection.address, "auth.hello token")
            raise Refusal("auth.invalid-token", N_("This link or code is not valid any more."))
        gateway.presence.gone(connection)
        connection.actor = actor
        gateway.presence.back(connection)
    _visibility(gateway, connection, data)
    state = gateway.hub.state
    if not may_view(state, connection.actor):
        raise Refusal("auth.required", N_("Please sign in with your personal link."))
    hub, actor = gateway.hub, connection.actor
    for topic in list(connection.topics):
        # Rooms stay joined across a new hello; staff topics only while still staff.
        staff = topic.startswith("staff:") and is_staff(actor)
        if not topic.startswith(ROOM_TOPICS) and not staff:
            hub.unsubscribe(connection, topic)
    hub.subscribe(connection, "all")
    if actor is not None:
        hub.subscribe(connection, f"role:{actor.role.value}")
        hub.subscribe(connection, f"principal:{actor.id}")
    # A page about some sessions (the live page) asks for just them of the programme.
    sessions = data.get("sessions")
    programme = hub.programme_json() if sessions is None else state.programme.to_json(
        only=TextList(min_items=0, max_items=HELLO_SESSIONS).check("sessions", sessions))
    return event_snapshot(state, actor, hub.clock(), programme=programme)


def _visibility(gateway: Gateway, connection: Connection, data: dict[str, Any]) -> None:
    visible = data.get("visible")
    if isinstance(visible, bool):
        gateway.presence.seen(connection, visible)


@local("room.join")
async def join(gateway: Gateway, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
    """Enter a session's room: get its snapshot, then its pushes.

    ``watch: true`` follows only the room's announcements, without taking part (a
    session's description page): the attendee is not counted as present online.
    ``stage: true`` (the stage display) also follows the room's live occupancy: the
    snapshot has ``occupancy``, then ``occupancy.changed`` follows.
    """
    state, actor = gateway.hub.state, connection.actor
    if not may_view(state, actor):
        raise Refusal("auth.required", N_("Please sign in with your personal link."))
    room = _room(data)
    snapshot = room_snapshot(state, room, actor, gateway.hub.clock())
    if data.get("watch") is True:
        # The room's news (announcements) without its Q&A, and no presence.
        gateway.hub.subscribe(connection, f"news:{room}")
        return snapshot
    if f"room:{room}" not in connection.topics:
        gateway.hub.subscribe(connection, f"room:{room}")
        gateway.presence.joined(connection, room)
    if is_staff(actor):
        gateway.hub.subscribe(connection, f"staff:{room}")
    if data.get("stage") is True:
        gateway.hub.subscribe(connection, f"stage:{room}")
        snapshot["occupancy"] = occupancy(state, room)
    return snapshot


@local("attendance.search")
async def find_people(gateway: Gateway, connection: Connection,
                      data: dict[str, Any]) -> dict[str, Any]:
    """Kiosks and staff: registrations matching a name, organisation, city or badge."""
    actor = connection.actor
    if actor is None or actor.role not in SCANNERS:
        raise Refusal("auth.forbidden", N_("Your role may not do this."))
    query = Text(min=2, max=80).check("query", data.get("query"))
    return {"matches": search(gateway.hub.state, query)}


@local("declaration.signer")
async def signer(gateway: Gateway, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
    """Signing stations: who a badge belongs to and what they would sign, before they sign."""
    actor = connection.actor
    if actor is None or actor.role is not Role.KIOSK:
        raise Refusal("auth.forbidden", N_("Your role may not do this."))
    badge = Id().check("badge", data.get("badge"))
    state = gateway.hub.state
    return signer_view(state, Command("declaration.sign", {"badge": badge}, actor,
                                      gateway.hub.clock()))


@local("room.leave")
async def leave(gateway: Gateway, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
    """Leave a session's room: its pushes stop."""
    room = _room(data)
    if f"room:{room}" in connection.topics:
        gateway.presence.left(connection, room)
    gateway.hub.unsubscribe(connection, f"room:{room}")
    gateway.hub.unsubscribe(connection, f"staff:{room}")
    gateway.hub.unsubscribe(connection, f"news:{room}")
    gateway.hub.unsubscribe(connection, f"stage:{room}")
    return {"room": room}


@local("conn.ping")
async def ping(gateway: Gateway, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
    """Heartbeat from the client, saying whether its page is visible: answered with the
    server's time and seq."""
    _visibility(gateway, connection, data)
    return {"time": gateway.hub.clock(), "seq": gateway.hub.state.seq}


@local("attendance.issue-links")
async def issue_links(gateway: Gateway, connection: Connection,
                      data: dict[str, Any]) -> dict[str, Any]:
    """Organiser: issue personal links (``scope``: ``missing``, ``all``, or the ids in
    ``registrations``); answered with the links as CSV, the only time they are shown."""
    actor = connection.actor
    if actor is None or actor.role is not Role.ORGANISER:
        raise Refusal("auth.forbidden", N_("Your role may not do this."))
    base = Text(max=200).check("base", data.get("base", ""))
    if gateway.public_url:
        base = gateway.public_url
    elif urlsplit(base).scheme not in ("http", "https"):
        raise Refusal("request.invalid", N_("Field “{field}” must be a web address."),
                      field="base")
    wanted = chosen(gateway.hub.state, data.get("scope"), data.get("registrations"))
    if not wanted:
        return {"count": 0, "csv": ""}
    outcome = await gateway.hub.execute("attendance.link", {"registrations": wanted}, actor)
    if not outcome["ok"]:
        raise Refusal(outcome["code"], outcome["message"], **outcome.get("params", {}))
    tokens = outcome["result"]["tokens"]
    text = links_csv(gateway.hub.state, tokens, base.rstrip("/")).decode()
    return {"count": len(tokens), "csv": text}


@local("attendance.roster")
async def roster(gateway: Gateway, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
    """Kiosks and staff: every registration (id, name, organisation, city, badge, check-in
    time), for name search and badge verdicts while the network is gone, and when the event
    ends (the kiosk forgets them then)."""
    actor = connection.actor
    if actor is None or actor.role not in SCANNERS:
        raise Refusal("auth.forbidden", N_("Your role may not do this."))
    return kiosk_roster(gateway.hub.state)
