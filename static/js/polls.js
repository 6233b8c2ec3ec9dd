// The polls of one session as a page sees them, kept current from the room snapshot
// (`polls`) and the pushes; and the result bars that the live page, the panel and the
// stage draw alike.
//
// Staff connections are in the room and in its staff topic, so a change can arrive
// twice: once with the counts, once as attendees see it (counts null while a
// results-at-the-end poll is open). The copy that knows more wins.

import { el, votesText } from "./qa.js";
import { lang, t, tn } from "./i18n.js";

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

// Who a poll is for, in words ("" for everyone).
const AUDIENCE = {
  onsite: () => t("For the people in the room."),
  online: () => t("For the people following online."),
  delegates: () => t("For the delegates of member cities."),
  delegation: () => t("One ballot per delegation: any delegate casts it, the last one counts."),
};

export function audienceText(poll) {
  return AUDIENCE[poll.audience] ? AUDIENCE[poll.audience]() : "";
}

export function ballotsText(total) {
  return tn("{count} ballot", "{count} ballots", total);
}

// How many took part: ballots, or the people who sent words or answers.
export function totalText(poll, total = poll.total) {
  if (poll.kind === "words" || poll.kind === "text") {
    return tn("{count} person answered", "{count} people answered", total);
  }
  return ballotsText(total);
}

// Whether the viewer may see the figures (counts, words, answers) of this copy of the poll.
export function hasCounts(poll) {
  return typeof poll.total === "number";
}

// The figures a copy of a poll may carry, null while results are kept for the end.
const FIGURES = ["counts", "total", "average", "words", "entries", "delegations"];

// Whether a ballot is empty: a ballot is a list, or a delegation's {ballot, by}.
export function hasBallot(mine) {
  return Array.isArray(mine) ? mine.length > 0 : Boolean(mine);
}

// Points over the closed quizzes: one per quiz answered exactly right.
export function quizScore(polls) {
  let score = 0;
  let count = 0;
  for (const poll of polls.list) {
    if (poll.kind !== "quiz" || poll.status !== "closed" || !Array.isArray(poll.correct)) continue;
    count += 1;
    const mine = polls.mine.get(poll.id) || [];
    if (mine.length === poll.correct.length && mine.every((c) => poll.correct.includes(c))) score += 1;
  }
  return { score, count };
}

export class PollRoom extends EventTarget {
  // ``staff``: the page gets the staff copies too, which keep dismissed and waiting items.
  constructor(socket, sessionId, { staff = false } = {}) {
    super();
    this.socket = socket;
    this.id = sessionId;
    this.staff = staff;
    this.forget();
    this.listen();
  }

  forget() {
    this.polls = new Map(); // id -> poll
    this.order = []; // ids, newest first
    this.shown = null;
    this.mine = new Map(); // poll id -> my ballot (choices, [rating], order, words, answers)
    this.castBy = new Map(); // delegation poll id -> the delegate who cast its ballot
    this.me = { on_site: false, delegation: null };
    this.leaderboard = [];
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
    on("poll.changed", ({ poll, leaderboard }) => {
      if (leaderboard) this.leaderboard = leaderboard;
      this.changed("changed", this.merge(poll));
    });
    on("poll.shown", ({ poll }) => {
      if (poll) this.merge(poll);
      this.shown = poll ? poll.id : null;
      this.changed("shown");
    });
    const tallied = ({ results, mine, cast_by: castBy, cloud, answers, delegations }) => {
      for (const [id, tally] of Object.entries(results || {})) {
        const poll = this.polls.get(id);
        if (poll && tally) Object.assign(poll, tally);
      }
      for (const [id, value] of Object.entries(delegations || {})) {
        const poll = this.polls.get(id);
        if (poll) poll.delegations = value;
      }
      this.mergeItems(cloud, "words", "key");
      this.mergeItems(answers, "entries", "id");
      for (const [id, ballot] of Object.entries(mine || {})) this.setMine(id, ballot);
      for (const [id, name] of Object.entries(castBy || {})) this.castBy.set(id, name);
      this.changed("voted", { ids: Object.keys({ ...results, ...delegations }) });
    };
    on("poll.voted", tallied);
    on("poll.answered", tallied);
    on("poll.moderated", (detail) => {
      const poll = this.polls.get(detail.poll);
      if (!poll) return;
      const name = poll.kind === "words" ? "words" : "entries";
      const key = poll.kind === "words" ? "key" : "id";
      const items = detail[name] || [];
      // A staff page keeps the staff copy (with statuses), not the room's (approved only).
      if (this.staff && "removed" in detail) return;
      if (!Array.isArray(poll[name])) poll[name] = [];
      for (const item of items) upsert(poll[name], item, key);
      if (detail.removed) poll[name] = poll[name].filter((item) => !detail.removed.includes(item[key]));
      for (const [id, ballot] of Object.entries(detail.mine || {})) this.setMine(id, ballot);
      this.changed("moderated", { ids: [poll.id] });
    });
  }

  // Deltas keyed "<poll id>/<key>": each holds the item's whole new state.
  mergeItems(deltas, name, key) {
    for (const [path, item] of Object.entries(deltas || {})) {
      const poll = this.polls.get(path.slice(0, path.indexOf("/")));
      if (!poll) continue;
      if (!Array.isArray(poll[name])) poll[name] = [];
      upsert(poll[name], item, key);
    }
  }

  reset(polls) {
    this.polls = new Map(polls.list.map((poll) => [poll.id, poll]));
    this.order = polls.list.map((poll) => poll.id);
    this.shown = polls.shown || null;
    this.mine = new Map();
    for (const [id, choices] of Object.entries(polls.mine || {})) this.setMine(id, choices);
    this.castBy = new Map(Object.entries(polls.cast_by || {}));
    this.me = polls.me || { on_site: false, delegation: null };
    this.leaderboard = polls.leaderboard || [];
    this.ready = true;
    this.changed("reset");
  }

  setMine(id, ballot) {
    if (hasBallot(ballot)) this.mine.set(id, ballot);
    else {
      this.mine.delete(id);
      this.castBy.delete(id);
    }
  }

  merge(poll) {
    const known = this.polls.get(poll.id);
    // A staff page keeps its staff copy: the room's copy lacks waiting words, answers and
    // a quiz's answer. The staff copy of the same change follows it.
    if (this.staff && known && known.staff && !poll.staff) return { poll: known, was: known.status };
    const merged = { ...(known || {}), ...poll };
    if (!hasCounts(poll) && known && hasCounts(known) && known.status === poll.status) {
      for (const name of FIGURES) merged[name] = known[name];
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
// option(s) are marked too, and a quiz's ``correct`` options once revealed.
export function drawResults(list, poll, { chosen = [], correct = null } = {}) {
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
    const right = Array.isArray(correct) && correct.includes(index);
    row.querySelector(".mark-correct").hidden = !right;
    row.classList.toggle("correct", right);
    setText(row.querySelector(".poll-count"), votesText(count));
    setText(row.querySelector(".poll-percent"), percentText(count, poll.total));
    row.querySelector(".poll-fill").style.width = `${(share(count, poll.total) * 100).toFixed(1)}%`;
    row.classList.toggle("mine", mine);
    row.classList.toggle("leads", poll.status === "closed" && top > 0 && count === top
      && !Array.isArray(correct));
  });
  return list;
}

function resultRow(index) {
  return el("li", { className: "poll-result", dataset: { option: String(index) } },
    el("span", { className: "poll-option" },
      el("span", { className: "poll-option-text" }),
      " ",
      el("span", { className: "mark mark-own", text: t("Your choice"), attrs: { hidden: true } }),
      " ",
      el("span", { className: "mark mark-correct", text: t("Correct answer"), attrs: { hidden: true } })),
    el("span", { className: "poll-figures" },
      el("span", { className: "poll-count" }),
      el("span", { className: "poll-sep", text: " · ", attrs: { "aria-hidden": "true" } }),
      el("span", { className: "poll-percent" })),
    el("span", { className: "poll-bar", attrs: { "aria-hidden": "true" } },
      el("span", { className: "poll-fill" })));
}

// Put ``item`` in ``list`` in place of the one with the same ``key``, or at the start.
function upsert(list, item, key) {
  const index = list.findIndex((other) => other[key] === item[key]);
  if (index >= 0) list[index] = { ...list[index], ...item };
  else list.unshift(item);
}

export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
