// The Q&A of one session as a page sees it, kept current from the room snapshot and
// the pushes; and small DOM helpers shared by the live page, the panel and the stage.
//
// Every text from the server goes into the page with textContent: never as HTML.

import { t, tn } from "./i18n.js";

// One element: el("p", { className: "x", text: "hi", attrs: { lang: "fr" } }, child, …)
export function el(tag, { className = "", text = null, attrs = {}, dataset = {} } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== null && text !== undefined) node.textContent = String(text);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  Object.assign(node.dataset, dataset);
  for (const child of children) if (child !== null && child !== undefined && child !== "") node.append(child);
  return node;
}

// Whether a session's Q&A is open, as rooms/qa.py decides: never once the session is
// cancelled or ended; else as the moderator set it, or while the session is live.
export function qaOpen(session, mode) {
  if (!session || session.status === "cancelled" || session.status === "ended") return false;
  if (mode === "open") return true;
  if (mode === "closed") return false;
  return session.status === "live";
}

// Why the Q&A is open or closed, in words for attendees.
export function qaStateText(session, settings) {
  if (!session) return "";
  if (session.status === "cancelled") return t("This session was cancelled: questions are closed.");
  if (session.status === "ended") return t("This session has ended: questions are closed.");
  if (qaOpen(session, settings.mode)) return t("Questions are open.");
  if (settings.mode === "closed") return t("The moderators closed the questions.");
  return t("Questions open when the session starts.");
}

// Pinned first, then unanswered before answered, then most votes, then oldest (as the server).
export function ranked(list) {
  return [...list].sort((a, b) => (b.pinned - a.pinned) || (a.answered - b.answered)
    || (b.votes - a.votes) || (a.asked_at - b.asked_at));
}

// Pinned first, then the newest.
export function newest(list) {
  return [...list].sort((a, b) => (b.pinned - a.pinned) || (b.asked_at - a.asked_at));
}

// "1 vote", "12 votes".
export function votesText(count) {
  return tn("{count} vote", "{count} votes", count);
}

// A refused command, in the viewer's language (the server translated the message).
export function errorText(error) {
  if (error && error.code === "conn.lost") return t("Connection lost: try again.");
  return t("Error: {message}", { message: (error && error.message) || String(error) });
}

export class QARoom extends EventTarget {
  constructor(socket, sessionId) {
    super();
    this.socket = socket;
    this.id = sessionId;
    this.session = null;
    this.settings = { open: false, mode: "auto", premoderation: true, anonymous: false };
    this.questions = new Map(); // id -> the latest view of it (merged: staff fields stay)
    this.myVotes = new Set();
    this.highlighted = null;
    this.blocked = new Set();
    this.filters = {};
    this.staff = false;
    this.ready = false;
    this.listen();
  }

  changed(kind, detail = {}) {
    this.dispatchEvent(new CustomEvent("change", { detail: { kind, ...detail } }));
  }

  // Follow another session (the stage display does): forget the old one.
  follow(sessionId) {
    this.id = sessionId;
    this.ready = false;
    this.session = null;
    this.questions = new Map();
    this.myVotes = new Set();
    this.highlighted = null;
  }

  listen() {
    const on = (type, handler) => this.socket.addEventListener(type, (event) => {
      const detail = event.detail;
      if (detail.room !== undefined && detail.room !== this.id) return;
      handler(detail);
    });
    on("room", (snapshot) => this.reset(snapshot));
    on("qa.asked", ({ question }) => this.merge(question, "asked"));
    on("qa.question-changed", ({ question }) => this.merge(question, "changed"));
    on("qa.voted", ({ votes, mine }) => {
      for (const [id, count] of Object.entries(votes || {})) {
        const question = this.questions.get(id);
        if (question) question.votes = count;
      }
      for (const [id, up] of Object.entries(mine || {})) {
        if (up) this.myVotes.add(id);
        else this.myVotes.delete(id);
      }
      this.changed("voted", { ids: Object.keys(votes || {}) });
    });
    on("qa.highlighted", ({ question }) => {
      if (question) this.store(question);
      this.highlighted = question ? question.id : null;
      this.changed("highlighted");
    });
    on("qa.settings-changed", ({ settings }) => {
      this.settings = { ...this.settings, ...settings };
      this.changed("settings");
    });
    on("qa.block-changed", ({ principal, blocked }) => {
      if (blocked) this.blocked.add(principal);
      else this.blocked.delete(principal);
      this.changed("blocked");
    });
    on("session.changed", ({ sessions }) => {
      const mine = (sessions || []).find((s) => s.id === this.id);
      if (!mine) return;
      this.session = mine;
      this.changed("session");
    });
    on("schedule.loaded", ({ programme }) => {
      const mine = ((programme && programme.sessions) || []).find((s) => s.id === this.id);
      this.session = mine || null;
      this.changed("session");
    });
  }

  reset(snapshot) {
    const qa = snapshot.qa;
    this.session = snapshot.session;
    this.settings = qa.settings;
    this.questions = new Map();
    this.staff = Array.isArray(qa.queue);
    for (const list of [qa.queue || [], qa.questions, qa.mine]) {
      for (const question of list) this.store(question);
    }
    if (qa.highlighted) this.store(qa.highlighted);
    this.highlighted = qa.highlighted ? qa.highlighted.id : null;
    this.myVotes = new Set(qa.my_votes);
    this.blocked = new Set(qa.blocked || []);
    this.filters = qa.filters || {};
    this.ready = true;
    this.changed("reset");
  }

  store(question) {
    const known = this.questions.get(question.id);
    const merged = { ...(known || {}), ...question };
    merged.mine = Boolean((known && known.mine) || question.mine);
    this.questions.set(question.id, merged);
    return merged;
  }

  merge(question, kind) {
    const known = this.questions.get(question.id);
    const merged = this.store(question);
    // Attendees keep nothing of other people's questions that left the room.
    if (!this.staff && !merged.mine && merged.status !== "approved") this.questions.delete(merged.id);
    if (this.highlighted === merged.id && merged.status !== "approved") this.highlighted = null;
    const appeared = merged.status === "approved" && (!known || known.status !== "approved");
    this.changed(kind, { question: merged, appeared, was: known ? known.status : null });
  }

  get open() {
    return qaOpen(this.session, this.settings.mode);
  }

  list(status) {
    return [...this.questions.values()].filter((q) => q.status === status);
  }

  get approved() {
    return this.list("approved");
  }

  get mine() {
    return [...this.questions.values()]
      .filter((q) => q.mine && q.status !== "withdrawn")
      .sort((a, b) => b.asked_at - a.asked_at);
  }

  get highlightedQuestion() {
    return this.highlighted ? this.questions.get(this.highlighted) || null : null;
  }
}

// Put the nodes of ``items`` into ``list`` in order, reusing each item's node (by key),
// moving as few as possible; focus and a text selection inside a moved node survive.
export function reconcile(list, items, key, create, update) {
  const active = document.activeElement;
  const hadFocus = active && active !== document.body && list.contains(active);
  let selection = null;
  if (hadFocus) {
    try {
      if (typeof active.selectionStart === "number") {
        selection = [active.selectionStart, active.selectionEnd];
      }
    } catch { /* not a text field */ }
  }
  const existing = new Map();
  for (const node of list.children) if (node.dataset.key) existing.set(node.dataset.key, node);
  const wanted = items.map((item) => {
    const id = key(item);
    let node = existing.get(id);
    if (node) {
      existing.delete(id);
      update(node, item);
    } else {
      node = create(item);
      node.dataset.key = id;
      update(node, item);
    }
    return node;
  });
  let lostFocusAt = -1;
  for (const node of existing.values()) {
    if (hadFocus && node.contains(active)) lostFocusAt = [...list.children].indexOf(node);
    node.remove();
  }
  wanted.forEach((node, index) => {
    if (list.children[index] !== node) list.insertBefore(node, list.children[index] || null);
  });
  if (!hadFocus) return;
  if (active.isConnected && document.activeElement !== active) {
    active.focus({ preventScroll: true });
    if (selection) {
      try { active.setSelectionRange(...selection); } catch { /* not a text field */ }
    }
  } else if (!active.isConnected && lostFocusAt >= 0) {
    const next = wanted[Math.min(lostFocusAt, wanted.length - 1)];
    const target = next && [...next.querySelectorAll("button, a, input, textarea, select")]
      .find((node) => !node.disabled && node.getClientRects().length > 0);
    if (target) target.focus({ preventScroll: true });
    else list.dispatchEvent(new CustomEvent("focuslost", { bubbles: true }));
  }
}
