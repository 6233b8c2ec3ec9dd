// The polls of one session as a page sees them, kept current from the room snapshot
// (`polls`) and the pushes; and the result bars that the live page, the panel and the
// stage draw alike.
//
// Staff connections are in the room and in its staff topic, so a change can arrive
// twice: once with the counts, once as attendees see it (counts null while a
// results-at-the-end poll is open). The copy that knows more wins.

import { el, votesText } from "./qa.js";
import { lang, t } from "./i18n.js";

const percentFormat = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });

// "40 %" in French, "40%" in English: the share of the ballots that chose an option.
// In a multiple-choice poll the shares add up to more than 100 %, as ballots do.
export function share(count, total) {
  return total ? count / total : 0;
}

export function percentText(count, total) {
  return percentFormat.format(share(count, total));
}

// A poll's text (its question, an option) in the page's language, else in the language
// the poll was written in, else in any it has.
export function pollText(texts, poll) {
  if (typeof texts === "string") return texts;
  return (texts && (texts[lang] || texts[poll.language] || Object.values(texts)[0])) || "";
}

export function ballotsText(total) {
  return total === 1 ? t("1 ballot") : t("{count} ballots", { count: total });
}

// Whether the viewer may see the counts of this copy of the poll.
export function hasCounts(poll) {
  return Array.isArray(poll.counts) && typeof poll.total === "number";
}

export class PollRoom extends EventTarget {
  constructor(socket, sessionId) {
    super();
    this.socket = socket;
    this.id = sessionId;
    this.forget();
    this.listen();
  }

  forget() {
    this.polls = new Map(); // id -> poll
    this.order = []; // ids, newest first
    this.shown = null;
    this.mine = new Map(); // poll id -> [choices]
    this.ready = false;
  }

  // Follow another session (the stage display does).
  follow(sessionId) {
    this.id = sessionId;
    this.forget();
  }

  changed(kind, detail = {}) {
    this.dispatchEvent(new CustomEvent("change", { detail: { kind, ...detail } }));
  }

  listen() {
    const on = (type, handler) => this.socket.addEventListener(type, (event) => {
      const detail = event.detail;
      if (this.id === null || (detail.room !== undefined && detail.room !== this.id)) return;
      handler(detail);
    });
    on("room", (snapshot) => this.reset(snapshot.polls || { list: [], shown: null, mine: {} }));
    on("poll.created", ({ poll }) => this.changed("created", this.merge(poll)));
    on("poll.changed", ({ poll }) => this.changed("changed", this.merge(poll)));
    on("poll.shown", ({ poll }) => {
      if (poll) this.merge(poll);
      this.shown = poll ? poll.id : null;
      this.changed("shown");
    });
    on("poll.voted", ({ results, mine }) => {
      for (const [id, tally] of Object.entries(results || {})) {
        const poll = this.polls.get(id);
        if (poll && tally) Object.assign(poll, { counts: tally.counts, total: tally.total });
      }
      for (const [id, choices] of Object.entries(mine || {})) this.setMine(id, choices);
      this.changed("voted", { ids: Object.keys(results || {}) });
    });
  }

  reset(polls) {
    this.polls = new Map(polls.list.map((poll) => [poll.id, poll]));
    this.order = polls.list.map((poll) => poll.id);
    this.shown = polls.shown || null;
    this.mine = new Map();
    for (const [id, choices] of Object.entries(polls.mine || {})) this.setMine(id, choices);
    this.ready = true;
    this.changed("reset");
  }

  setMine(id, choices) {
    if (choices && choices.length) this.mine.set(id, [...choices]);
    else this.mine.delete(id);
  }

  merge(poll) {
    const known = this.polls.get(poll.id);
    const merged = { ...(known || {}), ...poll };
    if (!hasCounts(poll) && known && hasCounts(known) && known.status === poll.status) {
      merged.counts = known.counts;
      merged.total = known.total;
    }
    this.polls.set(poll.id, merged);
    if (!known) this.order.unshift(poll.id);
    return { poll: merged, was: known ? known.status : null };
  }

  get list() {
    return this.order.map((id) => this.polls.get(id)).filter(Boolean);
  }

  get openPoll() {
    return this.list.find((poll) => poll.status === "open") || null;
  }

  get closed() {
    return this.list.filter((poll) => poll.status === "closed")
      .sort((a, b) => (b.closed_at || 0) - (a.closed_at || 0));
  }

  get shownPoll() {
    return this.shown ? this.polls.get(this.shown) || null : null;
  }
}

// The results of a poll in ``list`` (an <ol>): one row per option with its text, a bar
// and its count in words. The bar is decoration (aria-hidden); the words carry the
// numbers for everyone. Rows are updated in place and a text is only written when it
// changes, so that a live region around the list reads out what changed, not all of it.
// ``chosen`` marks the viewer's own choices; once the poll is closed the most chosen
// option(s) are marked too.
export function drawResults(list, poll, { chosen = [] } = {}) {
  if (list.children.length !== poll.options.length) {
    list.replaceChildren(...poll.options.map((_, index) => resultRow(index)));
  }
  const top = Math.max(0, ...poll.counts);
  poll.options.forEach((option, index) => {
    const row = list.children[index];
    const count = poll.counts[index];
    const mine = chosen.includes(index);
    setText(row.querySelector(".poll-option-text"), pollText(option, poll));
    row.querySelector(".mark-own").hidden = !mine;
    setText(row.querySelector(".poll-count"), votesText(count));
    setText(row.querySelector(".poll-percent"), percentText(count, poll.total));
    row.querySelector(".poll-fill").style.width = `${(share(count, poll.total) * 100).toFixed(1)}%`;
    row.classList.toggle("mine", mine);
    row.classList.toggle("leads", poll.status === "closed" && top > 0 && count === top);
  });
  return list;
}

function resultRow(index) {
  return el("li", { className: "poll-result", dataset: { option: String(index) } },
    el("span", { className: "poll-option" },
      el("span", { className: "poll-option-text" }),
      " ",
      el("span", { className: "mark mark-own", text: t("Your choice"), attrs: { hidden: true } })),
    el("span", { className: "poll-figures" },
      el("span", { className: "poll-count" }),
      el("span", { className: "poll-sep", text: " · ", attrs: { "aria-hidden": "true" } }),
      el("span", { className: "poll-percent" })),
    el("span", { className: "poll-bar", attrs: { "aria-hidden": "true" } },
      el("span", { className: "poll-fill" })));
}

export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
