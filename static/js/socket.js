// The one websocket of a page: sign in, snapshots then pushes, reconnect, retries.
//
// Commands are queued until the server answers them. After a reconnect they
// are sent again with the same id, which the server treats as a retry: a
// command is applied once, whatever the network did. So are commands answered
// `server.unavailable` (the server could not say whether it saved them): they
// stay queued and are sent again, with backoff, until they get a real answer.

const PING_EVERY = 20_000;
const SILENCE_LIMIT = 45_000;
const RETRY_FIRST = 1_000; // after server.unavailable; doubles up to RETRY_MAX
const RETRY_MAX = 15_000;

export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Answered by the gateway without the log: reads, never queued across reconnects.
const LOCAL = new Set(["auth.hello", "room.join", "room.leave", "conn.ping", "attendance.search",
  "declaration.signer", "attendance.issue-links", "attendance.roster"]);

const visible = () => document.visibilityState !== "hidden";

// Whether two messages' data hold the same fields and values.
const same = (a, b) => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length
    && keys.every((key) => JSON.stringify(a[key]) === JSON.stringify(b[key]));
};

export class RequestError extends Error {
  constructor(reply) {
    super(reply.message);
    this.code = reply.code;
    this.params = reply.params || {};
  }
}

export class Socket extends EventTarget {
  constructor({ url, hello = {}, storageKey = null } = {}) {
    super();
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.url = url || `${scheme}//${location.host}/ws`;
    this.hello = hello;
    this.rooms = new Map(); // room -> seq of its last snapshot
    this.joinOptions = new Map(); // room -> the options it was joined with
    this.pending = new Map(); // id -> {message, resolve, reject}
    this.storageKey = storageKey; // keep unanswered commands across page loads
    this.state = "idle";
    this.eventSeq = 0;
    this.clockOffset = 0;
    this.attempt = 0;
    this.said = []; // while a connection opens: what the early socket already sent
    this.restoreQueue();
    // Online presence: the server counts a page in a session's room while it is visible.
    document.addEventListener("visibilitychange", () => {
      if (this.state === "connected") this.call("conn.ping", { visible: visible() }).catch(() => {});
    });
  }

  get now() {
    return Date.now() + this.clockOffset;
  }

  setState(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: state }));
  }

  connect() {
    this.setState(this.attempt ? "reconnecting" : "connecting");
    const early = this.takeEarly();
    const ws = (this.ws = early ? early.ws : new WebSocket(this.url));
    const said = early ? early.said : [];
    ws.onopen = () => this.opened(said);
    ws.onmessage = (event) => this.received(JSON.parse(event.data));
    ws.onclose = () => this.closed(ws);
    ws.onerror = () => ws.close();
    if (ws.readyState !== WebSocket.OPEN) return;
    this.opened(said);
    this.replay(ws, early.heard);
  }

  // The websocket socket_early.js opened as the page was read, if it is for this address,
  // not closed, and its address asked for the hello and joins this socket would say. Else
  // it is closed, and the socket opens its own.
  takeEarly() {
    const early = window.earlySocket;
    window.earlySocket = null;
    if (!early || early.url !== this.url || early.ws.readyState > WebSocket.OPEN) return null;
    if (early.said.every((message) => this.opensWith(message))) return early;
    early.ws.close();
    return null;
  }

  // Whether ``message`` is one this socket sends as a connection opens.
  opensWith({ type, data }) {
    if (type === "auth.hello") return same(data, this.helloData());
    return type === "room.join" && this.rooms.has(data.room)
      && same(data, { ...this.joinOptions.get(data.room), room: data.room });
  }

  helloData() {
    return { ...this.hello, visible: visible() };
  }

  // What the early socket heard before it was taken over, said in order, one message per
  // task as the network would (the continuations of one answer run before the next); what
  // arrives meanwhile waits its turn behind them.
  replay(ws, heard) {
    ws.onmessage = (event) => heard.push(event.data);
    const next = () => {
      if (ws !== this.ws) return;
      if (!heard.length) {
        ws.onmessage = (event) => this.received(JSON.parse(event.data));
        return;
      }
      this.received(JSON.parse(heard.shift()));
      setTimeout(next);
    };
    setTimeout(next);
  }

  // ``said``: the hello and joins the early socket's address asked for; their answers are
  // awaited under their ids instead of asking again.
  async opened(said = []) {
    this.lastHeard = Date.now();
    clearInterval(this.pinger);
    this.pinger = setInterval(() => this.keepAlive(), PING_EVERY);
    try {
      // The rooms are joined in the same round trip as the hello (one round trip less on
      // a slow network); their snapshots are applied after the event's.
      let helloDone;
      this.said = said;
      const hello = this.call("auth.hello", this.helloData());
      this.helloDone = new Promise((resolve) => { helloDone = resolve; });
      const joins = [...this.rooms.keys()].map((room) => this.join(room, this.joinOptions.get(room)));
      this.said = [];
      for (const join of joins) join.catch(() => {}); // said below, or moot if the hello fails
      let snapshot;
      try {
        snapshot = await hello;
      } finally {
        helloDone();
      }
      this.attempt = 0;
      this.eventSeq = snapshot.seq;
      this.clockOffset = snapshot.time * 1000 - Date.now();
      this.dispatchEvent(new CustomEvent("snapshot", { detail: snapshot }));
      for (const result of await Promise.allSettled(joins)) {
        if (result.status === "rejected") {
          this.dispatchEvent(new CustomEvent("failed", { detail: result.reason }));
        }
      }
      // Commands not yet answered (from before a reconnect, or sent meanwhile) go now.
      const unanswered = [...this.pending.values()].filter((item) => !LOCAL.has(item.message.type));
      for (const item of unanswered) this.transmit(item.message);
      this.setState("connected");
    } catch (error) {
      this.dispatchEvent(new CustomEvent("failed", { detail: error }));
    }
  }

  closed(ws) {
    if (ws !== this.ws) return;
    clearInterval(this.pinger);
    for (const [id, item] of this.pending) {
      if (LOCAL.has(item.message.type)) {
        this.pending.delete(id);
        item.reject(new RequestError({ code: "conn.lost", message: "connection lost" }));
      }
    }
    this.attempt += 1;
    this.setState("reconnecting");
    const delay = Math.min(10_000, 300 * 2 ** Math.min(this.attempt, 6)) * (0.5 + Math.random());
    setTimeout(() => this.connect(), delay);
  }

  // Give the socket up now. Its handlers go first: a server that stopped answering
  // never answers the closing handshake either, and the browser would wait a minute
  // for it. A late answer is not lost: unanswered commands are sent again with the
  // same id after the reconnect.
  drop() {
    const ws = this.ws;
    if (!ws || ws.readyState > WebSocket.OPEN) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    ws.close();
    this.closed(ws);
  }

  keepAlive() {
    if (Date.now() - this.lastHeard > SILENCE_LIMIT) {
      this.drop();
      return;
    }
    this.call("conn.ping", { visible: visible() }).catch(() => {});
  }

  received(message) {
    this.lastHeard = Date.now();
    if (message.type === "reply" || message.type === "error") {
      const item = this.pending.get(message.id);
      if (!item) return;
      if (message.type === "error" && message.code === "server.unavailable"
          && !LOCAL.has(item.message.type)) {
        this.retryLater(item);
        return;
      }
      this.pending.delete(message.id);
      this.saveQueue();
      if (message.type === "reply") item.resolve(message.result);
      else item.reject(new RequestError(message));
      if (item.retries && ![...this.pending.values()].some((other) => other.retries)) {
        this.dispatchEvent(new CustomEvent("recovered"));
      }
      return;
    }
    // A push at or before a snapshot's seq is already in that snapshot.
    const room = message.room;
    const floor = room && this.rooms.has(room) ? this.rooms.get(room) : this.eventSeq;
    if (message.seq !== undefined && message.seq <= floor) return;
    this.dispatchEvent(new CustomEvent("push", { detail: message }));
    this.dispatchEvent(new CustomEvent(message.type, { detail: message }));
  }

  // The server could not tell whether it saved the command: it stays queued (and
  // stored), listeners hear "unavailable", and it is sent again with its id; they hear
  // "recovered" once no command waits for that any more.
  retryLater(item) {
    item.retries = (item.retries || 0) + 1;
    this.saveQueue();
    this.dispatchEvent(new CustomEvent("unavailable", { detail: item }));
    const delay = Math.min(RETRY_MAX, RETRY_FIRST * 2 ** (item.retries - 1));
    setTimeout(() => {
      if (this.pending.get(item.message.id) === item && this.state === "connected") {
        this.transmit(item.message);
      }
    }, delay * (0.75 + Math.random() / 2));
  }

  transmit(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  // Send a message and resolve with its result; commands survive reconnects.
  call(type, data = {}) {
    const early = this.said.findIndex((message) => message.type === type && same(message.data, data));
    const message = early >= 0 ? this.said.splice(early, 1)[0] : { type, id: newId(), data };
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { message, resolve, reject, at: this.now });
      if (!LOCAL.has(type)) this.saveQueue();
      if (early < 0 && (LOCAL.has(type) || this.state === "connected")) this.transmit(message);
    });
  }

  // ``options``: more fields of room.join (``watch: true`` follows without taking part),
  // kept for the joins after a reconnect.
  async join(room, options = {}) {
    this.rooms.set(room, Infinity);
    this.joinOptions.set(room, options);
    const snapshot = await this.call("room.join", { ...options, room });
    if (this.helloDone) await this.helloDone; // the event's snapshot first
    this.rooms.set(room, snapshot.seq);
    this.dispatchEvent(new CustomEvent("room", { detail: snapshot }));
    return snapshot;
  }

  // Join ``room`` with every connection, from the first: its join goes out with the hello.
  follow(room, options = {}) {
    this.rooms.set(room, Infinity);
    this.joinOptions.set(room, options);
  }

  leave(room) {
    this.rooms.delete(room);
    this.joinOptions.delete(room);
    return this.call("room.leave", { room }).catch(() => {});
  }

  saveQueue() {
    if (!this.storageKey) return;
    const queue = [...this.pending.values()]
      .map((item) => item.message)
      .filter((message) => !LOCAL.has(message.type));
    localStorage.setItem(this.storageKey, JSON.stringify(queue));
  }

  restoreQueue() {
    if (!this.storageKey) return;
    for (const message of JSON.parse(localStorage.getItem(this.storageKey) || "[]")) {
      this.pending.set(message.id, { message, resolve: () => {}, reject: () => {} });
    }
  }
}

// A view of ``socket`` for modules loaded after it started (by ``import()``, so that a page
// is usable before they run): what the socket says meanwhile (state, snapshots, pushes)
// is held and said to them, in order, when ``open()`` is called, then as it comes. Their
// calls (``call``, ``join``, ``now``…) go straight to the socket.
export class LateView extends EventTarget {
  constructor(socket) {
    super();
    this.held = [];
    const pass = (type, detail) => {
      if (this.held) this.held.push([type, detail]);
      else this.dispatchEvent(new CustomEvent(type, { detail }));
    };
    for (const type of ["state", "snapshot", "room", "failed", "unavailable"]) {
      socket.addEventListener(type, (event) => pass(type, event.detail));
    }
    socket.addEventListener("push", (event) => {
      pass("push", event.detail);
      pass(event.detail.type, event.detail);
    });
    const own = new Set(["addEventListener", "removeEventListener", "dispatchEvent", "open"]);
    const bound = (owner, key) => {
      const value = owner[key];
      return typeof value === "function" ? value.bind(owner) : value;
    };
    return new Proxy(this, { get: (view, key) => bound(own.has(key) ? view : socket, key) });
  }

  open() {
    const held = this.held || [];
    this.held = null;
    for (const [type, detail] of held) this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
