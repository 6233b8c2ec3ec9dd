// A session's Q&A panel for moderators: settings, the queue, the published and
// dismissed questions, the stage, blocking, the word filter. Everything live.

import { clock, day, lang, localized, showConnection, t } from "./i18n.js";
import { QARoom, el, errorText, qaStateText, ranked, reconcile, votesText } from "./qa.js";
import { mountPollPanel } from "./polls_panel.js";
import { pollText } from "./polls.js";
import { Burst, KINDS, ReactionCounts, SYMBOLS, reactionLabel } from "./reactions.js";
import { Socket } from "./socket.js";
import { mountStreamControls } from "./stream_controls.js";

const panel = document.getElementById("qa-panel");
const sessionId = panel.dataset.session;
const socket = new Socket({ hello: { lang } });
const room = new QARoom(socket, sessionId);
const $ = (id) => document.getElementById(id);

const STATUS = {
  scheduled: "Scheduled", live: "Live", delayed: "Delayed", cancelled: "Cancelled", ended: "Ended",
};
const FILTER_FIELDS = { "*": "filter-all", fr: "filter-fr", es: "filter-es", en: "filter-en" };

let rooms = new Map();
let joined = false;
let errorTimer = null;
let uid = 0;
let blockedShown = "";

showConnection(socket, $("conn"));
mountStreamControls(socket, sessionId);

socket.addEventListener("snapshot", (event) => {
  rooms = new Map(event.detail.programme.rooms.map((r) => [r.id, r]));
});
socket.addEventListener("state", (event) => {
  if (event.detail === "connected" && !joined) {
    joined = true;
    socket.join(sessionId).catch(showError);
  }
});

// Reactions: the session's totals per kind, and a small burst as they grow.
const totals = document.getElementById("reaction-totals");
const panelBurst = new Burst(document.getElementById("panel-burst"));
const reactionCounts = new ReactionCounts(socket, sessionId);
reactionCounts.addEventListener("change", (event) => {
  panelBurst.add(event.detail);
  totals.replaceChildren(...KINDS.map((kind) => el("li", { dataset: { kind } },
    el("span", { text: SYMBOLS[kind], attrs: { "aria-hidden": "true" } }), " ",
    el("span", { className: "sr-only", text: `${reactionLabel(kind)}: ` }),
    el("span", { className: "n", text: String(reactionCounts.counts[kind]) }))));
});

room.addEventListener("change", (event) => {
  const { kind, question, was } = event.detail;
  if (kind === "asked" && question && question.status === "pending") {
    say(t("New question waiting for moderation."));
  }
  if (kind === "changed" && question && question.status === "withdrawn" && was !== "withdrawn") {
    say(t("A question was withdrawn by its author."));
  }
  if (["reset", "session", "settings"].includes(kind)) renderHead();
  if (kind === "reset") renderFilters();
  render();
});

function say(text) {
  $("m-live").textContent = text;
}

function showError(error) {
  const box = $("m-error");
  box.textContent = errorText(error);
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => { box.textContent = ""; }, 10_000);
}

async function send(type, data) {
  try {
    return await socket.call(type, data);
  } catch (error) {
    showError(error);
    return null;
  }
}

// -- the session and its settings -------------------------------------------------------------

function renderHead() {
  const session = room.session;
  if (!session) return;
  $("m-title").textContent = localized(session.title);
  const status = $("m-status");
  status.dataset.status = session.status;
  status.textContent = t(STATUS[session.status] || session.status);
  const when = $("m-when");
  when.dateTime = session.start;
  when.textContent = `${day(session.start)} · ${clock(session.start)}–${clock(session.end)}`;
  const place = rooms.get(session.room);
  $("m-room").textContent = place ? localized(place.name) : session.room;
  $("m-open").dataset.open = String(room.open);
  $("m-open-text").textContent = qaStateText(session, room.settings);
  // A change on its way to the server is shown as chosen, not as the last push said.
  const { mode, premoderation, anonymous } = { ...room.settings, ...pendingSettings };
  $("m-modes").disabled = false;
  for (const radio of document.querySelectorAll("input[name=mode]")) {
    radio.checked = radio.value === mode;
  }
  $("m-premod").disabled = false;
  $("m-premod").checked = premoderation;
  $("m-anon").disabled = false;
  $("m-anon").checked = anonymous;
}

const pendingSettings = {};

async function changeSetting(name, value) {
  pendingSettings[name] = value;
  const data = { session: sessionId, [name === "mode" ? "open" : name]: value };
  const result = await send("qa.settings", data);
  if (pendingSettings[name] === value) delete pendingSettings[name];
  if (result) room.settings = { ...room.settings, [name]: value };
  renderHead();
}

for (const radio of document.querySelectorAll("input[name=mode]")) {
  radio.addEventListener("change", () => {
    if (radio.checked) changeSetting("mode", radio.value);
  });
}
$("m-premod").addEventListener("change", (event) => changeSetting("premoderation",
                                                                   event.target.checked));
$("m-anon").addEventListener("change", (event) => changeSetting("anonymous", event.target.checked));

// -- polls (static/js/polls_panel.js) ---------------------------------------------------------

// A poll that goes on stage replaces the question shown there: ask first.
function beforeStage() {
  const question = room.highlightedQuestion;
  if (!question || polls.shown) return true;
  const text = question.text.length > 80 ? `${question.text.slice(0, 79)}…` : question.text;
  return window.confirm(t("“{text}” is on the stage display. The poll will replace it there. Go on?",
    { text }));
}
const { polls } = mountPollPanel(socket, sessionId, { send, say, beforeStage });
polls.addEventListener("change", () => renderStage());

// -- the stage ---------------------------------------------------------------------------------

// A poll on the stage hides the Q&A there, so it is what this card shows first.
function renderStage() {
  const question = room.highlightedQuestion;
  const poll = polls.shownPoll;
  const text = $("m-stage-text");
  if (poll) {
    text.replaceChildren(el("strong", { text: t("Poll:") }), " ", el("span", { text: pollText(poll.question, poll) }));
  } else if (question) {
    text.replaceChildren(el("q", { text: question.text, attrs: { lang: question.language } }),
      " ", el("span", { className: "who", text: `— ${question.author_name || t("Anonymous")}` }));
  } else {
    text.textContent = t("No question is highlighted: the stage shows the top questions.");
  }
  $("m-stage-clear").hidden = !question && !poll;
}

// Clearing takes the poll off first; the highlighted question, if any, then shows again.
$("m-stage-clear").addEventListener("click", () => (polls.shownPoll
  ? send("poll.show", { session: sessionId })
  : send("qa.highlight", { session: sessionId })));

// -- the lists ---------------------------------------------------------------------------------

function render() {
  renderStage();
  const lists = [
    ["m-queue", "queue", room.list("pending").sort((a, b) => a.asked_at - b.asked_at)],
    ["m-approved", "approved", ranked(room.list("approved"))],
    ["m-dismissed", "dismissed", room.list("dismissed").sort((a, b) => b.asked_at - a.asked_at)],
  ];
  for (const [id, name, items] of lists) {
    reconcile($(id), items, (q) => q.id, staffItem, updateStaffItem);
    $(`${name}-count`).textContent = items.length ? `(${items.length})` : "";
    $(`${name}-empty`).hidden = !room.ready || items.length > 0;
  }
  renderBlocked();
}

function button(text, action, className = "") {
  return el("button", { className: `act ${className}`.trim(), text, attrs: { type: "button" },
                        dataset: { action } });
}

function staffItem(question) {
  const id = question.id;
  const editForm = el("form", { className: "inline-form" },
    el("label", { text: t("Question text"), attrs: { for: `edit-${id}-${++uid}` } }),
    el("textarea", { attrs: { name: "text", rows: "3", maxlength: "500", required: true } }),
    el("p", { className: "original" }),
    el("button", { text: t("Save the correction"), attrs: { type: "submit" } }));
  editForm.querySelector("textarea").id = editForm.querySelector("label").htmlFor;
  editForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = editForm.elements.text.value.trim();
    if (!text) return;
    if (await send("qa.edit", { question: id, text })) editForm.closest("details").open = false;
  });
  const replyForm = el("form", { className: "inline-form" },
    el("label", { text: t("Short public reply (empty removes it)"),
                  attrs: { for: `reply-${id}-${++uid}` } }),
    el("textarea", { attrs: { name: "text", rows: "2", maxlength: "1000" } }),
    el("button", { text: t("Save the reply"), attrs: { type: "submit" } }));
  replyForm.querySelector("textarea").id = replyForm.querySelector("label").htmlFor;
  replyForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = replyForm.elements.text.value.trim();
    if (await send("qa.reply", { question: id, text })) replyForm.closest("details").open = false;
  });
  const actions = el("div", { className: "q-actions" },
    button(t("Approve"), "approve", "ok"),
    button(t("Answered"), "answer"),
    button(t("Pin"), "pin"),
    button(t("Show on stage"), "highlight", "stage"),
    button(t("Restore"), "restore", "ok"),
    button(t("Dismiss"), "dismiss", "bad"),
    button(t("Block the asker"), "block", "bad subtle"));
  actions.addEventListener("click", (event) => {
    const target = event.target.closest("button[data-action]");
    if (target) act(target.dataset.action, id);
  });
  return el("li", { className: "q staff" },
    el("div", { className: "q-body" },
      el("p", { className: "q-marks" }),
      el("p", { className: "q-text" }),
      el("p", { className: "q-original" }),
      el("p", { className: "q-meta" }),
      el("p", { className: "q-reply" })),
    actions,
    el("div", { className: "q-forms" },
      el("details", { className: "edit" }, el("summary", { text: t("Edit") }), editForm),
      el("details", { className: "reply" }, el("summary", { text: t("Reply") }), replyForm)));
}

function mark(text, kind) {
  return el("span", { className: `mark mark-${kind}`, text });
}

function updateStaffItem(li, q) {
  const highlighted = room.highlighted === q.id;
  const blocked = room.blocked.has(q.author);
  li.dataset.status = q.status;
  li.classList.toggle("on-stage", highlighted);
  const marks = [];
  if (highlighted) marks.push(mark(t("On stage now"), "stage"));
  if (q.filtered && q.status === "pending") marks.push(mark(t("Held by the word filter"), "filtered"));
  if (q.pinned) marks.push(mark(t("Pinned"), "pinned"));
  if (q.answered) marks.push(mark(t("Answered"), "answered"));
  if (blocked) marks.push(mark(t("Asker blocked"), "blocked"));
  const markLine = li.querySelector(".q-marks");
  markLine.replaceChildren(...marks);
  markLine.hidden = !marks.length;
  const text = li.querySelector(".q-text");
  text.textContent = q.text;
  text.lang = q.language;
  const original = li.querySelector(".q-original");
  original.hidden = !q.original;
  if (q.original) {
    original.replaceChildren(el("strong", { text: t("Original:") }), " ",
      el("span", { text: q.original, attrs: { lang: q.language } }));
  }
  li.querySelector(".q-meta").replaceChildren(
    el("span", { className: "who", text: q.author_name || t("Anonymous") }), " · ",
    el("time", { text: clock(q.asked_at * 1000) }), " · ",
    el("span", { className: "lang", text: q.language.toUpperCase() }), " · ",
    el("span", { className: "votes", text: votesText(q.votes) }));
  const reply = li.querySelector(".q-reply");
  reply.hidden = !q.reply;
  if (q.reply) reply.replaceChildren(el("strong", { text: t("Reply:") }), " ", el("span", { text: q.reply }));

  const show = (action, visible) => { li.querySelector(`[data-action=${action}]`).hidden = !visible; };
  const approved = q.status === "approved";
  show("approve", q.status === "pending");
  show("answer", approved);
  show("pin", approved);
  show("highlight", approved);
  show("restore", q.status === "dismissed");
  show("dismiss", q.status !== "dismissed");
  show("block", Boolean(q.author));
  li.querySelector("[data-action=answer]").setAttribute("aria-pressed", String(q.answered));
  li.querySelector("[data-action=pin]").setAttribute("aria-pressed", String(q.pinned));
  const stage = li.querySelector("[data-action=highlight]");
  stage.textContent = highlighted ? t("Remove from stage") : t("Show on stage");
  stage.classList.toggle("active", highlighted);
  li.querySelector("[data-action=block]").textContent = blocked ? t("Unblock the asker")
    : t("Block the asker");

  // Forms: prefilled unless someone is typing in them.
  const edit = li.querySelector("details.edit");
  edit.hidden = q.status === "dismissed";
  if (!edit.open) edit.querySelector("textarea").value = q.text;
  const editOriginal = edit.querySelector(".original");
  editOriginal.textContent = q.original ? t("The asker wrote: {text}", { text: q.original }) : "";
  editOriginal.hidden = !q.original;
  const replyBox = li.querySelector("details.reply");
  replyBox.hidden = !approved;
  if (!replyBox.open) replyBox.querySelector("textarea").value = q.reply || "";
}

async function act(action, id) {
  const q = room.questions.get(id);
  if (!q) return;
  switch (action) {
    case "approve": return send("qa.approve", { question: id });
    case "dismiss": return send("qa.dismiss", { question: id });
    case "restore": return send("qa.restore", { question: id });
    case "answer": return send("qa.answer", { question: id, answered: !q.answered });
    case "pin": return send("qa.pin", { question: id, pinned: !q.pinned });
    case "highlight":
      return room.highlighted === id ? send("qa.highlight", { session: sessionId })
        : send("qa.highlight", { session: sessionId, question: id });
    case "block": {
      const blocked = room.blocked.has(q.author);
      const name = q.author_name || t("Anonymous");
      if (!blocked && !window.confirm(t("Block {name} from asking questions in this event?", { name }))) {
        return null;
      }
      return send("qa.block", { principal: q.author, blocked: !blocked });
    }
    default: return null;
  }
}

// When a question moves to another list, the focus goes to the next one, else the heading.
for (const [list, heading] of [["m-queue", "queue-title"], ["m-approved", "approved-title"],
                               ["m-dismissed", "dismissed-title"]]) {
  $(list).addEventListener("focuslost", () => $(heading).focus());
}

// -- blocked attendees -------------------------------------------------------------------------

function renderBlocked() {
  const names = new Map();
  for (const q of room.questions.values()) {
    if (q.author && q.author_name) names.set(q.author, q.author_name);
  }
  const blocked = [...room.blocked].sort();
  const signature = JSON.stringify(blocked.map((principal) => [principal, names.get(principal)]));
  if (signature === blockedShown) return; // unchanged: keep the focus where it is
  blockedShown = signature;
  const items = blocked.map((principal) => {
    const unblock = button(t("Unblock"), "unblock", "secondary");
    unblock.addEventListener("click", () => send("qa.block", { principal, blocked: false }));
    return el("li", {}, el("span", { text: names.get(principal) || principal }), " ", unblock);
  });
  if (!items.length) items.push(el("li", { className: "empty", text: t("Nobody is blocked.") }));
  $("m-blocked").replaceChildren(...items);
}

// -- word filter -------------------------------------------------------------------------------

function renderFilters() {
  for (const [language, id] of Object.entries(FILTER_FIELDS)) {
    $(id).value = (room.filters[language] || []).join(", ");
  }
}

$("m-filters").addEventListener("submit", async (event) => {
  event.preventDefault();
  const status = $("m-filter-status");
  status.textContent = "";
  let saved = 0;
  for (const [language, id] of Object.entries(FILTER_FIELDS)) {
    const words = $(id).value;
    const current = (room.filters[language] || []).join(", ");
    if (words.trim() === current) continue;
    const result = await send("qa.filter", { language, words });
    if (!result) return;
    room.filters[language] = result.words;
    $(id).value = result.words.join(", ");
    saved += 1;
  }
  status.textContent = saved ? t("Filter saved.") : t("Nothing to save.");
});

render();
socket.connect();
