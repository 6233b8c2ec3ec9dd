// What the kiosk shows: the verdict of the last scan, big, and the recent check-ins.
//
// An outcome is {kind, title, detail, name, text, at, registration}: kind is ok
// (green), warn (amber), bad (red), saved (queued while offline) or busy (sent, no
// answer yet); title and detail go on the verdict panel, name and text on the
// recent list. Colour is never the only sign: each kind has its symbol.

import { clock } from "./i18n.js";
import { el } from "./qa.js";

const SYMBOLS = { ok: "✓", warn: "!", bad: "✕", saved: "↻", busy: "…", idle: "" };
const MAX_RECENT = 30;

export class VerdictPanel {
  constructor(element) {
    this.element = element;
    this.symbol = element.querySelector(".verdict-symbol");
    this.title = element.querySelector(".verdict-title");
    this.detail = element.querySelector(".verdict-detail");
    this.key = null; // the scan it shows, so that a late answer updates it
  }

  show(outcome, key = null) {
    this.key = key;
    this.element.dataset.kind = outcome.kind;
    this.symbol.textContent = SYMBOLS[outcome.kind] || "";
    this.title.textContent = outcome.title;
    this.detail.textContent = outcome.detail || "";
  }

  // A queued scan was answered: show its verdict if the panel still shows that scan.
  settle(key, outcome) {
    if (key !== null && this.key === key) this.show(outcome, key);
  }
}

// Check-ins from every kiosk (the hello snapshot, then pushes), mixed with this kiosk's
// own outcomes that no push reports (queued scans, refusals, "already"). One line
// per person once checked in: a kiosk's own answer and the push of the same
// check-in meet on the registration id.
export class RecentList {
  constructor(element, emptyText) {
    this.element = element;
    this.emptyText = emptyText;
    this.items = [];
  }

  // The server's recent check-ins after a (re)connect; this kiosk's own lines stay.
  reset(checkins) {
    const own = this.items.filter((item) => item.local);
    this.items = [...own, ...checkins.map((c) => ({ key: `r:${c.registration.id}`, ...c }))];
    this.render();
  }

  // A check-in pushed by the server (from any kiosk, this one included).
  checkedIn(line) {
    this.upsert({ key: `r:${line.registration.id}`, ...line });
  }

  undone(registrationId) {
    this.items = this.items.filter((item) => item.key !== `r:${registrationId}`);
    this.render();
  }

  // This kiosk's own scan, before its answer.
  pending(key, line) {
    this.items.unshift({ key, local: true, ...line });
    this.render();
  }

  // Its answer: a check-in becomes the person's line, unless the push of it came
  // first (the server's time wins); anything else stays a line of this kiosk's own.
  settle(key, line) {
    this.items = this.items.filter((item) => item.key !== key);
    if (line.kind === "ok" && line.registration) {
      const person = `r:${line.registration.id}`;
      if (!this.items.some((item) => item.key === person)) this.items.push({ ...line, key: person });
      this.render();
    } else {
      this.items.unshift({ key, local: true, ...line });
      this.render();
    }
  }

  upsert(line) {
    const index = this.items.findIndex((item) => item.key === line.key);
    if (index >= 0) this.items[index] = { ...this.items[index], ...line };
    else this.items.push(line);
    this.render();
  }

  render() {
    // Newest first; lines still waiting stay on top until answered.
    const waiting = (item) => item.kind === "saved" || item.kind === "busy";
    this.items.sort((a, b) => waiting(b) - waiting(a) || b.at - a.at);
    this.items.length = Math.min(this.items.length, MAX_RECENT);
    if (!this.items.length) {
      this.element.replaceChildren(el("li", { className: "empty", text: this.emptyText }));
      return;
    }
    this.element.replaceChildren(...this.items.map((item) => el(
      "li", { className: `recent-${item.kind}`, dataset: { key: item.key } },
      el("span", { className: "recent-symbol", text: SYMBOLS[item.kind], attrs: { "aria-hidden": "true" } }),
      el("time", { text: clock(item.at * 1000), attrs: { datetime: new Date(item.at * 1000).toISOString() } }),
      el("strong", { className: "recent-name", text: item.name }),
      el("span", { className: "recent-text", text: item.text }),
    )));
  }
}
